// One `#pragma budget KIND N` line of a script.
package dev.vp.compiler.pp;

import dev.vp.compiler.source.Span;

/** A budget set by the script itself; {@code span} covers the directive, for "budget set here" notes. */
public record Pragma(String kind, long value, Span span) {}
