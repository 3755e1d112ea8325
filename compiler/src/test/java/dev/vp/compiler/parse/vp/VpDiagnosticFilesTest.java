// Runs every VP diagnostic test file (resources/diag/E02xx.vp, W02xx.vp) and checks the diagnostics it declares.
package dev.vp.compiler.parse.vp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each file names the code it exists for and lists, in `;! CODE LINE:COL MESSAGE` lines, every diagnostic
 * the VP parser must report for it, in order: nothing more, nothing less.
 */
class VpDiagnosticFilesTest {

    /** The codes of the VP section; E0200 is ANTLR's fallback, unreachable once VpParser has repaired the tokens. */
    static List<Code> vpCodes() {
        return Arrays.stream(Code.values())
                .filter(c -> (c.name().startsWith("E02") || c.name().startsWith("W02")) && c != Code.E0200)
                .toList();
    }

    @TestFactory
    Stream<DynamicTest> everyCodeHasAFileWithItsExpectedMessages() {
        return vpCodes().stream().map(code -> DynamicTest.dynamicTest(code.name(), () -> check(code)));
    }

    private static void check(Code code) throws IOException {
        String name = code.name() + ".vp";
        String text;
        try (InputStream in = VpDiagnosticFilesTest.class.getResourceAsStream("/diag/" + name)) {
            assertTrue(in != null, "missing test file diag/" + name);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        SourceFile file = new SourceFile(name, text);
        Diagnostics diags = new Diagnostics();
        VpParser.parse(text, (s, e) -> new Span(file, s, e), file, diags);
        List<String> actual = new ArrayList<>();
        for (Diagnostic d : diags.all()) {
            actual.add(d.code().name() + " " + d.span().line() + ":" + d.span().column() + " " + d.message());
        }
        List<String> expected = text.lines().filter(l -> l.startsWith(";! ")).map(l -> l.substring(3)).toList();
        assertEquals(String.join("\n", expected), String.join("\n", actual), "diagnostics of " + name);
        assertTrue(actual.stream().anyMatch(a -> a.startsWith(code.name() + " ")), name + " must trigger " + code);
        assertEquals(code.severity(), diags.all().stream().filter(d -> d.code() == code).findFirst().orElseThrow().severity());
    }

    @Test
    void vpCodesAreNumberedInOrder() {
        List<Code> codes = vpCodes();
        for (int i = 1; i < codes.size(); i++) {
            assertTrue(codes.get(i - 1).name().charAt(0) != codes.get(i).name().charAt(0)
                    || codes.get(i - 1).name().compareTo(codes.get(i).name()) < 0, codes.get(i).name());
        }
    }
}
