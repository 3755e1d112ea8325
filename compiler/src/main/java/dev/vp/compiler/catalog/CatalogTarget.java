// The checker's view of a target: a catalog plus the guest symbols of its images and symbol files.
package dev.vp.compiler.catalog;

import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.check.Target;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.symbols.Symbol;
import dev.vp.compiler.symbols.SymbolTable;
import java.util.Collection;

/** Adapts a {@link TargetCatalog} and a {@link SymbolTable} to what {@link dev.vp.compiler.check.Checker} asks. */
public record CatalogTarget(TargetCatalog catalog, SymbolTable symbols) implements Target {

    @Override public StaticProbe staticProbe(String name) {
        TargetCatalog.Probe p = catalog.probe(name);
        return p == null ? null : new StaticProbe(p.name(), p.domain(), p.argumentNames(), p.exitProbe(), p.description());
    }

    @Override public Collection<String> staticProbeNames() {
        return catalog.probes().stream().map(TargetCatalog.Probe::name).toList();
    }

    @Override public boolean acceptsAny() { return catalog.acceptsAny(); }

    @Override public String unsupported(ProbeSpec.Kind kind) { return catalog.unsupported(kind); }

    @Override public boolean provides(Builtin builtin) { return catalog.acceptsAny() || catalog.builtin(builtin) != null; }

    @Override public long minPeriodNs() { return catalog.minTimerPeriodNs(); }

    @Override public int numVcpus() { return catalog.numVcpus(); }

    @Override public Long symbol(String name) {
        Symbol s = symbols.lookup(name);
        return s == null ? null : s.address();
    }

    @Override public Collection<String> symbolNames() { return symbols.names(); }

    /** Unknown sites pass when the symbols carry no patchable list (kallsyms) or the catalog sets no such limit. */
    @Override public boolean patchable(long address) {
        boolean limited = false;
        for (ProbeKind k : ProbeKind.values())
            limited |= k.isExecution() && catalog.support(k).supported() && catalog.support(k).patchableSitesOnly();
        return !limited || !symbols.knowsPatchableSites() || symbols.isPatchable(address);
    }

    @Override public boolean hasSymbols() { return !symbols.isEmpty(); }
}
