package dev.vp.vmm.deploy;

import com.google.gson.JsonObject;
import java.util.function.Consumer;

/** What the deploy server drives: the running harness with its runtime. Implementations report refusals as exceptions. */
public interface DeployTarget {
    /** Loads a .vpo image, replacing the running script; the old one keeps running if this throws. */
    JsonObject load(byte[] image) throws Exception;

    /** Unloads the running script; the guest keeps running. */
    JsonObject reset() throws Exception;

    /** The harness's target catalog as JSON text (what `vp probes --json` prints). */
    String catalogJson();

    /** Globals of the running script, by name. */
    JsonObject globals();

    /** Guest and runtime state: vCPUs, uptime, the loaded script, firings, drops. */
    JsonObject status();

    /** Registers a listener for formatted probe output; returns a handle that removes it. */
    AutoCloseable onOutput(Consumer<String> listener);
}
