// Runs the micro-benchmark briefly (both engines must agree on every operation) and the code-size report.
package dev.vp.x64.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A short run keeps the benchmark honest in CI: every probe completes on both engines with the same $sink, every
 * figure is positive. The bars themselves are timing figures on one machine, so they are printed, not asserted,
 * unless -Dvp.bench.bars=true. For the full figures: -Dvp.bench.runs=300 (see x64-backend/BENCHMARK.md).
 */
class MicroBenchTest {
    @Test
    void operationsAgreeAndAreTimed() {
        int runs = Integer.getInteger("vp.bench.runs", 8);
        var bench = new MicroBench();
        if (runs > 20) bench.run(runs / 10);
        MicroBench.Result result = bench.run(runs);
        System.out.print(result.table());
        assertEquals(MicroBench.OPS.size(), result.rows().size());
        // Each figure is a difference against the empty loop: an operation cheaper than the noise (the interpreter's
        // TSC read returns a stored field) can come out slightly negative in a short CI run, so only sanity here.
        for (MicroBench.Row r : result.rows())
            assertTrue(Double.isFinite(r.interpNs()) && Double.isFinite(r.nativeNs()), r.name() + ": " + r.interpNs() + " / " + r.nativeNs() + " ns");
        assertTrue(result.tscGhz() > 0.1 && result.tscGhz() < 10, "TSC rate " + result.tscGhz() + " GHz");
        if (Boolean.getBoolean("vp.bench.bars")) {
            for (MicroBench.Row r : result.rows()) assertTrue(r.ratio() >= 20, r.name() + ": only " + r.ratio() + "x the interpreter");
            assertTrue(row(result, "keyed aggregate hit").nativeNs() <= 10, "keyed aggregate hit");
            assertTrue(row(result, "guest linear read (8 bytes)").nativeNs() <= 5, "guest linear read");
            assertTrue(row(result, "printf (record append)").nativeNs() <= 15, "printf");
            assertTrue(result.emptyFiringNs() < 30, "empty firing");
        }
        assertTrue(result.helperBytes() <= 8192, "helper library " + result.helperBytes() + " bytes");
    }

    private static MicroBench.Row row(MicroBench.Result r, String name) {
        return r.rows().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyCookbookScriptAndExampleHasCodeSizes() {
        var all = CodeSizes.all();
        assertTrue(all.size() >= 40, "only " + all.size() + " scripts found");
        for (var s : all) {
            if (s.example()) continue; // examples may call the catalog's preload functions, which these compilations leave out
            assertNull(s.failure(), s.script());
            for (var p : s.probes()) assertTrue(p.codeBytes() > 0, s.script() + " " + p.spec());
        }
        System.out.print(CodeSizes.report());
    }
}
