package dev.vp.compiler.check;

import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import java.util.Collection;
import java.util.List;

/** What the checker needs to know about the monitor a script is written for: the catalog plus guest symbols. */
public interface Target {
    /** A static probe point, or null when the target has none of that name. */
    StaticProbe staticProbe(String name);

    Collection<String> staticProbeNames();

    /** `--target any`: every static probe name and built-in variable is accepted. */
    boolean acceptsAny();

    /** Why the target cannot arm probes of this kind, or null when it can. */
    String unsupported(ProbeSpec.Kind kind);

    /** Whether the target provides this built-in variable at all. */
    boolean provides(Builtin builtin);

    long minPeriodNs();

    int numVcpus();

    /** The address of a guest symbol ("name" or "module!name"), or null. */
    Long symbol(String name);

    Collection<String> symbolNames();

    /** Whether guest execution probes can be armed at this address (a patchable site), when known. */
    boolean patchable(long address);

    /** Whether any guest symbols are known (without them, symbol checks are skipped). */
    boolean hasSymbols();

    /** exitProbe: VMCS_EXIT_* and EXIT_REASON are readable there. args: names of ARG0..ARGn. */
    record StaticProbe(String name, Domain domain, List<String> args, boolean exitProbe, String description) {}
}
