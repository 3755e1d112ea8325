// The project file vp.json: target catalog, preloads, symbol files, include directories and budgets for the scripts below it.
package dev.vp.compiler.project;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code vp.json}. Paths in it are relative to the file's directory and come out absolute. The command
 * line, the build and the language server all read it, so the editor and CI agree; command-line flags override it.
 *
 * <pre>{"target": "catalog.json" | "any", "preloads": [...], "symbols": [...], "include": [...], "budgets": {...}}</pre>
 *
 * @param target null when the file names no target (the default catalog)
 */
public record ProjectFile(Path path, TargetRef target, List<Path> preloads, List<Path> symbols, List<Path> include,
                          Map<Budgets.Kind, Long> budgets) {
    public static final String NAME = "vp.json";

    public ProjectFile {
        preloads = List.copyOf(preloads);
        symbols = List.copyOf(symbols);
        include = List.copyOf(include);
        budgets = Map.copyOf(budgets);
    }

    /** The nearest vp.json in the script's directory or any directory above it, as .editorconfig is found. */
    public static Optional<Path> find(Path script) {
        Path dir = script.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) dir = dir.getParent();
        for (; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(NAME);
            if (Files.isRegularFile(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** Reads and checks a project file. Never throws: problems are diagnostics, and what was valid is kept. */
    public static ProjectFile load(Path file, Diagnostics diags) {
        Path abs = file.toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(abs);
        } catch (IOException | SecurityException e) {
            SourceFile empty = new SourceFile(file.toString(), "");
            diags.report(Code.E0001, Span.at(empty, 0), "cannot read the project file " + file + ": " + reason(e)
                    + "; fix or remove it (it is found by walking up from the script's directory)");
            return empty(abs);
        }
        return parse(new SourceFile(file.toString(), text), abs.getParent(), diags);
    }

    /** Checks the text of a project file; relative paths resolve against dir. */
    public static ProjectFile parse(SourceFile file, Path dir, Diagnostics diags) {
        Path self = dir.resolve(NAME);
        Json json = Json.parse(file, diags);
        if (json == null) return empty(self);
        JsonFields f = new JsonFields(diags, Code.E0800);
        JsonFields.Fields top = f.object(json, "$");
        if (top == null) return empty(self);

        TargetRef target = null;
        Json tj = top.get("target", false);
        String t = tj == null ? null : f.string(tj, "$.target");
        if ("any".equals(t)) {
            target = new TargetRef.Any();
        } else if (t != null) {
            Path p = path(f, tj, "$.target", t, dir, PathKind.FILE);
            if (p != null) target = new TargetRef.CatalogFile(p);
        }
        List<Path> preloads = paths(f, top, "preloads", dir, PathKind.FILE);
        List<Path> symbols = paths(f, top, "symbols", dir, PathKind.FILE);
        List<Path> include = paths(f, top, "include", dir, PathKind.DIRECTORY);
        Map<Budgets.Kind, Long> budgets = Map.of();
        Json b = top.get("budgets", false);
        if (b != null) {
            JsonFields.Fields bo = f.object(b, "$.budgets");
            if (bo != null) budgets = Budgets.read(bo, "the project file's budgets");
        }
        top.warnUnknownKeys("the project file");
        return new ProjectFile(self, target, preloads, symbols, include, budgets);
    }

    private static ProjectFile empty(Path self) {
        return new ProjectFile(self, null, List.of(), List.of(), List.of(), Map.of());
    }

    private enum PathKind { FILE, DIRECTORY }

    private static List<Path> paths(JsonFields f, JsonFields.Fields top, String key, Path dir, PathKind kind) {
        List<Path> out = new ArrayList<>();
        List<Json> items = top.array(key, false);
        if (items == null) return out;
        for (int i = 0; i < items.size(); i++) {
            String at = top.path(key) + "[" + i + "]";
            String s = f.string(items.get(i), at);
            Path p = s == null ? null : path(f, items.get(i), at, s, dir, kind);
            if (p != null) out.add(p);
        }
        return out;
    }

    /** Resolves one path and checks that it exists, so a typo is reported where it was written. */
    private static Path path(JsonFields f, Json at, String jsonPath, String text, Path dir, PathKind kind) {
        if (text.isEmpty()) {
            f.error(at.span(), jsonPath, "empty path");
            return null;
        }
        Path p;
        try {
            p = dir.resolve(text).normalize();
        } catch (InvalidPathException e) {
            f.error(at.span(), jsonPath, "\"" + text + "\" is not a valid path: " + e.getReason());
            return null;
        }
        boolean ok = kind == PathKind.FILE ? Files.isRegularFile(p) : Files.isDirectory(p);
        if (!ok) {
            f.error(at.span(), jsonPath, "no such " + (kind == PathKind.FILE ? "file" : "directory") + ": " + p
                    + " (paths are relative to the directory of " + NAME + ")");
            return null;
        }
        return p;
    }

    private static String reason(Exception e) {
        return e instanceof java.nio.charset.CharacterCodingException ? "it is not UTF-8 text"
                : e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
