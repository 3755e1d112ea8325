// Which target catalog a project file or the `--target` option names.
package dev.vp.compiler.project;

import java.nio.file.Path;

/** `any` (accept every probe and built-in) or a catalog file; no reference at all means the default catalog. */
public sealed interface TargetRef {
    record Any() implements TargetRef {}

    record CatalogFile(Path path) implements TargetRef {}

    /** Reads a `--target` value or a project file's "target": "any", else a path resolved against base. */
    static TargetRef parse(String text, Path base) {
        return text.equals("any") ? new Any() : new CatalogFile(base.resolve(text).normalize());
    }
}
