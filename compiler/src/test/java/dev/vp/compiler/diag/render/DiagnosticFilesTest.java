// Runs every diag/CODE.emt and compares its rendered diagnostics with CODE.out (rustc UI tests, DTrace err.D_TAG).
package dev.vp.compiler.diag.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.pp.Preprocessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * One test per file in src/test/resources/diag named after a diagnostic code. Each file must produce that
 * code; a line holding {@code //~ CODE} must get a diagnostic with that code on that line, and every
 * diagnostic located in the file itself must be announced that way; the text rendering must equal the .out
 * file next to it. Run with {@code -Dvp.bless=true} to (re)write the .out files after checking the change.
 */
class DiagnosticFilesTest {
    static final Path DIR = Path.of("src/test/resources/diag");
    /** -I directory for the files, relative to DIR. */
    static final Path INCLUDE = Path.of("include");
    private static final Pattern EXPECT = Pattern.compile("//~\\s*([EW]\\d{4})");

    /** Renders what the pipeline reports for one file. The lead extends this from preprocessing to compiling. */
    static Diagnostics diagnose(String name) {
        var diagnostics = new Diagnostics();
        var loader = new FileSystemSourceLoader(DIR);
        loader.loadReporting(Path.of(name), diagnostics)
                .ifPresent(main -> new Preprocessor(loader, List.of(INCLUDE), diagnostics).run(main));
        return diagnostics;
    }

    @TestFactory
    Stream<DynamicTest> everyCodeFile() throws IOException {
        List<Path> files;
        try (var list = Files.list(DIR)) {
            files = list.filter(p -> p.getFileName().toString().matches("[EW]00\\d\\d\\.emt")).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "no diagnostic files found in " + DIR.toAbsolutePath());
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private static void check(Path file) throws IOException {
        String name = file.getFileName().toString();
        String code = name.substring(0, 5);
        Diagnostics diagnostics = diagnose(name);
        assertTrue(diagnostics.all().stream().anyMatch(d -> d.code().name().equals(code)),
                name + " does not produce " + code + ":\n" + DiagnosticRenderer.render(diagnostics));

        var expected = new TreeSet<String>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXPECT.matcher(lines.get(i));
            while (m.find()) expected.add((i + 1) + ":" + m.group(1));
        }
        var actual = new TreeSet<String>();
        for (Diagnostic d : diagnostics.all()) {
            if (d.span().file().path().equals(name)) actual.add(d.span().line() + ":" + d.code().name());
        }
        assertEquals(expected, actual, name + ": line:code of //~ annotations vs diagnostics in the file");

        String rendered = DiagnosticRenderer.render(diagnostics);
        Path out = DIR.resolve(name.replace(".emt", ".out"));
        if (Boolean.getBoolean("vp.bless")) Files.writeString(out, rendered);
        if (!Files.exists(out)) fail(out + " is missing; run with -Dvp.bless=true to create it from:\n" + rendered);
        assertEquals(Files.readString(out), rendered, name + ": rendered diagnostics differ from " + out);
    }

    /** Every preprocessor and input code (E00xx, W00xx) has its file; the lead widens this to every code. */
    @Test
    void everyInputCodeHasAFile() {
        var missing = new ArrayList<String>();
        for (Code c : Code.values()) {
            if (c.name().matches("[EW]00\\d\\d") && !Files.exists(DIR.resolve(c.name() + ".emt"))) missing.add(c.name());
        }
        assertEquals(List.of(), missing, "codes without a diag/CODE.emt test file");
    }
}
