// How the editor's deploy and reset commands reach a running `vp vmm`; this build has no client for it yet.
package dev.vp.lsp;

import dev.vp.compiler.Compilation;
import java.util.function.Consumer;

/**
 * Loads a compiled script into a running `vp vmm` and streams its output back, or unloads it. The harness's
 * deploy client implements this once it is in the build; until then {@link #UNAVAILABLE} refuses with a
 * message that says so, and the commands report it to the user.
 */
public interface DeployClient {
    /** Why a deploy or reset could not be done: shown to the user as the command's error. */
    final class DeployException extends Exception {
        public DeployException(String message) { super(message); }
    }

    /** Deploys a compilation without errors; output receives each chunk of probe output as it arrives. Returns a summary. */
    String deploy(Compilation compilation, String address, String tokenFile, Consumer<String> output) throws DeployException;

    /** Unloads whatever script the monitor runs. Returns a summary. */
    String reset(String address, String tokenFile) throws DeployException;

    String NO_CLIENT = "no deploy client in this build: `vp vmm`'s deploy protocol client is not part of this language server yet";

    DeployClient UNAVAILABLE = new DeployClient() {
        @Override public String deploy(Compilation c, String address, String tokenFile, Consumer<String> output) throws DeployException {
            throw new DeployException(NO_CLIENT);
        }

        @Override public String reset(String address, String tokenFile) throws DeployException {
            throw new DeployException(NO_CLIENT);
        }
    };
}
