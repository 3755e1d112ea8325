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
        SymbolIndex.Occurrence o = s.index().at(s.main, offset);
        if (o == null) return List.of();
        List<Location> out = new ArrayList<>(references(s, s.main, offset, includeDeclaration));
        for (Documents.Includer i : includers) {
            SymbolIndex.Occurrence same = i.snapshot().index().at(i.file(), offset);
            if (same == null || !same.name().equals(o.name())) continue;
            for (Location l : references(i.snapshot(), i.file(), offset, includeDeclaration)) {
                if (Lsp.path(l.getUri()).equals(Lsp.path(s.uri))) l.setUri(s.uri);  // the client's spelling of this document
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
