// A booted minios with a dispatcher over the interpreter engine, collecting probe output for assertions.
package dev.vp.vmm.probes;

import static org.junit.jupiter.api.Assertions.fail;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.compiler.symbols.ElfFile;
import dev.vp.runtime.engine.InterpreterEngine;
import dev.vp.vmm.Harness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

final class Rig implements AutoCloseable {
    final List<String> console = Collections.synchronizedList(new ArrayList<>());
    final List<OutputRecord> output = Collections.synchronizedList(new ArrayList<>());
    final InterpreterEngine engine;
    final ProbeDispatcher dispatcher;
    final Harness harness;

    Rig(int vcpus) throws Exception { this(Harness.minios(), vcpus); }

    Rig(ElfFile guest, int vcpus) throws Exception {
        engine = new InterpreterEngine(vcpus, output::add);
        dispatcher = new ProbeDispatcher(engine);
        harness = Harness.boot(guest, Harness.Config.of(vcpus, console::add).withProbes(dispatcher));
        dispatcher.attach(harness);
        await("boot", Duration.ofSeconds(10), () -> !console.isEmpty());
    }

    void load(IrProgram program) throws Exception { dispatcher.load(program); }

    /** The count in clause i's global ($c{i}), on vCPU v for per-vCPU counters. */
    long count(int clause, int vcpu) { return engine.interpreter().intGlobal(clause, vcpu); }

    long count(int clause) { return count(clause, 0); }

    /** The values clause i printed, one array per firing (the clause number stripped). */
    List<long[]> rows(int clause) {
        List<long[]> rows = new ArrayList<>();
        synchronized (output) {
            for (OutputRecord r : output) {
                String[] f = r.text().strip().split(" ");
                if (Long.parseUnsignedLong(f[0]) != clause) continue;
                long[] v = new long[f.length - 1];
                for (int i = 1; i < f.length; i++) v[i - 1] = Long.parseUnsignedLong(f[i]);
                rows.add(v);
            }
        }
        return rows;
    }

    /** A copy of the output so far (the list grows on vCPU threads meanwhile). */
    List<OutputRecord> snapshot() {
        synchronized (output) { return List.copyOf(output); }
    }

    List<OutputRecord> records(int clause) {
        synchronized (output) {
            return output.stream().filter(r -> r.text().startsWith(clause + " ") || r.text().equals(clause + "\n")).toList();
        }
    }

    void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end)
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what + "; fault " + harness.fault()
                        + ", stats " + harness.stats() + ", last console lines "
                        + console.subList(Math.max(0, console.size() - 3), console.size()));
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            dispatcher.unload();
        } finally {
            harness.close();
            dispatcher.close();
        }
    }
}
