// A probe engine wrapper that times every firing on vCPU 0: the probe effect measured around the runtime call.
package dev.vp.tests.bench;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.runtime.engine.FiringContext;
import dev.vp.runtime.engine.LoadException;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.runtime.engine.RunReport;
import dev.vp.vmm.Harness;
import java.lang.foreign.MemorySegment;

/**
 * The dispatcher calls {@link #fire} exactly where it would call the engine, so the timestamps taken here bracket
 * the whole runtime call (for the native engine, the Java-to-native transition included) and nothing else.
 * One vCPU is timed so that the ring keeps a single writer; its firings alternate between being timed and
 * measuring the timer floor at the same point.
 */
public final class TimedEngine implements ProbeEngine {
    private final ProbeEngine inner;
    private final SampleRing firings = new SampleRing(1 << 16);
    private final SampleRing floor = new SampleRing(1 << 16);
    private long count;
    private volatile boolean timing = true;

    public TimedEngine(ProbeEngine inner) { this.inner = inner; }

    /** Whether firings on vCPU 0 are timed (on by default); off, every firing goes straight to the engine. */
    public void timing(boolean on) { timing = on; }

    /** Every other firing on vCPU 0, timed. */
    public SampleRing firings() { return firings; }

    /**
     * The other firings' timer floor: two timestamps with nothing between them, taken at the same point (right
     * after an exit, when the timer's code and data are as cold as the firing's), the firing then run untimed.
     */
    public SampleRing floor() { return floor; }

    @Override public Prepared prepare(IrProgram program) throws LoadException { return inner.prepare(program); }

    @Override public void load(Prepared prepared) { inner.load(prepared); }

    @Override
    public void fire(int clause, int vcpu, FiringContext ctx) {
        if (vcpu != 0 || !timing) {
            inner.fire(clause, vcpu, ctx);
            return;
        }
        if ((++count & 1) == 0) {
            long t0 = System.nanoTime();
            inner.fire(clause, vcpu, ctx);
            firings.record(System.nanoTime() - t0);
        } else {
            long t0 = System.nanoTime();
            floor.record(System.nanoTime() - t0);
            inner.fire(clause, vcpu, ctx);
        }
    }

    @Override public void unload() { inner.unload(); }

    @Override public IrProgram program() { return inner.program(); }

    @Override public ClauseCounts lastCounts(int clause) { return inner.lastCounts(clause); }

    @Override public RunReport report() { return inner.report(); }

    @Override public void attach(Harness harness) { inner.attach(harness); }

    @Override public void close() { inner.close(); }

    @Override public MemorySegment firingBlocks(int count) { return inner.firingBlocks(count); }
}
