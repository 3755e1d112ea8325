// Benchmark (prints figures): an empty HV_Exit clause's dispatch cost on the native engine against the interpreter engine.
package dev.vp.vmm.probes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.runtime.engine.InterpreterEngine;
import dev.vp.runtime.engine.NativeEngine;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.vmm.Harness;
import dev.vp.vmm.KvmAvailability;
import dev.vp.vmm.kvm.KvmRun;
import org.junit.jupiter.api.Test;

/**
 * Timestamps around every HV_Exit dispatch on the vCPU thread (ProbeCostBenchmark.TimedEvents), first with no
 * program, then with one empty HV_Exit clause (after a warm-up), for each engine on a freshly booted minios;
 * min and median.
 */
class EngineCostBenchmark {
    static final IrProgram EMPTY_HV_EXIT = IrParser.parse("""
            function @empty() -> void regs 0 slots 0 {
            b0:
                ret
            }
            probe "HV_Exit" VMM point "HV_Exit" symbol - address 0x0 period 0 @empty
            """, "bench.ir");

    static final int WARM_UP = 300_000;

    /** {baseline min, baseline median, empty min, empty median, samples, mean of back-to-back dispatches in the warm-up}. */
    static long[] measure(ProbeEngine engine) throws Exception {
        ProbeDispatcher dispatcher = new ProbeDispatcher(engine);
        var timed = new ProbeCostBenchmark.TimedEvents(dispatcher);
        try (Harness harness = Harness.boot(Harness.minios(), Harness.Config.of(1, line -> { }).withProbes(timed))) {
            dispatcher.attach(harness);
            Thread.sleep(1000);
            timed.takeFigures();
            Thread.sleep(1000);
            long[] none = timed.takeFigures();
            dispatcher.load(EMPTY_HV_EXIT);
            // Real exits come at about a thousand a second, too few for the JIT: warm the path up with the vCPU parked.
            long[] hot = new long[1];
            harness.withVcpusOut(() -> {
                for (int round = 0; round < 2; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < WARM_UP / 2; i++) dispatcher.exit(0, KvmRun.EXIT_HLT);
                    hot[0] = (System.nanoTime() - t0) / (WARM_UP / 2);
                }
            });
            Thread.sleep(500);
            timed.takeFigures();
            Thread.sleep(1500);
            long[] empty = timed.takeFigures();
            dispatcher.unload();
            assertTrue(engine.lastCounts(0).firings() >= WARM_UP + empty[2], "the empty clause ran on every timed exit");
            return new long[] {none[0], none[1], empty[0], empty[1], empty[2], hot[0]};
        } finally {
            dispatcher.close();
            engine.close();
        }
    }

    @Test
    void emptyHvExitNativeVersusInterpreter() throws Exception {
        KvmAvailability.require();
        long[] interp = measure(new InterpreterEngine(1, r -> { }));
        long[] nat = measure(new NativeEngine(1, r -> { }));
        System.out.printf("HV_Exit dispatch per exit, min / median ns: interpreter engine: nothing loaded %d / %d, empty clause %d / %d (%d samples), "
                        + "back to back %d; native engine: nothing loaded %d / %d, empty clause %d / %d (%d samples), back to back %d%n",
                interp[0], interp[1], interp[2], interp[3], interp[4], interp[5], nat[0], nat[1], nat[2], nat[3], nat[4], nat[5]);
        assertTrue(nat[4] > 0 && interp[4] > 0, "both engines saw exits");
    }
}
