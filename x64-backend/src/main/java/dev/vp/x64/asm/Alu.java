// The eight classic two-operand integer operations that share one opcode pattern.
package dev.vp.x64.asm;

/** A two-operand ALU operation; the ordinal is the /digit of the 0x80-0x83 group and opcode bits 3-5. */
public enum Alu {
    ADD, OR, ADC, SBB, AND, SUB, XOR, CMP;

    public int ext() {
        return ordinal();
    }
}
