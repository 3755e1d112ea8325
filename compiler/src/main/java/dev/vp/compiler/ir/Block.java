package dev.vp.compiler.ir;

import java.util.List;

/** A basic block: straight-line instructions and one terminator. Block ids are indices in the function. */
public record Block(int id, List<Insn> insns, Terminator terminator) {
    public Block { insns = List.copyOf(insns); }
}
