// What the preprocessor hands the parser.
package dev.vp.compiler.pp;

import dev.vp.compiler.source.SourceFile;
import java.util.List;

/**
 * The expanded text of a script, the map from it back to the original files, the budget pragmas found, and
 * every file read (the main file first, then each include once, in order of first inclusion).
 */
public record PreprocessedSource(String text, SourceMap map, List<Pragma> pragmas, List<SourceFile> files) {
    public PreprocessedSource {
        pragmas = List.copyOf(pragmas);
        files = List.copyOf(files);
    }
}
