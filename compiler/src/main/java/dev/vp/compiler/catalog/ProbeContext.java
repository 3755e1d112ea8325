// The probe a built-in variable is read in, as far as readability rules care.
package dev.vp.compiler.catalog;

import dev.vp.compiler.lang.Domain;

/**
 * Either a static probe of the catalog ({@code probe} set, {@code kind} null) or a dynamic or periodic kind in a
 * domain ({@code probe} null).
 */
public record ProbeContext(Domain domain, ProbeKind kind, TargetCatalog.Probe probe) {
    public ProbeContext {
        if ((kind == null) == (probe == null)) throw new IllegalArgumentException("exactly one of kind and probe");
    }

    public static ProbeContext of(TargetCatalog.Probe probe) { return new ProbeContext(probe.domain(), null, probe); }

    public static ProbeContext of(ProbeKind kind, Domain domain) { return new ProbeContext(domain, kind, null); }

    /** How the probe is written in messages. */
    public String describe() { return probe != null ? probe.name() : domain + ":" + kind; }
}
