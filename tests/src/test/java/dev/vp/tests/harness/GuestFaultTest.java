// A guest that faults, at boot or while probes run, stops only itself: the monitor reports it, unloads, closes, and boots again.
package dev.vp.tests.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.symbols.ElfFile;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.runtime.engine.RunReport;
import dev.vp.tests.bench.Engines;
import dev.vp.tests.bench.Scripts;
import dev.vp.vmm.GuestFault;
import dev.vp.vmm.Harness;
import dev.vp.vmm.Monitor;
import dev.vp.vmm.probes.ProbeDispatcher;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuestFaultTest {
    private static final String WATCH = """
            HV_Exit exits++;
            Guest_TripleFault { printf("triple fault on vCPU %d\\n", VCPUID); }
            """;

    private final List<String> console = new CopyOnWriteArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();

    @BeforeEach
    void needKvm() { KvmRequired.check(); }

    /** The trick of vmm-runtime's HarnessTest: an entry point in the unmapped page 0 faults on the first fetch. */
    @Test
    void aGuestThatFaultsAtBootIsReportedAndTheProbesStillLoadAndUnload() throws Exception {
        byte[] bytes = Harness.class.getResourceAsStream(Harness.MINIOS_RESOURCE).readAllBytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(24, 0x10);
        ElfFile broken = ElfFile.parse("minios-entry-in-page-0", bytes);
        ProbeEngine engine = Engines.create(Engines.DEFAULT, 2, r -> output.add(r.text()));
        ProbeDispatcher dispatcher = new ProbeDispatcher(engine);
        try (Harness harness = Harness.boot(broken, Harness.Config.of(2, console::add).withProbes(dispatcher))) {
            dispatcher.attach(harness);
            GuestFault fault = harness.awaitFault(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("no fault reported"));
            assertEquals(GuestFault.Kind.TRIPLE_FAULT, fault.kind(), fault.toString());
            dispatcher.load(Scripts.compile("watch.emt", WATCH + "VMMLoad { printf(\"loaded on vCPU %d\\n\", VCPUID); }\n"));
            dispatcher.unload();
            assertTrue(output.contains("loaded on vCPU 0\n") && output.contains("loaded on vCPU 1\n"), "load probes ran: " + output);
        } finally {
            dispatcher.close();
            engine.close();
        }
        assertNoHarnessThreads();
        bootsAndRuns();
    }

    /** `ud2` over do_syscall's entry NOPs: the next system call faults at CPL 3, which minios cannot handle. */
    @Test
    void aGuestThatTripleFaultsWhileProbedFiresTheProbeAndLeavesTheMonitorUsable() throws Exception {
        try (Monitor monitor = Monitor.start(sink -> Engines.create(Engines.DEFAULT, 2, sink), 2, console::add)) {
            monitor.onOutput(output::add);
            monitor.load(Scripts.compile("watch.emt", WATCH), "watch.emt");
            Harness harness = monitor.harness();
            awaitConsole(3);
            long site = harness.guest().symbol("do_syscall").orElseThrow().value();
            harness.withVcpusOut(() -> {
                harness.memory().write8(site, 0x0f);
                harness.memory().write8(site + 1, 0x0b);
            });
            GuestFault fault = harness.awaitFault(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("no fault reported"));
            assertEquals(GuestFault.Kind.TRIPLE_FAULT, fault.kind(), fault.toString());
            RunReport report = monitor.unload(Monitor.RESET).report();
            RunReport.Clause triple = report.clauses().get(1);
            assertEquals("Guest_TripleFault", triple.spec());
            List<String> lines = output.stream().filter(s -> s.startsWith("triple")).toList();
            assertTrue(triple.firings() >= 1 && triple.firings() == lines.size(), "one line per firing: " + lines + "\n" + report.text());
            assertTrue(lines.contains("triple fault on vCPU " + fault.vcpu() + "\n"), lines + " names the vCPU of " + fault);
            assertTrue(report.clauses().get(0).firings() > 0, report.text());
            assertTrue(harness.stats().exits() > 0);
        }
        assertNoHarnessThreads();
        bootsAndRuns();
    }

    /** A monitor that cannot start (here: an engine made for another vCPU count) releases what it had started. */
    @Test
    void aMonitorThatCannotStartLeavesNothingRunning() {
        long drainers = outputDrainers();
        var e = assertThrows(IllegalArgumentException.class,
                () -> Monitor.start(sink -> Engines.create(Engines.DEFAULT, 2, sink), 1, console::add));
        assertTrue(e.getMessage().contains("made for 2 vCPUs"), e.getMessage());
        assertNoHarnessThreads();
        assertEquals(drainers, outputDrainers(), "the engine's output drainer was stopped");
    }

    private static long outputDrainers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals("vp-output")).count();
    }

    private void awaitConsole(int lines) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int start = console.size();
        while (console.size() < start + lines) {
            if (System.nanoTime() > end) throw new AssertionError("minios printed no console lines: " + console);
            Thread.sleep(20);
        }
    }

    private void bootsAndRuns() throws Exception {
        console.clear();
        try (Harness again = Harness.boot(Harness.minios(), Harness.Config.of(1, console::add))) {
            awaitConsole(2);
            assertTrue(again.fault().isEmpty(), () -> "the next guest runs: " + again.fault());
        }
    }

    private static void assertNoHarnessThreads() {
        long left = Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("vp-vcpu")).count();
        assertEquals(0, left, "vCPU threads left after close");
    }
}
