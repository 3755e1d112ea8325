// Every name occurrence of a compiled script, linked to what it means: the base of definition, references and rename.
package dev.vp.lsp;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.Node;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.ast.TypeRef;
import dev.vp.compiler.check.BuiltinFunction;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.check.Sym;
import dev.vp.compiler.check.Type;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Occurrences of names in all scripts of a compilation (preloads included, so a preload's function is found).
 * Two occurrences mean the same thing when their keys are equal: the checker's symbol object for variables,
 * functions, aggregates and bags (identity), a {@link FieldKey} for struct fields, and a tagged string for
 * built-ins, guest symbols, enum constants and type names.
 */
final class SymbolIndex {
    /** A name as written. sym is the checker's symbol when there is one; declaration: this is where it is declared. */
    record Occurrence(Span span, Object key, String name, Kind kind, boolean declaration, Sym sym, Type.Field field) {}

    enum Kind { GLOBAL, LOCAL, PARAMETER, FUNCTION, AGGREGATE, BAG, FIELD, ENUM_CONSTANT, BUILTIN_VARIABLE, BUILTIN_FUNCTION, GUEST_SYMBOL, TYPE }

    /** A field of one struct type (struct types are compared by identity). */
    record FieldKey(Type.Struct struct, String field) {}

    final List<Occurrence> occurrences;
    final Map<String, Type.Struct> structs;

    private SymbolIndex(List<Occurrence> occurrences, Map<String, Type.Struct> structs) {
        this.occurrences = List.copyOf(occurrences);
        this.structs = structs;
    }

    static SymbolIndex build(Snapshot s) {
        Checked c = s.checked();
        if (c == null) return new SymbolIndex(List.of(), Map.of());
        Map<String, Type.Struct> structs = structs(c);
        List<Occurrence> out = new ArrayList<>();
        for (Script script : s.compilation.scripts()) {
            List<TypeRef.Struct> openStructs = new ArrayList<>();
            for (Node n : AstNodes.of(script)) {
                switch (n) {
                    case Expr.Name e -> {
                        Sym sym = c.refs.get(e);
                        if (sym != null) out.add(symbol(e.span(), sym, false));
                    }
                    case Expr.Call e -> {
                        Sym sym = c.refs.get(e);
                        BuiltinFunction b = c.builtinCalls.get(e);
                        if (sym != null) out.add(symbol(e.nameSpan(), sym, false));
                        else if (b != null || BuiltinFunction.byName(e.name()) != null)
                            out.add(new Occurrence(e.nameSpan(), "builtin-function:" + e.name(), e.name(), Kind.BUILTIN_FUNCTION, false, null, null));
                    }
                    case Expr.Member e -> {
                        Type.Struct st = structOf(c.type(e.base()));
                        if (st != null && e.fieldSpan() != null)
                            out.add(new Occurrence(e.fieldSpan(), new FieldKey(st, e.field()), e.field(), Kind.FIELD, false, null, c.fields.get(e)));
                    }
                    case Decl.Var v -> {
                        Sym.Local l = c.locals.get(v);
                        Sym.Global g = c.globals.get(v.name());
                        if (l != null) out.add(symbol(v.nameSpan(), l, true));
                        else if (g != null && g.decl == v) out.add(symbol(v.nameSpan(), g, true));
                    }
                    case Decl.Param p -> {
                        Sym.Local l = c.params.get(p);
                        if (l != null && p.nameSpan() != null) out.add(new Occurrence(p.nameSpan(), l, l.name, Kind.PARAMETER, true, l, null));
                    }
                    case Decl.Function f -> {
                        Sym.Function fn = c.functions.get(f.name());
                        if (fn != null) out.add(symbol(f.nameSpan(), fn, true));
                    }
                    case Decl.Aggr a -> {
                        Sym.Aggr sym = c.aggrs.get(a.name());
                        if (sym != null) out.add(symbol(a.nameSpan(), sym, true));
                    }
                    case Decl.Bag b -> {
                        Sym.Bag sym = c.bags.get(b.name());
                        if (sym != null) out.add(symbol(b.nameSpan(), sym, true));
                    }
                    case Decl.Typedef t -> out.add(new Occurrence(t.nameSpan(), "type:" + t.name(), t.name(), Kind.TYPE, true, null, null));
                    case TypeRef.Named t -> out.add(new Occurrence(t.span(), "type:" + t.name(), t.name(), Kind.TYPE, false, null, null));
                    case TypeRef.Struct t -> { if (t.fields() != null) openStructs.add(t); }
                    case TypeRef.Field f -> {
                        Type.Struct st = owner(f, openStructs, structs);
                        if (st != null && f.nameSpan() != null)
                            out.add(new Occurrence(f.nameSpan(), new FieldKey(st, f.name()), f.name(), Kind.FIELD, true, null, st.field(f.name())));
                    }
                    case TypeRef.Enumerator e -> out.add(new Occurrence(nameSpan(e), "enum:" + e.name(), e.name(), Kind.ENUM_CONSTANT, true, null, null));
                    default -> { }
                }
            }
        }
        // An implicitly declared global is declared by its first use.
        List<Occurrence> marked = new ArrayList<>(out.size());
        for (Occurrence o : out) {
            boolean implicitDecl = o.sym instanceof Sym.Global g && g.decl == null && g.span != null && g.span.equals(o.span);
            marked.add(implicitDecl ? new Occurrence(o.span, o.key, o.name, o.kind, true, o.sym, o.field) : o);
        }
        marked.sort((a, b) -> Integer.compare(a.span.start(), b.span.start()));
        return new SymbolIndex(marked, structs);
    }

    /** The occurrence under an offset of a file (the end of a name counts: the cursor often sits just after it). */
    Occurrence at(SourceFile file, int offset) {
        Occurrence best = null;
        for (Occurrence o : occurrences) {
            if (o.span.file() != file) continue;
            if (o.span.start() <= offset && offset <= o.span.end()) {
                if (best == null || o.span.start() >= best.span.start()) best = o;
            }
        }
        return best;
    }

    List<Occurrence> sameAs(Occurrence o) {
        return occurrences.stream().filter(x -> x.key.equals(o.key)).toList();
    }

    /** Where a name is declared: its declaring occurrence, else the symbol's own span. Null for built-ins. */
    Span declaration(Occurrence o) {
        if (o.sym instanceof Sym.Function f && f.definition != null && f.definition.nameSpan() != null) return f.definition.nameSpan();
        for (Occurrence x : occurrences) if (x.declaration && x.key.equals(o.key)) return x.span;
        return switch (o.sym) {
            case Sym.Global g -> g.span;
            case Sym.Local l -> l.span;
            case Sym.Function f -> f.span;
            case Sym.Aggr a -> a.span;
            case Sym.Bag b -> b.span;
            case Sym.EnumConst e -> e.span();
            case null, default -> null;
        };
    }

    static Type.Struct structOf(Type t) {
        return switch (t) {
            case Type.Pointer p when p.target() instanceof Type.Struct s -> s;
            case Type.Struct s -> s;
            case Type.Array a when a.element() instanceof Type.Struct s -> s;
            case null, default -> null;
        };
    }

    private static Occurrence symbol(Span span, Sym sym, boolean declaration) {
        return switch (sym) {
            case Sym.Global g -> new Occurrence(span, g, g.name, Kind.GLOBAL, declaration, g, null);
            case Sym.Local l -> new Occurrence(span, l, l.name, l.argIndex >= 0 ? Kind.PARAMETER : Kind.LOCAL, declaration, l, null);
            case Sym.Function f -> new Occurrence(span, f, f.name, Kind.FUNCTION, declaration, f, null);
            case Sym.Aggr a -> new Occurrence(span, a, a.name, Kind.AGGREGATE, declaration, a, null);
            case Sym.Bag b -> new Occurrence(span, b, b.name, Kind.BAG, declaration, b, null);
            case Sym.EnumConst e -> new Occurrence(span, "enum:" + e.name(), e.name(), Kind.ENUM_CONSTANT, declaration, e, null);
            case Sym.BuiltinVar b -> new Occurrence(span, "builtin:" + b.name(), b.name(), Kind.BUILTIN_VARIABLE, false, b, null);
            case Sym.GuestSymbol g -> new Occurrence(span, "guest:" + g.name(), g.name(), Kind.GUEST_SYMBOL, false, g, null);
        };
    }

    /** An enumerator's span starts with its name. */
    private static Span nameSpan(TypeRef.Enumerator e) {
        Span s = e.span();
        return new Span(s.file(), s.start(), Math.min(s.end(), s.start() + e.name().length()));
    }

    private static Type.Struct owner(TypeRef.Field f, List<TypeRef.Struct> open, Map<String, Type.Struct> structs) {
        for (int i = open.size() - 1; i >= 0; i--) {
            TypeRef.Struct s = open.get(i);
            if (s.fields().contains(f)) return s.tag() == null ? null : structs.get(s.tag());
        }
        return null;
    }

    /** Every named struct type the checker resolved, by tag (reached from the types of names and expressions). */
    static Map<String, Type.Struct> structs(Checked c) {
        Map<String, Type.Struct> out = new HashMap<>();
        Set<Type> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Type> roots = new ArrayList<>(c.types.values());
        c.globals.values().forEach(g -> roots.add(g.type));
        c.locals.values().forEach(l -> roots.add(l.type));
        c.params.values().forEach(l -> roots.add(l.type));
        for (Sym.Function f : c.functions.values()) { roots.add(f.returns); roots.addAll(f.params); }
        c.fields.values().forEach(f -> roots.add(f.type()));
        for (Type t : roots) collect(t, out, seen);
        return out;
    }

    private static void collect(Type t, Map<String, Type.Struct> out, Set<Type> seen) {
        if (t == null || !seen.add(t)) return;
        switch (t) {
            case Type.Pointer p -> collect(p.target(), out, seen);
            case Type.Array a -> collect(a.element(), out, seen);
            case Type.Struct s -> {
                if (s.tag != null) out.putIfAbsent(s.tag, s);
                for (Type.Field f : s.fields) collect(f.type(), out, seen);
            }
            default -> { }
        }
    }
}
