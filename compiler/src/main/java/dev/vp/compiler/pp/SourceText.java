// Turns bytes or editor buffers into checked source text: UTF-8 only, no NULs or other binary control bytes.
package dev.vp.compiler.pp;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.source.SourceFile;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Checks that input is text, so a stray binary file gets one clear E0002 instead of thousands of syntax errors. */
final class SourceText {
    private SourceText() {}

    /** Decodes UTF-8 bytes (a leading byte order mark is dropped), reporting the first byte that is not text. */
    static SourceLoader.Result decode(String path, byte[] bytes) {
        int skip = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        int control = skip;
        while (control < bytes.length && !isBinary((char) (bytes[control] & 0xFF))) control++;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, skip, control - skip);
        CharBuffer out = CharBuffer.allocate(control - skip);
        var result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        out.flip();
        String text = out.toString();
        if (result.isError()) {
            int bad = in.position();
            return notText(path, text, String.format("byte 0x%02X is not valid UTF-8", bytes[bad] & 0xFF), "byte offset " + bad);
        }
        if (control < bytes.length) {
            return notText(path, text, String.format("control byte 0x%02X", bytes[control] & 0xFF), "byte offset " + control);
        }
        return new SourceLoader.Loaded(new SourceFile(path, text));
    }

    /** Checks text that is already decoded (an editor buffer). */
    static SourceLoader.Result check(String path, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isBinary(c)) {
                return notText(path, text.substring(0, i), String.format("control character U+%04X", (int) c), "character offset " + i);
            }
        }
        return new SourceLoader.Loaded(new SourceFile(path, text));
    }

    private static SourceLoader.Result notText(String path, String prefix, String what, String where) {
        var file = new SourceFile(path, prefix);
        int at = prefix.length();
        String reason = path + " is not a text file: " + what + " at line " + file.line(at) + ", column " + file.column(at)
                + " (" + where + "); scripts must be UTF-8 text";
        return new SourceLoader.Failed(Code.E0002, reason, file, at);
    }

    /** NUL and the C0 controls that never occur in text (tab, newlines, vertical tab, form feed are fine). */
    private static boolean isBinary(char c) {
        return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != 0x0B && c != 0x0C;
    }
}
