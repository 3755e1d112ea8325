// Reads VP integer and string literals with Emmett's rules, and writes strings back in the form they read.
package dev.vp.compiler.parse.vp;

import dev.vp.compiler.util.ByteChars;
import java.util.function.BiConsumer;

/** Literal spelling shared by VpBuilder (reading) and VpPrinter (writing), so the two always agree. */
final class VpLiterals {
    private VpLiterals() {}

    /**
     * An integer as Emmett reads it (decimal, 0x hex, C octal with a leading 0), as an unsigned 64-bit value;
     * null when the text is not an integer or does not fit in 64 bits.
     */
    static Long parseInteger(String text) {
        Digits d = Digits.of(text);
        if (!d.valid()) return null;
        try {
            return Long.parseUnsignedLong(d.digits, d.radix);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    /** Whether parseInteger refuses the token only because it is too large. */
    static boolean fitsNot(String text) { return Digits.of(text).valid() && parseInteger(text) == null; }

    /** Why parseInteger refused a token, for the diagnostic (Emmett's E0104 says the same of a literal too large). */
    static String integerProblem(String text) {
        if (Digits.of(text).valid()) return "`" + Reporter.clip(text) + "` does not fit in 64 bits (the largest is 0xffffffffffffffff)";
        return "`" + Reporter.clip(text) + "` is not an integer: write decimal (42), hex (0x2a) or octal (052)";
    }

    private record Digits(String digits, int radix) {
        static Digits of(String text) {
            if (text.length() > 2 && (text.startsWith("0x") || text.startsWith("0X"))) return new Digits(text.substring(2), 16);
            if (text.length() > 1 && text.startsWith("0")) return new Digits(text.substring(1), 8);
            return new Digits(text, 10);
        }

        boolean valid() {
            return !digits.isEmpty() && digits.chars().allMatch(c -> c < 0x80 && Character.digit(c, radix) >= 0);
        }
    }

    /**
     * Decodes a string token (with its opening quote, and its closing one when terminated) into bytes, one char per
     * byte: a non-ASCII character is its UTF-8 bytes. Escapes: \n \t \\ \" \0 \xHH (one byte; at most two
     * digits); an unknown escape keeps the character and drops the backslash, and is reported to unknownEscape with
     * its offsets inside the token.
     */
    static String decodeString(String token, boolean terminated, BiConsumer<Integer, Integer> unknownEscape) {
        int end = terminated ? token.length() - 1 : token.length();
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < end; i++) {
            char c = token.charAt(i);
            if (c != '\\') {
                i += ByteChars.appendUtf8(sb, token, i) - 1;
                continue;
            }
            if (i + 1 >= end) break;
            char e = token.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case '\\' -> sb.append('\\');
                case '"' -> sb.append('"');
                case '0' -> sb.append('\0');
                case 'x' -> {
                    int value = 0;
                    int n = 0;
                    while (n < 2 && i + 1 < end && Character.digit(token.charAt(i + 1), 16) >= 0 && token.charAt(i + 1) < 0x80) {
                        value = value * 16 + Character.digit(token.charAt(++i), 16);
                        n++;
                    }
                    if (n == 0) {
                        unknownEscape.accept(i - 1, i + 1);
                        sb.append('x');
                    } else {
                        sb.append((char) value);
                    }
                }
                default -> {
                    int n = e < 0x80 ? 1 : Character.charCount(token.codePointAt(i));
                    unknownEscape.accept(i - 1, i + n);
                    i += ByteChars.appendUtf8(sb, token, i) - 1;
                }
            }
        }
        return sb.toString();
    }

    /**
     * A string literal that decodeString reads back as exactly value (bytes, one char per byte): bytes that form
     * valid UTF-8 are written as the character they encode, other bytes above 0x7e as \xHH.
     */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int n = c >= 0x80 ? ByteChars.utf8Sequence(value, i) : 0;
            if (n > 0) {
                sb.append(ByteChars.decodeUtf8(value.substring(i, i + n)));
                i += n - 1;
                continue;
            }
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                default -> {
                    if (c < 0x20 || c >= 0x7f) sb.append(String.format("\\x%02x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** An integer in the form VpPrinter writes: decimal when small, else hex (both read back to the same value). */
    static String integer(long value) {
        return Long.compareUnsigned(value, 0xFFFF) <= 0 ? Long.toString(value) : "0x" + Long.toHexString(value);
    }
}
