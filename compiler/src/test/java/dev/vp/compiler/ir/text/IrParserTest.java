// The text form's edges: quoting round trips and syntax errors that point at the line and column.
package dev.vp.compiler.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vp.compiler.ir.IrProgram;
import java.util.List;
import org.junit.jupiter.api.Test;

class IrParserTest {
    @Test
    void quotedStringsRoundTripEveryByte() {
        var bytes = new StringBuilder();
        for (char c = 0; c < 256; c++) bytes.append(c);
        IrProgram p = new IrProgram(List.of(), List.of(), List.of(), List.of(bytes.toString(), "\u20ac"), List.of(), List.of(),
                List.of(), IrParser.DEFAULT_LIMITS);
        String text = IrPrinter.print(p);
        assertEquals(p, IrParser.parse(text, "t.ir"));
        assertEquals("string str1 = \"\\u{20ac}\"", text.lines().filter(l -> l.startsWith("string str1")).findFirst().orElseThrow());
    }

    private static String error(String text) {
        return assertThrows(IrSyntaxException.class, () -> IrParser.parse(text, "t.ir")).getMessage();
    }

    @Test
    void syntaxErrorsSayWhereAndWhat() {
        assertEquals("t.ir:1:1: expected limits, global, aggr, bag, string, format, function or probe", error("globl $x int pervm = 0"));
        assertEquals("t.ir:1:21: expected `=`", error("global $x int pervm 0"));
        assertEquals("t.ir:1:8: expected str0 here (they are numbered in order), found `str1`", error("string str1 = \"a\""));
        assertEquals("t.ir:1:15: unterminated string literal", error("string str0 = \"abc"));
        assertEquals("t.ir:1:16: unknown escape \\q: use \\n \\t \\\" \\\\ \\xHH or \\u{HHHH}", error("string str0 = \"\\q\""));
        assertEquals("t.ir:3:5: unknown instruction `frob`", error("function @f() -> void regs 1 slots 0 {\nb0:\n    frob v0\n    ret\n}"));
        assertEquals("t.ir:3:5: `strcmp` produces an integer: its destination must be a register vN",
                error("function @f() -> void regs 1 slots 2 {\nb0:\n    s0 = strcmp s0, s1\n    ret\n}"));
        assertEquals("t.ir:3:11: unknown global $g: declare it before the functions",
                error("function @f() -> void regs 1 slots 0 {\nb0:\n    store $g, v0\n    ret\n}"));
        assertEquals("t.ir:4:1: block b0 has no terminator", error("function @f() -> void regs 1 slots 0 {\nb0:\n    v0 = const 1\n}"));
        assertEquals("t.ir:1:1: function @f has no closing `}`", error("function @f() -> void regs 1 slots 0 {\nb0:\n    ret"));
        assertEquals("t.ir:3:9: the line number in `; f.emt:x` is not a number",
                error("function @f() -> void regs 1 slots 0 {\nb0:\n    ret ; f.emt:x\n}"));
        assertEquals("t.ir:3:10: unknown function @g", error("function @f() -> void regs 1 slots 0 {\nb0:\n    call @g()\n    ret\n}"));
    }
}
