// Strings are bytes: how a literal's characters become bytes (their UTF-8, as gcc does), and how bytes print back.
package dev.vp.compiler.util;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Script strings hold one char per byte (0-255, ISO-8859-1). A literal's non-ASCII character is its UTF-8 bytes, so
 * "é" is the two bytes c3 a9 and output written byte for byte shows it as the source did.
 */
public final class ByteChars {
    private ByteChars() {}

    /**
     * Appends the UTF-8 bytes of the character at index of text to out, one char per byte; returns how many chars of
     * text it took (2 for a surrogate pair).
     */
    public static int appendUtf8(StringBuilder out, String text, int index) {
        int cp = text.codePointAt(index);
        if (cp < 0x80) out.append((char) cp);
        else for (byte b : Character.toString(cp).getBytes(StandardCharsets.UTF_8)) out.append((char) (b & 0xff));
        return Character.charCount(cp);
    }

    /** text's UTF-8 bytes, one char per byte. */
    public static String utf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** The bytes as \xHH escapes, e.g. `\xc3\xa9` for "é". */
    public static String escapes(String bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes.length(); i++) sb.append(String.format("\\x%02x", (int) bytes.charAt(i)));
        return sb.toString();
    }

    /**
     * How many bytes from index of bytes (one char per byte) form one valid UTF-8 sequence of a non-ASCII
     * character, or 0 when the byte there does not start one.
     */
    public static int utf8Sequence(String bytes, int index) {
        int lead = bytes.charAt(index);
        int n = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
        if (n == 0 || index + n > bytes.length()) return 0;
        byte[] seq = new byte[n];
        for (int i = 0; i < n; i++) {
            char c = bytes.charAt(index + i);
            if (c > 0xff) return 0;
            seq[i] = (byte) c;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(seq));
            return n;
        } catch (CharacterCodingException e) {
            return 0;
        }
    }

    /** The bytes (one char per byte) decoded as UTF-8, each malformed sequence replaced by U+FFFD: for showing output as text. */
    public static String decodeUtf8(String bytes) {
        byte[] raw = bytes.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e); // REPLACE never throws
        }
    }

    /**
     * Output that arrives in pieces (records, one char per byte) decoded as one UTF-8 stream, as a terminal decodes
     * it: a character whose bytes are split over two pieces shows whole, and a malformed sequence shows as U+FFFD.
     * One per stream; not for several threads.
     */
    public static final class Utf8Stream {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private byte[] pending = new byte[0];

        /** The text these bytes complete; the bytes of a character still incomplete wait for the next piece. */
        public String decode(String bytes) { return run(bytes, false); }

        /** What still waits, as U+FFFD: for when the stream ends inside a character. */
        public String finish() { return run("", true); }

        private String run(String bytes, boolean end) {
            byte[] raw = bytes.getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer in = ByteBuffer.allocate(pending.length + raw.length).put(pending).put(raw).flip();
            CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, out, end);
            if (end) {
                decoder.flush(out);
                decoder.reset();
            }
            pending = new byte[in.remaining()];
            in.get(pending);
            return out.flip().toString();
        }
    }
}
