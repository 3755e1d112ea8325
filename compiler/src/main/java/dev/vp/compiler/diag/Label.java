package dev.vp.compiler.diag;

import dev.vp.compiler.source.Span;

/** A secondary span with a short note ("first declared here"). */
public record Label(Span span, String message) {}
