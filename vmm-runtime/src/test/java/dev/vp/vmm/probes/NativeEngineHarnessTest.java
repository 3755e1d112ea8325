// The same compiled scripts on minios with the interpreter engine and with the native engine: what is deterministic agrees.
package dev.vp.vmm.probes;

import static org.junit.jupiter.api.Assertions.*;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.runtime.engine.InterpreterEngine;
import dev.vp.runtime.engine.LoadException;
import dev.vp.runtime.engine.NativeEngine;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.runtime.engine.RunReport;
import dev.vp.vmm.Harness;
import dev.vp.vmm.KvmAvailability;
import dev.vp.x64.image.ImageBuilder;
import dev.vp.x64.image.ProbeImage;
import dev.vp.x64.image.ProbeImageReader;
import dev.vp.x64.image.ProbeImageWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NativeEngineHarnessTest {
    /**
     * Load and Unload prints are exact; HV_Exit counts a per-vCPU global and must agree with the clause's firing
     * count; ENTER on do_syscall names tasks through the minios preload (guest reads, strings, a bag-free path).
     */
    static final String SCRIPT = """
            perthread int exits;
            VMMLoad { printf("load vcpu %d of %d\\n", VCPUID, NUMVCPUS); }
            VMXLoad { printf("vmx load\\n"); }
            HV_Exit { exits++; }
            GUEST:ENTER:do_syscall(int nr) { calls[curprocname()] <- 1; }
            VMMUnload { printf("unload vcpu %d: %s\\n", VCPUID, exits > 0 ? "exits seen" : "no exits"); }
            """;

    record Run(List<String> output, RunReport report) {}

    static Run run(IrProgram program, Function<List<OutputRecord>, ProbeEngine> engines, int vcpus) throws Exception {
        List<OutputRecord> output = Collections.synchronizedList(new ArrayList<>());
        ProbeEngine engine = engines.apply(output);
        var dispatcher = new ProbeDispatcher(engine);
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        try (Harness harness = Harness.boot(Harness.minios(), Harness.Config.of(vcpus, console::add).withProbes(dispatcher))) {
            dispatcher.attach(harness);
            long end = System.nanoTime() + 10_000_000_000L;
            while (console.isEmpty() && System.nanoTime() < end) Thread.sleep(10);
            dispatcher.load(program);
            Thread.sleep(1500);
            dispatcher.unload();
            RunReport report = engine.report();
            synchronized (output) {
                return new Run(output.stream().map(OutputRecord::text).toList(), report);
            }
        } finally {
            dispatcher.close();
            engine.close();
        }
    }

    @Test
    void interpreterAndNativeAgreeOnMinios() throws Exception {
        KvmAvailability.require();
        IrProgram program = CompiledScriptTest.compile(SCRIPT.replace("calls[curprocname()] <- 1;",
                "printf(\"call %s\\n\", curprocname());"));
        Run interp = run(program, out -> new InterpreterEngine(2, out::add), 2);
        Run nat = run(program, out -> new NativeEngine(2, out::add), 2);
        for (Run r : List.of(interp, nat)) {
            List<String> fixed = r.output.stream().filter(t -> !t.startsWith("call ")).sorted().toList();
            assertEquals(List.of("load vcpu 0 of 2\n", "load vcpu 1 of 2\n", "unload vcpu 0: exits seen\n",
                    "unload vcpu 1: exits seen\n", "vmx load\n"), fixed);
            Set<String> tasks = Set.of("init", "shell", "diskio", "netd", "compute");
            List<String> calls = r.output.stream().filter(t -> t.startsWith("call ")).toList();
            assertFalse(calls.isEmpty(), "system calls were traced");
            for (String c : calls) assertTrue(tasks.contains(c.substring(5).strip()), c);
        }
        assertEquals(interp.report.clauses().size(), nat.report.clauses().size());
        for (int i = 0; i < interp.report.clauses().size(); i++) {
            RunReport.Clause a = interp.report.clauses().get(i), b = nat.report.clauses().get(i);
            assertEquals(a.spec(), b.spec());
            assertEquals(a.loc(), b.loc());
            assertEquals(a.cancellations(), b.cancellations(), "no cancellations on either engine");
        }
        // Load points fire once per vCPU (VMX on the host), on both engines.
        assertEquals(2, nat.report.clauses().get(0).firings());
        assertEquals(1, nat.report.clauses().get(1).firings());
        assertTrue(nat.report.clauses().get(2).firings() > 100, "HV_Exit fired: " + nat.report.clauses().get(2));
        assertEquals(nat.report.text().contains("dropped"), false, nat.report.text());
    }

    /**
     * Load and Unload clauses run vCPU by vCPU, then on the host, in the same order on both engines, and a logaggr
     * among them sees the other vCPUs' tables as they were at its call (natively its record is formatted before the
     * next clause runs).
     */
    @Test
    void loadAndUnloadClausesRunInOneOrderAndLogaggrSeesTheTablesAtItsCall() throws Exception {
        KvmAvailability.require();
        IrProgram program = CompiledScriptTest.compile("""
                VMMLoad { printf("first %d\\n", VCPUID); }
                VMMLoad { loads[0] <- VCPUID + 1; logaggr(loads); }
                VMXLoad { printf("host\\n"); }
                VMMUnload { printf("unload %d\\n", VCPUID); loads[1] <- 1; logaggr(loads); }
                """);
        List<String> interp = run(program, out -> new InterpreterEngine(2, out::add), 2).output();
        List<String> nat = run(program, out -> new NativeEngine(2, out::add), 2).output();
        assertEquals(interp, nat);
        assertEquals("first 0\n", nat.getFirst(), nat.toString());
        int second = nat.indexOf("first 1\n"), host = nat.indexOf("host\n"), unload = nat.indexOf("unload 0\n");
        assertTrue(0 < second && second < host && host < unload && unload < nat.indexOf("unload 1\n"), nat.toString());
        assertNotEquals(nat.subList(1, second), nat.subList(second + 1, host), "the second logaggr sees vCPU 1's update");
    }

    /**
     * THREADID is the monitor thread that runs the vCPU, whichever thread fires it (VMMLoad runs on the loader's),
     * and PCPUID a CPU of this machine, on both engines (natively they once read 0).
     */
    @Test
    void threadAndCpuIdsAreTheMonitorsOnBothEngines() throws Exception {
        KvmAvailability.require();
        IrProgram program = CompiledScriptTest.compile("""
                perthread int seen;
                VMMLoad { printf("load %d %d\\n", VCPUID, THREADID); }
                HV_Exit { if (!seen) { seen = 1; printf("exit %d %d %d\\n", VCPUID, THREADID, PCPUID); } }
                VMX:TIMER:100msec { printf("host %d\\n", THREADID); }
                """);
        int cpus = java.lang.Runtime.getRuntime().availableProcessors();
        for (var engines : List.<Function<List<OutputRecord>, ProbeEngine>>of(out -> new InterpreterEngine(2, out::add),
                out -> new NativeEngine(2, out::add))) {
            List<String> out = run(program, engines, 2).output();
            for (int v = 0; v < 2; v++) {
                String vcpu = " " + v + " ";
                String[] load = out.stream().filter(t -> t.startsWith("load" + vcpu)).findFirst().orElseThrow().strip().split(" ");
                String[] exit = out.stream().filter(t -> t.startsWith("exit" + vcpu)).findFirst().orElseThrow().strip().split(" ");
                assertEquals(load[2], exit[2], "THREADID at load and at an exit of vCPU " + v + ": " + out);
                assertTrue(Long.parseLong(exit[2]) > 0, out.toString());
                int cpu = Integer.parseInt(exit[3]);
                assertTrue(cpu >= 0 && cpu < cpus, "PCPUID " + cpu + " of " + cpus);
            }
            String host = out.stream().filter(t -> t.startsWith("host ")).findFirst().orElseThrow();
            assertTrue(Long.parseLong(host.strip().substring(5)) > 0, host);
        }
    }

    @Test
    void aBuiltImageRunsAndPendingAggregatesAreReported() throws Exception {
        KvmAvailability.require();
        IrProgram program = CompiledScriptTest.compile(SCRIPT);
        ProbeImage image = ProbeImageReader.read(ProbeImageWriter.write(ImageBuilder.build(program)));
        List<OutputRecord> output = Collections.synchronizedList(new ArrayList<>());
        var engine = new NativeEngine(1, output::add);
        var dispatcher = new ProbeDispatcher(engine);
        try (Harness harness = Harness.boot(Harness.minios(), Harness.Config.of(1, line -> { }).withProbes(dispatcher))) {
            dispatcher.attach(harness);
            assertNull(engine.firingBlocks(2), "the engine's firing blocks went to the dispatcher, once");
            dispatcher.load(engine.prepare(image));
            assertNotNull(engine.program());
            Thread.sleep(1500);
            dispatcher.unload();
            RunReport report = engine.report();
            assertEquals(1, report.pendingAggregates().size(), report.text());
            assertTrue(report.pendingAggregates().getFirst().startsWith("aggr: calls"), report.text());
            assertTrue(report.text().contains("\"shell\"") || report.text().contains("\"init\""), report.text());
            // The harness's vCPUs write each firing's fields into the engine's memory, so the engine outlives it.
            var early = assertThrows(IllegalStateException.class, engine::close);
            assertTrue(early.getMessage().contains("close the harness before"), early.getMessage());
        } finally {
            dispatcher.close();
            engine.close();
        }
    }

    @Test
    void aRefusedImageLeavesTheRunningOneLoaded() throws Exception {
        KvmAvailability.require();
        IrProgram program = CompiledScriptTest.compile(SCRIPT);
        var engine = new NativeEngine(1, r -> { }, new dev.vp.runtime.RuntimeConfig(256 << 10, 8 << 20, 64 << 10, 64 << 10));
        var dispatcher = new ProbeDispatcher(engine);
        try (Harness harness = Harness.boot(Harness.minios(), Harness.Config.of(1, line -> { }).withProbes(dispatcher))) {
            dispatcher.attach(harness);
            dispatcher.load(program);
            ProbeImage good = ImageBuilder.build(program);
            var tooBig = new ProbeImage(good.abiVersion(), good.text(), good.rodata(), new ProbeImage.Data(good.data().vcpuBlockBytes(),
                    64L << 20, good.data().sharedBlockBytes(), good.data().globals(), good.data().aggregates(), good.data().bags(),
                    good.data().formats()), good.probes(), good.relocations(), good.lines(), new ProbeImage.Budget(good.budget().codeBytes(),
                    good.budget().dataBytes() - good.data().globalBlockBytes() + (64L << 20), good.budget().clauses(),
                    good.budget().stackBytes(), good.budget().loopFuel(), good.budget().stringBytes()));
            LoadException e = assertThrows(LoadException.class, () -> dispatcher.load(engine.prepare(tooBig)));
            assertTrue(e.getMessage().contains("data needs"), e.getMessage());
            Thread.sleep(300);
            long before = engine.lastCounts(2).firings();
            Thread.sleep(300);
            assertTrue(engine.lastCounts(2).firings() > before, "the running program kept firing");
        } finally {
            dispatcher.close();
            engine.close();
        }
    }

    @Test
    void everyExampleBuildsAnImageTheRuntimeAccepts() throws Exception {
        List<Path> examples;
        try (Stream<Path> s = Files.list(Path.of("..", "examples"))) {
            examples = s.filter(p -> p.toString().endsWith(".emt")).sorted().toList();
        }
        assertFalse(examples.isEmpty());
        for (Path p : examples) {
            IrProgram program = CompiledScriptTest.compile(Files.readString(p));
            ProbeImage image = ImageBuilder.build(program);
            assertEquals(image, ProbeImageReader.read(ProbeImageWriter.write(image)), p.toString());
        }
    }
}
