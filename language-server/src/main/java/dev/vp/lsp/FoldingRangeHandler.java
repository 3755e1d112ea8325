// textDocument/foldingRange: clause, function and block bodies, struct definitions and multi-line comments.
package dev.vp.lsp;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Node;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.ast.TypeRef;
import dev.vp.compiler.format.SourceTokens;
import dev.vp.compiler.source.SourceFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.FoldingRange;
import org.eclipse.lsp4j.FoldingRangeKind;

/** Comments come from the snapshot's text, blocks from its AST; one range per start line. */
final class FoldingRangeHandler {
    private FoldingRangeHandler() {}

    static List<FoldingRange> ranges(Snapshot s, boolean vp) {
        SourceFile f = s.main;
        Map<Integer, FoldingRange> byStart = new LinkedHashMap<>();
        for (SourceTokens.Token t : SourceTokens.scan(f.text(), vp)) {
            if (t.kind() != SourceTokens.Kind.COMMENT) continue;
            int a = f.line(t.start()) - 1, b = f.line(t.end()) - 1;
            if (b > a) {
                FoldingRange r = new FoldingRange(a, b);
                r.setKind(FoldingRangeKind.Comment);
                byStart.putIfAbsent(a, r);
            }
        }
        if (s.compilation != null && s.compilation.script() != null) {
            for (Node n : AstNodes.of(s.compilation.script())) {
                boolean folds = n instanceof Decl.Probe || n instanceof Decl.Function || n instanceof Stmt.Block
                        || n instanceof TypeRef.Struct st && st.fields() != null || n instanceof TypeRef.Enum en && en.values() != null;
                if (!folds || n.span() == null || n.span().file() != f) continue;
                int a = f.line(n.span().start()) - 1, b = f.line(n.span().end()) - 1;
                if (b > a) byStart.putIfAbsent(a, new FoldingRange(a, b));
            }
        }
        return new ArrayList<>(byStart.values());
    }
}
