// The parsed form of a printf format: literal text and conversions, shared by the checker and the formatter.
package dev.vp.compiler.output;

import java.util.ArrayList;
import java.util.List;

/**
 * A printf format split into pieces. Supports %d %i %u %x %X %o %c %s %p %% with flags {@code #0- +},
 * width, precision and the ignored length modifiers h, l and ll. Widths and precisions are capped at 255
 * (a string's limit) so that no format can ask for unbounded output.
 */
public record FormatSpec(List<Piece> pieces) implements FormatParseResult {
    public FormatSpec { pieces = List.copyOf(pieces); }

    public static final int MAX_WIDTH = 255;

    public sealed interface Piece permits Literal, Conversion {}

    public record Literal(String text) implements Piece {}

    /**
     * One argument-taking conversion. offset/length locate it in the format text; width and precision are
     * -1 when absent.
     */
    public record Conversion(int offset, int length, boolean leftAlign, boolean plus, boolean space,
                             boolean alternate, boolean zeroPad, int width, int precision, char conversion)
            implements Piece {
        /** True for %s, the only conversion that takes a string argument. */
        public boolean takesString() { return conversion == 's'; }
    }

    /** The argument-taking conversions in order: one per argument. */
    public List<Conversion> conversions() {
        var out = new ArrayList<Conversion>();
        for (Piece p : pieces) if (p instanceof Conversion c) out.add(c);
        return out;
    }

    /** The spec, or the first problem as a FormatError. */
    public static FormatParseResult parse(String text) {
        var pieces = new ArrayList<Piece>();
        var literal = new StringBuilder();
        int i = 0, n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            if (ch != '%') { literal.append(ch); i++; continue; }
            int start = i++;
            if (i < n && text.charAt(i) == '%') { literal.append('%'); i++; continue; }
            boolean left = false, plus = false, space = false, alt = false, zero = false;
            while (i < n && "-+ #0".indexOf(text.charAt(i)) >= 0) {
                switch (text.charAt(i++)) {
                    case '-' -> left = true;
                    case '+' -> plus = true;
                    case ' ' -> space = true;
                    case '#' -> alt = true;
                    default -> zero = true;
                }
            }
            if (i < n && text.charAt(i) == '*') return new FormatError("`*` widths are not supported: write the width as a number", i);
            int width = -1;
            int numberStart = i;
            while (i < n && Character.isDigit(text.charAt(i))) i++;
            if (i > numberStart) {
                width = boundedNumber(text, numberStart, i);
                if (width < 0) return new FormatError("width is larger than " + MAX_WIDTH, numberStart);
            }
            int precision = -1;
            if (i < n && text.charAt(i) == '.') {
                i++;
                if (i < n && text.charAt(i) == '*') return new FormatError("`*` precisions are not supported: write the precision as a number", i);
                numberStart = i;
                while (i < n && Character.isDigit(text.charAt(i))) i++;
                precision = i > numberStart ? boundedNumber(text, numberStart, i) : 0;
                if (precision < 0) return new FormatError("precision is larger than " + MAX_WIDTH, numberStart);
            }
            if (i < n && text.charAt(i) == 'h') {
                i++;
                if (i < n && text.charAt(i) == 'h') return new FormatError("length modifier `hh` is not supported (values are 64-bit; use h, l, ll or none)", i - 1);
            } else if (i < n && text.charAt(i) == 'l') {
                i++;
                if (i < n && text.charAt(i) == 'l') i++;
            } else if (i < n && "jztLq".indexOf(text.charAt(i)) >= 0) {
                return new FormatError("length modifier `" + text.charAt(i) + "` is not supported (values are 64-bit; use h, l, ll or none)", i);
            }
            if (i >= n) return new FormatError("incomplete conversion at the end of the format: add a conversion letter or write %% for a percent sign", start);
            char conv = text.charAt(i);
            if (conv == '%') {
                return new FormatError("`" + text.substring(start, i + 1) + "` is not a conversion: a percent sign is `%%`, with"
                        + " nothing between the two `%`", start);
            }
            if ("diuxXocsp".indexOf(conv) < 0) {
                return new FormatError("unknown conversion `%" + conv + "`: use one of %d %i %u %x %X %o %c %s %p %%", i);
            }
            i++;
            if (!literal.isEmpty()) { pieces.add(new Literal(literal.toString())); literal.setLength(0); }
            pieces.add(new Conversion(start, i - start, left, plus, space, alt, zero, width, precision, conv));
        }
        if (!literal.isEmpty()) pieces.add(new Literal(literal.toString()));
        return new FormatSpec(pieces);
    }

    /** The decimal number text[from, to), or -1 when it exceeds MAX_WIDTH. */
    private static int boundedNumber(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (text.charAt(i) - '0');
            if (value > MAX_WIDTH) return -1;
        }
        return value;
    }
}
