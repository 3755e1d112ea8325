package dev.vp.compiler.parse.emmett;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One typo must not hide the others: errors are reported once each, and good code around them is kept. */
class RecoveryTest {

    @Test
    void threeSeparateErrorsGiveThreeDiagnosticsAtTheirLines() {
        Parsed p = Parsed.of("""
                int count;
                VMM1Hz {
                    count = count + ;
                    printf("%d\\n", count);
                }
                int x
                GUEST:ENTER:do_fork {
                    if (count > 3 {
                        count = 0;
                    }
                }
                VMMUnload printf("bye\\n");
                """);
        assertEquals("""
                3:21 E0100 expected an expression, found `;`
                7:1 E0100 expected `;` or `,`, found `GUEST`
                8:18 E0100 expected `)` after `3`, found `{`""", p.diags());
        assertEquals("""
                (var int count)
                (probe VMM1Hz [] {<error>; (call printf "%d\\n" count);})
                (probe GUEST:ENTER:do_fork [] {(if (> count 3) {(= count 0);})})
                (probe VMMUnload [] (call printf "bye\\n");)""", p.ast());
    }

    @Test
    void aMissingSemicolonIsReportedAfterTheLastGoodToken() {
        Parsed p = Parsed.of("VMM1Hz {\n    x = 1\n    y = 2;\n}\n");
        assertEquals("2:10 E0100 expected `;` after `1`, found `y`", p.diags());
        assertEquals("(probe VMM1Hz [] {(= x 1); (= y 2);})", p.ast());
    }

    @Test
    void strayTokensInABlockAreReportedOnceAndTheBlockGoesOn() {
        Parsed p = Parsed.of("VMM1Hz { a = 1; ) ] b = 2; else c = 3; }");
        assertEquals("""
                1:17 E0100 expected a statement, found `)`
                1:28 E0100 `else` without a matching `if`""", p.diags());
        assertEquals("(probe VMM1Hz [] {(= a 1); (= b 2); (= c 3);})", p.ast());
    }

    @Test
    void anElseThatEndsItsBlockNeedsAStatementRatherThanAnIf() {
        assertEquals("1:35 E0100 `else` needs a statement after it, found `}`: write `else { }` or remove the `else`",
                Parsed.of("VMM1Hz { int x; if (x) { x = 1; } else }").diags());
        assertEquals("1:31 E0100 `else` needs a statement after it, found `}`: write `else { }` or remove the `else`",
                Parsed.of("VMM1Hz { int x; if (x) x = 1; else\n}").diags());
        assertEquals("1:17 E0100 `else` without a matching `if`", Parsed.of("VMM1Hz { x = 1; else }").diags());
    }

    @Test
    void brokenTopLevelItemsDoNotSwallowTheNextOnes() {
        Parsed p = Parsed.of(") x;\nVMM1Hz y = 1;\n} int z;\nstruct s { int a; ) ;\n");
        assertEquals("""
                1:1 E0100 expected a declaration or a probe clause, found `)`
                3:1 E0100 expected a declaration or a probe clause, found `}`
                4:19 E0100 expected `}`, found `)`""", p.diags());
        assertEquals("(probe VMM1Hz [] (= y 1);)\n(var int z)", p.ast());
    }

    @Test
    void anUnterminatedStringDoesNotCascade() {
        Parsed p = Parsed.of("VMM1Hz {\n    printf(\"oops);\n    x = 1;\n}\n");
        assertEquals("2:12 E0102 unterminated string literal: add the closing `\"` before the end of the line", p.diags());
    }

    @Test
    void aMissingBodySaysWhatBelongsThere() {
        assertEquals("1:8 E0100 expected `{` after the probe name `VMMLoad`, found end of file", Parsed.of("VMMLoad").diags());
        assertEquals("1:21 E0100 expected `{` after the parameters of probe `GUEST:ENTER:f`, found end of file",
                Parsed.of("GUEST:ENTER:f(int a)").diags());
        assertEquals("1:20 E0100 expected a statement as the body of `for`, found `}`", Parsed.of("VMMLoad { for (;;) }").diags());
        assertEquals("1:21 E0100 expected a statement as the body of `while`, found `}`", Parsed.of("VMMLoad { while (1) }").diags());
        assertEquals("1:18 E0100 expected a statement as the body of `if`, found `}`", Parsed.of("VMMLoad { if (1) }").diags());
    }

    @Test
    void endOfFileInsideABlockIsOneError() {
        Parsed p = Parsed.of("VMM1Hz { x = ");
        assertEquals("1:14 E0100 expected an expression, found end of file", p.diags());
    }
}
