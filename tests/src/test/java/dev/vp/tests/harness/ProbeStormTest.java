// A printf on every exit at the highest exit rate a guest can make, for 10 s: every record is delivered or counted as dropped.
package dev.vp.tests.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.output.OutputRecord;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.runtime.engine.RunReport;
import dev.vp.tests.bench.Engines;
import dev.vp.tests.bench.Scripts;
import dev.vp.vmm.Harness;
import dev.vp.vmm.probes.ProbeDispatcher;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The guest is the benchmark's exitguest (OUTs in a loop on both vCPUs). Each firing prints its vCPU and a per-vCPU
 * sequence number, so the test knows exactly which records arrived: delivered + dropped must equal emitted, where
 * emitted is the clause's completed firings in the engine's report, dropped the report's output-record drops
 * (ring overflow and malformed records in the native runtime), delivered what reached the sink; and no record
 * arrives twice.
 */
class ProbeStormTest {
    private static final int VCPUS = 2;
    private static final long STORM_MILLIS = 10_000;

    private final BitSet[] seen = {new BitSet(), new BitSet()};
    private final AtomicLong delivered = new AtomicLong(), duplicates = new AtomicLong(), malformed = new AtomicLong();

    private void receive(OutputRecord r) {
        String[] f = r.text().strip().split(" ");
        if (f.length != 2 || !r.text().endsWith("\n")) {
            malformed.incrementAndGet();
            return;
        }
        int vcpu = Integer.parseInt(f[0]);
        int n = Integer.parseInt(f[1]);
        synchronized (seen) {
            if (seen[vcpu].get(n)) duplicates.incrementAndGet();
            seen[vcpu].set(n);
        }
        delivered.incrementAndGet();
    }

    @Test
    void everyEmittedRecordIsDeliveredOrCountedAsDropped() throws Exception {
        KvmRequired.check();
        ProbeEngine engine = Engines.create(Engines.DEFAULT, VCPUS, this::receive);
        ProbeDispatcher dispatcher = new ProbeDispatcher(engine);
        RunReport report;
        long exits;
        try (Harness harness = Harness.boot(ExitGuest.elf(), Harness.Config.of(VCPUS, line -> { }).withProbes(dispatcher))) {
            dispatcher.attach(harness);
            dispatcher.load(Scripts.compile("storm.emt", "int n;\nHV_Exit { n++; printf(\"%d %d\\n\", VCPUID, n); }\n"));
            long before = harness.stats().exits();
            Thread.sleep(STORM_MILLIS);
            exits = harness.stats().exits() - before;
            dispatcher.unload();
            report = engine.report();
            assertTrue(harness.fault().isEmpty(), () -> "the guest kept running: " + harness.fault());
        } finally {
            dispatcher.close();
            engine.close();
        }
        RunReport.Clause clause = report.clauses().getFirst();
        long cancelled = clause.cancellations().stream().mapToLong(RunReport.Cancel::count).sum();
        long emitted = clause.firings() - clause.exits() - cancelled;
        List<RunReport.Drop> outputDrops = report.drops().stream().filter(d -> d.what().contains("output records")).toList();
        long dropped = outputDrops.stream().mapToLong(RunReport.Drop::count).sum();
        String figures = "exits " + exits + ", firings " + clause.firings() + ", emitted " + emitted + ", delivered " + delivered
                + ", dropped " + dropped + ", duplicates " + duplicates + ", malformed " + malformed + "\n" + report.text();
        System.out.println("probe storm: " + figures.lines().findFirst().orElseThrow());
        assertEquals(0, cancelled, figures);
        assertTrue(emitted >= 1000 * (STORM_MILLIS / 1000), "a storm: at least 1000 printing exits a second; " + figures);
        assertEquals(0, duplicates.get(), figures);
        assertEquals(0, malformed.get(), figures);
        assertEquals(emitted, delivered.get() + dropped, "delivered + dropped = emitted; " + figures);
        long highest = 0;
        for (BitSet s : seen) highest += s.length() - 1;
        assertTrue(highest <= emitted, "sequence numbers stay within the firings: " + figures);
        if (dropped == 0) {
            assertEquals(emitted, highest, "with nothing dropped every sequence number arrived; " + figures);
            assertTrue(report.text().contains("drops: none"), report.text());
        }
        for (RunReport.Drop d : outputDrops)
            if (d.count() > 0) assertTrue(report.text().contains("dropped: " + d.count() + " " + d.what()), "the report shows " + d + ":\n" + report.text());
    }
}
