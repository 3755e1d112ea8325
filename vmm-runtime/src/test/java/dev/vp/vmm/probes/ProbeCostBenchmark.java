// Benchmark (prints figures): the harness's cost of HV_Exit dispatch with no program, and with an empty clause.
package dev.vp.vmm.probes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.runtime.engine.InterpreterEngine;
import dev.vp.vmm.Harness;
import dev.vp.vmm.KvmAvailability;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Times every HV_Exit dispatch (timestamps before and after the call, on the vCPU thread, into a preallocated
 * array) with nothing loaded, with a program that has no HV_Exit clause, and with one empty HV_Exit clause run
 * by the interpreter engine; the first is the baseline the others are compared with in the same run.
 */
class ProbeCostBenchmark {
    private static final int SAMPLES = 1 << 14;

    /** Delegates to the dispatcher and records how long each exit() takes. */
    static final class TimedEvents implements ProbeEvents {
        final ProbeDispatcher inner;
        final long[] samples = new long[SAMPLES];
        volatile int count;

        TimedEvents(ProbeDispatcher inner) { this.inner = inner; }

        @Override public void exit(int vcpu, int reason) {
            long t0 = System.nanoTime();
            inner.exit(vcpu, reason);
            long t1 = System.nanoTime();
            int n = count;
            if (n < SAMPLES) {
                samples[n] = t1 - t0;
                count = n + 1;
            }
        }
        @Override public void resume(int vcpu) { inner.resume(vcpu); }
        @Override public void io(int vcpu, int direction, int port, int size, int count) { inner.io(vcpu, direction, port, size, count); }
        @Override public void irq(int vcpu, int vector) { inner.irq(vcpu, vector); }
        @Override public void service(int vcpu) { inner.service(vcpu); }

        /** {min, median} of the samples since the last reset, then resets. */
        long[] takeFigures() {
            int n = count;
            long[] s = Arrays.copyOf(samples, n);
            Arrays.sort(s);
            count = 0;
            return n == 0 ? new long[] {0, 0, 0} : new long[] {s[0], s[n / 2], n};
        }
    }

    private static final String EMPTY_CLAUSE = """
            function @empty() -> void regs 0 slots 0 {
            b0:
                ret
            }
            """;

    @Test
    void hvExitDispatchCost() throws Exception {
        KvmAvailability.require();
        InterpreterEngine engine = new InterpreterEngine(1, r -> { });
        ProbeDispatcher dispatcher = new ProbeDispatcher(engine);
        TimedEvents timed = new TimedEvents(dispatcher);
        IrProgram noHvExit = IrParser.parse(EMPTY_CLAUSE + "probe \"VMMLoad\" VMM point \"VMMLoad\" symbol - address 0x0 period 0 @empty\n", "bench.ir");
        IrProgram emptyHvExit = IrParser.parse(EMPTY_CLAUSE + "probe \"HV_Exit\" VMM point \"HV_Exit\" symbol - address 0x0 period 0 @empty\n", "bench.ir");
        try (Harness harness = Harness.boot(Harness.minios(), Harness.Config.of(1, line -> { }).withProbes(timed))) {
            dispatcher.attach(harness);
            Thread.sleep(1000); // boot and JIT warm-up
            timed.takeFigures();
            Thread.sleep(1000);
            long[] none = timed.takeFigures();
            dispatcher.load(noHvExit);
            timed.takeFigures();
            Thread.sleep(1000);
            long[] other = timed.takeFigures();
            dispatcher.unload();
            dispatcher.load(emptyHvExit);
            timed.takeFigures();
            Thread.sleep(1000);
            long[] empty = timed.takeFigures();
            dispatcher.unload();
            System.out.printf("HV_Exit dispatch per exit (min / median ns, samples): nothing loaded %d / %d (%d); "
                            + "program without HV_Exit %d / %d (%d); empty HV_Exit clause, interpreter %d / %d (%d); median ratio %.1fx%n",
                    none[0], none[1], none[2], other[0], other[1], other[2], empty[0], empty[1], empty[2],
                    (double) empty[1] / Math.max(1, none[1]));
            assertTrue(engine.lastCounts(0).firings() >= empty[2], "the empty clause ran on every timed exit");
        } finally {
            dispatcher.close();
        }
    }
}
