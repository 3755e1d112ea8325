// Holds the host formatter to C's printf: expected texts were produced by glibc's printf with ll added.
package dev.vp.compiler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class PrintfFormatterTest {
    private static PrintfFormatter.Arg i(long v) { return PrintfFormatter.of(v); }

    private static PrintfFormatter.Arg s(String v) { return PrintfFormatter.of(v); }

    private static Arguments row(String expected, String format, PrintfFormatter.Arg... args) {
        return Arguments.of(expected, format, List.of(args));
    }

    /** From glibc, except %p of 0: glibc prints (nil), LANGUAGE.md says 0x plus hex. */
    static Stream<Arguments> table() {
        return Stream.of(
            row("0", "%d", i(0L)),
            row("42", "%d", i(42L)),
            row("-42", "%d", i(-42L)),
            row("-1", "%i", i(-1L)),
            row("-9223372036854775808", "%d", i(Long.MIN_VALUE)),
            row("18446744073709551615", "%u", i(-1L)),
            row("ffffffffffffffff", "%x", i(-1L)),
            row("BEE", "%X", i(3054L)),
            row("10", "%o", i(8L)),
            row("   42", "%5d", i(42L)),
            row("42   |", "%-5d|", i(42L)),
            row("-0042", "%05d", i(-42L)),
            row("+5", "%+d", i(5L)),
            row("-5", "%+d", i(-5L)),
            row(" 5", "% d", i(5L)),
            row("-5", "% d", i(-5L)),
            row("+5", "%+ d", i(5L)),
            row("007", "%.3d", i(7L)),
            row("", "%.0d", i(0L)),
            row("     |", "%5.0d|", i(0L)),
            row("    -005", "%08.3d", i(-5L)),
            row("3       |", "%-08d|", i(3L)),
            row(" 0003", "% 05d", i(3L)),
            row("0xff", "%#x", i(255L)),
            row("0XFF", "%#X", i(255L)),
            row("0", "%#x", i(0L)),
            row("0x0000ff", "%#08x", i(255L)),
            row("0x000a", "%#.4x", i(10L)),
            row("0xa     |", "%-#8x|", i(10L)),
            row("00000abc", "%08x", i(2748L)),
            row("010", "%#o", i(8L)),
            row("0", "%#o", i(0L)),
            row("0", "%#.0o", i(0L)),
            row("  010", "%#5o", i(8L)),
            row("00010", "%.5o", i(8L)),
            row("5", "%+u", i(5L)),
            row("5", "% u", i(5L)),
            row("18446744073709551615|", "%10u|", i(-1L)),
            row("18446744073709551615  |", "%-22u|", i(-1L)),
            row("", "%.0u", i(0L)),
            row("", "%.0x", i(0L)),
            row("A", "%c", i(65L)),
            row("A", "%c", i(321L)),
            row("  a|", "%3c|", i(97L)),
            row("a  |", "%-3c|", i(97L)),
            row("    a|", "%05c|", i(97L)),
            row("0x1000", "%p", i(4096L)),
            row("0x0", "%p", i(0L)),
            row("0xffffffff81000000|", "%18p|", i(0xffffffff81000000L)),
            row("0xff      |", "%-10p|", i(255L)),
            row("1 2 3", "%ld %lld %hd", i(1L), i(2L), i(3L)),
            row("100%", "100%%"),
            row("%d", "%%d"),
            row("hello", "%s", s("hello")),
            row("     hello|", "%10s|", s("hello")),
            row("hello     |", "%-10s|", s("hello")),
            row("hel", "%.3s", s("hello")),
            row("      he|", "%8.2s|", s("hello")),
            row("   ab|", "%05s|", s("ab")),
            row("ab", "%s%s", s("a"), s("b")),
            row("[]", "[%.0s]", s("xyz"))
        );
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("table")
    void formatsLikeC(String expected, String format, List<PrintfFormatter.Arg> args) {
        assertEquals(expected, PrintfFormatter.format(format, args));
    }

    @Test
    void stringsAreBytes() {
        assertEquals("[\u00ff\u0001]", PrintfFormatter.format("[%s]", List.of(s("\u00ff\u0001"))));
        assertEquals("\u00ff", PrintfFormatter.format("%c", List.of(i(-1))));
    }

    @Test
    void argumentMismatchesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> PrintfFormatter.format("%d", List.of(s("x"))));
        assertEquals("argument 1 does not match %d: an integer is needed", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PrintfFormatter.format("%d %d", List.of(i(1))));
        assertEquals("format needs more than 1 arguments", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PrintfFormatter.format("%d", List.of(i(1), i(2))));
        assertEquals("format takes 1 arguments but 2 were given", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PrintfFormatter.format("%y", List.of()));
        assertEquals("bad format \"%y\" at offset 1: unknown conversion `%y`: use one of %d %i %u %x %X %o %c %s %p %%", e.getMessage());
    }
}
