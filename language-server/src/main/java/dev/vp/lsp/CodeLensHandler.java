// textDocument/codeLens: above each probe clause, the data it uses, its stack, and its code size or "pending".
package dev.vp.lsp;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.Command;

/** Figures exist once the script lowers (no errors); until then there are no lenses rather than stale ones. */
final class CodeLensHandler {
    private CodeLensHandler() {}

    static List<CodeLens> lenses(Snapshot s) {
        List<CodeLens> out = new ArrayList<>();
        for (ProbeFigures f : ProbeFigures.of(s))
            out.add(new CodeLens(Lsp.range(f.span()), new Command(f.label(), CommandHandler.COMPILE, List.of(s.uri)), null));
        return out;
    }
}
