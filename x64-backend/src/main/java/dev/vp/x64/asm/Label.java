// A position in the code that branches and calls can name before it is bound.
package dev.vp.x64.asm;

/**
 * A branch or call target, created by {@link Assembler#newLabel()} and bound once with
 * {@link Assembler#bind(Label)}. It records where it was bound in the assembler's raw stream (the
 * bytes without the relaxable branches) and how many branches precede it; {@link Assembler#finish()}
 * turns that into a final offset.
 */
public final class Label {
    final Assembler owner;
    int rawPos = -1;
    int branchesBefore;

    Label(Assembler owner) {
        this.owner = owner;
    }

    boolean isBound() {
        return rawPos >= 0;
    }
}
