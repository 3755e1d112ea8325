// The sixteen condition codes of jcc/setcc/cmovcc, numbered as the hardware encodes them.
package dev.vp.x64.asm;

/** A condition code; the ordinal is the low nibble of the jcc/setcc/cmovcc opcode. */
public enum Cond {
    O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G;

    public int code() {
        return ordinal();
    }

    /** The opposite condition: flipping the low bit is how the hardware pairs them. */
    public Cond negate() {
        return values()[ordinal() ^ 1];
    }

    /** The mnemonic suffix as objdump prints it (je, setb, cmovge). */
    public String suffix() {
        return name().toLowerCase();
    }
}
