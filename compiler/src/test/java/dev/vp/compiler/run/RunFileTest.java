// Runs every script run test: compile with the full front end, run the directives on the interpreter, compare.
package dev.vp.compiler.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.source.SourceFile;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Script-level run tests in src/test/resources/run/*.emt and *.vp (directives: see {@link ScriptRun}). Each is
 * compiled with the default catalog and its own test symbols, no preloads; it must produce exactly the warnings
 * it declares, its IR must verify and round-trip, and the transcript of its firings must match.
 */
class RunFileTest {
    @TestFactory
    Stream<DynamicTest> runFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/run").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".emt") || p.toString().endsWith(".vp")).sorted().toList();
            if (list.isEmpty()) throw new IllegalStateException("no run tests in " + dir);
            return list.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> run(p)));
        }
    }

    static void run(Path path) throws IOException {
        String name = path.getFileName().toString();
        ScriptRun script = new ScriptRun(new SourceFile(name, Files.readString(path, StandardCharsets.UTF_8)));
        if (!script.hasRunDirectives()) throw new AssertionError(name + ": a run test needs fire directives");
        Compilation c = script.compile(null);
        assertEquals("", script.unexpectedDiagnostics(c), name + ": diagnostics");
        assertNotNull(c.ir(), name + ": no IR");
        assertEquals(script.expectedTranscript(), script.run(c.ir()), name + ": transcript");
    }
}
