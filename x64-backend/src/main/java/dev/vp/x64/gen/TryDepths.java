// The open try regions at each block of a function: nesting depths, handler blocks and exceptional successors.
package dev.vp.x64.gen;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.Terminator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The stack of open try handlers on entry to each block, found as the IR verifier finds it (it has checked that
 * every path agrees). A TryBegin at depth d saves the previous handler in the frame's d-th save area; the
 * handler block is entered with depth d again, and restores from that area.
 */
final class TryDepths {
    private final List<List<Integer>> entry = new ArrayList<>();
    private final boolean[] handler;
    private int maxDepth;

    TryDepths(IrFunction fn) {
        int n = fn.blocks().size();
        handler = new boolean[n];
        for (int b = 0; b < n; b++) entry.add(null);
        entry.set(0, List.of());
        var work = new ArrayDeque<Integer>();
        work.add(0);
        while (!work.isEmpty()) {
            int b = work.poll();
            Block block = fn.blocks().get(b);
            var stack = new ArrayList<>(entry.get(b));
            for (Insn insn : block.insns()) {
                if (insn instanceof Insn.TryBegin t) {
                    handler[t.handler()] = true;
                    reach(work, t.handler(), List.copyOf(stack));
                    stack.add(t.handler());
                    maxDepth = Math.max(maxDepth, stack.size());
                } else if (insn instanceof Insn.TryEnd) {
                    stack.removeLast();
                }
            }
            switch (block.terminator()) {
                case Terminator.Jump j -> reach(work, j.target(), List.copyOf(stack));
                case Terminator.Branch br -> { reach(work, br.ifTrue(), List.copyOf(stack)); reach(work, br.ifFalse(), List.copyOf(stack)); }
                default -> { }
            }
        }
    }

    private void reach(ArrayDeque<Integer> work, int target, List<Integer> stack) {
        if (entry.get(target) == null) {
            entry.set(target, stack);
            work.add(target);
        }
    }

    /** True when the block can be reached (unreachable blocks get no code). */
    boolean reachable(int block) { return entry.get(block) != null; }

    /** Open regions on entry to the block. */
    int depth(int block) { return entry.get(block) == null ? 0 : entry.get(block).size(); }

    int[] entryDepth() {
        int[] out = new int[entry.size()];
        for (int b = 0; b < out.length; b++) out[b] = depth(b);
        return out;
    }

    boolean isHandler(int block) { return handler[block]; }

    int maxDepth() { return maxDepth; }

    /** Handlers a cancellation inside the block may reach: those open on entry and those it opens. */
    List<Integer> handlersReachable(IrFunction fn, int block) {
        var out = new LinkedHashSet<Integer>();
        if (entry.get(block) != null) out.addAll(entry.get(block));
        for (Insn insn : fn.blocks().get(block).insns()) if (insn instanceof Insn.TryBegin t) out.add(t.handler());
        return List.copyOf(out);
    }
}
