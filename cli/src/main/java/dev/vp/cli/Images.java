// Reading and writing probe images (.vpo files) for the commands that take or produce them.
package dev.vp.cli;

import dev.vp.x64.image.ProbeImage;
import dev.vp.x64.image.ProbeImageException;
import dev.vp.x64.image.ProbeImageReader;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

final class Images {
    private Images() {}

    /** A file argument is an image when it ends in .vpo; everything else is a script. */
    static boolean isImage(ScriptOptions.Input input) {
        return input.path() != null && input.path().toString().endsWith(".vpo");
    }

    /** The file's bytes; a failure names the file (the JDK's own messages are a bare path or "Is a directory"). */
    static byte[] bytes(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new IOException(file + ": it is a directory, not a file");
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied");
        }
    }

    /** Reads and checks an image; a malformed one is an IOException with the reader's reason. */
    static ProbeImage read(Path file) throws IOException { return read(file, bytes(file)); }

    /** An image's bytes, checked as {@link #read} checks them (`vp deploy` refuses a malformed image as `vp run` does). */
    static byte[] checkedBytes(Path file) throws IOException {
        byte[] bytes = bytes(file);
        read(file, bytes);
        return bytes;
    }

    private static ProbeImage read(Path file, byte[] bytes) throws IOException {
        try {
            return ProbeImageReader.read(bytes);
        } catch (ProbeImageException e) {
            throw new IOException(file + " is not a usable probe image: " + e.getMessage());
        }
    }
}
