// A printf format that cannot be used: what is wrong and where.
package dev.vp.compiler.output;

/** offset: index in the format text of the character that is wrong. */
public record FormatError(String message, int offset) implements FormatParseResult {}
