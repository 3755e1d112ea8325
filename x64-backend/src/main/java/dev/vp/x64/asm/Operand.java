// What a ModRM r/m field can name: a register or a memory operand.
package dev.vp.x64.asm;

/** A register or memory operand (the ModRM r/m field). */
public sealed interface Operand permits Reg, Mem {}
