// Splits each virtual register of a function into its webs (def-use chains joined where they meet), so that
// a temporary the lowerer reuses for unrelated statements gets one short interval per statement.
package dev.vp.x64.gen;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Terminator;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * A web is a set of writes of one register together with the reads they reach, closed under "a read reached by
 * several writes joins them". Each web can live in its own register: the rewritten function reads and writes
 * the same values as the original, only under new register numbers. The web that holds a register's value on
 * entry (a parameter, or the zero every other register starts with) keeps the register's own number when it is
 * read, else the register's first web does; the others are numbered from {@code fn.registers()} up. Reaching writes are computed over the blocks, where a try region's
 * blocks flow to its handler from any point: with everything they write, as well as what reaches them.
 *
 * <p>The IR's frame sizes, which the stack budget charges, come from the original function and do not change.
 */
final class Webs {
    private Webs() {}

    static IrFunction split(IrProgram program, IrFunction fn, TryDepths tries) {
        int n = fn.registers();
        List<Block> blocks = fn.blocks();
        int nb = blocks.size();
        // sites: 0..n-1 are the entry values, then one per writing instruction in block order
        List<Integer> siteRegister = new ArrayList<>();
        for (int v = 0; v < n; v++) siteRegister.add(v);
        int[][] siteOf = new int[nb][];
        for (int b = 0; b < nb; b++) {
            List<Insn> insns = blocks.get(b).insns();
            siteOf[b] = new int[insns.size()];
            for (int i = 0; i < insns.size(); i++) {
                int d = RegisterAllocator.def(insns.get(i), program);
                siteOf[b][i] = d < 0 ? -1 : siteRegister.size();
                if (d >= 0) siteRegister.add(d);
            }
        }
        int sites = siteRegister.size();
        BitSet[] sitesOf = new BitSet[n];
        for (int v = 0; v < n; v++) sitesOf[v] = new BitSet(sites);
        for (int s = 0; s < sites; s++) sitesOf[siteRegister.get(s)].set(s);

        // per block: what it leaves (gen), what it overwrites (kill), everything it writes (all)
        BitSet[] gen = new BitSet[nb], kill = new BitSet[nb], all = new BitSet[nb];
        for (int b = 0; b < nb; b++) {
            gen[b] = new BitSet(sites);
            kill[b] = new BitSet(sites);
            all[b] = new BitSet(sites);
            for (int s : siteOf[b]) {
                if (s < 0) continue;
                int v = siteRegister.get(s);
                gen[b].andNot(sitesOf[v]);
                gen[b].set(s);
                kill[b].or(sitesOf[v]);
                all[b].set(s);
            }
        }
        BitSet[] in = new BitSet[nb], out = new BitSet[nb];
        for (int b = 0; b < nb; b++) { in[b] = new BitSet(sites); out[b] = new BitSet(sites); }
        in[0].set(0, n);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int b = 0; b < nb; b++) {
                if (!tries.reachable(b)) continue;
                BitSet o = (BitSet) in[b].clone();
                o.andNot(kill[b]);
                o.or(gen[b]);
                if (!o.equals(out[b])) { out[b] = o; changed = true; }
                BitSet viaCancel = (BitSet) in[b].clone();
                viaCancel.or(all[b]);
                for (int t : successors(blocks.get(b).terminator())) changed |= orInto(in[t], out[b]);
                for (int h : tries.handlersReachable(fn, b)) changed |= orInto(in[h], viaCancel);
            }
        }

        // join the writes that reach each read
        int[] parent = new int[sites];
        for (int s = 0; s < sites; s++) parent[s] = s;
        BitSet read = new BitSet(sites);
        for (int b = 0; b < nb; b++) {
            if (!tries.reachable(b)) continue;
            BitSet reaching = (BitSet) in[b].clone();
            List<Insn> insns = blocks.get(b).insns();
            for (int i = 0; i < insns.size(); i++) {
                for (int u : RegisterAllocator.uses(insns.get(i))) join(parent, reaching, sitesOf[u], read);
                int s = siteOf[b][i];
                if (s >= 0) { reaching.andNot(sitesOf[siteRegister.get(s)]); reaching.set(s); }
            }
            for (int u : RegisterAllocator.uses(blocks.get(b).terminator(), fn)) join(parent, reaching, sitesOf[u], read);
        }

        // number the webs: a parameter's web and a web read before any write keep their register's number, as does
        // the first other web of a register whose entry value nobody reads; the rest get new numbers in order
        int[] number = new int[sites];
        java.util.Arrays.fill(number, -1);
        boolean[] taken = new boolean[n];
        int params = (int) fn.params().stream().filter(p -> !p.string()).count();
        for (int v = 0; v < n; v++) {
            if (v < params || read.get(v)) { number[find(parent, v)] = v; taken[v] = true; }
        }
        int next = n;
        for (int s = n; s < sites; s++) {
            int root = find(parent, s);
            if (number[root] >= 0) continue;
            int v = siteRegister.get(s);
            if (!taken[v]) { number[root] = v; taken[v] = true; } else number[root] = next++;
        }
        if (next == n) return fn;

        List<Block> renamed = new ArrayList<>();
        for (int b = 0; b < nb; b++) {
            Block block = blocks.get(b);
            if (!tries.reachable(b)) { renamed.add(block); continue; }
            BitSet reaching = (BitSet) in[b].clone();
            List<Insn> insns = new ArrayList<>();
            for (int i = 0; i < block.insns().size(); i++) {
                Insn insn = block.insns().get(i);
                IntUnaryOperator use = useNumbers(parent, number, reaching, sitesOf);
                int s = siteOf[b][i];
                int written = s < 0 ? -1 : number[find(parent, s)];
                insns.add(rename(insn, use, v -> written < 0 ? v : written));
                if (s >= 0) { reaching.andNot(sitesOf[siteRegister.get(s)]); reaching.set(s); }
            }
            Terminator t = rename(block.terminator(), fn, useNumbers(parent, number, reaching, sitesOf));
            renamed.add(new Block(block.id(), insns, t));
        }
        return new IrFunction(fn.name(), fn.returns(), fn.params(), next, fn.slots(), renamed);
    }

    private static List<Integer> successors(Terminator t) {
        return switch (t) {
            case Terminator.Jump j -> List.of(j.target());
            case Terminator.Branch br -> List.of(br.ifTrue(), br.ifFalse());
            default -> List.of();
        };
    }

    private static boolean orInto(BitSet into, BitSet from) {
        BitSet before = (BitSet) into.clone();
        into.or(from);
        return !into.equals(before);
    }

    /** Joins the writes of a register that reach a read of it, and marks them read. */
    private static void join(int[] parent, BitSet reaching, BitSet ofRegister, BitSet read) {
        int first = -1;
        for (int s = ofRegister.nextSetBit(0); s >= 0; s = ofRegister.nextSetBit(s + 1)) {
            if (!reaching.get(s)) continue;
            read.set(s);
            if (first < 0) first = find(parent, s);
            else parent[find(parent, s)] = first;
        }
    }

    private static int find(int[] parent, int s) {
        while (parent[s] != s) { parent[s] = parent[parent[s]]; s = parent[s]; }
        return s;
    }

    /** The number of the web a read of v belongs to, given the writes reaching it. */
    private static IntUnaryOperator useNumbers(int[] parent, int[] number, BitSet reaching, BitSet[] sitesOf) {
        return v -> {
            BitSet r = (BitSet) sitesOf[v].clone();
            r.and(reaching);
            int s = r.nextSetBit(0);
            return s < 0 ? v : number[find(parent, s)];
        };
    }

    private static Insn rename(Insn insn, IntUnaryOperator u, IntUnaryOperator d) {
        return switch (insn) {
            case Insn.Const i -> new Insn.Const(i.loc(), d.applyAsInt(i.dst()), i.value());
            case Insn.Move i -> new Insn.Move(i.loc(), d.applyAsInt(i.dst()), u.applyAsInt(i.src()));
            case Insn.Bin i -> new Insn.Bin(i.loc(), i.op(), d.applyAsInt(i.dst()), u.applyAsInt(i.a()), u.applyAsInt(i.b()));
            case Insn.Un i -> new Insn.Un(i.loc(), i.op(), d.applyAsInt(i.dst()), u.applyAsInt(i.a()));
            case Insn.ReadBuiltin i -> new Insn.ReadBuiltin(i.loc(), d.applyAsInt(i.dst()), i.var());
            case Insn.SystemTime i -> new Insn.SystemTime(i.loc(), d.applyAsInt(i.dst()));
            case Insn.LoadGuest i -> new Insn.LoadGuest(i.loc(), d.applyAsInt(i.dst()), u.applyAsInt(i.addr()), i.size(), i.signed(), i.space());
            case Insn.LoadGuestStr i -> new Insn.LoadGuestStr(i.loc(), i.dst(), u.applyAsInt(i.addr()), i.maxLen(), i.space());
            case Insn.LoadVar i -> new Insn.LoadVar(i.loc(), d.applyAsInt(i.dst()), i.global());
            case Insn.StoreVar i -> new Insn.StoreVar(i.loc(), i.global(), u.applyAsInt(i.src()));
            case Insn.StrCmp i -> new Insn.StrCmp(i.loc(), d.applyAsInt(i.dst()), i.a(), i.b());
            case Insn.Sprintf i -> new Insn.Sprintf(i.loc(), i.dst(), i.format(), operands(i.args(), u));
            case Insn.Printf i -> new Insn.Printf(i.loc(), i.format(), operands(i.args(), u));
            case Insn.AggrAdd i -> new Insn.AggrAdd(i.loc(), i.aggr(), i.intKeys().stream().map(u::applyAsInt).toList(), i.strKeys(),
                    u.applyAsInt(i.value()));
            case Insn.BagInsert i -> new Insn.BagInsert(i.loc(), i.bag(), u.applyAsInt(i.key()), u.applyAsInt(i.value()));
            case Insn.BagRemove i -> new Insn.BagRemove(i.loc(), d.applyAsInt(i.dst()), i.bag(), u.applyAsInt(i.key()));
            case Insn.Call i -> new Insn.Call(i.loc(), i.function(), operands(i.args(), u), i.dst() >= 0 ? d.applyAsInt(i.dst()) : i.dst());
            default -> insn;
        };
    }

    private static List<Insn.Operand> operands(List<Insn.Operand> args, IntUnaryOperator u) {
        return args.stream().map(o -> o.string() ? o : Insn.Operand.reg(u.applyAsInt(o.index()))).toList();
    }

    private static Terminator rename(Terminator t, IrFunction fn, IntUnaryOperator u) {
        return switch (t) {
            case Terminator.Branch b -> new Terminator.Branch(b.loc(), u.applyAsInt(b.cond()), b.ifTrue(), b.ifFalse());
            case Terminator.Return r when fn.returns() == IrFunction.ReturnKind.INT -> new Terminator.Return(r.loc(), u.applyAsInt(r.value()));
            default -> t;
        };
    }
}
