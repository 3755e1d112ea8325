// Maps a character range of the preprocessed VP text back to the original source (the lead unifies it with SpanMap).
package dev.vp.compiler.parse.vp;

import dev.vp.compiler.source.Span;

/** Turns [start, end) offsets of the text VpParser reads into a span of the original file. */
@FunctionalInterface
public interface VpSpanMap {
    Span span(int start, int end);
}
