// One `#pragma budget KIND N` line of a script.
package dev.vp.compiler.pp;

import dev.vp.compiler.source.Span;
import java.util.List;

/** A budget set by the script itself; {@code span} covers the directive, for "budget set here" notes. */
public record Pragma(String kind, long value, Span span) {
    /** The budget kinds of LANGUAGE.md section 10, in its table's order. */
    public static final List<String> BUDGET_KINDS = List.of("code", "data", "clauses", "stack", "fuel", "string");
}
