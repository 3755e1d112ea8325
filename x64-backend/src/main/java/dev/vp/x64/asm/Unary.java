// One-operand arithmetic of the 0xF6/0xF7 group (not, neg, and the rdx:rax multiply and divides).
package dev.vp.x64.asm;

/** A one-operand group-3 instruction; {@link #ext} is its /digit. MUL/DIV/IDIV use rdx:rax implicitly. */
public enum Unary {
    NOT(2), NEG(3), MUL(4), DIV(6), IDIV(7);

    public final int ext;

    Unary(int ext) {
        this.ext = ext;
    }
}
