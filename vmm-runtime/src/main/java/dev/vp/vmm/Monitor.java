package dev.vp.vmm;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.compiler.output.OutputSink;
import dev.vp.runtime.engine.LoadException;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.runtime.engine.RunReport;
import dev.vp.vmm.probes.ProbeDispatcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A running monitor as `vp run` and `vp vmm` use it: the harness with the built-in guest, a probe engine and
 * its dispatcher, and the output fan-out to the terminal, files and deploy clients.
 * <p>
 * Output goes to every monitor-wide listener ({@link #onOutput}) and to the loaded script's own client, if it has
 * one ({@link ScriptListener}); while the script is unloaded it is also kept (up to {@link #MAX_UNLOAD_OUTPUT}
 * characters) for {@link #unload} to return. A record that none of them received is counted, and the script's
 * report shows the count as a drop, as it shows the records its client dropped because it was not reading them.
 */
public final class Monitor implements AutoCloseable {
    /** Why a script ended, as its client is told. */
    public static final String RESET = "unloaded by `vp reset`", REPLACED = "replaced by another deploy",
            STOPPED = "unloaded because `vp vmm` stopped";
    /** The most output (in characters) an unload keeps to return; more counts as dropped unless a listener got it. */
    public static final int MAX_UNLOAD_OUTPUT = 4 << 20;

    private final Harness harness;
    private final ProbeDispatcher dispatcher;
    private final ProbeEngine engine;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final long started = System.nanoTime();
    private volatile Script script;

    /** The loaded script: its name, its client (or null), what of its output nobody received, and, while it is unloaded, its output. */
    private static final class Script {
        final String name;
        final ScriptListener client;
        final AtomicLong unheard = new AtomicLong();
        volatile StringBuilder unloadOutput;

        Script(String name, ScriptListener client) {
            this.name = name;
            this.client = client;
        }
    }

    /** What an unload returns: the script's name, the output it printed while it was unloaded (its Unload clauses'), and its report. */
    public record Unloaded(String name, String output, RunReport report) {}

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
        String text = r.text();
        boolean heard = !listeners.isEmpty();
        for (Consumer<String> l : listeners) l.accept(text);
        Script s = script;
        if (s == null) return;
        if (s.client != null && s.client.output(text)) heard = true;
        StringBuilder kept = s.unloadOutput;
        if (kept != null && kept.length() + text.length() <= MAX_UNLOAD_OUTPUT) {
            kept.append(text);
            heard = true;
        }
        if (!heard) s.unheard.incrementAndGet();
    }

    /** Adds a listener for every script's output; closing the handle removes it. */
    public AutoCloseable onOutput(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Loads a program, replacing the running one; a refused load leaves the old one running. */
    public void load(IrProgram program, String name) throws LoadException, InterruptedException {
        load(engine.prepare(program), name, null);
    }

    /**
     * Loads a program the engine prepared (e.g. a built .vpo image on the native engine), replacing the running one
     * (whose client is told it was {@link #REPLACED}); a refused load leaves the old one running. client, if not
     * null, receives this script's output, from its Load clauses on, and its end. Returns what the replaced script
     * printed while it was unloaded and its report, as {@link #unload} does; null when none was loaded.
     */
    public synchronized Unloaded load(ProbeEngine.Prepared prepared, String name, ScriptListener client) throws LoadException, InterruptedException {
        Script old = script, next = new Script(name, client);
        RunReport[] replaced = {null};
        if (old != null) old.unloadOutput = new StringBuilder();
        try {
            // between the old script's unload (its output all delivered) and the new one's Load clauses
            dispatcher.load(prepared, () -> {
                if (old != null) replaced[0] = report(old);
                script = next;
            });
        } catch (LoadException e) {
            if (script == next) script = null; // its probes could not be armed, so it was unloaded again
            throw e;
        } finally {
            if (old != null && replaced[0] == null) old.unloadOutput = null; // refused: the old script runs on
            if (replaced[0] != null && old.client != null) old.client.ended(REPLACED, replaced[0].text());
        }
        return old == null ? null : new Unloaded(old.name, old.unloadOutput.toString(), replaced[0]);
    }

    /**
     * Unloads the running script (its Unload probes fire), tells its client why, and returns what it printed while
     * it was unloaded and its report; null when nothing is loaded.
     */
    public synchronized Unloaded unload(String reason) throws InterruptedException {
        Script s = script;
        if (s == null || engine.program() == null) return null;
        s.unloadOutput = new StringBuilder();
        dispatcher.unload();
        script = null;
        RunReport report = report(s);
        if (s.client != null) s.client.ended(reason, report.text());
        return new Unloaded(s.name, s.unloadOutput.toString(), report);
    }

    /** The loaded script's report so far (with the output nobody received), or null when nothing is loaded. */
    public RunReport report() {
        Script s = script;
        return s == null ? null : report(s);
    }

    private RunReport report(Script s) {
        RunReport r = engine.report();
        long unheard = s.unheard.get(), unread = s.client == null ? 0 : s.client.dropped();
        if (unheard == 0 && unread == 0) return r;
        List<RunReport.Drop> drops = new ArrayList<>(r.drops());
        drops.add(new RunReport.Drop("output records (no client was streaming)", unheard));
        drops.add(new RunReport.Drop("output records (the streaming client was not reading)", unread));
        return new RunReport(r.clauses(), drops, r.pendingAggregates());
    }

    public String loadedName() {
        Script s = script;
        return s == null ? null : s.name;
    }

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
