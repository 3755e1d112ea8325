// Benchmark main: the harness's cost per I/O exit against a minimal C KVM loop, the probe effect of HV_Exit clauses, and a minios cross-check.
package dev.vp.tests.bench;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.symbols.ElfFile;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.vmm.Harness;
import dev.vp.vmm.probes.ProbeDispatcher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Run from the repository root after a build (vmm-runtime/bench/README.md has the command):
 * <pre>
 *   vmm-runtime/bench/run.sh [--engine native] [--rounds 10] [--window-ms 500] [--seconds 5] [--skip-minios]
 * </pre>
 * Three parts, each printed as it finishes:
 * <ol>
 * <li>Cost per exit: the C loop (vmm-runtime/bench/exitloop.c) and the Java harness run the same guest
 *     (exitguest.elf: OUTs to one port forever) on one vCPU; the harness with no program loaded, with an empty
 *     HV_Exit clause, and with keyed aggregates on HV_Exit. Cost = wall time / exits over windows; min and median
 *     over windows. Each window of the harness follows a round of the C loop run with the harness's vCPU parked,
 *     and the ratio is taken per pair, so that the machine's changing load hits both sides alike.</li>
 * <li>Probe effect: on vCPU 0, timestamps around the engine's fire() (the runtime call) on every other firing
 *     and around the dispatcher's exit() (table lookup, exit fields, firing); min, median and p99 over every
 *     firing of a case. The timer floor is printed twice: two back-to-back System.nanoTime() calls in a loop
 *     (warm), and the same two calls at the firing's place on the other firings (as cold as the firing). Then
 *     the dispatcher's exit() again over half as many windows with fire() untimed: the whole cost a probe adds to
 *     an exit, without the timing's own cold timer calls.</li>
 * <li>Whole-run cross-check: minios for N seconds per case, exits/s and guest progress (disk requests, packets,
 *     console lines, compute rounds per second).</li>
 * </ol>
 */
public final class ExitCost {
    private static final Pattern SUMMARY = Pattern.compile("exitloop: per-exit ns min (\\d+) median (\\d+) .*");
    private static final Pattern COMPUTE = Pattern.compile("compute\\(\\d+\\): (\\d+) rounds");

    /** A probe script measured on HV_Exit. */
    record Case(String name, String script) {}

    static final List<Case> CASES = List.of(
            new Case("no program loaded", null),
            new Case("empty HV_Exit clause", "HV_Exit { }\n"),
            new Case("HV_Exit exits[VCPUID]++", "HV_Exit exits[VCPUID]++;\n"),
            new Case("HV_Exit ports[port]++", "HV_Exit { if (VMCS_EXIT_REASON == 30) ports[VMCS_EXIT_QUAL >> 16]++; }\n"));

    record Options(Path benchDir, String engine, int rounds, long windowMs, int seconds, boolean minios, int vcpus) {}

    private ExitCost() {}

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ExitCost: " + e.getMessage());
            System.err.println("usage: ExitCost [--bench-dir DIR] [--engine NAME] [--rounds N] [--window-ms MS] [--seconds S] [--vcpus N] [--skip-minios]");
            System.exit(2);
            return;
        }
        System.out.printf("machine: %d CPUs, load average %s, engine %s%n", Runtime.getRuntime().availableProcessors(), loadAverage(), o.engine);
        timerFloor();
        exitCost(o);
        if (o.minios) crossCheck(o);
        System.out.printf("load average at the end: %s%n", loadAverage());
    }

    static Options parse(String[] args) {
        Path dir = Path.of("vmm-runtime", "target", "bench");
        String engine = Engines.DEFAULT;
        int rounds = 10, seconds = 5, vcpus = 2;
        long window = 500;
        boolean minios = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--skip-minios")) { minios = false; continue; }
            if (i + 1 >= args.length) throw new IllegalArgumentException("unknown option or missing value: " + a);
            String v = args[++i];
            switch (a) {
                case "--bench-dir" -> dir = Path.of(v);
                case "--engine" -> engine = v;
                case "--rounds" -> rounds = positive(a, v);
                case "--window-ms" -> window = positive(a, v);
                case "--seconds" -> seconds = positive(a, v);
                case "--vcpus" -> vcpus = positive(a, v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (!Engines.NAMES.contains(engine)) throw new IllegalArgumentException("unknown engine `" + engine + "`; known: " + Engines.NAMES);
        return new Options(dir, engine, rounds, window, seconds, minios, vcpus);
    }

    private static int positive(String flag, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) return n;
        } catch (NumberFormatException ignored) { }
        throw new IllegalArgumentException(flag + " takes a positive number, not " + v);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** What two back-to-back timestamps cost: the floor under every timed firing below. */
    static void timerFloor() {
        long[] d = new long[200_000];
        for (int i = 0; i < d.length; i++) {
            long t0 = System.nanoTime();
            d[i] = System.nanoTime() - t0;
        }
        SampleRing.Summary s = SampleRing.Summary.of(Arrays.copyOfRange(d, d.length / 2, d.length), d.length / 2);
        System.out.printf("timer floor (two System.nanoTime calls): min %d / median %d ns%n", s.min(), s.median());
    }

    // ---------------------------------------------------------------- part 1 and 2: exitguest

    static void exitCost(Options o) throws Exception {
        Path guest = o.benchDir.resolve("exitguest.elf"), loop = o.benchDir.resolve("exitloop");
        if (!Files.isRegularFile(guest) || !Files.isExecutable(loop))
            throw new IOException("no " + guest + " or " + loop + ": build them with vmm-runtime/bench/build.sh " + o.benchDir);
        ProbeEngine engine = Engines.create(o.engine, 1, r -> { });
        TimedEngine timedEngine = new TimedEngine(engine);
        ProbeDispatcher dispatcher = new ProbeDispatcher(timedEngine);
        TimedEvents events = new TimedEvents(dispatcher);
        System.out.println("cost per exit, exitguest on 1 vCPU; each window of the harness is paired with a round of the C loop "
                + "run just before it (the harness's vCPU parked meanwhile), so both see the same machine load");
        try (Harness harness = Harness.boot(ElfFile.read(guest), Harness.Config.of(1, line -> { }).withProbes(events))) {
            dispatcher.attach(harness);
            Thread.sleep(2000); // JIT warm-up of the exit loop
            for (Case c : CASES) {
                if (c.script != null) dispatcher.load(Scripts.compile(c.name + ".emt", c.script));
                Thread.sleep(300);
                long fireMark = timedEngine.firings().mark(), floorMark = timedEngine.floor().mark(), exitMark = events.exits().mark();
                long[] java = new long[o.rounds], cRounds = new long[o.rounds], ratios = new long[o.rounds];
                for (int r = 0; r < o.rounds; r++) {
                    cRounds[r] = cLoopRound(harness, loop, guest);
                    java[r] = window(harness, o.windowMs);
                    ratios[r] = java[r] * 1000 / cRounds[r];
                }
                SampleRing.Summary fire = timedEngine.firings().since(fireMark), floor = timedEngine.floor().since(floorMark);
                SampleRing.Summary exit = events.exits().since(exitMark);
                SampleRing.Summary untimed = null;
                if (c.script != null) {
                    timedEngine.timing(false);
                    long untimedMark = events.exits().mark();
                    for (int r = 0; r < Math.max(1, o.rounds / 2); r++) window(harness, o.windowMs);
                    untimed = events.exits().since(untimedMark);
                    timedEngine.timing(true);
                }
                dispatcher.unload();
                harness.fault().ifPresent(f -> { throw new IllegalStateException("the guest stopped: " + f); });
                SampleRing.Summary j = SampleRing.Summary.of(java, java.length), cl = SampleRing.Summary.of(cRounds, cRounds.length);
                SampleRing.Summary ratio = SampleRing.Summary.of(ratios, ratios.length);
                System.out.printf("harness, %-26s per exit min %6d / median %6d ns; C loop min %6d / median %6d ns; "
                                + "harness / C: median %.2fx (pairs %.2fx..%.2fx)%n", c.name + ":", j.min(), j.median(), cl.min(), cl.median(),
                        ratio.median() / 1000.0, ratio.min() / 1000.0, Arrays.stream(ratios).max().orElse(0) / 1000.0);
                if (c.script != null) {
                    System.out.printf("    probe effect, engine fire():       %s%n", fire);
                    System.out.printf("    timer floor at the same point:     %s%n", floor);
                }
                System.out.printf("    dispatcher exit() incl. firing:    %s%n", exit);
                if (untimed != null) System.out.printf("    the same, fire() not timed:        %s%n", untimed);
            }
        } finally {
            dispatcher.close();
            timedEngine.close();
        }
    }

    /** ns per exit of the harness over one window. */
    static long window(Harness harness, long windowMs) throws InterruptedException {
        long e0 = harness.stats().exits(), t0 = System.nanoTime();
        Thread.sleep(windowMs);
        long e1 = harness.stats().exits(), t1 = System.nanoTime();
        if (e1 == e0) throw new IllegalStateException("the harness made no exits in " + windowMs + " ms: " + harness.fault());
        return (t1 - t0) / (e1 - e0);
    }

    /** One timed round of the C loop (after its warm-up round) while the harness's vCPUs are parked: ns per exit. */
    static long cLoopRound(Harness harness, Path loop, Path guest) throws Exception {
        long[] result = new long[1];
        Exception[] failed = new Exception[1];
        harness.withVcpusOut(() -> {
            try {
                result[0] = cLoop(loop, guest, 10_000, 1)[1];
            } catch (IOException | InterruptedException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) throw failed[0];
        return result[0];
    }

    /** Runs the C loop and returns {min, median} ns per exit over its rounds. */
    static long[] cLoop(Path loop, Path guest, int exits, int rounds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(loop.toString(), guest.toString(), String.valueOf(exits), String.valueOf(rounds))
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) lines.add(line);
        }
        int code = p.waitFor();
        for (String line : lines) {
            Matcher m = SUMMARY.matcher(line);
            if (m.matches() && code == 0) return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
        }
        throw new IOException("the C loop failed (exit status " + code + "): " + String.join("\n", lines));
    }

    // ---------------------------------------------------------------- part 3: minios

    static void crossCheck(Options o) throws Exception {
        System.out.printf("whole-run cross-check: minios, %d vCPUs, %d s per case%n", o.vcpus, o.seconds);
        AtomicLong computeRounds = new AtomicLong();
        ProbeEngine engine = Engines.create(o.engine, o.vcpus, r -> { });
        TimedEngine timedEngine = new TimedEngine(engine);
        ProbeDispatcher dispatcher = new ProbeDispatcher(timedEngine);
        TimedEvents events = new TimedEvents(dispatcher);
        List<Case> cases = new ArrayList<>(CASES);
        cases.add(CASES.get(0)); // the baseline again: how much the machine drifted meanwhile
        try (Harness harness = Harness.boot(Harness.minios(), Harness.Config.of(o.vcpus, line -> {
            Matcher m = COMPUTE.matcher(line);
            if (m.find()) computeRounds.accumulateAndGet(Long.parseLong(m.group(1)), Math::max);
        }).withProbes(events))) {
            dispatcher.attach(harness);
            Thread.sleep(2000);
            for (Case c : cases) {
                IrProgram program = c.script == null ? null : Scripts.compile(c.name + ".emt", c.script);
                if (program != null) dispatcher.load(program);
                long fireMark = timedEngine.firings().mark();
                Harness.Stats s0 = harness.stats();
                long r0 = computeRounds.get(), t0 = System.nanoTime();
                Thread.sleep(o.seconds * 1000L);
                Harness.Stats s1 = harness.stats();
                long r1 = computeRounds.get();
                double secs = (System.nanoTime() - t0) / 1e9;
                SampleRing.Summary fire = timedEngine.firings().since(fireMark);
                dispatcher.unload();
                harness.fault().ifPresent(f -> { throw new IllegalStateException("minios stopped: " + f); });
                System.out.printf("  %-26s exits/s %8.0f  disk req/s %6.1f  packets/s %6.1f  console lines/s %5.1f  compute rounds/s %6.1f%s%n",
                        c.name + ":", (s1.exits() - s0.exits()) / secs, (s1.diskRequests() - s0.diskRequests()) / secs,
                        (s1.packetsSent() - s0.packetsSent()) / secs, (s1.consoleLines() - s0.consoleLines()) / secs,
                        (r1 - r0) / secs, program == null ? "" : "\n    fire() on vCPU 0: " + fire);
            }
        } finally {
            dispatcher.close();
            timedEngine.close();
        }
    }
}
