// Garbage, mutations, deep nesting and huge inputs: the VP parser reports, recovers and never throws or hangs.
package dev.vp.compiler.parse.vp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.ast.Script;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VpRobustnessTest {
    private static final String[] VOCABULARY = {
        "(", "(", "(", ")", ")", ")", "version", "definteger", "defstring", "defvar", "defaggr", "defbag", "defun",
        "defproto", "vprobe", "deftype", "typedef", "memmodel", "setint", "setstr", "aggr", "logaggr", "clearaggr",
        "baginsert", "bagremove", "cond", "else", "do", "while", "for", "break", "continue", "return", "try", "catch",
        "index", "cast", "sizeof", "sizeof-expr", "call", "+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "&&",
        "||", "==", "!=", "<", "<=", ">", ">=", "!", "~", "=", "+=", "<<=", "++", "--", "post++", "<-", ".", "->",
        "x", "y", "pervm", "int", "string", "void", "struct", "enum", "array", "printf", "RIP", "VCPUID",
        "0", "1", "42", "0x3f8", "-5", "012", "99999999999999999999999", "12ab",
        "\"s\"", "\"a\\tb\"", "\"bad\\q\"", "\"unterminated", "\"1.0\"", "\"2.0\"",
        "VMM1Hz", "GUEST:ENTER:f", "TIMER:10msec", "TIMER:10", "GUEST1:READ:x", "USEC:100", "GUEST:OFFSET:s:16",
        ";comment\n", "\n", "\u0001", "\u00e9", "foo!bar", "()",
    };

    private static Diagnostics parseQuietly(String text) {
        SourceFile file = new SourceFile("fuzz.vp", text);
        Diagnostics diags = new Diagnostics();
        Script script = VpParser.parse(text, (s, e) -> new Span(file, s, e), file, diags);
        String printed = VpPrinter.print(script);
        if (!diags.hasErrors()) {
            // A clean input must print to text that reads back clean and prints identically.
            Diagnostics again = new Diagnostics();
            SourceFile file2 = new SourceFile("printed.vp", printed);
            Script back = VpParser.parse(printed, (s, e) -> new Span(file2, s, e), file2, again);
            assertEquals(List.of(), again.all().stream().filter(Diagnostic::isError).map(Diagnostic::message).toList(),
                    "input:\n" + text + "\nprinted:\n" + printed);
            assertEquals(printed, VpPrinter.print(back), "input:\n" + text);
        }
        return diags;
    }

    @Test
    void tenThousandRandomTokenStreamsAndMutations() throws IOException {
        Random random = new Random(20240611L);
        List<String> seeds = List.of(resource("exit_counter.vp"), resource("profiler.vp"), resource("syscall_latency.vp"),
                resource("port_io.vp"), resource("task_walk.vp"));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int run = 0; run < 10_000; run++) {
                String text = run % 2 == 0 ? tokens(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
                parseQuietly(text);
            }
        });
    }

    private static String tokens(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(60);
        for (int i = 0; i < n; i++) sb.append(VOCABULARY[random.nextInt(VOCABULARY.length)]).append(random.nextInt(4) == 0 ? "" : " ");
        return sb.toString();
    }

    private static String mutate(String text, Random random) {
        StringBuilder sb = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int k = 0; k < edits && !sb.isEmpty(); k++) {
            int at = random.nextInt(sb.length());
            switch (random.nextInt(5)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, VOCABULARY[random.nextInt(VOCABULARY.length)]);
                case 2 -> sb.insert(at, (char) random.nextInt(0x300));
                case 3 -> sb.setLength(at);
                default -> {
                    int end = Math.min(sb.length(), at + random.nextInt(40));
                    sb.insert(random.nextInt(sb.length()), sb.substring(at, end));
                }
            }
        }
        return sb.toString();
    }

    @Test
    void tenThousandOpenParenthesesAreOneError() {
        Diagnostics d = parseQuietly("(vprobe VMM1Hz " + "(".repeat(10_000) + "\n(definteger ok)\n");
        assertEquals(List.of(Code.E0203), d.all().stream().map(Diagnostic::code).toList());
    }

    @Test
    void deepBalancedNestingIsRefusedButTheFileGoesOn() {
        String deep = "(vprobe VMM1Hz " + "(- ".repeat(10_000) + "1" + ")".repeat(10_000) + ")";
        Diagnostics d = parseQuietly(deep + "\n" + deep + "\n(defbag b)\n");
        assertEquals(List.of(Code.E0203, Code.E0203, Code.E0208), d.all().stream().map(Diagnostic::code).toList());
    }

    @Test
    void longFoldsAndCondsAreRefusedNotAStackOverflowInALaterPhase() {
        // (+ 1 1 ... 1) with 3000 operands, or a cond of 5000 clauses, is only two forms deep but builds a tree
        // thousands deep: the checker overflowed the Java stack (E0900). Emmett refuses the same (E0128, E0109).
        String fold = "(vprobe VMMLoad (setint x (+ " + "1 ".repeat(3000) + ")))\n";
        String cond = "(vprobe VMMLoad (cond " + "((== x 1) (setint y 1)) ".repeat(5000) + "))\n";
        String nestedFolds = "(vprobe VMMLoad (setint x " + "(+ 1 1 1 1 1 1 1 1 1 ".repeat(120) + "1" + ")".repeat(120) + "))\n";
        for (String text : List.of(fold, cond, nestedFolds)) {
            var c = dev.vp.compiler.check.TestTarget.compile("long.vp", text);
            assertEquals(List.of(Code.E0203), c.diagnostics().stream().map(Diagnostic::code).toList(), dev.vp.compiler.check.TestTarget.diags(c));
        }
        String within = "(vprobe VMMLoad (setint x (+ " + "1 ".repeat(501) + ")) (cond " + "((== x 1) (setint y 1)) ".repeat(999) + "))\n";
        var ok = dev.vp.compiler.check.TestTarget.compile("within.vp", within);
        assertEquals("", dev.vp.compiler.check.TestTarget.diags(ok), "500 operations and 999 clauses are within the limits");
    }

    /** Half of the default 1 MB thread stack that the language server's worker threads have. */
    @Test
    void nestingUpToTheLimitIsAcceptedEvenOnASmallStack() throws InterruptedException {
        String[] results = new String[2];
        Thread small = new Thread(null, () -> {
            for (int extra = 0; extra < 2; extra++) {
                int inner = VpParser.MAX_DEPTH - 1 + extra;
                results[extra] = parseQuietly("(vprobe VMM1Hz " + "(- ".repeat(inner) + "1" + ")".repeat(inner) + ")")
                        .all().stream().map(d -> d.code().name()).toList().toString();
            }
        }, "small-stack", 512 * 1024);
        small.start();
        small.join();
        assertEquals("[]", results[0], VpParser.MAX_DEPTH + " levels are accepted");
        assertEquals("[E0203]", results[1], "one more level is refused");
    }

    @Test
    void closingParenthesesAlone() {
        Diagnostics d = parseQuietly(")".repeat(10_000));
        assertTrue(d.hasErrors());
        assertTrue(d.all().size() <= Diagnostics.LIMIT);
    }

    @Test
    void emptyAndBlankInputsAreEmptyScripts() {
        for (String text : List.of("", "   \n\t", "; only a comment", "\n\n;x\n")) assertEquals(List.of(), parseQuietly(text).all());
    }

    @Test
    void binaryGarbageNeverThrows() {
        Random random = new Random(7);
        byte[] bytes = new byte[200_000];
        random.nextBytes(bytes);
        Diagnostics d = parseQuietly(new String(bytes, StandardCharsets.ISO_8859_1));
        assertTrue(d.hasErrors());
    }

    @Test
    void fiveMegabytesInAFewSeconds() throws IOException {
        String unit = resource("syscall_latency.vp");
        String big = unit.repeat(5_000_000 / unit.length() + 1);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Diagnostics d = new Diagnostics();
            SourceFile file = new SourceFile("big.vp", big);
            Script s = VpParser.parse(big, (a, b) -> new Span(file, a, b), file, d);
            assertEquals(List.of(), d.all());
            assertTrue(s.items().size() > 10_000);
        });
        Random random = new Random(11);
        StringBuilder junk = new StringBuilder(5_000_000);
        while (junk.length() < 5_000_000) junk.append(VOCABULARY[random.nextInt(VOCABULARY.length)]).append(' ');
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> parseQuietly(junk.toString()));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> parseQuietly("x".repeat(5_000_000)));
    }

    @Test
    void oneBadFormDoesNotHideTheNextOnes() {
        Diagnostics d = parseQuietly("(defaggr a 1)\n(defbag b x)\n(vprobe VMM1Hz (== 1))\n(definteger ok)\n(printf \"x\")\n");
        assertEquals(List.of(Code.E0208, Code.E0209, Code.E0208, Code.E0210), d.all().stream().map(Diagnostic::code).toList());
    }

    @Test
    void aMissingParenthesisEndsAtTheNextTopLevelForm() {
        SourceFile file = new SourceFile("t.vp", "");
        Diagnostics d = new Diagnostics();
        Script s = VpParser.parse("(vprobe VMM1Hz\n  (logint (+ 1 2)\n(definteger x)\n(defbag b 3)\n", (a, b) -> new Span(file, 0, 0), file, d);
        assertEquals(List.of(Code.E0201), d.all().stream().map(Diagnostic::code).toList());
        assertEquals(3, s.items().size());
    }

    @Test
    void aLocalAtTheStartOfALineInAClosedBodyIsALocal() {
        Diagnostics d = parseQuietly("(vprobe VMMLoad\n(definteger x 5)\n(defstring s \"a\")\n(printf \"%d %s\\n\" x s))\n"
                + "(defun f ()\n(defvar int y 1)\ny)\n");
        assertEquals(List.of(), d.all());
        // a form that only stands at the top level still ends one whose ')' went missing, even if a later ')' balances the file
        SourceFile file = new SourceFile("t.vp", "");
        Diagnostics missing = new Diagnostics();
        Script s = VpParser.parse("(vprobe VMM1Hz (logint 1)\n(vprobe VMM10Hz (logint 2)))\n", (a, b) -> new Span(file, 0, 0), file, missing);
        assertEquals(List.of(Code.E0201, Code.E0202), missing.all().stream().map(Diagnostic::code).toList());
        assertEquals(2, s.items().size());
    }

    @Test
    void badFormsInsideABodyLeaveTheRestOfTheBody() {
        Diagnostics d = parseQuietly("(vprobe VMM1Hz (break 1) (logint ()) (setint x (while 1)) (== 1 2 3))");
        assertEquals(List.of(Code.E0208, Code.E0218, Code.E0212, Code.E0208), d.all().stream().map(Diagnostic::code).toList());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = VpRobustnessTest.class.getResourceAsStream("/scripts/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
