// Budgets of LANGUAGE.md section 10 at compile time: figures, thresholds and where each diagnostic points.
package dev.vp.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.source.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetCheckTest {
    private static String at(Span s) { return s.line() + ":" + s.column(); }

    @Test
    void usageFiguresMatchTheDataLayout() {
        Compilation c = CheckerTest.clean("int a;\npervm int b;\nstring s;\naggr hits[1] : 10;\nbag b2[4];\n"
                + "VMM1Hz { a++; b++; s = \"x\"; hits[RIP]++; b2[1] <- 2; }");
        long expected = DataLayout.totalBytes(c.ir(), 4);
        assertEquals(expected, c.usage().dataBytes());
        assertEquals(8 * 4 + 8 + 256 * 4 + (DataLayout.AGGR_TABLE_HEADER + (DataLayout.AGGR_ENTRY_HEADER + 8) * 10) * 4 + DataLayout.BAG_HEADER + 24 * 4 + "x".length() + 1,
                expected);
        assertEquals(1, c.usage().clauses());
    }

    @Test
    void dataPastEightyPercentWarnsAtTheBiggestContributorAndPastTheBudgetErrs() {
        String script = "int a;\naggr big[1] : 100;\nVMM1Hz { a++; big[RIP]++; }";
        long need = CheckerTest.clean(script).usage().dataBytes();
        Diagnostic warn = CheckerTest.only("#pragma budget data " + (need + 10) + "\n" + script);
        assertEquals(Code.W0700, warn.code());
        assertEquals("3:6", at(warn.span()));
        long entry = DataLayout.AGGR_ENTRY_HEADER + 8;
        long big = (DataLayout.AGGR_TABLE_HEADER + entry * 100) * 4;
        assertTrue(warn.message().contains("the biggest part is aggregate `big`: " + big + " bytes (100 entries x " + entry + " bytes per vCPU x 4 vCPUs)"),
                warn.message());
        assertEquals("1:1", at(warn.labels().getLast().span()), "the note points at the pragma");
        Diagnostic err = CheckerTest.only("#pragma budget data " + (need - 1) + "\n" + script);
        assertEquals(Code.E0700, err.code());
        assertTrue(err.message().startsWith("the script needs " + need + " bytes of data"), err.message());
        assertTrue(CheckerTest.codes("#pragma budget data " + need + "\n" + script).equals(List.of("3:6 W0700")), "100% is not over");
    }

    @Test
    void clausesOverTheBudgetErrAtTheFirstOneOver() {
        Diagnostic d = CheckerTest.only("#pragma budget clauses 1\nVMM1Hz logint(1);\nVMM10Hz logint(2);\nVMX1Hz logint(3);");
        assertEquals(Code.E0700, d.code());
        assertEquals("3:1", at(d.span()));
        assertEquals("the clauses budget of 1 is set here", d.labels().getFirst().message());
    }

    @Test
    void theStackBoundFollowsTheCallChainAndRecursionIsLeftToTheRuntime() {
        String chain = "int leaf(int a) { int x; x = a; return x; }\nint mid(int a) { return leaf(a) + 1; }\nVMM1Hz logint(mid(1));";
        Compilation c = CheckerTest.clean(chain);
        long bytes = c.usage().stackBytes();
        assertTrue(bytes > 0);
        Diagnostic d = CheckerTest.only("#pragma budget stack " + (bytes - 1) + "\n" + chain);
        assertEquals(Code.E0701, d.code());
        assertEquals("4:1", at(d.span()));
        assertTrue(d.message().matches("clause `VMM1Hz` needs up to " + bytes + " bytes of stack \\(VMM1Hz \\d+ -> mid \\d+ -> leaf \\d+\\).*"),
                d.message());
        assertEquals(List.of("3:5", "2:5", "1:1"), d.labels().stream().map(l -> at(l.span())).toList());
        Compilation r = CheckerTest.clean("#pragma budget stack 64\nint r(int n) { if (n == 0) return 0; return r(n - 1); }\nVMM1Hz logint(r(3));");
        assertEquals(-1, r.usage().stackBytes());
    }
}
