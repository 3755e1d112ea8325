// The text of one directive after its name: continuation lines joined and comments replaced by a space.
package dev.vp.compiler.pp;

import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.util.Arrays;

/**
 * A directive's logical line, each character remembering its offset in the file so diagnostics can point
 * into it. Reading stops at the first newline that is not escaped and not inside a block comment (as in C, a
 * comment can carry a directive over several lines).
 */
final class DirectiveLine {
    final SourceFile file;
    private final StringBuilder text = new StringBuilder();
    private int[] offsets = new int[32];
    /** File offsets of the newlines this directive consumed (the directive's lines stay as empty lines). */
    private int[] newlines = new int[4];
    private int newlineCount;
    /** Offset just past the directive (after its final newline, or the end of the file). */
    final int end;
    /** Offset just after the directive's name, where its content starts. */
    private final int from;
    /** Offset after the last content character on the directive's first line: diagnostics underline up to here. */
    private final int firstLineEnd;

    /** Reads from {@code from} (just after the directive name) to the end of the directive. */
    DirectiveLine(SourceFile file, int from) {
        this.file = file;
        String s = file.text();
        int n = s.length();
        int i = from;
        int firstEnd = -1;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n') {
                addNewline(i++);
                break;
            }
            if (c == '\\' && continuation(s, i + 1) > 0) {
                if (firstEnd < 0) firstEnd = i;
                i += 1 + continuation(s, i + 1);
                addNewline(i - 1);
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                append(' ', i);
                int close = Lexing.blockCommentEnd(s, i);
                for (int k = s.indexOf('\n', i); k >= 0 && k < close; k = s.indexOf('\n', k + 1)) {
                    if (firstEnd < 0) firstEnd = k;
                    addNewline(k);
                }
                i = close;
            } else if (c == '"' || c == '\'') {
                int close = Lexing.literalEnd(s, i);
                for (int k = i; k < close; k++) append(s.charAt(k), k);
                i = close;
            } else {
                append(c, i);
                i++;
            }
        }
        this.end = i;
        this.from = from;
        int firstBreak = firstEnd >= 0 ? firstEnd : i;
        int last = from;
        for (int k = text.length() - 1; k >= 0; k--) {
            if (offsets[k] < firstBreak && !Character.isWhitespace(text.charAt(k))) {
                last = offsets[k] + 1;
                break;
            }
        }
        this.firstLineEnd = last;
    }

    /** Length of a line break at {@code i} ("\n" or "\r\n"), or 0. */
    private static int continuation(String s, int i) {
        if (i < s.length() && s.charAt(i) == '\n') return 1;
        if (i + 1 < s.length() && s.charAt(i) == '\r' && s.charAt(i + 1) == '\n') return 2;
        return 0;
    }

    private void append(char c, int offset) {
        if (text.length() == offsets.length) offsets = Arrays.copyOf(offsets, offsets.length * 2);
        offsets[text.length()] = offset;
        text.append(c);
    }

    private void addNewline(int offset) {
        if (newlineCount == newlines.length) newlines = Arrays.copyOf(newlines, newlineCount * 2);
        newlines[newlineCount++] = offset;
    }

    int length() { return text.length(); }
    char charAt(int i) { return text.charAt(i); }
    String text() { return text.toString(); }
    String substring(int from, int to) { return text.substring(from, to); }
    int newlineCount() { return newlineCount; }
    int newlineAt(int k) { return newlines[k]; }

    /** Span in the file of content characters [from, to); an empty range points just after the previous one. */
    Span span(int from, int to) {
        if (to > from) return new Span(file, offsets[from], offsets[to - 1] + 1);
        if (from < text.length()) return Span.at(file, offsets[from]);
        return Span.at(file, text.isEmpty() ? this.from : offsets[text.length() - 1] + 1);
    }

    /** From {@code start} (the '#') to the end of the directive's content on its first line. */
    Span directiveSpan(int start) { return new Span(file, start, Math.max(from, firstLineEnd)); }

    /** Index of the first non-blank content character at or after {@code i}. */
    int skipBlanks(int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        return i;
    }

    /** End of the identifier starting at {@code i} ({@code i} itself if there is none). */
    int identEnd(int i) {
        if (i >= text.length() || !Lexing.isIdentStart(text.charAt(i))) return i;
        i++;
        while (i < text.length() && Lexing.isIdentPart(text.charAt(i))) i++;
        return i;
    }
}
