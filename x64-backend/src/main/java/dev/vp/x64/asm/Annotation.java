// A comment (such as a source line) attached to a code offset, for listings.
package dev.vp.x64.asm;

/** A comment attached to the offset of the instruction that follows it. */
public record Annotation(int offset, String text) {}
