// The verifier finds each kind of malformed program and says where, in readable words.
package dev.vp.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.ir.text.IrParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class IrVerifierTest {
    private static List<String> problems(String text) { return IrVerifier.verify(IrParser.parse(text, "t.ir")); }

    private static final String PROBE = "probe \"P\" VMM point \"HV_Exit\" symbol - address 0x0 period 0 @main\n";

    @Test
    void wellFormedProgramHasNoProblems() {
        assertEquals(List.of(), problems("function @main() -> void regs 1 slots 0 {\nb0:\n    v0 = const 1\n    ret\n}\n" + PROBE));
    }

    @Test
    void indicesOutOfRange() {
        assertEquals(List.of(
                "@main b0 `v0 = add v1, v2`: register v2 out of range (the function has 2)",
                "@main b0 `s1 = const str0`: slot s1 out of range (the function has 1)",
                "@main b0 `s1 = const str0`: string constant index 0 out of range (the program has 0)",
                "@main b0 `printf fmt3()`: format index 3 out of range (the program has 0)",
                "@main b0 `br v0, b1, b7`: block b7 out of range (the function has 2)"),
                problems("""
                        function @main() -> void regs 2 slots 1 {
                        b0:
                            v0 = add v1, v2
                            s1 = const str0
                            printf fmt3()
                            br v0, b1, b7
                        b1:
                            ret
                        }
                        """ + PROBE));
    }

    @Test
    void kindsOfGlobalsFormatsAndCalls() {
        assertEquals(List.of(
                "@f: 1 int and 0 string parameters need at least as many registers (0) and slots (0)",
                "@main b0 `v0 = load $s`: global $s is a string variable",
                "@main b0 `printf fmt0(v0)`: argument 1 must be a string",
                "@main b0 `call @f(s0) -> v0`: argument 1 (a) must be an integer",
                "@main b0 `v1 = builtin PROBENAME`: PROBENAME is a string: read it with a slot destination",
                "@main b0 `aggradd $a[v0], v0`: aggregate $a takes 1 integer and 1 string keys, given 1 and 0",
                "@main b0 `ret v0`: a void function returns no value"),
                problems("""
                        global $s string pervm = ""
                        aggr $a[1][1] capacity 4
                        format fmt0 = "%s" (string)
                        function @f(int a) -> int regs 0 slots 0 {
                        b0:
                            ret v0
                        }
                        function @main() -> void regs 2 slots 1 {
                        b0:
                            v0 = load $s
                            printf fmt0(v0)
                            call @f(s0) -> v0
                            v1 = builtin PROBENAME
                            aggradd $a[v0], v0
                            ret v0
                        }
                        """ + PROBE).stream().filter(p -> !p.startsWith("@f b0")).toList());
    }

    @Test
    void formatsMustParseAndMatchTheirKinds() {
        assertEquals(List.of(
                "fmt0: argument 1 is listed as an integer but %s takes a string",
                "fmt1: the format has 1 conversions but lists 2 argument kinds",
                "fmt2: offset 1: unknown conversion `%y`: use one of %d %i %u %x %X %o %c %s %p %%"),
                problems("""
                        format fmt0 = "%s" (int)
                        format fmt1 = "%d" (int, int)
                        format fmt2 = "%y" ()
                        function @main() -> void regs 0 slots 0 {
                        b0:
                            ret
                        }
                        """ + PROBE));
    }

    @Test
    void tryRegionsMustBalanceOnEveryPath() {
        assertEquals(List.of(
                "@main b2: endtry without an open try region",
                "@main b3: ret with 1 try region(s) still open: close them with endtry first",
                "@main b3: reached with open try handlers [b2] and, from b1, []: try regions must be balanced on every path"),
                problems("""
                        function @main() -> void regs 1 slots 0 {
                        b0:
                            try b2
                            br v0, b3, b1
                        b1:
                            endtry
                            jump b3
                        b2:
                            endtry
                            ret
                        b3:
                            ret
                        }
                        """ + PROBE));
    }

    @Test
    void probesRunVoidFunctionsWithoutParameters() {
        assertEquals(List.of("probe 0 (P): its function @main must be void without parameters"),
                problems("function @main(int x) -> void regs 1 slots 0 {\nb0:\n    ret\n}\n" + PROBE));
    }

    @Test
    void namesAndLimits() {
        IrProgram p = new IrProgram(
                List.of(new IrProgram.Global("x", false, true, 0, null), new IrProgram.Global("x", false, true, 0, null)),
                List.of(), List.of(new IrProgram.Bag("bad name", 0)), List.of("\u20ac"), List.of(), List.of(), List.of(),
                new IrProgram.Limits(0, -1, 300));
        assertEquals(List.of(
                "limits: stack budget must be positive, is 0",
                "limits: loop fuel must not be negative, is -1",
                "limits: string bytes must be between 2 and 256 (a string slot's size), is 300",
                "global name `x` is used twice",
                "bag name `bad name` is not an identifier",
                "bag $bad name: capacity must be >= 1, is 0",
                "str0: character 0 is U+20ac, but strings are bytes (one char per byte, 0-255)"), IrVerifier.verify(p));
    }
}
