// textDocument/documentSymbol: the outline of a script's own file (clauses, functions, globals, types).
package dev.vp.lsp;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.TypeRef;
import dev.vp.compiler.source.Span;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.SymbolKind;

final class DocumentSymbolHandler {
    private DocumentSymbolHandler() {}

    static List<DocumentSymbol> symbols(Snapshot s) {
        List<DocumentSymbol> out = new ArrayList<>();
        if (s.compilation == null || s.compilation.script() == null) return out;
        for (Decl d : s.compilation.script().items()) {
            if (d.span().file() != s.main) continue;
            switch (d) {
                case Decl.Probe p -> out.add(symbol(p.spec().text(), SymbolKind.Event, p.span(), p.spec().span(), "probe"));
                case Decl.Function f -> out.add(symbol(f.name(), SymbolKind.Function, f.span(), f.nameSpan(), f.body() == null ? "prototype" : "function"));
                case Decl.Var v -> out.add(symbol(v.name(), SymbolKind.Variable, v.span(), v.nameSpan(), v.type().span().text()));
                case Decl.Aggr a -> out.add(symbol(a.name(), SymbolKind.Array, a.span(), a.nameSpan(), "aggr"));
                case Decl.Bag b -> out.add(symbol(b.name(), SymbolKind.Array, b.span(), b.nameSpan(), "bag"));
                case Decl.Typedef t -> out.add(symbol(t.name(), SymbolKind.TypeParameter, t.span(), t.nameSpan(), "typedef"));
                case Decl.TypeDef t when t.type() instanceof TypeRef.Struct st && st.tag() != null -> {
                    DocumentSymbol sym = symbol((st.union() ? "union " : "struct ") + st.tag(), SymbolKind.Struct, t.span(), st.span(), null);
                    List<DocumentSymbol> fields = new ArrayList<>();
                    if (st.fields() != null) for (TypeRef.Field f : st.fields())
                        if (f.nameSpan() != null && f.name() != null) fields.add(symbol(f.name(), SymbolKind.Field, f.span(), f.nameSpan(), f.type().span().text()));
                    sym.setChildren(fields);
                    out.add(sym);
                }
                case Decl.TypeDef t when t.type() instanceof TypeRef.Enum en && en.tag() != null -> out.add(symbol("enum " + en.tag(), SymbolKind.Enum, t.span(), en.span(), null));
                default -> { }
            }
        }
        return out;
    }

    private static DocumentSymbol symbol(String name, SymbolKind kind, Span all, Span selection, String detail) {
        Span sel = selection == null || selection.start() < all.start() || selection.end() > all.end() ? all : selection;
        DocumentSymbol d = new DocumentSymbol(name == null || name.isEmpty() ? "<unnamed>" : name, kind, Lsp.range(all), Lsp.range(sel));
        d.setDetail(detail);
        return d;
    }
}
