// The format checker API: conversions with their flags, and errors with the offset of the bad character.
package dev.vp.compiler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class FormatSpecTest {
    private static FormatSpec ok(String text) {
        return switch (FormatSpec.parse(text)) {
            case FormatSpec s -> s;
            case FormatError e -> throw new AssertionError("unexpected error " + e);
        };
    }

    private static FormatError error(String text) {
        return switch (FormatSpec.parse(text)) {
            case FormatSpec s -> throw new AssertionError("expected an error for " + text + ", got " + s);
            case FormatError e -> e;
        };
    }

    @Test
    void conversionsInOrderWithFlagsWidthAndPrecision() {
        FormatSpec spec = ok("pid %-#08.3lx name %s 100%% %llu%c");
        List<FormatSpec.Conversion> convs = spec.conversions();
        assertEquals(List.of('x', 's', 'u', 'c'), convs.stream().map(FormatSpec.Conversion::conversion).toList());
        assertEquals(new FormatSpec.Conversion(4, 9, true, false, false, true, true, 8, 3, 'x'), convs.get(0));
        assertEquals(List.of(false, true, false, false), convs.stream().map(FormatSpec.Conversion::takesString).toList());
        assertEquals(new FormatSpec.Literal(" 100% "), spec.pieces().get(4));
    }

    @Test
    void errorsSayWhatAndWhere() {
        assertEquals(new FormatError("unknown conversion `%f`: use one of %d %i %u %x %X %o %c %s %p %%", 6), error("abc %5f"));
        assertEquals(new FormatError("incomplete conversion at the end of the format: add a conversion letter or write %% for a percent sign", 2), error("x %-08"));
        assertEquals(new FormatError("`*` widths are not supported: write the width as a number", 1), error("%*d"));
        assertEquals(new FormatError("`*` precisions are not supported: write the precision as a number", 2), error("%.*d"));
        assertEquals(new FormatError("length modifier `hh` is not supported (values are 64-bit; use h, l, ll or none)", 1), error("%hhd"));
        assertEquals(new FormatError("length modifier `z` is not supported (values are 64-bit; use h, l, ll or none)", 1), error("%zu"));
        assertEquals(new FormatError("width is larger than 255", 1), error("%256d"));
        assertEquals(new FormatError("precision is larger than 255", 2), error("%.999999999999d"));
    }
}
