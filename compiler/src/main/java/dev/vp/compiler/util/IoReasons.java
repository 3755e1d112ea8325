// Why reading or writing a file failed, in words: Java's exceptions often carry only the path.
package dev.vp.compiler.util;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** "no such directory /x", "permission denied", "is a directory": the reason of an I/O failure, for a message that names the file already. */
public final class IoReasons {
    private IoReasons() {}

    public static String of(IOException e) {
        return switch (e) {
            case NoSuchFileException n when n.getReason() != null -> n.getReason();
            case NoSuchFileException n -> {
                Path parent = n.getFile() == null ? null : Path.of(n.getFile()).getParent();
                yield parent != null && !Files.isDirectory(parent) ? "no such directory " + parent : "no such file";
            }
            case AccessDeniedException a -> "permission denied";
            case FileSystemException f when f.getReason() != null -> f.getReason().toLowerCase(Locale.ROOT);
            case CharacterCodingException c -> "it is not UTF-8 text";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
