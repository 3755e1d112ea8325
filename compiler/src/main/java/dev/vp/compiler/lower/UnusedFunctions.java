package dev.vp.compiler.lower;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops the functions no probe clause can reach. Preloads define many helpers (curprocname, curpid...) and a
 * script uses few: the rest would cost code bytes in every image and time in every compile.
 */
final class UnusedFunctions {
    private UnusedFunctions() {}

    static IrProgram remove(IrProgram p) {
        int n = p.functions().size();
        boolean[] used = new boolean[n];
        var work = new ArrayDeque<Integer>();
        for (IrProgram.Probe probe : p.probes()) if (!used[probe.function()]) { used[probe.function()] = true; work.add(probe.function()); }
        while (!work.isEmpty()) {
            for (Block b : p.functions().get(work.poll()).blocks())
                for (Insn i : b.insns())
                    if (i instanceof Insn.Call c && !used[c.function()]) { used[c.function()] = true; work.add(c.function()); }
        }
        int[] renumber = new int[n];
        int next = 0;
        for (int f = 0; f < n; f++) renumber[f] = used[f] ? next++ : -1;
        if (next == n) return p;
        List<IrFunction> functions = new ArrayList<>();
        for (int f = 0; f < n; f++) if (used[f]) functions.add(renumbered(p.functions().get(f), renumber));
        List<IrProgram.Probe> probes = p.probes().stream().map(pr -> new IrProgram.Probe(pr.spec(), pr.domain(), pr.point(), pr.symbol(),
                pr.address(), pr.periodNs(), renumber[pr.function()], pr.readsVcpuState(), pr.needsIoctl(), pr.loc())).toList();
        return new IrProgram(p.globals(), p.aggrs(), p.bags(), p.strings(), p.formats(), functions, probes, p.limits());
    }

    private static IrFunction renumbered(IrFunction f, int[] renumber) {
        List<Block> blocks = new ArrayList<>();
        for (Block b : f.blocks()) {
            List<Insn> insns = b.insns().stream().map(i -> i instanceof Insn.Call c
                    ? (Insn) new Insn.Call(c.loc(), renumber[c.function()], c.args(), c.dst()) : i).toList();
            blocks.add(new Block(b.id(), insns, b.terminator()));
        }
        return new IrFunction(f.name(), f.returns(), f.params(), f.registers(), f.slots(), blocks);
    }
}
