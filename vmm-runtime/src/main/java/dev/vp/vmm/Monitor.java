package dev.vp.vmm;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.compiler.output.OutputSink;
import dev.vp.runtime.engine.LoadException;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.runtime.engine.RunReport;
import dev.vp.vmm.probes.ProbeDispatcher;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A running monitor as `vp run` and `vp vmm` use it: the harness with the built-in guest, a probe engine and
 * its dispatcher, and the output fan-out to the terminal, files and deploy clients.
 */
public final class Monitor implements AutoCloseable {
    private final Harness harness;
    private final ProbeDispatcher dispatcher;
    private final ProbeEngine engine;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final long started = System.nanoTime();
    private volatile String loadedName;

    private Monitor(Function<OutputSink, ProbeEngine> engines, int vcpus, Consumer<String> console) throws IOException {
        OutputSink sink = this::publish;
        this.engine = engines.apply(sink);
        this.dispatcher = new ProbeDispatcher(engine);
        try {
            this.harness = Harness.boot(Harness.minios(), Harness.Config.of(vcpus, console).withProbes(dispatcher));
        } catch (IOException | RuntimeException e) {
            engine.close(); // no harness was attached: nothing else to release
            throw e;
        }
        try {
            dispatcher.attach(harness);
        } catch (RuntimeException e) {
            try {
                harness.close();
                engine.close(); // not reached if the harness could not stop: the engine's memory must outlive its threads
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Boots minios with vcpus vCPUs; engines makes the engine given the sink its output goes to. */
    public static Monitor start(Function<OutputSink, ProbeEngine> engines, int vcpus, Consumer<String> console) throws IOException {
        return new Monitor(engines, vcpus, console);
    }

    private void publish(OutputRecord r) {
        for (Consumer<String> l : listeners) l.accept(r.text());
    }

    /** Adds an output listener; closing the handle removes it. */
    public AutoCloseable onOutput(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Loads a program, replacing the running one; a refused load leaves the old one running. */
    public synchronized void load(IrProgram program, String name) throws LoadException, InterruptedException {
        dispatcher.load(program);
        loadedName = name;
    }

    /** Loads a program the engine prepared (a built .vpo image on the native engine), replacing the running one. */
    public synchronized void load(ProbeEngine.Prepared prepared, String name) throws LoadException, InterruptedException {
        dispatcher.load(prepared);
        loadedName = name;
    }

    /** Unloads the running program (its Unload probes fire) and returns what it did. */
    public synchronized RunReport unload() throws InterruptedException {
        if (engine.program() == null) return null;
        dispatcher.unload();
        loadedName = null;
        return engine.report();
    }

    public String loadedName() { return loadedName; }
    public Harness harness() { return harness; }
    public ProbeEngine engine() { return engine; }
    public double uptimeSeconds() { return (System.nanoTime() - started) / 1e9; }

    @Override public void close() throws InterruptedException {
        try {
            dispatcher.close();
        } finally {
            harness.close();
            engine.close();
        }
    }
}
