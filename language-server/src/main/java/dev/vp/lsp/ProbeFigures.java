// Size figures per probe clause for code lenses and the compile command: data it uses, stack, exact code or pending.
package dev.vp.lsp;

import dev.vp.compiler.budget.StackBound;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.source.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

/**
 * One clause's figures. dataBytes counts the storage the clause and the functions it calls touch (globals,
 * aggregate and bag tables, formats), per-vCPU storage once per vCPU, as the data budget counts it; data
 * shared by several clauses counts for each. codeBytes is null unless a {@link CodeSizer} measured it.
 */
record ProbeFigures(Span span, String spec, long dataBytes, long stackBytes, boolean recursive, Long codeBytes) {

    static final String CODE_PENDING = "code: pending backend";

    /** Figures of the clauses of the main file (preloads' clauses are not the user's to see), or none before lowering. */
    static List<ProbeFigures> of(Snapshot s) {
        if (s.compilation == null || s.compilation.ir() == null) return List.of();
        IrProgram ir = s.compilation.ir();
        List<Checked.ProbeInfo> infos = s.checked().probes;
        List<ProbeFigures> out = new ArrayList<>();
        int vcpus = s.options.vcpus();
        for (int i = 0; i < ir.probes().size() && i < infos.size(); i++) {
            Checked.ProbeInfo info = infos.get(i);
            if (info.decl().span().file() != s.main) continue;
            IrProgram.Probe p = ir.probes().get(i);
            StackBound stack = StackBound.of(ir, p.function());
            Long code = null;
            if (s.codeSizes.isPresent() && i < s.codeSizes.get().probeBytes().size()) code = s.codeSizes.get().probeBytes().get(i);
            out.add(new ProbeFigures(info.decl().spec().span(), p.spec(), dataBytes(ir, p.function(), vcpus), stack.bytes(), stack.recursive(), code));
        }
        return out;
    }

    /** "data 312 B · stack 96 B · code 1.2 KiB" with the honest word for what is not known. */
    String label() {
        String stack = recursive ? "stack unbounded (recursion)" : "stack " + bytes(stackBytes);
        return "data " + bytes(dataBytes) + " · " + stack + " · " + (codeBytes == null ? CODE_PENDING : "code " + bytes(codeBytes));
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
    }

    private static long dataBytes(IrProgram ir, int entry, int vcpus) {
        BitSet globals = new BitSet(), aggrs = new BitSet(), bags = new BitSet(), formats = new BitSet(), strings = new BitSet(), seen = new BitSet();
        Deque<Integer> work = new ArrayDeque<>(List.of(entry));
        while (!work.isEmpty()) {
            int f = work.pop();
            if (f < 0 || f >= ir.functions().size() || seen.get(f)) continue;
            seen.set(f);
            IrFunction fn = ir.functions().get(f);
            for (Block b : fn.blocks()) {
                for (Insn in : b.insns()) {
                    switch (in) {
                        case Insn.LoadVar x -> globals.set(x.global());
                        case Insn.StoreVar x -> globals.set(x.global());
                        case Insn.LoadStrVar x -> globals.set(x.global());
                        case Insn.StoreStrVar x -> globals.set(x.global());
                        case Insn.StrConst x -> strings.set(x.constant());
                        case Insn.Printf x -> formats.set(x.format());
                        case Insn.Sprintf x -> formats.set(x.format());
                        case Insn.AggrAdd x -> aggrs.set(x.aggr());
                        case Insn.LogAggr x -> aggrs.set(x.aggr());
                        case Insn.ClearAggr x -> aggrs.set(x.aggr());
                        case Insn.BagInsert x -> bags.set(x.bag());
                        case Insn.BagRemove x -> bags.set(x.bag());
                        case Insn.Call x -> work.push(x.function());
                        default -> { }
                    }
                }
            }
        }
        long total = 0;
        for (int g = globals.nextSetBit(0); g >= 0 && g < ir.globals().size(); g = globals.nextSetBit(g + 1)) {
            IrProgram.Global gl = ir.globals().get(g);
            total += DataLayout.globalBytes(gl) * (gl.perVcpu() ? vcpus : 1);
        }
        for (int a = aggrs.nextSetBit(0); a >= 0 && a < ir.aggrs().size(); a = aggrs.nextSetBit(a + 1))
            total += DataLayout.aggrTableBytes(ir.aggrs().get(a)) * vcpus;
        for (int b = bags.nextSetBit(0); b >= 0 && b < ir.bags().size(); b = bags.nextSetBit(b + 1))
            total += DataLayout.bagBytes(ir.bags().get(b));
        for (int k = strings.nextSetBit(0); k >= 0 && k < ir.strings().size(); k = strings.nextSetBit(k + 1))
            total += ir.strings().get(k).length() + 1;
        for (int k = formats.nextSetBit(0); k >= 0 && k < ir.formats().size(); k = formats.nextSetBit(k + 1))
            total += ir.formats().get(k).text().length() + 1;
        return total;
    }
}
