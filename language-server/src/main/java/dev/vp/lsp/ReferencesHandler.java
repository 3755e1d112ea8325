// textDocument/references: every occurrence of the name under the cursor across the files of the compilation.
package dev.vp.lsp;

import java.util.List;
import org.eclipse.lsp4j.Location;

final class ReferencesHandler {
    private ReferencesHandler() {}

    static List<Location> references(Snapshot s, int offset, boolean includeDeclaration) {
        SymbolIndex.Occurrence o = s.index().at(s.main, offset);
        if (o == null) return List.of();
        return s.index().sameAs(o).stream().filter(x -> includeDeclaration || !x.declaration()).map(x -> s.location(x.span())).toList();
    }
}
