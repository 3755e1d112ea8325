// textDocument/hover: types, struct layouts with offsets, built-in docs and probe arguments.
package dev.vp.lsp;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.Node;
import dev.vp.compiler.ast.TypeRef;
import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.check.BuiltinFunction;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.check.Sym;
import dev.vp.compiler.check.Type;
import dev.vp.compiler.source.Span;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;

/** Reads a snapshot of the current text; null (no hover) where nothing is known. */
final class HoverHandler {
    private HoverHandler() {}

    static Hover hover(Snapshot s, int offset) {
        Checked c = s.checked();
        if (c == null) return null;
        for (Checked.ProbeInfo p : c.probes) {
            Span spec = p.decl().spec().span();
            if (spec.file() == s.main && spec.start() <= offset && offset <= spec.end()) return hover(probe(s, p), spec);
        }
        SymbolIndex.Occurrence o = s.index().at(s.main, offset);
        if (o != null) {
            String text = occurrence(s, o);
            if (text != null) return hover(text, o.span());
        }
        Node best = null;
        for (Node n : AstNodes.of(s.compilation.script())) {
            Span sp = n.span();
            if (sp == null || sp.file() != s.main || sp.start() > offset || offset > sp.end()) continue;
            if ((n instanceof Expr e && c.types.containsKey(n) && !(c.type(e) instanceof Type.Error) || n instanceof TypeRef.Struct)
                    && (best == null || sp.end() - sp.start() <= best.span().end() - best.span().start())) best = n;
        }
        return switch (best) {
            case TypeRef.Struct st when st.tag() != null && s.index().structs.get(st.tag()) != null -> hover(layout(s.index().structs.get(st.tag())), st.span());
            case Expr e -> hover(code(c.type(e).toString()) + "\nexpression type" + layoutOf(c.type(e)), e.span());
            case null, default -> null;
        };
    }

    private static Hover hover(String markdown, Span span) {
        return new Hover(new MarkupContent(MarkupKind.MARKDOWN, markdown), Lsp.range(span));
    }

    private static String occurrence(Snapshot s, SymbolIndex.Occurrence o) {
        return switch (o.kind()) {
            case GLOBAL -> {
                Sym.Global g = (Sym.Global) o.sym();
                yield code(g.type + " " + g.name) + "\nglobal variable, " + (g.perVcpu ? "one per vCPU" : "shared by the VM")
                        + (g.implicit ? "; declared by its first assignment" : "") + layoutOf(g.type);
            }
            case LOCAL, PARAMETER -> {
                Sym.Local l = (Sym.Local) o.sym();
                String what = l.argIndex >= 0 ? "probe parameter (ARG" + l.argIndex + ")" : o.kind() == SymbolIndex.Kind.PARAMETER ? "parameter" : "local variable";
                yield code(l.type + " " + l.name) + "\n" + what + layoutOf(l.type);
            }
            case FUNCTION -> code(signature((Sym.Function) o.sym())) + "\nfunction";
            case AGGREGATE -> {
                Sym.Aggr a = (Sym.Aggr) o.sym();
                yield code("aggr " + a.name + "[" + a.intKeys + "][" + a.strKeys + "]") + "\naggregate: " + a.intKeys + " integer and "
                        + a.strKeys + " string keys" + (a.capacity > 0 ? ", " + a.capacity + " entries per vCPU" : "") + (a.declared ? "" : "; declared by its first use");
            }
            case BAG -> code("bag " + o.name() + "[" + ((Sym.Bag) o.sym()).capacity + "]") + "\nbag of integer pairs";
            case FIELD -> {
                SymbolIndex.FieldKey k = (SymbolIndex.FieldKey) o.key();
                Type.Field f = k.struct().field(k.field());
                yield f == null ? null : code(f.type() + " " + f.name()) + "\nfield of " + k.struct() + " at offset " + f.offset()
                        + " (0x" + Long.toHexString(f.offset()) + "), " + f.type().size() + " bytes\n\n" + layout(k.struct());
            }
            case ENUM_CONSTANT -> o.sym() instanceof Sym.EnumConst e ? code(e.name() + " = " + e.value()) + "\nenum constant" : code(o.name()) + "\nenum constant";
            case BUILTIN_VARIABLE -> builtinVariable(s, o.name());
            case BUILTIN_FUNCTION -> {
                BuiltinFunction f = BuiltinFunction.byName(o.name());
                yield f == null ? null : code(f.signature) + "\n" + f.doc;
            }
            case GUEST_SYMBOL -> code("&" + o.name()) + "\nguest symbol at 0x" + Long.toHexString(((Sym.GuestSymbol) o.sym()).address());
            case TYPE -> typedef(s, o.name());
        };
    }

    static String builtinVariable(Snapshot s, String name) {
        TargetCatalog catalog = catalog(s);
        TargetCatalog.BuiltinVariable v = catalog.builtin(name);
        if (v == null) return code(name) + "\nbuilt-in variable (not provided by the target \"" + catalog.name() + "\")";
        return code(v.type() + " " + v.name()) + "\n" + v.description() + "\n\nReadable in " + v.domains() + " (" + v.readable().spelling() + ")";
    }

    static TargetCatalog catalog(Snapshot s) {
        return s.options != null && s.options.target() instanceof CatalogTarget ct ? ct.catalog() : TargetCatalog.defaultCatalog();
    }

    private static String probe(Snapshot s, Checked.ProbeInfo p) {
        StringBuilder b = new StringBuilder(code(p.spec())).append("\nprobe clause, ").append(p.domain()).append(" domain");
        TargetCatalog.Probe point = p.point() == null ? null : catalog(s).probe(p.point());
        if (point != null) {
            b.append("\n\n").append(point.description());
            for (int i = 0; i < point.arguments().size(); i++)
                b.append("\n- `ARG").append(i).append("` ").append(point.arguments().get(i).name()).append(": ").append(point.arguments().get(i).meaning());
            if (point.exitProbe()) b.append("\n\nVMCS_EXIT_* and EXIT_REASON are readable here.");
        }
        if (p.symbol() != null) b.append("\n\nguest symbol `").append(p.symbol()).append("`").append(p.address() != 0 ? " at 0x" + Long.toHexString(p.address()) : "");
        if (p.periodNs() > 0) b.append("\n\nperiod ").append(p.periodNs()).append(" ns");
        for (ProbeFigures f : ProbeFigures.of(s)) if (f.span().equals(p.decl().spec().span())) b.append("\n\n").append(f.label());
        return b.toString();
    }

    private static String typedef(Snapshot s, String name) {
        for (Node n : AstNodes.of(s.compilation.script())) {
            if (n instanceof Decl.Typedef t && t.name().equals(name)) {
                TypeRef target = t.type();
                while (target instanceof TypeRef.Pointer p) target = p.target();
                String layout = target instanceof TypeRef.Struct st && st.tag() != null && s.index().structs.get(st.tag()) != null
                        ? "\n\n" + layout(s.index().structs.get(st.tag())) : "";
                return code("typedef " + t.type().span().text() + " " + name) + layout;
            }
        }
        return code(name) + "\ntype";
    }

    private static String layoutOf(Type t) {
        Type.Struct st = SymbolIndex.structOf(t);
        return st == null || st.fields.isEmpty() ? "" : "\n\n" + layout(st);
    }

    /** A struct's fields with offsets and sizes, as a C-like block. */
    static String layout(Type.Struct st) {
        List<String> lines = new ArrayList<>();
        lines.add(st + " {  // " + st.size + " bytes, aligned to " + st.alignment);
        for (Type.Field f : st.fields)
            lines.add(String.format(java.util.Locale.ROOT, "    /* 0x%04x %4d */ %s %s;", f.offset(), f.type().size(), f.type(), f.name()));
        lines.add("};");
        return code(String.join("\n", lines));
    }

    static String signature(Sym.Function f) {
        List<String> ps = new ArrayList<>();
        for (int i = 0; i < f.params.size(); i++) ps.add(f.params.get(i) + (i < f.paramNames.size() && f.paramNames.get(i) != null ? " " + f.paramNames.get(i) : ""));
        return f.returns + " " + f.name + "(" + String.join(", ", ps) + ")";
    }

    static String code(String s) { return "```emmett\n" + s + "\n```"; }
}
