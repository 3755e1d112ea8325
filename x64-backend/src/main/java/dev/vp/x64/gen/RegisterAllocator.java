// Linear-scan register allocation of one IR function's virtual registers over live intervals from its blocks.
package dev.vp.x64.gen;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Terminator;
import dev.vp.compiler.lang.Builtin;
import dev.vp.x64.asm.Reg;
import dev.vp.x64.helpers.HelperLibrary;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Computes liveness over the blocks (a try region's blocks also flow to its handler, since any of their
 * instructions may cancel there), one interval per virtual register in block order, and assigns registers
 * by linear scan (Poletto and Sarkar). An interval that lives across an instruction may not sit in a
 * register that instruction clobbers (helpers declare LIGHT or HEAVY sets, calls clobber HEAVY); when no
 * register is left, the interval that ends last is spilled to an 8-byte frame slot. Values live into a try
 * handler always live in their frame slot: a cancellation arrives there with every register lost.
 */
final class RegisterAllocator {
    /** RAX, RCX and RDX are the selector's scratch registers and carry helper arguments; never allocated. */
    static final List<Reg> ALLOCATABLE = List.of(Reg.RSI, Reg.RDI, Reg.R8, Reg.R9, Reg.R10, Reg.R11, Reg.R14, Reg.R15);

    /**
     * Where each virtual register lives: a register, or spill slot index (reg null), or nowhere (unused). A folded
     * register lives nowhere either: it only ever holds {@code constant[v]}, and every instruction that reads it
     * takes that value as an immediate instead (see {@link #foldable}).
     */
    record Allocation(Reg[] regs, int[] spillSlot, int spillSlots, BitSet liveAtEntry, int[] tryDepth, BitSet folded, long[] constant) {
        boolean used(int v) { return regs[v] != null || spillSlot[v] >= 0; }

        boolean isFolded(int v) { return folded.get(v); }

        boolean usesCalleeSaved(Reg r) {
            for (Reg x : regs) if (x == r) return true;
            return false;
        }
    }

    private RegisterAllocator() {}

    static Allocation allocate(IrProgram program, IrFunction fn, TryDepths depths) {
        int n = fn.registers();
        List<Block> blocks = fn.blocks();
        int nb = blocks.size();
        // uses/defs per block for liveness
        BitSet[] use = new BitSet[nb], def = new BitSet[nb];
        for (int b = 0; b < nb; b++) {
            use[b] = new BitSet(n);
            def[b] = new BitSet(n);
            for (Insn insn : blocks.get(b).insns()) {
                for (int u : uses(insn)) if (!def[b].get(u)) use[b].set(u);
                int d = def(insn, program);
                if (d >= 0) def[b].set(d);
            }
            for (int u : uses(blocks.get(b).terminator(), fn)) if (!def[b].get(u)) use[b].set(u);
        }
        List<List<Integer>> succ = successors(fn, depths);
        BitSet[] liveIn = new BitSet[nb], liveOut = new BitSet[nb];
        for (int b = 0; b < nb; b++) { liveIn[b] = new BitSet(n); liveOut[b] = new BitSet(n); }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int b = nb - 1; b >= 0; b--) {
                BitSet out = new BitSet(n);
                for (int s : succ.get(b)) out.or(liveIn[s]);
                BitSet in = (BitSet) out.clone();
                in.andNot(def[b]);
                in.or(use[b]);
                // a cancellation may leave the block before any of its writes: what a handler reads is live on entry
                for (int handler : depths.handlersReachable(fn, b)) in.or(liveIn[handler]);
                if (!in.equals(liveIn[b]) || !out.equals(liveOut[b])) {
                    liveIn[b] = in;
                    liveOut[b] = out;
                    changed = true;
                }
            }
        }

        int intParams = (int) fn.params().stream().filter(p -> !p.string()).count();
        long[] constant = new long[n];
        BitSet folded = foldedConstants(program, fn, intParams, liveIn[0], constant);

        // intervals: positions 2i (uses) and 2i+1 (defs), i counting instructions and terminators in block order
        int[] start = new int[n], end = new int[n];
        int[] hint = new int[n];
        java.util.Arrays.fill(hint, -1);
        java.util.Arrays.fill(start, Integer.MAX_VALUE);
        java.util.Arrays.fill(end, -1);
        List<Set<Reg>> clobbers = new ArrayList<>();
        int index = 0;
        for (int b = 0; b < nb; b++) {
            Block block = blocks.get(b);
            int first = index;
            for (int v = liveIn[b].nextSetBit(0); v >= 0; v = liveIn[b].nextSetBit(v + 1)) extend(start, end, v, 2 * first);
            for (Insn insn : block.insns()) {
                for (int u : uses(insn)) extend(start, end, u, 2 * index);
                int d = def(insn, program);
                if (d >= 0) {
                    if (start[d] == Integer.MAX_VALUE) hint[d] = preferred(insn, folded);
                    extend(start, end, d, 2 * index + 1);
                }
                clobbers.add(clobber(insn));
                index++;
            }
            for (int u : uses(block.terminator(), fn)) extend(start, end, u, 2 * index);
            clobbers.add(EnumSet.noneOf(Reg.class));
            int last = index++;
            for (int v = liveOut[b].nextSetBit(0); v >= 0; v = liveOut[b].nextSetBit(v + 1)) extend(start, end, v, 2 * last + 1);
        }
        // parameters and values read before any write are live from the function's start (the prologue sets them)
        for (int v = 0; v < intParams; v++) extend(start, end, v, 0);
        for (int v = liveIn[0].nextSetBit(0); v >= 0; v = liveIn[0].nextSetBit(v + 1)) extend(start, end, v, 0);

        // a folded constant needs no interval: it is never in a register
        for (int v = folded.nextSetBit(0); v >= 0; v = folded.nextSetBit(v + 1)) end[v] = -1;

        BitSet mustSpill = new BitSet(n);
        for (int b = 0; b < nb; b++) if (depths.isHandler(b)) mustSpill.or(liveIn[b]);

        Reg[] regs = new Reg[n];
        int[] slot = new int[n];
        java.util.Arrays.fill(slot, -1);
        int slots = 0;
        List<Integer> order = new ArrayList<>();
        for (int v = 0; v < n; v++) if (end[v] >= 0) order.add(v);
        order.sort(Comparator.comparingInt(v -> start[v]));
        List<Integer> active = new ArrayList<>();
        for (int v : order) {
            active.removeIf(w -> end[w] < start[v]);
            if (mustSpill.get(v)) { slot[v] = slots++; continue; }
            EnumSet<Reg> forbidden = EnumSet.noneOf(Reg.class);
            for (int i = Math.max(0, (start[v] + 1) / 2); 2 * i + 1 < end[v] && i < clobbers.size(); i++) {
                if (start[v] <= 2 * i) forbidden.addAll(clobbers.get(i));
            }
            EnumSet<Reg> taken = EnumSet.noneOf(Reg.class);
            for (int w : active) if (regs[w] != null) taken.add(regs[w]);
            Reg chosen = null;
            // a copy or a two-address operation whose source dies where this register is born shares its register
            int h = hint[v];
            if (h >= 0 && regs[h] != null && end[h] < start[v] && !forbidden.contains(regs[h]) && !taken.contains(regs[h])) chosen = regs[h];
            for (Reg r : ALLOCATABLE) {
                if (chosen != null) break;
                if (!forbidden.contains(r) && !taken.contains(r)) { chosen = r; break; }
            }
            if (chosen == null) {
                // steal from the active interval that ends last, if it ends after this one and its register fits
                int victim = -1;
                for (int w : active) {
                    if (regs[w] != null && !forbidden.contains(regs[w]) && end[w] > end[v] && (victim < 0 || end[w] > end[victim])) victim = w;
                }
                if (victim >= 0) {
                    chosen = regs[victim];
                    regs[victim] = null;
                    slot[victim] = slots++;
                }
            }
            if (chosen == null) { slot[v] = slots++; continue; }
            regs[v] = chosen;
            active.add(v);
        }
        BitSet zeroAtEntry = (BitSet) liveIn[0].clone();
        zeroAtEntry.clear(0, intParams);
        return new Allocation(regs, slot, slots, zeroAtEntry, depths.entryDepth(), folded, constant);
    }

    /**
     * The registers that hold one constant and need no register for it: written once, by a Const whose value fits
     * a sign-extended 32-bit immediate, never read before that write (not live at the function's entry, so every
     * read sees it), and read only by instructions that can take it as an immediate.
     */
    private static BitSet foldedConstants(IrProgram program, IrFunction fn, int intParams, BitSet liveAtEntry, long[] constant) {
        int n = fn.registers();
        int[] defs = new int[n];
        BitSet candidate = new BitSet(n);
        for (Block b : fn.blocks()) {
            for (Insn insn : b.insns()) {
                int d = def(insn, program);
                if (d < 0) continue;
                defs[d]++;
                if (insn instanceof Insn.Const c && c.value() == (int) c.value()) { candidate.set(d); constant[d] = c.value(); }
            }
        }
        for (int v = 0; v < n; v++) if (defs[v] != 1 || v < intParams || liveAtEntry.get(v)) candidate.clear(v);
        BitSet folded = (BitSet) candidate.clone();
        for (Block b : fn.blocks()) {
            for (Insn insn : b.insns()) for (int u : uses(insn)) if (!foldable(insn, u, candidate)) folded.clear(u);
            for (int u : uses(b.terminator(), fn)) folded.clear(u);
        }
        return folded;
    }

    /**
     * Whether insn can take v, a constant, as an immediate: a copy or a store of it, the right operand of an
     * operation, or the left one of a commutative operation or a comparison (the emitter swaps them) when the
     * right one is not a constant too.
     */
    static boolean foldable(Insn insn, int v, BitSet constants) {
        return switch (insn) {
            case Insn.Move i -> true;
            case Insn.StoreVar i -> true;
            case Insn.Bin i -> i.b() == v || commutes(i.op()) && !constants.get(i.b());
            default -> false;
        };
    }

    /** Operations whose operands the emitter may exchange: commutative ones, and comparisons (with the condition swapped). */
    static boolean commutes(Insn.BinOp op) {
        return switch (op) {
            case ADD, MUL, AND, OR, XOR, EQ, NE, ULT, ULE, UGT, UGE -> true;
            default -> false;
        };
    }

    /** The register whose register a new value would best share: the source of a copy, the left operand of a two-address operation. */
    private static int preferred(Insn insn, BitSet folded) {
        return switch (insn) {
            case Insn.Move i -> folded.get(i.src()) ? -1 : i.src();
            case Insn.Bin i when switch (i.op()) { case ADD, SUB, AND, OR, XOR, MUL -> true; default -> false; } ->
                    folded.get(i.a()) ? -1 : i.a();
            default -> -1;
        };
    }

    private static void extend(int[] start, int[] end, int v, int pos) {
        if (pos < start[v]) start[v] = pos;
        if (pos > end[v]) end[v] = pos;
    }

    private static List<List<Integer>> successors(IrFunction fn, TryDepths depths) {
        List<List<Integer>> out = new ArrayList<>();
        for (int b = 0; b < fn.blocks().size(); b++) {
            var s = new ArrayList<Integer>();
            switch (fn.blocks().get(b).terminator()) {
                case Terminator.Jump j -> s.add(j.target());
                case Terminator.Branch br -> { s.add(br.ifTrue()); s.add(br.ifFalse()); }
                default -> { }
            }
            s.addAll(depths.handlersReachable(fn, b));
            out.add(s);
        }
        return out;
    }

    /** Integer registers an instruction reads. */
    static List<Integer> uses(Insn insn) {
        return switch (insn) {
            case Insn.Move i -> List.of(i.src());
            case Insn.Bin i -> List.of(i.a(), i.b());
            case Insn.Un i -> List.of(i.a());
            case Insn.LoadGuest i -> List.of(i.addr());
            case Insn.LoadGuestStr i -> List.of(i.addr());
            case Insn.StoreVar i -> List.of(i.src());
            case Insn.Sprintf i -> intOperands(i.args());
            case Insn.Printf i -> intOperands(i.args());
            case Insn.AggrAdd i -> {
                var l = new ArrayList<>(i.intKeys());
                l.add(i.value());
                yield l;
            }
            case Insn.BagInsert i -> List.of(i.key(), i.value());
            case Insn.BagRemove i -> List.of(i.key());
            case Insn.Call i -> intOperands(i.args());
            default -> List.of();
        };
    }

    private static List<Integer> intOperands(List<Insn.Operand> ops) {
        var l = new ArrayList<Integer>();
        for (Insn.Operand o : ops) if (!o.string()) l.add(o.index());
        return l;
    }

    static List<Integer> uses(Terminator t, IrFunction fn) {
        return switch (t) {
            case Terminator.Branch b -> List.of(b.cond());
            case Terminator.Return r when fn.returns() == IrFunction.ReturnKind.INT -> List.of(r.value());
            default -> List.of();
        };
    }

    /** The integer register an instruction writes, or -1. */
    static int def(Insn insn, IrProgram program) {
        return switch (insn) {
            case Insn.Const i -> i.dst();
            case Insn.Move i -> i.dst();
            case Insn.Bin i -> i.dst();
            case Insn.Un i -> i.dst();
            case Insn.ReadBuiltin i -> i.dst();
            case Insn.SystemTime i -> i.dst();
            case Insn.LoadGuest i -> i.dst();
            case Insn.LoadVar i -> i.dst();
            case Insn.StrCmp i -> i.dst();
            case Insn.BagRemove i -> i.dst();
            case Insn.Call i -> program.functions().get(i.function()).returns() == IrFunction.ReturnKind.INT ? i.dst() : -1;
            default -> -1;
        };
    }

    /**
     * The allocatable registers an instruction's code may change (beyond its own destination). Guest reads, printf
     * and aggregate updates change none: their inline code uses RAX, RCX and RDX, and so do their helpers.
     */
    static Set<Reg> clobber(Insn insn) {
        return switch (insn) {
            case Insn.ReadBuiltin i -> isSegmentAr(i.var()) ? HelperLibrary.LIGHT : EnumSet.noneOf(Reg.class);
            case Insn.BuiltinStr i -> HelperLibrary.LIGHT;
            case Insn.SystemTime i -> HelperLibrary.LIGHT;
            case Insn.LoadStrVar i -> HelperLibrary.LIGHT;
            case Insn.StoreStrVar i -> HelperLibrary.LIGHT;
            case Insn.StrConst i -> HelperLibrary.LIGHT;
            case Insn.StrMove i -> HelperLibrary.LIGHT;
            case Insn.StrConcat i -> HelperLibrary.LIGHT;
            case Insn.StrCmp i -> HelperLibrary.LIGHT;
            case Insn.BagInsert i -> HelperLibrary.LIGHT;
            case Insn.BagRemove i -> HelperLibrary.LIGHT;
            case Insn.ExcInfo i -> HelperLibrary.LIGHT;
            case Insn.LoadGuestStr i -> HelperLibrary.HEAVY;
            case Insn.Sprintf i -> HelperLibrary.HEAVY;
            case Insn.LogAggr i -> HelperLibrary.HEAVY;
            case Insn.ClearAggr i -> HelperLibrary.HEAVY;
            case Insn.GuestStack i -> HelperLibrary.HEAVY;
            case Insn.Call i -> HelperLibrary.HEAVY;
            default -> EnumSet.noneOf(Reg.class);
        };
    }

    static boolean isSegmentAr(Builtin b) {
        return b == Builtin.CSAR || b == Builtin.DSAR || b == Builtin.ESAR || b == Builtin.FSAR || b == Builtin.GSAR || b == Builtin.SSAR;
    }
}
