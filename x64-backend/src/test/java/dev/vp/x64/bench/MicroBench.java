// VProbes' micro-benchmark ported: each operation timed natively inside a probe with TSC deltas, and on the interpreter.
package dev.vp.x64.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.vp.compiler.interp.GuestMemory;
import dev.vp.compiler.interp.GuestState;
import dev.vp.compiler.interp.Interpreter;
import dev.vp.compiler.interp.PageTableBuilder;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.compiler.lang.Builtin;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.gen.NativeCompiler;
import dev.vp.x64.native_.NativeRunner;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One IR program holds a probe per operation. Each probe reads the TSC, runs its operation ARG0 times in a
 * counted loop (with the fuel check a compiled loop has), reads the TSC again and stores the difference in
 * $cycles; the "empty" probe runs the same loop with a register move in place of the operation. An
 * operation's cost is (the minimum over the runs of its probe - the minimum of the empty probe) / N, as
 * VProbes' benchmark computed it, converted to ns with a TSC rate calibrated against System.nanoTime. The
 * interpreter runs the same probes in the same process, timed with System.nanoTime around each firing (its
 * TSC built-in is the guest's fixed value), minimum over the runs as well. Every operation's result feeds
 * $sink, which both engines must agree on, so that the figures come from programs that compute the same thing.
 *
 * <p>The firing figure is the whole Java-to-native call of an empty probe through the test loader
 * (NativeRunner: a critical downcall into the entry); vmm-runtime's loader is not reachable from x64-backend.
 */
public final class MicroBench {
    /** One timed operation: its name, its loop body (defines v6 from v1 = the loop counter and v9..v11 = ARG1..3);
     * deterministic when both engines must compute the same $sink (the TSC is live natively, the guest's value in the interpreter). */
    public record Op(String name, String body, boolean deterministic) {
        Op(String name, String body) { this(name, body, true); }
    }

    public static final List<Op> OPS = List.of(
            new Op("TSC read", "v6 = builtin TSC", false),
            new Op("global read", "v6 = load $g"),
            new Op("guest linear read (8 bytes)", "v6 = load.guest64 v9"),
            new Op("guest physical read (8 bytes)", "v6 = load.phys64 v10"),
            new Op("keyless aggregate", "aggradd $keyless[], v1\n    v6 = mov v1"),
            new Op("keyed aggregate hit", "aggradd $keyed[v11], v1\n    v6 = mov v1"),
            new Op("keyed aggregate miss", "aggradd $fresh[v1], v1\n    v6 = mov v1"),
            new Op("bag insert + remove", "baginsert $b[v1], v11\n    v6 = bagremove $b[v1]"),
            new Op("printf (record append)", "printf fmt0(v1)\n    v6 = mov v1"));

    /** The per-run loop count; the keyed-miss table holds 4 N entries so that every insert finds a short probe. */
    public static final int N = 1000;
    static final long LINEAR = 0x400010, PHYSICAL = 0x10010, KEY = 5, RAM = 4 << 20;

    /** The benchmark program: probe 0 is the empty loop, probe 1 + k times OPS.get(k), the last one is an empty probe. */
    public static String programText() {
        var ir = new StringBuilder();
        ir.append("limits stack 4096 fuel 1000000000 string 256\n");
        ir.append("global $cycles int pervcpu = 0\nglobal $sink int pervcpu = 0\nglobal $g int pervm = 3\n");
        ir.append("aggr $keyless[0][0] capacity 16\naggr $keyed[1][0] capacity 256\naggr $fresh[1][0] capacity ").append(4 * N).append('\n');
        ir.append("bag $b capacity 64\nformat fmt0 = \"%d\\n\" (int)\n");
        List<String> bodies = new ArrayList<>();
        bodies.add("v6 = mov v1");
        for (Op op : OPS) bodies.add(op.body());
        for (int p = 0; p < bodies.size(); p++) {
            ir.append("function @op").append(p).append("() -> void regs 12 slots 0 {\nb0:\n");
            ir.append("    v0 = builtin ARG0\n    v9 = builtin ARG1\n    v10 = builtin ARG2\n    v11 = builtin ARG3\n");
            ir.append("    clearaggr $fresh\n");
            ir.append("    v1 = const 0\n    v2 = const 1\n    v3 = const 0\n    v4 = builtin TSC\n    jump b1\nb1:\n");
            ir.append("    v5 = ult v1, v0\n    br v5, b2, b3\nb2:\n    ").append(bodies.get(p)).append('\n');
            ir.append("    v3 = add v3, v6\n    v1 = add v1, v2\n    fuel\n    jump b1\nb3:\n");
            ir.append("    v7 = builtin TSC\n    v8 = sub v7, v4\n    store $cycles, v8\n    store $sink, v3\n    ret\n}\n");
        }
        ir.append("function @nothing() -> void regs 0 slots 0 {\nb0:\n    ret\n}\n");
        for (int p = 0; p < bodies.size(); p++) {
            ir.append("probe \"op").append(p).append("\" VMM point \"HV_Exit\" symbol - address 0x0 period 0 @op").append(p).append('\n');
        }
        ir.append("probe \"empty\" VMM point \"HV_Exit\" symbol - address 0x0 period 0 @nothing\n");
        return ir.toString();
    }

    /** One operation's figures: native ns, interpreter ns, and their ratio. */
    public record Row(String name, double nativeNs, double interpNs) {
        public double ratio() { return interpNs / nativeNs; }
    }

    /** Everything one run of the benchmark measured. */
    public record Result(double tscGhz, List<Row> rows, Row loop, double emptyFiringNs, int helperBytes) {
        public String table() {
            var out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "TSC %.3f GHz (calibrated against System.nanoTime); N = %d per run%n", tscGhz, N));
            out.append(String.format(Locale.ROOT, "%-32s %10s %12s %8s%n", "operation", "native ns", "interp ns", "ratio"));
            for (Row r : rows) {
                String ratio = r.nativeNs() < 0.1 ? "n/a: native below 0.1 ns" : String.format(Locale.ROOT, "%7.0fx", r.ratio());
                out.append(String.format(Locale.ROOT, "%-32s %10.2f %12.1f %s%n", r.name(), r.nativeNs(), r.interpNs(), ratio));
            }
            out.append(String.format(Locale.ROOT, "(the empty loop itself: native %.2f ns, interpreter %.1f ns per iteration)%n",
                    loop.nativeNs(), loop.interpNs()));
            out.append(String.format(Locale.ROOT, "empty probe firing, Java-to-native call included (test loader NativeRunner): %.1f ns%n",
                    emptyFiringNs));
            out.append("helper library: ").append(helperBytes).append(" bytes\n");
            return out.toString();
        }
    }

    private final IrProgram program = IrParser.parse(programText(), "microbench.ir");
    private final NativeProgram code = NativeCompiler.compile(program);
    private final int emptyProbe = program.probes().size() - 1;

    public IrProgram program() { return program; }

    public NativeProgram code() { return code; }

    /** Runs every operation runs times on both engines; throws when the engines disagree on an operation's result. */
    public Result run(int runs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(RAM, 4096);
            ram.fill((byte) 0);
            var tables = new PageTableBuilder(ram, RAM - (64 << 10), RAM);
            tables.map(0x400000, 0x10000, 0x1000, PageTableBuilder.PageSize.K4);
            ram.set(JAVA_LONG_UNALIGNED, PHYSICAL, 0x1122334455667788L);
            GuestState guest = new GuestState(new GuestMemory(ram)).set(Builtin.CR3, tables.cr3()).set(Builtin.ARG0, N)
                    .set(Builtin.ARG1, LINEAR).set(Builtin.ARG2, PHYSICAL).set(Builtin.ARG3, KEY).set(Builtin.TSC, 0);
            var interp = new Interpreter(program, 1, r -> { });
            try (var runner = new NativeRunner(program, code, 1, ram, 1 << 20, r -> { })) {
                runner.prepare(0, guest); // TSC 0: the native TSC built-in reads the live counter
                double ghz = calibrate(runner);
                long[] nativeMin = new long[OPS.size() + 1], interpMin = new long[OPS.size() + 1];
                java.util.Arrays.fill(nativeMin, Long.MAX_VALUE);
                java.util.Arrays.fill(interpMin, Long.MAX_VALUE);
                for (int run = 0; run < runs; run++) {
                    for (int p = 0; p <= OPS.size(); p++) {
                        long outcome = runner.fireRaw(p, 0);
                        if (outcome != 0) throw new IllegalStateException("native probe op" + p + " ended with outcome " + outcome);
                        runner.drain(0);
                        nativeMin[p] = Math.min(nativeMin[p], runner.intGlobal(0, 0));
                        long t0 = System.nanoTime();
                        var r = interp.fire(p, 0, guest);
                        long t1 = System.nanoTime();
                        if (!r.toString().equals("completed")) throw new IllegalStateException("interpreted probe op" + p + ": " + r);
                        interpMin[p] = Math.min(interpMin[p], t1 - t0);
                        long nativeSink = runner.intGlobal(1, 0), interpSink = interp.intGlobal(1, 0);
                        if (nativeSink != interpSink && (p == 0 || OPS.get(p - 1).deterministic())) {
                            throw new IllegalStateException("op" + p + ": native result " + nativeSink + ", interpreter " + interpSink);
                        }
                    }
                }
                var rows = new ArrayList<Row>();
                for (int k = 0; k < OPS.size(); k++) {
                    double nativeNs = (nativeMin[k + 1] - nativeMin[0]) / (double) N / ghz;
                    double interpNs = (interpMin[k + 1] - interpMin[0]) / (double) N;
                    rows.add(new Row(OPS.get(k).name(), nativeNs, interpNs));
                }
                var loop = new Row("empty loop", nativeMin[0] / (double) N / ghz, interpMin[0] / (double) N);
                return new Result(ghz, rows, loop, emptyFiring(runner, runs), code.helperBytes());
            }
        }
    }

    /** TSC ticks per ns: the TSC the empty loop probe reads (its $cycles spans a known loop) against System.nanoTime. */
    private static double calibrate(NativeRunner runner) {
        double best = 0;
        for (int round = 0; round < 3; round++) {
            runner.fieldsBlock(0).set(JAVA_LONG_UNALIGNED, dev.vp.x64.abi.Abi.FIELDS_ARGS, 20_000_000L);
            long t0 = System.nanoTime();
            runner.fireRaw(0, 0);
            long t1 = System.nanoTime();
            double ghz = runner.intGlobal(0, 0) / (double) (t1 - t0);
            if (ghz > best) best = ghz; // the call's own overhead only lowers the estimate
        }
        runner.fieldsBlock(0).set(JAVA_LONG_UNALIGNED, dev.vp.x64.abi.Abi.FIELDS_ARGS, N);
        return best;
    }

    /** ns per whole firing of the empty probe: minimum over batches of 100,000 calls. */
    private double emptyFiring(NativeRunner runner, int runs) {
        int batch = 100_000;
        long best = Long.MAX_VALUE;
        for (int b = 0; b < Math.max(10, runs / 5); b++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < batch; i++) runner.fireRaw(emptyProbe, 0);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / (double) batch;
    }

    /** Prints the figures; the argument is the number of runs (default 300). */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        var bench = new MicroBench();
        bench.run(Math.max(5, runs / 10)); // warm up the interpreter, the downcall and the loops
        System.out.print(bench.run(runs).table());
        System.out.print(CodeSizes.report());
    }
}
