// Tests for vp.json: finding it, reading it, and reporting its problems where they are written.
package dev.vp.compiler.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectFileTest {
    @TempDir Path dir;

    private Path write(String rel, String text) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static List<String> messages(Diagnostics d) {
        return d.all().stream().map(x -> x.code() + " " + x.span().line() + " " + x.message()).toList();
    }

    @Test void foundByWalkingUpAndTheNearestWins() throws IOException {
        Path top = write("vp.json", "{}");
        Path script = write("a/b/c/s.emt", "VMM1Hz {}");
        assertEquals(Optional.of(top), ProjectFile.find(script));
        Path nearer = write("a/vp.json", "{}");
        assertEquals(Optional.of(nearer), ProjectFile.find(script));
        assertEquals(Optional.of(nearer), ProjectFile.find(script.getParent()));
        Files.createDirectories(dir.resolve("a/b/vp.json"));   // a directory of that name is not a project file
        assertEquals(Optional.of(nearer), ProjectFile.find(script));
    }

    @Test void noneWhenThereIsNone() throws IOException {
        Path script = write("x/s.emt", "");
        Optional<Path> found = ProjectFile.find(script);
        // The temporary directory may sit below a directory with a vp.json of its own; it must not be ours.
        assertTrue(found.isEmpty() || !found.get().startsWith(dir), found.toString());
    }

    @Test void everyFieldResolvedAgainstTheFile() throws IOException {
        write("proj/catalog.json", "{}");
        write("proj/lib/minios.emt", "");
        write("proj/syms/kallsyms", "");
        Files.createDirectories(dir.resolve("proj/include"));
        Path vp = write("proj/vp.json", """
                {
                  "target": "catalog.json",
                  "preloads": ["lib/minios.emt"],
                  "symbols": ["syms/kallsyms"],
                  "include": ["include", "."],
                  "budgets": {"code": 4096, "fuel": 500}
                }
                """);
        Diagnostics d = new Diagnostics();
        ProjectFile p = ProjectFile.load(vp, d);
        assertEquals(List.of(), messages(d));
        Path base = dir.resolve("proj").toAbsolutePath();
        assertEquals(new TargetRef.CatalogFile(base.resolve("catalog.json")), p.target());
        assertEquals(List.of(base.resolve("lib/minios.emt")), p.preloads());
        assertEquals(List.of(base.resolve("syms/kallsyms")), p.symbols());
        assertEquals(List.of(base.resolve("include"), base), p.include());
        assertEquals(Map.of(Budgets.Kind.CODE, 4096L, Budgets.Kind.FUEL, 500L), p.budgets());
    }

    @Test void targetAnyAndAnEmptyFile() throws IOException {
        Diagnostics d = new Diagnostics();
        assertInstanceOf(TargetRef.Any.class, ProjectFile.load(write("vp.json", "{\"target\": \"any\"}"), d).target());
        ProjectFile empty = ProjectFile.load(write("e/vp.json", "{}"), d);
        assertNull(empty.target());
        assertEquals(List.of(), empty.preloads());
        assertTrue(d.all().isEmpty());
    }

    @Test void wrongTypesAreErrorsWithTheKeyPath() throws IOException {
        Diagnostics d = new Diagnostics();
        ProjectFile p = ProjectFile.load(write("vp.json", """
                {
                  "target": 3,
                  "preloads": "a.emt",
                  "symbols": [1, "missing.map"],
                  "include": [""],
                  "budgets": []
                }
                """), d);
        assertEquals(List.of(
                "E0800 2 `$.target`: expected a string, found a number",
                "E0800 3 `$.preloads`: expected an array, found a string",
                "E0800 4 `$.symbols[0]`: expected a string, found a number",
                "E0800 4 `$.symbols[1]`: no such file: " + dir.toAbsolutePath().resolve("missing.map") + " (paths are relative to the directory of vp.json)",
                "E0800 5 `$.include[0]`: empty path",
                "E0800 6 `$.budgets`: expected an object, found an array"), messages(d));
        assertNull(p.target());
        assertEquals(List.of(), p.symbols());
    }

    @Test void unknownKeysWarnWithASuggestion() throws IOException {
        Diagnostics d = new Diagnostics();
        ProjectFile.load(write("vp.json", "{\"preload\": [], \"colour\": 1}"), d);
        assertEquals(List.of(
                "W0800 1 `$.preload`: unknown key \"preload\" in the project file is ignored; did you mean \"preloads\"?",
                "W0800 1 `$.colour`: unknown key \"colour\" in the project file is ignored"), messages(d));
        assertTrue(!d.hasErrors());
    }

    @Test void corruptJsonAndUnreadableFiles() throws IOException {
        Diagnostics d = new Diagnostics();
        ProjectFile p = ProjectFile.load(write("vp.json", "{\n  \"target\": \"any\",\n  \"symbols\": [\"a\" \"b\"]\n}"), d);
        assertEquals(1, d.all().size());
        Diagnostic x = d.all().get(0);
        assertEquals(Code.E0801, x.code());
        assertEquals(3, x.span().line());
        assertEquals(19, x.span().column());
        assertNull(p.target());

        Diagnostics d2 = new Diagnostics();
        ProjectFile.load(dir.resolve("nope/vp.json"), d2);
        assertEquals(Code.E0001, d2.all().get(0).code());
        assertTrue(d2.all().get(0).message().contains("no such file"), d2.all().get(0).message());

        Diagnostics d3 = new Diagnostics();
        Path latin1 = dir.resolve("l/vp.json");
        Files.createDirectories(latin1.getParent());
        Files.write(latin1, new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
        ProjectFile.load(latin1, d3);
        assertTrue(d3.all().get(0).message().contains("not UTF-8"), d3.all().get(0).message());

        Diagnostics d4 = new Diagnostics();
        ProjectFile.load(write("arr/vp.json", "[]"), d4);
        assertEquals(List.of("E0800 1 `$`: expected an object, found an array"), messages(d4));
    }
}
