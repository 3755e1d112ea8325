package dev.vp.compiler.parse;

import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;

/** Maps a range of offsets in preprocessed text back to the original source, so parsers report real places. */
@FunctionalInterface
public interface SpanMap {
    Span span(int start, int end);

    /** For text that was not preprocessed: offsets are already offsets of the file. */
    static SpanMap identity(SourceFile file) {
        return (start, end) -> new Span(file, start, end);
    }
}
