package dev.vp.x64.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.compiler.ir.text.IrPrinter;
import org.junit.jupiter.api.Test;

/** Webs: a register reused by unrelated statements is split; values that meet (loops, joins, handlers) are not. */
class WebsTest {
    private static final String HEADER = "format fmt0 = \"%d\\n\" (int)\n";

    private static String split(String body) {
        IrProgram p = IrParser.parse(HEADER + "function @main() -> void regs 4 slots 0 {\n" + body + "}\n"
                + "probe \"VMM1Hz\" VMM point \"VMM1Hz\" symbol - address 0x0 period 0 @main\n", "webs.ir");
        IrFunction f = p.functions().getFirst();
        IrFunction out = Webs.split(p, f, new TryDepths(f));
        var renamed = new IrProgram(p.globals(), p.aggrs(), p.bags(), p.strings(), p.formats(), java.util.List.of(out),
                p.probes(), p.limits());
        String text = IrPrinter.print(renamed);
        return text.substring(text.indexOf("function"), text.indexOf("}") + 1);
    }

    @Test
    void aRegisterReusedByTwoStatementsBecomesTwo() {
        assertEquals("""
                function @main() -> void regs 5 slots 0 {
                b0:
                    v0 = const 1
                    printf fmt0(v0)
                    v4 = const 2
                    printf fmt0(v4)
                    ret
                }""", split("""
                b0:
                    v0 = const 1
                    printf fmt0(v0)
                    v0 = const 2
                    printf fmt0(v0)
                    ret
                """));
    }

    @Test
    void aLoopCounterStaysOneRegisterAndAValueReadBeforeItsWriteKeepsItsNumber() {
        String body = """
                b0:
                    v1 = const 3
                    br v2, b1, b2
                b1:
                    v0 = sub v0, v1
                    br v0, b1, b2
                b2:
                    printf fmt0(v0)
                    ret
                """;
        assertEquals("function @main() -> void regs 4 slots 0 {\n" + body + "}", split(body));
    }

    @Test
    void everyWriteInATryRegionReachesItsHandler() {
        // v0's three writes all reach the handler's read (a cancellation may come after any of them): one web.
        // v1's first web ends before the region; its second is written in the region and read after it.
        String body = """
                b0:
                    v1 = const 7
                    printf fmt0(v1)
                    v0 = const 1
                    try b2
                    v0 = const 2
                    v1 = udiv v0, v0
                    v0 = const 3
                    endtry
                    jump b1
                b1:
                    printf fmt0(v1)
                    ret
                b2:
                    printf fmt0(v0)
                    ret
                """;
        assertEquals("function @main() -> void regs 5 slots 0 {\n" + body.replace("v1 = udiv", "v4 = udiv")
                .replace("    printf fmt0(v1)\n    ret", "    printf fmt0(v4)\n    ret") + "}", split(body));
    }
}
