// textDocument/references: every occurrence of the name under the cursor across the files of the compilation.
package dev.vp.lsp;

import dev.vp.compiler.source.SourceFile;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.Location;

/** In an include, the open documents that include it add the uses they make of its names. */
final class ReferencesHandler {
    private ReferencesHandler() {}

    static List<Location> references(Snapshot s, int offset, boolean includeDeclaration, List<Documents.Includer> includers) {
        List<Location> out = new ArrayList<>(references(s, s.main, offset, includeDeclaration));
        for (Documents.Includer i : includers) {
            for (Location l : references(i.snapshot(), i.file(), offset, includeDeclaration)) {
                l.setUri(s.clientUri(l.getUri()));
                if (!out.contains(l)) out.add(l);
            }
        }
        return out;
    }

    static List<Location> references(Snapshot s, SourceFile file, int offset, boolean includeDeclaration) {
        SymbolIndex.Occurrence o = s.index().at(file, offset);
        if (o == null) return List.of();
        return s.index().sameAs(o).stream().filter(x -> includeDeclaration || !x.declaration()).map(x -> s.location(x.span())).toList();
    }
}
