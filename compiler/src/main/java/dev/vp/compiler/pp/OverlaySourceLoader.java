// Serves the editor's open buffers first and falls back to another loader for everything else.
package dev.vp.compiler.pp;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The language server's loader: an unsaved buffer wins over the file on disk, so includes see what the user
 * sees. Thread-safe: the server updates buffers while compilations read them.
 */
public final class OverlaySourceLoader implements SourceLoader {
    private final SourceLoader fallback;
    private final Map<Path, String> buffers = new ConcurrentHashMap<>();

    public OverlaySourceLoader(SourceLoader fallback) { this.fallback = fallback; }

    /** Records (or replaces) the text of an open buffer. */
    public void open(Path path, String text) { buffers.put(path.normalize(), text); }

    /** Forgets a buffer: the file on disk is used again. */
    public void close(Path path) { buffers.remove(path.normalize()); }

    /** An editor buffer as a script: Loaded, or Failed with E0002 when it holds a character text never does. */
    public static Result buffer(Path path, String text) { return SourceText.check(path.toString(), text); }

    @Override
    public Result load(Path path) {
        String text = buffers.get(path.normalize());
        return text != null ? SourceText.check(path.toString(), text) : fallback.load(path);
    }
}
