package dev.vp.compiler.parse.emmett;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.diag.Code;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every diag/E01xx.emt and W01xx.emt file: each `//~ CODE message` line states one expected diagnostic on
 * its own line (`//~^` the line above, `//~v` the line below), and the parser must report exactly those.
 */
class DiagnosticFilesTest {
    private static final Pattern EXPECT = Pattern.compile("//~(\\^*|v*)\\s+([EW]\\d{4})\\s+(.*)$");

    private static List<Code> parserCodes() {
        return Arrays.stream(Code.values()).filter(c -> c.name().substring(1).startsWith("01")).toList();
    }

    @TestFactory
    Stream<DynamicTest> everyFileGivesExactlyItsDiagnostics() {
        return parserCodes().stream().map(code -> DynamicTest.dynamicTest(code.name(), () -> {
            String text = read(code);
            List<String> expected = new ArrayList<>();
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = EXPECT.matcher(lines[i]);
                if (!m.find()) continue;
                String shift = m.group(1);
                int line = i + 1 + (shift.startsWith("v") ? shift.length() : -shift.length());
                expected.add(line + " " + m.group(2) + " " + m.group(3).strip());
            }
            assertTrue(expected.stream().anyMatch(e -> e.contains(" " + code.name() + " ")),
                    code + ".emt must expect its own code");
            Parsed p = Parsed.of(text);
            List<String> actual = p.diagnostics().stream()
                    .map(d -> d.span().line() + " " + d.code() + " " + d.message()).toList();
            assertEquals(String.join("\n", expected), String.join("\n", actual));
            p.diagnostics().forEach(d -> assertEquals(d.code().severity(), d.severity(), d.message()));
        }));
    }

    private static String read(Code code) throws IOException {
        try (InputStream in = DiagnosticFilesTest.class.getResourceAsStream("/diag/" + code.name() + ".emt")) {
            if (in == null) throw new AssertionError("missing test file diag/" + code.name() + ".emt");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theInsertFixRewritesTheOperator() {
        Parsed p = Parsed.of("VMM1Hz { if (x<-1) y = 2; }");
        var fix = p.diagnostics().getFirst().fixes().getFirst();
        assertEquals("< -", fix.edits().getFirst().replacement());
        assertEquals("<-", fix.edits().getFirst().span().text());
    }
}
