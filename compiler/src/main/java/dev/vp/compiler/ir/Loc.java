package dev.vp.compiler.ir;

/** A source location for cancellation reports and listings: original file and 1-based line. */
public record Loc(String file, int line) {
    public static final Loc NONE = new Loc("", 0);

    @Override public String toString() { return file + ":" + line; }
}
