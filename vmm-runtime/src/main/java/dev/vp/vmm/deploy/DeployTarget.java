package dev.vp.vmm.deploy;

import com.google.gson.JsonObject;
import dev.vp.vmm.ScriptListener;
import java.util.function.Consumer;

/** What the deploy server drives: the running harness with its runtime. Implementations report refusals as exceptions. */
public interface DeployTarget {
    /**
     * Loads a .vpo image, replacing the running script; the old one keeps running if this throws. client, if not
     * null, receives the new script's output and its end.
     */
    JsonObject load(byte[] image, ScriptListener client) throws Exception;

    /** Unloads the running script (its client is told it was reset); the guest keeps running. */
    DeployProtocol.Unloaded reset() throws Exception;

    /** The harness's target catalog as JSON text (what `vp probes --json` prints). */
    String catalogJson();

    /** Globals of the running script, by name. */
    JsonObject globals();

    /** Guest and runtime state: vCPUs, uptime, the loaded script, firings, drops. */
    JsonObject status();

    /** Registers a listener for formatted probe output; returns a handle that removes it. */
    AutoCloseable onOutput(Consumer<String> listener);
}
