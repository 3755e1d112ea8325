// Host-side printf: formats a FormatSpec with integer and string arguments exactly as C's printf does.
package dev.vp.compiler.output;

import java.util.List;

/**
 * Formats printf output on the host. Integers are 64-bit: %d/%i print them signed, %u %x %X %o unsigned,
 * %p as 0x plus lowercase hex (0 prints 0x0, not glibc's "(nil)"), %c the low byte. Strings are byte
 * strings held one byte per char (ISO-8859-1), so lengths and precisions count bytes.
 */
public final class PrintfFormatter {
    private PrintfFormatter() {}

    /** A formatting argument: an integer or a string. */
    public sealed interface Arg permits IntArg, StrArg {}

    public record IntArg(long value) implements Arg {}

    public record StrArg(String value) implements Arg {}

    public static Arg of(long value) { return new IntArg(value); }

    public static Arg of(String value) { return new StrArg(value); }

    /** Parses and formats; a bad format or argument list is an IllegalArgumentException naming the problem. */
    public static String format(String format, List<Arg> args) {
        return switch (FormatSpec.parse(format)) {
            case FormatSpec spec -> format(spec, args);
            case FormatError e -> throw new IllegalArgumentException(
                    "bad format \"" + format + "\" at offset " + e.offset() + ": " + e.message());
        };
    }

    public static String format(FormatSpec spec, List<Arg> args) {
        var out = new StringBuilder();
        int next = 0;
        for (FormatSpec.Piece piece : spec.pieces()) {
            switch (piece) {
                case FormatSpec.Literal l -> out.append(l.text());
                case FormatSpec.Conversion c -> {
                    if (next >= args.size()) {
                        throw new IllegalArgumentException("format needs more than " + args.size() + " arguments");
                    }
                    Arg arg = args.get(next++);
                    switch (arg) {
                        case StrArg s when c.takesString() -> appendString(out, c, s.value());
                        case IntArg i when !c.takesString() -> appendInt(out, c, i.value());
                        default -> throw new IllegalArgumentException("argument " + next + " does not match %" + c.conversion()
                                + ": " + (c.takesString() ? "a string" : "an integer") + " is needed");
                    }
                }
            }
        }
        if (next != args.size()) {
            throw new IllegalArgumentException("format takes " + next + " arguments but " + args.size() + " were given");
        }
        return out.toString();
    }

    private static void appendString(StringBuilder out, FormatSpec.Conversion c, String value) {
        String body = c.precision() >= 0 && value.length() > c.precision() ? value.substring(0, c.precision()) : value;
        pad(out, c, "", body, false);
    }

    private static void appendInt(StringBuilder out, FormatSpec.Conversion c, long value) {
        String prefix = "";
        String digits;
        switch (c.conversion()) {
            case 'd', 'i' -> {
                digits = value < 0 ? Long.toUnsignedString(-value) : Long.toString(value);
                if (value < 0) prefix = "-";
                else if (c.plus()) prefix = "+";
                else if (c.space()) prefix = " ";
            }
            case 'u' -> digits = Long.toUnsignedString(value);
            case 'x', 'X' -> {
                digits = Long.toHexString(value);
                if (c.conversion() == 'X') digits = digits.toUpperCase(java.util.Locale.ROOT);
                if (c.alternate() && value != 0) prefix = c.conversion() == 'X' ? "0X" : "0x";
            }
            case 'o' -> digits = Long.toOctalString(value);
            case 'p' -> {
                digits = Long.toHexString(value);
                prefix = "0x";
            }
            case 'c' -> {
                pad(out, c, "", String.valueOf((char) (value & 0xff)), false);
                return;
            }
            default -> throw new IllegalStateException("not an integer conversion: %" + c.conversion());
        }
        if (c.precision() >= 0) {
            if (c.precision() == 0 && value == 0 && c.conversion() != 'p') digits = "";
            if (digits.length() < c.precision()) digits = "0".repeat(c.precision() - digits.length()) + digits;
        }
        if (c.conversion() == 'o' && c.alternate() && !digits.startsWith("0")) digits = "0" + digits;
        pad(out, c, prefix, digits, c.zeroPad() && !c.leftAlign() && c.precision() < 0);
    }

    /** Pads prefix+body to the width: zeros go between the prefix and the body, spaces outside. */
    private static void pad(StringBuilder out, FormatSpec.Conversion c, String prefix, String body, boolean zeros) {
        int fill = Math.max(0, c.width() - prefix.length() - body.length());
        if (c.leftAlign()) {
            out.append(prefix).append(body).repeat(' ', fill);
        } else if (zeros) {
            out.append(prefix).repeat('0', fill).append(body);
        } else {
            out.repeat(' ', fill).append(prefix).append(body);
        }
    }
}
