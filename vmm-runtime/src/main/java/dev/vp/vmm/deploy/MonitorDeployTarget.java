// The deploy server's view of a running Monitor on the native engine: loads .vpo images, resets, reports.
package dev.vp.vmm.deploy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.runtime.engine.NativeEngine;
import dev.vp.runtime.engine.RunReport;
import dev.vp.vmm.Monitor;
import dev.vp.vmm.ScriptListener;
import dev.vp.vmm.probes.HarnessCatalog;
import dev.vp.x64.image.ProbeImage;
import dev.vp.x64.image.ProbeImageException;
import dev.vp.x64.image.ProbeImageReader;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * An image is read (every malformed one refused with the reader's message), checked by the engine against its
 * arena, and only then swapped in; any refusal leaves the running script and the guest as they were.
 */
public final class MonitorDeployTarget implements DeployTarget {
    private final Monitor monitor;
    private final NativeEngine engine;
    private final Consumer<Monitor.Unloaded> replaced;

    public MonitorDeployTarget(Monitor monitor) { this(monitor, u -> { }); }

    /** replaced receives what each script a load replaced printed while it was unloaded, and its report. */
    public MonitorDeployTarget(Monitor monitor, Consumer<Monitor.Unloaded> replaced) {
        if (!(monitor.engine() instanceof NativeEngine n)) {
            throw new IllegalArgumentException("deployed images run on the native engine; this monitor runs " + monitor.engine().getClass().getSimpleName());
        }
        this.monitor = monitor;
        this.engine = n;
        this.replaced = replaced;
    }

    @Override
    public JsonObject load(byte[] bytes, ScriptListener client) throws Exception {
        ProbeImage image;
        try {
            image = ProbeImageReader.read(bytes);
        } catch (ProbeImageException e) {
            throw new IllegalArgumentException("image refused: " + e.getMessage());
        }
        String name = "image " + HexFormat.of().formatHex(sha256(bytes), 0, 6);
        Monitor.Unloaded old = monitor.load(engine.prepare(image), name, client);
        if (old != null) replaced.accept(old);
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("probes", image.probes().size());
        o.addProperty("codeBytes", image.text().length);
        return o;
    }

    @Override
    public DeployProtocol.Unloaded reset() throws Exception {
        Monitor.Unloaded u = monitor.unload(Monitor.RESET);
        return u == null ? new DeployProtocol.Unloaded("", "nothing was loaded\n") : new DeployProtocol.Unloaded(u.output(), u.report().text());
    }

    @Override
    public String catalogJson() { return HarnessCatalog.catalog(monitor.harness().vcpuCount()).toJson(); }

    /** Per-VM globals as values, per-vCPU ones as an array indexed by vCPU; empty when nothing is loaded. */
    @Override
    public JsonObject globals() {
        JsonObject o = new JsonObject();
        IrProgram program = engine.program();
        if (program == null) return o;
        int vcpus = monitor.harness().vcpuCount();
        try {
            for (int g = 0; g < program.globals().size(); g++) {
                IrProgram.Global def = program.globals().get(g);
                if (!def.perVcpu()) {
                    o.add(def.name(), value(def, g, 0));
                    continue;
                }
                JsonArray values = new JsonArray();
                for (int v = 0; v < vcpus; v++) values.add(value(def, g, v));
                o.add(def.name(), values);
            }
        } catch (IllegalStateException e) {
            return new JsonObject(); // unloaded meanwhile
        }
        return o;
    }

    private JsonPrimitive value(IrProgram.Global def, int g, int vcpu) {
        return def.string() ? new JsonPrimitive(engine.stringGlobal(g, vcpu)) : new JsonPrimitive(engine.intGlobal(g, vcpu));
    }

    @Override
    public JsonObject status() {
        JsonObject o = new JsonObject();
        o.addProperty("guest", monitor.harness().guest().name());
        o.addProperty("vcpus", monitor.harness().vcpuCount());
        o.addProperty("uptimeSeconds", Math.round(monitor.uptimeSeconds() * 10) / 10.0);
        o.addProperty("engine", "native");
        String loaded = monitor.loadedName();
        o.addProperty("loaded", loaded == null ? "" : loaded);
        RunReport report = monitor.report();
        if (loaded != null && report != null) {
            JsonArray clauses = new JsonArray();
            for (RunReport.Clause c : report.clauses()) {
                JsonObject j = new JsonObject();
                j.addProperty("spec", c.spec());
                j.addProperty("location", c.loc().toString());
                j.addProperty("firings", c.firings());
                j.addProperty("cancelled", c.cancellations().stream().mapToLong(RunReport.Cancel::count).sum());
                clauses.add(j);
            }
            o.add("clauses", clauses);
            o.addProperty("dropped", report.drops().stream().mapToLong(RunReport.Drop::count).sum());
        }
        return o;
    }

    @Override
    public AutoCloseable onOutput(Consumer<String> listener) { return monitor.onOutput(listener); }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }
}
