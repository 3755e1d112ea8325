// Strings are bytes: how a literal's character that is not one (above U+00FF) is explained to the writer.
package dev.vp.compiler.util;

import java.nio.charset.StandardCharsets;

/** Script strings hold one char per byte (0-255); a literal character above U+00FF has to be written as its bytes. */
public final class ByteChars {
    private ByteChars() {}

    /** The index of the first character of text above U+00FF, or -1. */
    public static int firstNonByte(String text) {
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) > 0xff) return i;
        return -1;
    }

    /** Why the character at index of text cannot be in a literal, with its UTF-8 bytes as escapes to write instead. */
    public static String problem(String text, int index) {
        int cp = text.codePointAt(index);
        StringBuilder escapes = new StringBuilder();
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) escapes.append(String.format("\\x%02x", b & 0xff));
        return String.format("character U+%04X is not a byte: strings hold bytes (0-255), so write its bytes as escapes, "
                + "e.g. `%s` for its UTF-8", cp, escapes);
    }
}
