package dev.vp.compiler.source;

/** A range of characters [start, end) in an original source file: what every diagnostic and AST node points at. */
public record Span(SourceFile file, int start, int end) {
    public Span {
        if (start < 0 || end < start) throw new IllegalArgumentException("bad span " + start + ".." + end);
    }

    public static Span at(SourceFile file, int offset) { return new Span(file, offset, offset); }

    public int line() { return file.line(start); }
    public int column() { return file.column(start); }
    public int endLine() { return file.line(end); }
    public int endColumn() { return file.column(end); }

    /** The smallest span covering both (same file), else this. */
    public Span to(Span other) {
        if (other == null || other.file != file) return this;
        return new Span(file, Math.min(start, other.start), Math.max(end, other.end));
    }

    public String text() { return file.text().substring(start, Math.min(end, file.text().length())); }

    @Override public String toString() { return file.path() + ":" + line() + ":" + column(); }
}
