// Reads source files from disk, relative paths against a base directory.
package dev.vp.compiler.pp;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.source.SourceFile;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The command line's loader: files on disk; display paths stay as given so output is the same on every machine. */
public final class FileSystemSourceLoader implements SourceLoader {
    /** Larger inputs are refused rather than risking the heap: no real script comes near this. */
    public static final long MAX_BYTES = 64L << 20;

    private final Path base;

    /** Resolves relative paths against the working directory. */
    public FileSystemSourceLoader() { this(Path.of("")); }

    /** Resolves relative paths against {@code base}. */
    public FileSystemSourceLoader(Path base) { this.base = base; }

    @Override
    public Result load(Path path) {
        String shown = path.toString();
        Path real = base.resolve(path);
        try {
            if (Files.isDirectory(real)) return unreadable(shown, "it is a directory, not a file");
            if (!Files.exists(real)) return new Missing(shown);
            long size = Files.size(real);
            if (size > MAX_BYTES) return unreadable(shown, "it is " + size + " bytes, more than the limit of " + MAX_BYTES);
            return SourceText.decode(shown, Files.readAllBytes(real));
        } catch (NoSuchFileException e) {
            return new Missing(shown);
        } catch (AccessDeniedException e) {
            return unreadable(shown, "permission denied");
        } catch (IOException | SecurityException e) {
            return unreadable(shown, String.valueOf(e.getMessage()));
        }
    }

    private static Result unreadable(String path, String why) {
        return new Failed(Code.E0001, "cannot read " + path + ": " + why, new SourceFile(path, ""), 0);
    }
}
