package dev.vp.compiler.parse.emmett;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parser never throws and never hangs: random token streams, mutated scripts, hostile nesting, binary
 * data and a large file all end in diagnostics, and the AST they give can always be printed (no null holes).
 */
class RobustnessTest {
    private static final String[] VOCABULARY = {
        "int", "char", "long", "unsigned", "string", "void", "struct", "union", "enum", "typedef", "memmodel",
        "aggr", "bag", "perthread", "pervm", "static", "float", "if", "else", "while", "for", "do", "switch",
        "case", "default", "goto", "break", "continue", "return", "try", "catch", "sizeof", "x", "y", "task_t",
        "VMM1Hz", "GUEST", "ENTER", "EXIT", "OFFSET", "TIMER", "USEC", "msec", "printf", "0", "1", "0x10", "077",
        "'a'", "\"s\"", "\"unterminated", "'", "1.5", "(", ")", "[", "]", "{", "}", ";", ",", ":", "?", ".", "->",
        "@", "!", "~", "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "<", ">", "<=", ">=", "==", "!=", "&&",
        "||", "++", "--", "<-", "=", "+=", "<<=", "/*", "*/", "//", "\n", "$", "\u0000", "\u00e9", "\\",
    };

    private static void check(String text) {
        Parsed p = Parsed.of(text);
        AstPrinter.print(p.script());
        for (Diagnostic d : p.diagnostics()) {
            assertTrue(d.span().end() <= text.length(), () -> "span past the end: " + d + " in " + text);
            assertFalse(d.message().isBlank());
        }
    }

    private static String randomTokens(Random r, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) b.append(VOCABULARY[r.nextInt(VOCABULARY.length)]).append(r.nextInt(4) == 0 ? "" : " ");
        return b.toString();
    }

    @Test
    void randomTokenStreamsAndMutationsNeverThrow() throws Exception {
        Random r = new Random(20240601);
        List<String> scripts = CookbookScriptsTest.scripts().stream().map(f -> {
            try {
                return Files.readString(f);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
        for (int i = 0; i < 5000; i++) check(randomTokens(r, r.nextInt(80)));
        for (int i = 0; i < 5000; i++) {
            StringBuilder s = new StringBuilder(scripts.get(r.nextInt(scripts.size())));
            int edits = 1 + r.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = r.nextInt(s.length() + 1);
                int len = Math.min(s.length() - at, 1 + r.nextInt(20));
                switch (r.nextInt(4)) {
                    case 0 -> s.delete(at, at + len);
                    case 1 -> s.insert(at, s.substring(at, at + len));
                    case 2 -> s.insert(at, randomTokens(r, 1 + r.nextInt(3)));
                    default -> s.insert(at, (char) r.nextInt(256));
                }
            }
            check(s.toString());
        }
    }

    private static void tooDeep(String text) {
        Parsed p = Parsed.of(text);
        assertTrue(p.diagnostics().stream().anyMatch(d -> d.code() == Code.E0109), p.diags());
        AstPrinter.print(p.script());
    }

    @Test
    void tenThousandNestedParenthesesOrBracesAreTooDeep() {
        tooDeep("VMM1Hz x = " + "(".repeat(10_000) + "1" + ")".repeat(10_000) + ";");
        tooDeep("VMM1Hz " + "{".repeat(10_000) + "}".repeat(10_000));
        tooDeep("VMM1Hz " + "{".repeat(10_000));
        tooDeep("VMM1Hz x = " + "- ".repeat(10_000) + "1;");
        tooDeep("VMM1Hz x = a" + "[1".repeat(10_000) + ";");
    }

    @Test
    void theItemAfterATooDeepOneIsStillParsed() {
        Parsed p = Parsed.of("VMM1Hz x = " + "(".repeat(300) + "1" + ")".repeat(300) + ";\nVMM10Hz y = 2;");
        assertEquals("(probe VMM10Hz [] (= y 2);)", p.ast());
        assertEquals(1, p.diagnostics().size());
    }

    @Test
    void deepBracketFreeConstructsAreTooDeepToo() {
        tooDeep("VMM1Hz { " + "if (x) y = 1; else ".repeat(5_000) + "y = 2; }");
        tooDeep("VMM1Hz x" + " = x".repeat(20_000) + ";");
        tooDeep("VMM1Hz x = " + "(int)".repeat(20_000) + "y;");
        tooDeep("VMM1Hz x = " + "a ? b : ".repeat(20_000) + "c;");
        tooDeep("VMM1Hz x = " + "(a + ".repeat(200) + "(b" + " + c".repeat(400) + ")".repeat(201) + ";");
    }

    @Test
    void aLongAssignmentChainIsTooDeepBeforeTheCheckerOverflowsAOneMegabyteStack() throws InterruptedException {
        // a = a = ... = 1 nests one level per link; inside the 1000-level limit, about 800 links overflowed the
        // checker's recursion on a 1 MB thread stack (E0900 StackOverflowError) after the parse accepted them.
        String[] results = new String[2];
        Thread t = new Thread(null, () -> {
            for (int k = 0; k < 2; k++) {
                int links = k == 0 ? 450 : 990;
                var c = dev.vp.compiler.check.TestTarget.compile("VMMLoad { int a; a" + " = a".repeat(links) + " = 1; }");
                results[k] = c.diagnostics().stream().map(d -> d.code().name()).distinct().toList().toString();
            }
        }, "one-megabyte", 1024 * 1024);
        t.start();
        t.join();
        assertEquals("[]", results[0], "450 links compile");
        assertEquals("[E0109]", results[1], "990 links are too deep, and nothing overflows");
    }

    @Test
    void deepButReasonableCodeIsFine() {
        Parsed p = Parsed.of("VMM1Hz { " + "if (x) y = 1; else ".repeat(200) + "y = 2; }\nVMM1Hz x = "
                + "(".repeat(250) + "1" + ")".repeat(250) + ";");
        assertEquals("", p.diags());
    }

    @Test
    void binaryGarbageEmptyInputAndAFiveMegabyteFile() throws Exception {
        Random r = new Random(7);
        byte[] bytes = new byte[200_000];
        r.nextBytes(bytes);
        check(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
        check("");
        check("\n\n   \t");
        String script = Files.readString(CookbookScriptsTest.scripts().getFirst());
        String big = script.repeat(5_000_000 / script.length() + 1);
        Parsed p = Parsed.of(big);
        assertEquals("", p.diags());
        assertTrue(p.script().items().size() > 1000);
    }
}
