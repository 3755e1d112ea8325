// A probe engine wrapper that times every firing on vCPU 0: the probe effect measured around the runtime call.
package dev.vp.tests.bench;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.runtime.engine.FiringContext;
import dev.vp.runtime.engine.LoadException;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.runtime.engine.RunReport;
import dev.vp.vmm.Harness;

/**
 * The dispatcher calls {@link #fire} exactly where it would call the engine, so the timestamps taken here bracket
 * the whole runtime call (for the native engine, the Java-to-native transition included) and nothing else.
 * One vCPU is timed so that the ring keeps a single writer.
 */
public final class TimedEngine implements ProbeEngine {
    private final ProbeEngine inner;
    private final SampleRing firings = new SampleRing(1 << 16);

    public TimedEngine(ProbeEngine inner) { this.inner = inner; }

    public SampleRing firings() { return firings; }

    @Override public Prepared prepare(IrProgram program) throws LoadException { return inner.prepare(program); }

    @Override public void load(Prepared prepared) { inner.load(prepared); }

    @Override
    public void fire(int clause, int vcpu, FiringContext ctx) {
        if (vcpu != 0) {
            inner.fire(clause, vcpu, ctx);
            return;
        }
        long t0 = System.nanoTime();
        inner.fire(clause, vcpu, ctx);
        firings.record(System.nanoTime() - t0);
    }

    @Override public void unload() { inner.unload(); }

    @Override public IrProgram program() { return inner.program(); }

    @Override public ClauseCounts lastCounts(int clause) { return inner.lastCounts(clause); }

    @Override public RunReport report() { return inner.report(); }

    @Override public void attach(Harness harness) { inner.attach(harness); }

    @Override public void close() { inner.close(); }
}
