// textDocument/definition: where the name under the cursor is declared (in this file, an include or a preload).
package dev.vp.lsp;

import dev.vp.compiler.source.Span;
import java.util.List;
import org.eclipse.lsp4j.Location;

final class DefinitionHandler {
    private DefinitionHandler() {}

    static List<Location> definition(Snapshot s, int offset) {
        SymbolIndex.Occurrence o = s.index().at(s.main, offset);
        Span d = o == null ? null : s.index().declaration(o);
        return d == null ? List.of() : List.of(s.location(d));
    }
}
