package dev.vp.x64.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.compiler.ir.text.IrPrinter;
import org.junit.jupiter.api.Test;

/** DeadCode: unread values that cost only their register go, chains of them too; anything that may cancel stays. */
class DeadCodeTest {
    private static String strip(String body) {
        IrProgram p = IrParser.parse("format fmt0 = \"%d\\n\" (int)\nglobal $g int pervm = 0\n"
                + "function @main() -> void regs 6 slots 0 {\n" + body + "}\n"
                + "probe \"VMM1Hz\" VMM point \"VMM1Hz\" symbol - address 0x0 period 0 @main\n", "dead.ir");
        IrFunction out = DeadCode.strip(p, p.functions().getFirst());
        var stripped = new IrProgram(p.globals(), p.aggrs(), p.bags(), p.strings(), p.formats(), java.util.List.of(out),
                p.probes(), p.limits());
        String text = IrPrinter.print(stripped);
        return text.substring(text.indexOf("b0:"), text.indexOf("}"));
    }

    @Test
    void unreadParametersAndTheCopiesOfThemGo() {
        assertEquals("""
                b0:
                    v1 = builtin ARG1
                    printf fmt0(v1)
                    ret
                """, strip("""
                b0:
                    v0 = builtin ARG0
                    v1 = builtin ARG1
                    v2 = mov v0
                    v3 = add v2, v1
                    v4 = load $g
                    printf fmt0(v1)
                    ret
                """));
    }

    @Test
    void guestReadsDivisionsAndBagRemovesStayForTheirCancellationsAndEffects() {
        String body = """
                b0:
                    v0 = builtin ARG0
                    v1 = load.guest64 v0
                    v2 = const 0
                    v3 = udiv v0, v2
                    v4 = urem v0, v2
                    ret
                """;
        assertEquals(body, strip(body));
    }
}
