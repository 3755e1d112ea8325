// What parsing a printf format yields: the spec, or the first error with its offset.
package dev.vp.compiler.output;

/** Switch over it: {@code case FormatSpec s -> ...; case FormatError e -> ...}. */
public sealed interface FormatParseResult permits FormatSpec, FormatError {}
