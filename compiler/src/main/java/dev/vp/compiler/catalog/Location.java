// Where a file a catalog names lives: on the class path (`classpath:guests/minios.elf`) or on disk.
package dev.vp.compiler.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A resolved catalog path. Catalog paths are `classpath:NAME` or relative to the catalog's own location. */
public sealed interface Location {
    String PREFIX = "classpath:";

    record Classpath(String resource) implements Location {
        @Override public String toString() { return PREFIX + resource; }
    }

    record File(Path path) implements Location {
        @Override public String toString() { return path.toString(); }
    }

    /**
     * Resolves a path written in a catalog found here: `classpath:` names are absolute on the class path, an
     * absolute file path stays, and anything else is taken relative to this location's directory.
     */
    default Location resolve(String written) throws InvalidPathException {
        if (written.startsWith(PREFIX)) return new Classpath(stripSlash(written.substring(PREFIX.length())));
        return switch (this) {
            case Classpath c -> {
                if (Path.of(written).isAbsolute()) yield new File(Path.of(written).normalize());
                int slash = c.resource.lastIndexOf('/');
                yield new Classpath(Path.of(slash < 0 ? "" : c.resource.substring(0, slash)).resolve(written).normalize().toString().replace('\\', '/'));
            }
            case File f -> {
                Path dir = f.path.toAbsolutePath().getParent();
                yield new File(dir == null ? Path.of(written) : dir.resolve(written).normalize());
            }
        };
    }

    /** The bytes of the file (a guest image, a preload script). */
    default byte[] readAllBytes() throws IOException {
        return switch (this) {
            case Classpath c -> {
                try (InputStream in = Location.class.getClassLoader().getResourceAsStream(c.resource)) {
                    if (in == null) throw new NoSuchFileException(toString(), null, "not on the class path");
                    yield in.readAllBytes();
                }
            }
            case File f -> Files.readAllBytes(f.path);
        };
    }

    private static String stripSlash(String s) { return s.startsWith("/") ? s.substring(1) : s; }
}
