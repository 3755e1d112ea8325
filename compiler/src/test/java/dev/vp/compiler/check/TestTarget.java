// The fixed target every checker and diagnostic-file test compiles against: the default catalog plus a small guest.
package dev.vp.compiler.check;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.symbols.Symbol;
import dev.vp.compiler.symbols.SymbolTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A guest kernel with functions at patchable sites, a function that is not patchable (memcmp), data objects
 * and one module symbol, so that tests never depend on the harness's guest image. No preloads.
 */
public final class TestTarget {
    private TestTarget() {}

    /** Functions whose entries are patchable sites, from 0xffffffff81001000 on, 0x100 bytes apart. */
    public static final List<String> PATCHABLE = List.of("do_syscall", "schedule", "spawn", "yield", "switch_to",
            "timer_interrupt", "console_write", "disk_io", "net_io", "do_fork", "kernel_clone", "do_syscall_64",
            "exc_page_fault", "sys_read", "sys_write");

    public static final long TEXT = 0xffffffff81001000L;
    public static final long MEMCMP = 0xffffffff81100000L;
    public static final long JIFFIES = 0xffffffff82000000L;
    public static final long CURRENT_TASK = 0xffffffff82000040L;

    public static final SymbolTable SYMBOLS = symbols();
    public static final Target TARGET = new CatalogTarget(TargetCatalog.defaultCatalog(), SYMBOLS);

    private static SymbolTable symbols() {
        List<Symbol> list = new ArrayList<>();
        long[] sites = new long[PATCHABLE.size() + 1];
        for (int i = 0; i < PATCHABLE.size(); i++) {
            sites[i] = TEXT + 0x100L * i;
            list.add(new Symbol(PATCHABLE.get(i), sites[i], 0x100, Symbol.Kind.FUNC));
        }
        list.add(new Symbol("memcmp", MEMCMP, 0x40, Symbol.Kind.FUNC));
        list.add(new Symbol("jiffies", JIFFIES, 8, Symbol.Kind.OBJECT));
        list.add(new Symbol("current_task", CURRENT_TASK, 8, Symbol.Kind.OBJECT));
        list.add(new Symbol("nr_tasks", CURRENT_TASK + 8, 4, Symbol.Kind.OBJECT));
        list.add(new Symbol("e1000_xmit", 0xffffffffc0001000L, 0x200, Symbol.Kind.FUNC, "e1000"));
        sites[PATCHABLE.size()] = 0xffffffffc0001000L;
        return SymbolTable.of(list, sites);
    }

    public static CompileOptions options(List<Path> includeDirs) {
        TargetCatalog catalog = TargetCatalog.defaultCatalog();
        return new CompileOptions(includeDirs, List.of(), TARGET, Budgets.DEFAULTS, catalog.numVcpus());
    }

    /** Compiles one in-memory script (named NAME.emt or NAME.vp) that includes nothing. */
    public static Compilation compile(String name, String text) {
        SourceLoader none = path -> new SourceLoader.Missing(path.toString());
        return Compiler.compile(new SourceFile(name, text), options(List.of()), none);
    }

    public static Compilation compile(String text) { return compile("test.emt", text); }

    /** One line per diagnostic: `line:col CODE message`. */
    public static String diags(Compilation c) {
        return c.diagnostics().stream().map(TestTarget::line).collect(Collectors.joining("\n"));
    }

    public static String line(Diagnostic d) {
        return d.span().line() + ":" + d.span().column() + " " + d.code() + " " + d.message();
    }
}
