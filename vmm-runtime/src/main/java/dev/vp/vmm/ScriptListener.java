// Where one loaded script's own output goes: the client that deployed it, until the script is unloaded.
package dev.vp.vmm;

/**
 * The client of one loaded script (a streaming `vp deploy`): it receives that script's output and no other's,
 * then how the script ended. The monitor calls output on its output thread and ended on the thread that unloaded.
 */
public interface ScriptListener {
    /**
     * One formatted output record; false when the client is gone (the record then counts as dropped unless another
     * listener got it). Must not wait for the client: a client that is not reading drops the record and counts it.
     */
    boolean output(String text);

    /** Records this client took but dropped because it was not reading them (or left before it had read them). */
    default long dropped() { return 0; }

    /** The script was unloaded: why (e.g. {@link Monitor#RESET}) and its summary. No output follows. */
    void ended(String reason, String summary);
}
