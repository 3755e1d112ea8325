package dev.vp.compiler.budget;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import java.util.ArrayList;
import java.util.List;

/**
 * The deepest stack a probe can need, from the IR's frame sizes over its call graph. Recursion has no static
 * bound (the runtime enforces the budget); the result then says so.
 */
public record StackBound(long bytes, boolean recursive, List<String> path) {

    public static StackBound of(IrProgram program, int function) {
        return new Walker(program, new java.util.HashMap<>()).walk(function, new boolean[program.functions().size()]);
    }

    private record Walker(IrProgram program, java.util.Map<Integer, StackBound> done) {
        StackBound walk(int f, boolean[] onPath) {
            IrFunction fn = program.functions().get(f);
            StackBound known = done.get(f);
            if (known != null) return known;
            if (onPath[f]) return new StackBound(fn.frameBytes(), true, List.of(fn.name()));
            onPath[f] = true;
            StackBound deepest = new StackBound(0, false, List.of());
            boolean recursive = false;
            for (Block b : fn.blocks())
                for (Insn i : b.insns())
                    if (i instanceof Insn.Call c) {
                        StackBound sub = walk(c.function(), onPath);
                        recursive |= sub.recursive();
                        if (sub.bytes() > deepest.bytes()) deepest = sub;
                    }
            onPath[f] = false;
            List<String> path = new ArrayList<>();
            path.add(fn.name());
            path.addAll(deepest.path());
            StackBound result = new StackBound(fn.frameBytes() + deepest.bytes(), recursive, path);
            if (!recursive) done.put(f, result);
            return result;
        }
    }
}
