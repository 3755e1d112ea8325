// The reference engine: runs clauses with the compiler's IR interpreter, one firing at a time.
package dev.vp.runtime.engine;

import dev.vp.compiler.interp.Interpreter;
import dev.vp.compiler.interp.ProbeCounters;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.output.OutputSink;
import java.util.ArrayList;
import java.util.List;

/**
 * The interpreter is the oracle the native runtime is tested against; it is not thread-safe, so firings from
 * the vCPU threads and the host timer are serialised here. Its output records go to the sink on the firing
 * thread.
 */
public final class InterpreterEngine implements ProbeEngine {
    private final int vcpus;
    private final OutputSink sink;
    private Interpreter loaded;
    private Interpreter last;

    private record Program(Interpreter interpreter) implements Prepared {
        @Override public IrProgram program() { return interpreter.program(); }
    }

    public InterpreterEngine(int vcpus, OutputSink sink) {
        if (vcpus < 1) throw new IllegalArgumentException("an engine needs at least 1 vCPU, got " + vcpus);
        this.vcpus = vcpus;
        this.sink = sink;
    }

    @Override
    public Prepared prepare(IrProgram program) throws LoadException {
        try {
            return new Program(new Interpreter(program, vcpus, sink));
        } catch (IllegalArgumentException e) {
            throw new LoadException("the program cannot be loaded: " + e.getMessage());
        }
    }

    @Override
    public synchronized void load(Prepared prepared) {
        if (loaded != null) throw new IllegalStateException("unload the loaded program first");
        if (!(prepared instanceof Program p)) throw new IllegalArgumentException("not prepared by this engine: " + prepared);
        loaded = p.interpreter;
        last = loaded;
    }

    @Override
    public synchronized void fire(int clause, int vcpu, FiringContext ctx) {
        if (loaded != null) loaded.fire(clause, vcpu, ctx);
    }

    @Override
    public synchronized void unload() { loaded = null; }

    @Override
    public synchronized IrProgram program() { return loaded == null ? null : loaded.program(); }

    @Override
    public synchronized ClauseCounts lastCounts(int clause) {
        if (last == null) throw new IllegalStateException("no program has been loaded");
        ProbeCounters c = last.counters(clause);
        return new ClauseCounts(c.firings(), c.exits(), c.cancellations());
    }

    @Override
    public synchronized RunReport report() {
        if (last == null) return new RunReport(List.of(), List.of(), List.of());
        IrProgram p = last.program();
        List<RunReport.Clause> clauses = new ArrayList<>();
        for (int i = 0; i < p.probes().size(); i++) {
            ProbeCounters c = last.counters(i);
            List<RunReport.Cancel> cancels = c.sites().stream()
                    .map(s -> new RunReport.Cancel(s.cause().shortName, s.loc(), s.count(), s.description())).toList();
            clauses.add(new RunReport.Clause(p.probes().get(i).spec(), p.probes().get(i).loc(), c.firings(), c.exits(), cancels));
        }
        List<RunReport.Drop> drops = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (int a = 0; a < p.aggrs().size(); a++) {
            drops.add(new RunReport.Drop("updates of aggregate " + p.aggrs().get(a).name(), last.aggregateDrops(a)));
            if (last.updatedSinceLog(a)) pending.add(last.printAggregate(a));
        }
        for (int b = 0; b < p.bags().size(); b++) drops.add(new RunReport.Drop("inserts into bag " + p.bags().get(b).name(), last.bagDrops(b)));
        return new RunReport(clauses, drops, pending);
    }

    /** The interpreter of the loaded (or last unloaded) program: its globals and aggregates, for reports and tests. */
    public synchronized Interpreter interpreter() { return last; }
}
