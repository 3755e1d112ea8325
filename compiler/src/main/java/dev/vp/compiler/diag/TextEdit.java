package dev.vp.compiler.diag;

import dev.vp.compiler.source.Span;

/** Replace the text of a span with new text (an empty span inserts). */
public record TextEdit(Span span, String replacement) {}
