// Tests for the checker's view of a catalog plus guest symbols.
package dev.vp.compiler.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.check.Target;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import dev.vp.compiler.symbols.Symbol;
import dev.vp.compiler.symbols.SymbolTable;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTargetTest {
    private static final SymbolTable MINIOS = SymbolTable.of(List.of(
            new Symbol("do_syscall", 0x401000, 0x80, Symbol.Kind.FUNC, "minios"),
            new Symbol("ticks", 0x600000, 8, Symbol.Kind.OBJECT, "minios")), new long[] {0x401000});

    @Test void staticProbesAndKinds() {
        Target t = new CatalogTarget(TargetCatalog.defaultCatalog(), MINIOS);
        Target.StaticProbe in = t.staticProbe("In");
        assertEquals(new Target.StaticProbe("In", Domain.VMM, List.of("port", "size", "count"), true, "a guest port read"), in);
        assertNull(t.staticProbe("Inn"));
        assertTrue(t.staticProbeNames().contains("MAC_ReceivePacket"));
        assertFalse(t.acceptsAny());
        assertTrue(t.unsupported(ProbeSpec.Kind.READ).startsWith("the KVM harness cannot watch reads"));
        assertTrue(t.provides(Builtin.KERNELGSBASE));
        assertEquals(100_000, t.minPeriodNs());
        assertEquals(4, t.numVcpus());
    }

    @Test void symbolsAndPatchableSites() {
        Target t = new CatalogTarget(TargetCatalog.defaultCatalog(), MINIOS);
        assertTrue(t.hasSymbols());
        assertEquals(0x401000L, t.symbol("do_syscall"));
        assertEquals(0x600000L, t.symbol("minios!ticks"));
        assertNull(t.symbol("nosuch"));
        assertTrue(t.symbolNames().contains("minios!do_syscall"));
        assertTrue(t.patchable(0x401000));
        assertFalse(t.patchable(0x401004));
        // Without a list of sites (kallsyms), nothing can be ruled out.
        assertTrue(new CatalogTarget(TargetCatalog.defaultCatalog(), SymbolTable.of(MINIOS.symbols())).patchable(0x401004));
        assertFalse(new CatalogTarget(TargetCatalog.defaultCatalog(), SymbolTable.empty()).hasSymbols());
    }

    @Test void anyTarget() {
        Target t = new CatalogTarget(TargetCatalog.any(), SymbolTable.empty());
        assertTrue(t.acceptsAny());
        assertEquals(Domain.VMM, t.staticProbe("SomethingElse").domain());
        assertTrue(t.staticProbe("SomethingElse").exitProbe());
        assertNull(t.unsupported(ProbeSpec.Kind.READ));
    }
}
