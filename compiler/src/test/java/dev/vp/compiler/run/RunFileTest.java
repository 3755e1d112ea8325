// Runs every script run test: compile with the full front end, run the directives on the interpreter, compare.
package dev.vp.compiler.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
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
        return ScriptRun.eachFile(Path.of(getClass().getResource("/run").toURI()), RunFileTest::run);
    }

    static void run(Path path) throws IOException {
        ScriptRun.Compiled c = ScriptRun.compiled(path);
        assertEquals(c.script().expectedTranscript(), c.script().run(c.ir()), c.name() + ": transcript");
    }
}
