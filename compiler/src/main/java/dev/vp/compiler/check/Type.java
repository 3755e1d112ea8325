package dev.vp.compiler.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Semantic types. Every value in a probe is a 64-bit integer or a string; the C types describe guest memory
 * (widths, signedness, layout) so that reads through pointers load the right bytes.
 */
public sealed interface Type {
    /** Bytes this type occupies in guest memory (0 for string/void/containers). */
    long size();

    default long align() { return Math.max(1, Math.min(size(), 8)); }

    default boolean isInteger() { return this instanceof Int || this instanceof Pointer; }

    default boolean isScalar() { return isInteger() || this instanceof Str; }

    /** An integer of a given guest width; the value in a register is always 64-bit. */
    record Int(String name, int bytes, boolean signed) implements Type {
        public long size() { return bytes; }
        @Override public String toString() { return name; }
    }

    /** A guest pointer in a memory model (reads go through that model's address space). */
    record Pointer(Type target, MemModel model) implements Type {
        public long size() { return model.pointerBytes; }
        @Override public String toString() { return target + " *"; }
    }

    record Array(Type element, long length) implements Type {
        public long size() { return element.size() * length; }
        @Override public long align() { return element.align(); }
        @Override public String toString() { return element + "[" + length + "]"; }
    }

    /** A struct or union; fields are filled in when its definition is seen (forward references allowed). */
    final class Struct implements Type {
        public final String tag;
        public final boolean union;
        public final List<Field> fields = new ArrayList<>();
        public long size;
        public long alignment = 1;
        public boolean complete;

        public Struct(String tag, boolean union) { this.tag = tag; this.union = union; }

        public long size() { return size; }
        @Override public long align() { return alignment; }

        public Field field(String name) {
            for (Field f : fields) if (f.name().equals(name)) return f;
            return null;
        }

        @Override public String toString() { return (union ? "union " : "struct ") + (tag == null ? "<anonymous>" : tag); }
    }

    record Field(String name, Type type, long offset) {}

    record Str() implements Type {
        public long size() { return 0; }
        @Override public String toString() { return "string"; }
    }

    record Void() implements Type {
        public long size() { return 0; }
        @Override public String toString() { return "void"; }
    }

    /** Stands for a type that already produced a diagnostic: no further errors about it. */
    record Error() implements Type {
        public long size() { return 8; }
        @Override public String toString() { return "<error>"; }
    }

    Str STRING = new Str();
    Void VOID = new Void();
    Error ERROR = new Error();
    Int U64 = new Int("uint64", 8, false);
    Int I64 = new Int("int64", 8, true);

    /** The memory models of LANGUAGE.md section 4. */
    enum MemModel {
        GUEST64(4, 8, 8, false), GUEST32(4, 4, 4, false), GUEST16(2, 4, 2, false), GUESTPHYS(8, 8, 8, true);

        public final int intBytes, longBytes, pointerBytes;
        public final boolean physical;

        MemModel(int intBytes, int longBytes, int pointerBytes, boolean physical) {
            this.intBytes = intBytes; this.longBytes = longBytes; this.pointerBytes = pointerBytes; this.physical = physical;
        }

        public String spelling() { return name().toLowerCase(java.util.Locale.ROOT); }
    }
}
