// What runs compiled probe clauses: the interpreter (the oracle) today, the native x86-64 runtime later.
package dev.vp.runtime.engine;

import dev.vp.compiler.ir.IrProgram;

import java.lang.foreign.MemorySegment;

/**
 * The harness's dispatcher drives an engine through this interface only. Loading is two-phase so that a
 * refused program never disturbs the running one: {@link #prepare} validates and builds everything (it may
 * fail), {@link #load} only switches to it. {@link #fire} is the hot path: it returns nothing and never
 * throws for a probe's own failures; firings, exits and cancellations are counted inside the engine.
 * <p>
 * Firings of one vCPU come from one thread at a time; firings of different vCPUs and of the host
 * ({@link FiringContext#HOST}) may run at the same time.
 */
public interface ProbeEngine {
    /** A validated program, ready to load; holds its data (globals, aggregate tables, bags). */
    interface Prepared {
        IrProgram program();
    }

    /** Validates {@code program} and builds its data; nothing loaded changes. */
    Prepared prepare(IrProgram program) throws LoadException;

    /** Makes {@code prepared} the loaded program; the previous one must have been unloaded. */
    void load(Prepared prepared);

    /** Runs clause {@code clause} (an index into the program's probes) on {@code vcpu} or {@link FiringContext#HOST}. */
    void fire(int clause, int vcpu, FiringContext ctx);

    /** Drops the loaded program (no-op when none). Its counters stay readable through {@link #lastCounts}. */
    void unload();

    /** The loaded program, or null. */
    IrProgram program();

    /** Counts for one clause of the loaded program, or of the last one unloaded when none is loaded. */
    ClauseCounts lastCounts(int clause);

    /** The loaded (or last unloaded) program's report: per-clause counts, drops, aggregates pending a logaggr. */
    RunReport report();

    /**
     * Binds the engine to the harness whose guest it probes (the dispatcher calls this when it is attached);
     * an engine that reads the guest only through {@link FiringContext} needs nothing here.
     */
    default void attach(dev.vp.vmm.Harness harness) {}

    /** Releases what the engine holds outside the Java heap (after the harness is closed). */
    default void close() {}

    /**
     * Memory for {@code count} firing contexts' native blocks ({@link FiringContext#BLOCK_SIZE} bytes each, in order,
     * on a 64-byte boundary), mapped until the engine is closed; or null, and the caller allocates them. The native
     * engine places them in the huge page that holds its context blocks and aggregate tables (all of them unless the
     * image's per-vCPU data is large): the harness writes a firing's exit fields there just before the firing, so the
     * page's translation is in the TLB when the probe runs (after a VM exit under nested paging a miss costs 20-30 ns).
     */
    default MemorySegment firingBlocks(int count) { return null; }

    /** Firings of a clause: completed + exited + cancelled = firings. */
    record ClauseCounts(long firings, long exits, long cancellations) {}
}
