// The shared formatter: layout only, idempotent, comments and directives kept.
package dev.vp.compiler.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.check.TestTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ScriptFormatterTest {
    @Test void reindentsByNestingAndKeepsTokens() {
        String in = "\n\n  #include \"x.emt\"\nint f(int a)\n{\nif (a) {\n  return a;   \n}\n\n\n\nreturn g(a,\nb);\n}\n/* keep\n      this */\n# legacy comment\n";
        String want = "#include \"x.emt\"\nint f(int a)\n{\n    if (a) {\n        return a;\n    }\n\n    return g(a,\n        b);\n}\n/* keep\n      this */\n# legacy comment\n";
        assertEquals(want, ScriptFormatter.format(in, false));
    }

    @Test void bracesInStringsAndCommentsDoNotCount() {
        String in = "VMM1Hz {\nprintf(\"{{ %d\\n\", 1); // {\n/* } */ logint(1);\n}\n";
        assertEquals("VMM1Hz {\n    printf(\"{{ %d\\n\", 1); // {\n    /* } */ logint(1);\n}\n", ScriptFormatter.format(in, false));
    }

    @Test void bracesOfAConditionalBranchDoNotLeakPastIt() {
        String skipped = "VMMLoad {\n#if 0\nif (1) {\n#endif\nprintf(\"a\\n\");\n}\nVMM1Hz {\nprintf(\"b\\n\");\n}\n";
        assertEquals("VMMLoad {\n#if 0\n    if (1) {\n#endif\n    printf(\"a\\n\");\n}\nVMM1Hz {\n    printf(\"b\\n\");\n}\n",
                ScriptFormatter.format(skipped, false));
        // Each branch starts from the #if's nesting; when every branch opens the same block, it stays open.
        String branches = "VMMLoad {\n#ifdef A\nif (a) {\n#elif B\nif (b) { {\n#else\nif (c) {\n#endif\nx = 1;\n}\n}\n";
        assertEquals("VMMLoad {\n#ifdef A\n    if (a) {\n#elif B\n    if (b) { {\n#else\n    if (c) {\n#endif\n    x = 1;\n}\n}\n",
                ScriptFormatter.format(branches, false));
        String agree = "VMMLoad {\n#ifdef A\nif (a) {\n#else\nif (c) {\n#endif\nx = 1;\n}\n}\n";
        assertEquals("VMMLoad {\n#ifdef A\n    if (a) {\n#else\n    if (c) {\n#endif\n        x = 1;\n    }\n}\n",
                ScriptFormatter.format(agree, false));
    }

    @Test void everyLineInsideABlockCommentOrAContinuedDirectiveStaysAsWritten() {
        String comment = "VMMLoad {\n      /* a comment\n         spanning lines\n            with indentation */\n}\n";
        assertEquals("VMMLoad {\n    /* a comment\n         spanning lines\n            with indentation */\n}\n",
                ScriptFormatter.format(comment, false));
        String macro = "#define X 1 \\\n  + 2 \\\n      + 3 \\\n          + 4\nVMMLoad { printf(\"%d\\n\", X); }\n";
        assertEquals(macro, ScriptFormatter.format(macro, false));
    }

    @Test void blanksAfterAFinalBackslashStaySoNoLineBecomesContinued() {
        // The backslash does not continue the #define (a blank follows it): stripping the blank would pull the
        // clause into the macro's body, and the script would compile with no probe.
        String in = "#define UNUSED 0 \\ \nVMMLoad { printf(\"hi\\n\"); }   \n#define ONE 1 \\\t\r\n";
        String out = ScriptFormatter.format(in, false);
        assertEquals("#define UNUSED 0 \\ \nVMMLoad { printf(\"hi\\n\"); }\n#define ONE 1 \\\t\n", out);
        assertEquals(1, TestTarget.compile(in).ir().probes().size());
        assertEquals(1, TestTarget.compile(out).ir().probes().size());
    }

    @Test void vpIndentsByParentheses() {
        assertEquals("(vprobe VMM1Hz\n  (setint n\n    (+ n 1)))\n; done\n", ScriptFormatter.format("(vprobe VMM1Hz\n(setint n\n(+ n 1)))\n; done", true));
    }

    @Test void vpLocalInColumnZeroOfAClosedBodyIsIndentedAsALocal() {
        // the (vprobe is closed by its last ')': (definteger x 5) is a local of its body, as VpParser reads it
        String in = "(vprobe VMMLoad\n(definteger x 5)\n(printf \"%d\\n\" x))\n";
        assertEquals("(vprobe VMMLoad\n  (definteger x 5)\n  (printf \"%d\\n\" x))\n", ScriptFormatter.format(in, true));
    }

    @Test void vpTopLevelFormInColumnZeroStaysThereAfterAMissingParenthesis() {
        // VpParser closes the unclosed (vprobe at the next top-level form in column 0; indenting that form would
        // put it inside the first one and change the errors.
        String in = "(vprobe VMM1Hz\n(printf \"tick\\n\")\n(definteger ok 1)\n   (vprobe VMM10Hz (printf \"x\"))\n";
        String out = ScriptFormatter.format(in, true);
        assertEquals("(vprobe VMM1Hz\n  (printf \"tick\\n\")\n(definteger ok 1)\n(vprobe VMM10Hz (printf \"x\"))\n", out);
        assertEquals("1:1 E0201 this '(' of (vprobe ...) is never closed: 1 ')' missing before the next top-level form on line 3",
                TestTarget.diags(TestTarget.compile("e.vp", out)));
    }

    @Test void vpParenthesesAfterAnUnterminatedStringCloseFormsAsTheParserReadsThem() {
        // VpParser ends an unterminated string before the ')' that end its line, so (printf "x\n) is closed and
        // the (vprobe stays open until its last ')': (definteger g) is a local of its body, (setint g 1)) ends it.
        String in = "(vprobe VMMLoad\n  (printf \"x\\n)\n(definteger g)\n  (setint g 1))\n";
        String out = ScriptFormatter.format(in, true);
        assertEquals("(vprobe VMMLoad\n  (printf \"x\\n)\n  (definteger g)\n  (setint g 1))\n", out);
        assertEquals(out, ScriptFormatter.format(out, true));
        String diags = TestTarget.diags(TestTarget.compile("e.vp", in));
        assertEquals(diags, TestTarget.diags(TestTarget.compile("e.vp", out)));
        assertEquals(1, diags.lines().count(), diags); // only the missing '"' (E0204)
        // a ')' the string escapes, and CRLF line ends, as the parser reads them
        assertEquals("(vprobe VMMLoad\n  (printf \"x\\)\n    (setint g 1))\n",
                ScriptFormatter.format("(vprobe VMMLoad\n(printf \"x\\)\n(setint g 1))\n", true));
        assertEquals("(vprobe VMMLoad\n  (printf \"x\\n) )\n(vprobe VMM1Hz)\n",
                ScriptFormatter.format("(vprobe VMMLoad\r\n(printf \"x\\n) )\r\n  (vprobe VMM1Hz)\r\n", true));
    }

    @Test void idempotentOnScriptsAndGarbage() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/scripts"))) {
            for (Path p : files.toList()) {
                String once = ScriptFormatter.format(Files.readString(p), p.toString().endsWith(".vp"));
                assertEquals(once, ScriptFormatter.format(once, p.toString().endsWith(".vp")), p.toString());
            }
        }
        Random r = new Random(3);
        String alphabet = "{}()[]\"'/*#\n \t;abc\\";
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(80); k > 0; k--) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            String once = ScriptFormatter.format(b.toString(), i % 2 == 0);
            assertEquals(once, ScriptFormatter.format(once, i % 2 == 0), "input: " + b);
        }
    }
}
