package dev.vp.compiler.source;

import java.util.Arrays;

/** One original source file (a script, an include, a preload) with fast offset-to-line lookup. */
public final class SourceFile {
    private final String path;
    private final String text;
    private final int[] lineStarts;

    public SourceFile(String path, String text) {
        this.path = path;
        this.text = text;
        int n = 1;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') n++;
        lineStarts = new int[n];
        int k = 1;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') lineStarts[k++] = i + 1;
    }

    /** Whether a path (or URI) names a VP script: it ends in `.vp` in any case, so `EX.VP` too; else it is Emmett. */
    public static boolean isVp(String path) { return path.regionMatches(true, path.length() - 3, ".vp", 0, 3); }

    /** Whether the name is a script's: Emmett (.emt) or VP (.vp), in any case. */
    public static boolean isScript(String path) { return isVp(path) || path.regionMatches(true, path.length() - 4, ".emt", 0, 4); }

    public String path() { return path; }
    public String text() { return text; }
    public int lineCount() { return lineStarts.length; }

    /** 1-based line of a character offset (offsets past the end map to the last line). */
    public int line(int offset) {
        int i = Arrays.binarySearch(lineStarts, Math.max(0, Math.min(offset, text.length())));
        return (i >= 0 ? i : -i - 2) + 1;
    }

    /** 1-based column of a character offset, counting characters. */
    public int column(int offset) {
        int o = Math.max(0, Math.min(offset, text.length()));
        return o - lineStarts[line(o) - 1] + 1;
    }

    /** Offset of a 1-based line and column, clamped to the file. */
    public int offset(int line, int column) {
        int l = Math.max(1, Math.min(line, lineStarts.length));
        return Math.min(text.length(), lineStarts[l - 1] + Math.max(0, column - 1));
    }

    /** The text of a 1-based line without its terminator. */
    public String lineText(int line) {
        int s = lineStarts[line - 1];
        int e = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
        if (e > s && text.charAt(e - 1) == '\r') e--;
        return text.substring(s, Math.max(s, e));
    }

    @Override public String toString() { return path; }
}
