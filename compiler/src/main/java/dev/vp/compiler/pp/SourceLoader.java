// Finds and reads source files by path, so the preprocessor never touches the file system itself.
package dev.vp.compiler.pp;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads a source file by path. Implementations never throw for bad input: a file that does not exist is
 * {@link Missing} (include search goes on to the next directory), one that exists but cannot be used is
 * {@link Failed} with the diagnostic to report.
 */
public interface SourceLoader {

    /** Reads one file; the path is used as given for the SourceFile's display path. */
    Result load(Path path);

    /** What a load produced. */
    sealed interface Result permits Loaded, Missing, Failed {}

    /** The file's text, checked to be text. */
    record Loaded(SourceFile file) implements Result {}

    /** Nothing exists at this path. */
    record Missing(String path) implements Result {}

    /**
     * The file exists but is unusable: unreadable (E0001) or not text (E0002). {@code prefix} holds the text
     * before the first bad character (empty when nothing could be read), so the diagnostic can point at the
     * exact line and column of {@code offset}.
     */
    record Failed(Code code, String reason, SourceFile prefix, int offset) implements Result {
        public Diagnostic diagnostic() {
            return new Diagnostic(code, reason, Span.at(prefix, offset));
        }
    }

    /** Loads a top-level script, reporting why it cannot be used (E0001, E0002) instead of returning it. */
    default Optional<SourceFile> loadReporting(Path path, Diagnostics diagnostics) {
        return switch (load(path)) {
            case Loaded l -> Optional.of(l.file());
            case Missing m -> {
                diagnostics.add(new Diagnostic(Code.E0001, "cannot read " + m.path() + ": no such file",
                        Span.at(new SourceFile(m.path(), ""), 0)));
                yield Optional.empty();
            }
            case Failed f -> {
                diagnostics.add(f.diagnostic());
                yield Optional.empty();
            }
        };
    }
}
