// Drops the instructions whose only effect is a register value nobody reads (after web splitting).
package dev.vp.x64.gen;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import java.util.ArrayList;
import java.util.List;

/**
 * A probe's parameters are read from its fields on entry whether or not the clause uses them, and the lowerer's
 * copies outlive their readers; once each register is one web, such a write with no reader is dead. Only
 * instructions that can neither cancel nor change anything but their register go: a guest read stays (it may
 * cancel on an unmapped address, which the interpreter reports), as do divisions (by zero), calls, bag removes and
 * everything on strings (their slots are not tracked here). Removing one may leave its operands unread, so this
 * repeats until nothing changes. The IR's frame sizes, which the stack budget charges, do not change.
 */
final class DeadCode {
    private DeadCode() {}

    static IrFunction strip(IrProgram program, IrFunction fn) {
        List<Block> blocks = fn.blocks();
        boolean changed = false;
        while (true) {
            int[] reads = new int[fn.registers()];
            for (Block b : blocks) {
                for (Insn insn : b.insns()) for (int v : RegisterAllocator.uses(insn)) reads[v]++;
                for (int v : RegisterAllocator.uses(b.terminator(), fn)) reads[v]++;
            }
            List<Block> kept = new ArrayList<>(blocks.size());
            boolean removed = false;
            for (Block b : blocks) {
                List<Insn> insns = new ArrayList<>(b.insns().size());
                for (Insn insn : b.insns()) {
                    int d = RegisterAllocator.def(insn, program);
                    if (d >= 0 && reads[d] == 0 && pure(insn)) removed = true;
                    else insns.add(insn);
                }
                kept.add(insns.size() == b.insns().size() ? b : new Block(b.id(), insns, b.terminator()));
            }
            if (!removed) break;
            blocks = kept;
            changed = true;
        }
        return changed ? new IrFunction(fn.name(), fn.returns(), fn.params(), fn.registers(), fn.slots(), blocks) : fn;
    }

    /** Whether the instruction does nothing but write its integer register. */
    static boolean pure(Insn insn) {
        return switch (insn) {
            case Insn.Const i -> true;
            case Insn.Move i -> true;
            case Insn.Un i -> true;
            case Insn.Bin i -> i.op() != Insn.BinOp.UDIV && i.op() != Insn.BinOp.UREM;
            case Insn.ReadBuiltin i -> true;
            case Insn.SystemTime i -> true;
            case Insn.LoadVar i -> true;
            case Insn.StrCmp i -> true;
            default -> false;
        };
    }
}
