package dev.vp.compiler.ast;

import dev.vp.compiler.source.Span;
import java.util.List;

/** A type as written in the source (before the checker resolves names and computes layouts). */
public sealed interface TypeRef extends Node {

    /** The integer spellings (normalised: "unsigned long long", "int32", "char"), plus string and void. */
    record Primitive(Span span, Prim kind) implements TypeRef {}

    /** A typedef name. */
    record Named(Span span, String name) implements TypeRef {}

    record Pointer(Span span, TypeRef target) implements TypeRef {}

    /** `T name[N]`; length is a constant expression. */
    record Array(Span span, TypeRef element, Expr length) implements TypeRef {}

    /** `struct tag { fields }` or a reference `struct tag` (fields == null). */
    record Struct(Span span, boolean union, String tag, List<Field> fields) implements TypeRef {}

    /** `enum tag { A, B = 3 }` or a reference `enum tag` (values == null). */
    record Enum(Span span, String tag, List<Enumerator> values) implements TypeRef {}

    /** A struct/union member; pinnedOffset is the `@0x10` or `name@0x10` offset, or null. */
    record Field(Span span, TypeRef type, String name, Span nameSpan, Expr pinnedOffset) implements Node {}

    record Enumerator(Span span, String name, Expr value) implements Node {}

    /** Built-in scalar types. Widths depend on the memory model (LANGUAGE.md section 4). */
    enum Prim {
        VOID, STRING,
        CHAR, SCHAR, UCHAR, SHORT, USHORT, INT, UINT, LONG, ULONG, LONGLONG, ULONGLONG,
        INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64;

        public boolean isSigned() {
            return switch (this) {
                case CHAR, SCHAR, SHORT, INT, LONG, LONGLONG, INT8, INT16, INT32, INT64 -> true;
                default -> false;
            };
        }

        public boolean isInteger() { return this != VOID && this != STRING; }
    }
}
