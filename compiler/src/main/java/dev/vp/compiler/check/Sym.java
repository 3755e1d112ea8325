package dev.vp.compiler.check;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.source.Span;
import java.util.List;

/** What a name refers to after checking. */
public sealed interface Sym {
    String name();

    /** A script global. implicit: declared by assignment; its type is fixed by the first assignment. */
    final class Global implements Sym {
        public final String name;
        public Type type;
        public final boolean perVcpu;
        public final Span span;
        public final boolean implicit;
        public final Decl.Var decl;
        public int index = -1;

        public Global(String name, Type type, boolean perVcpu, Span span, boolean implicit, Decl.Var decl) {
            this.name = name; this.type = type; this.perVcpu = perVcpu; this.span = span; this.implicit = implicit; this.decl = decl;
        }
        public String name() { return name; }
    }

    /** A block-local variable or a parameter of a function or probe. argIndex >= 0 for probe parameters. */
    final class Local implements Sym {
        public final String name;
        public final Type type;
        public final Span span;
        public final int argIndex;

        public Local(String name, Type type, Span span, int argIndex) {
            this.name = name; this.type = type; this.span = span; this.argIndex = argIndex;
        }
        public String name() { return name; }
    }

    final class Function implements Sym {
        public final String name;
        public final Type returns;
        public final List<Type> params;
        public final List<String> paramNames;
        public Decl.Function definition;
        public final Span span;
        public int index = -1;

        public Function(String name, Type returns, List<Type> params, List<String> paramNames, Span span) {
            this.name = name; this.returns = returns; this.params = params; this.paramNames = paramNames; this.span = span;
        }
        public String name() { return name; }
    }

    final class Aggr implements Sym {
        public final String name;
        public int intKeys, strKeys;
        public final int capacity;
        public final Span span;
        public final boolean declared;
        public int index = -1;

        public Aggr(String name, int intKeys, int strKeys, int capacity, Span span, boolean declared) {
            this.name = name; this.intKeys = intKeys; this.strKeys = strKeys; this.capacity = capacity; this.span = span; this.declared = declared;
        }
        public String name() { return name; }
    }

    final class Bag implements Sym {
        public final String name;
        public final int capacity;
        public final Span span;
        public int index = -1;

        public Bag(String name, int capacity, Span span) { this.name = name; this.capacity = capacity; this.span = span; }
        public String name() { return name; }
    }

    record EnumConst(String name, long value, Span span) implements Sym {}

    record BuiltinVar(String name, Builtin builtin) implements Sym {}

    /** A guest symbol used as `&name`: its address. */
    record GuestSymbol(String name, long address) implements Sym {}
}
