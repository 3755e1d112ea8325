package dev.vp.lsp;

import dev.vp.compiler.check.BudgetCheck;
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
        BudgetCheck.Measured s = new NativeCodeSizer().measure(c).orElseThrow();
        assertEquals(2, s.probeBytes().size());
        assertTrue(s.probeBytes().stream().allMatch(b -> b > 0 && b < 2000), s.toString());
        assertTrue(s.totalBytes() > s.probeBytes().get(0) + s.probeBytes().get(1), "the text includes the helper library");
        assertEquals(2, s.probeStackBytes().size());
        assertTrue(s.probeStackBytes().stream().allMatch(b -> b > 0 && b < s.stackAllowance()), s.toString());
        assertEquals(null, s.arenaRefusal(), "the runtime holds its data");
    }

    @Test void dataTheMonitorsMemoryCannotHoldIsAnError() {
        TargetCatalog cat = TargetCatalog.defaultCatalog();
        var options = new CompileOptions(List.of(), List.of(), new CatalogTarget(cat, SymbolTable.empty()), cat.budgets(), cat.numVcpus());
        Compilation c = Compiler.compile(new SourceFile("t.emt", """
                #pragma budget data 100000000
                aggr a[1][0] : 200000;
                HV_Exit { a[RIP] <- 1; }
                """), options, new FileSystemSourceLoader());
        assertTrue(c.diagnostics().isEmpty(), "within the raised budget: " + c.diagnostics());
        BudgetCheck.Measured m = new NativeCodeSizer().measure(c).orElseThrow();
        assertTrue(m.arenaRefusal() != null && m.arenaRefusal().startsWith("data needs "), String.valueOf(m.arenaRefusal()));
        var found = BudgetCheck.code(c, m);
        assertEquals(1, found.size(), found.toString());
        assertEquals("E0702", found.getFirst().code().name());
        assertEquals(2, found.getFirst().span().line());
    }

    @Test void aClauseWhoseMachineStackOutgrowsTheMonitorsIsAnError() {
        TargetCatalog cat = TargetCatalog.defaultCatalog();
        var options = new CompileOptions(List.of(), List.of(), new CatalogTarget(cat, SymbolTable.empty()), cat.budgets(), cat.numVcpus());
        Compilation c = Compiler.compile(new SourceFile("t.emt", """
                #pragma budget stack 65536
                int deep(int n) { if (n == 0) return 0; return 1 + deep(n - 1); }
                VMM1Hz logint(deep(1000));
                """), options, new FileSystemSourceLoader());
        assertTrue(c.diagnostics().isEmpty(), "the front end cannot know the machine frames: " + c.diagnostics());
        var found = BudgetCheck.code(c, new NativeCodeSizer().measure(c).orElseThrow());
        assertEquals(1, found.size(), found.toString());
        assertEquals("E0701", found.getFirst().code().name());
        assertEquals(3, found.getFirst().span().line());
    }
}
