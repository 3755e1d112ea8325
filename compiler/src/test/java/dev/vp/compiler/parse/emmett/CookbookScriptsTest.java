package dev.vp.compiler.parse.emmett;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.ast.Decl;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The cookbook-style scripts under resources/scripts parse with no diagnostics and keep all their clauses. */
class CookbookScriptsTest {
    static List<Path> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(CookbookScriptsTest.class.getResource("/scripts").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".emt")).sorted().toList();
        }
    }

    @Test
    void thereAreAtLeastSix() throws Exception {
        assertTrue(scripts().size() >= 6);
    }

    @TestFactory
    Stream<DynamicTest> eachParsesCleanly() throws Exception {
        return scripts().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String text = Files.readString(f);
            Parsed p = Parsed.of(text);
            assertEquals("", p.diags());
            long probes = p.script().items().stream().filter(d -> d instanceof Decl.Probe).count();
            assertTrue(probes >= 2, "probe clauses found: " + probes);
        }));
    }
}
