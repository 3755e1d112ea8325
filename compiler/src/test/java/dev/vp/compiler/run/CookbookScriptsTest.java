// Checks every cookbook script under src/test/resources/scripts and runs those that carry run directives.
package dev.vp.compiler.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.render.DiagnosticRenderer;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.symbols.SymbolFile;
import dev.vp.compiler.symbols.SymbolTable;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The cookbook: scripts in the style of VProbes' published examples. Scripts for the built-in harness are
 * checked against its catalog and minios's symbols (minios.map, from `nm -n` of the guest image); scripts
 * written for another monitor say `// target: any`. Each must check with no errors and exactly the warnings
 * its header declares; those with `//@ fire` directives also run on the interpreter (see {@link ScriptRun}).
 */
class CookbookScriptsTest {
    private static final int MINIMUM_SCRIPTS = 30;

    private static Path dir() throws URISyntaxException { return Path.of(CookbookScriptsTest.class.getResource("/scripts").toURI()); }

    private static List<Path> scripts() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(p -> p.toString().endsWith(".emt") || p.toString().endsWith(".vp")).sorted().toList();
        }
    }

    private static SymbolTable minios() throws IOException, URISyntaxException {
        Path map = dir().resolve("minios.map");
        var diags = new Diagnostics();
        SymbolTable t = SymbolFile.parse(new SourceFile("minios.map", Files.readString(map, StandardCharsets.UTF_8)), diags);
        assertTrue(diags.all().isEmpty(), () -> "minios.map: " + DiagnosticRenderer.render(diags));
        return t;
    }

    @Test
    void thereAreEnoughScripts() throws IOException, URISyntaxException {
        assertTrue(scripts().size() >= MINIMUM_SCRIPTS, "only " + scripts().size() + " cookbook scripts");
    }

    @TestFactory
    Stream<DynamicTest> scriptsCheckCleanAndRun() throws IOException, URISyntaxException {
        SymbolTable minios = minios();
        return scripts().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String name = p.getFileName().toString();
            ScriptRun script = new ScriptRun(new SourceFile(name, Files.readString(p, StandardCharsets.UTF_8)));
            Compilation c = script.compile(script.anyTarget ? null : minios);
            assertEquals("", script.unexpectedDiagnostics(c), name + ": diagnostics");
            if (script.hasRunDirectives()) assertEquals(script.expectedTranscript(), script.run(c.ir()), name + ": transcript");
        }));
    }
}
