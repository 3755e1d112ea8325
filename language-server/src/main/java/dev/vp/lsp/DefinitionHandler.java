// textDocument/definition: where the name under the cursor is declared (in this file, an include or a preload).
package dev.vp.lsp;

import dev.vp.compiler.format.SourceTokens;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/** On the file name of an `#include`, the included file as this compilation read it. */
final class DefinitionHandler {
    private DefinitionHandler() {}

    private static final Pattern INCLUDE = Pattern.compile("#\\s*include\\s*[\"<]([^\">\\n]+)[\">]");

    static List<Location> definition(Snapshot s, int offset) {
        Location include = include(s, offset);
        if (include != null) return List.of(include);
        SymbolIndex.Occurrence o = s.index().at(s.main, offset);
        Span d = o == null ? null : s.index().declaration(o);
        return d == null ? List.of() : List.of(s.location(d));
    }

    private static Location include(Snapshot s, int offset) {
        if (s.compilation == null || s.isVp()) return null;
        String text = s.main.text();
        for (SourceTokens.Token t : SourceTokens.scan(text, false)) {
            if (t.start() > offset) break;
            if (t.kind() != SourceTokens.Kind.DIRECTIVE || t.end() < offset) continue;
            Matcher m = INCLUDE.matcher(t.text(text));
            if (!m.lookingAt() || offset < t.start() + m.start(1) || offset > t.start() + m.end(1)) return null;
            Path name = Path.of(m.group(1));
            Path beside = Lsp.path(s.uri).resolveSibling(name).normalize();
            SourceFile best = null;
            for (SourceFile f : s.compilation.files()) {
                if (f == s.main || f.path().startsWith("classpath:")) continue;
                Path p = Path.of(f.path()).toAbsolutePath().normalize();
                if (p.equals(beside)) { best = f; break; }
                if (best == null && p.endsWith(name.normalize())) best = f;
            }
            return best == null ? null : new Location(Lsp.uri(best), new Range(new Position(0, 0), new Position(0, 0)));
        }
        return null;
    }
}
