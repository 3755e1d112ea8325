package dev.vp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.symbols.SymbolTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Code lenses and the budget meter get exact sizes from the x64 backend. */
class NativeCodeSizerTest {
    @Test void measuresEveryProbe() {
        TargetCatalog cat = TargetCatalog.defaultCatalog();
        var options = new CompileOptions(List.of(), List.of(), new CatalogTarget(cat, SymbolTable.empty()), cat.budgets(), cat.numVcpus());
        Compilation c = Compiler.compile(new SourceFile("t.emt", """
                VMM1Hz printf("tick\\n");
                HV_Exit exits[VCPUID]++;
                """), options, new FileSystemSourceLoader());
        assertTrue(c.diagnostics().isEmpty(), c.diagnostics().toString());
        CodeSizer.Sizes s = new NativeCodeSizer().measure(c.ir()).orElseThrow();
        assertEquals(2, s.probeBytes().size());
        assertTrue(s.probeBytes().stream().allMatch(b -> b > 0 && b < 2000), s.toString());
        assertTrue(s.totalBytes() > s.probeBytes().get(0) + s.probeBytes().get(1), "the text includes the helper library");
    }
}
