// The IR verifier accepts everything the lowering produces: every cookbook script and every error-free diag file.
package dev.vp.compiler.check;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.symbols.SymbolFile;
import dev.vp.compiler.symbols.SymbolTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compiles each script with the whole pipeline and fails on E0900 (the verifier rejected what the lowering
 * made, or the compiler threw). Scripts are checked against the symbol files beside them when there are any
 * (the harness guest's map), else against {@link TestTarget}; a script whose header says `// target: any` is
 * checked against the `--target any` catalog. Diag files without errors must reach the verifier.
 */
class LoweredProgramsVerifyTest {
    private static final Path SCRIPTS = Path.of("src/test/resources/scripts");
    private static final Path DIAG = Path.of("src/test/resources/diag");

    @TestFactory
    Stream<DynamicTest> cookbookScripts() throws IOException {
        List<Path> scripts = list(SCRIPTS, ".emt", ".vp");
        assertTrue(!scripts.isEmpty(), "no scripts in " + SCRIPTS.toAbsolutePath());
        List<Path> maps = list(SCRIPTS, ".map", ".kallsyms");
        Diagnostics read = new Diagnostics();
        List<SymbolTable> tables = new ArrayList<>();
        for (Path m : maps) tables.add(SymbolFile.read(m, read));
        SymbolTable symbols = maps.isEmpty() ? TestTarget.SYMBOLS : SymbolTable.merge(tables);
        return scripts.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            boolean any = Files.readString(p).lines().limit(5).anyMatch(l -> l.contains("target: any"));
            TargetCatalog catalog = any ? TargetCatalog.any() : TargetCatalog.defaultCatalog();
            CompileOptions options = new CompileOptions(List.of(), List.of(), new CatalogTarget(catalog, any ? SymbolTable.empty() : symbols),
                    Budgets.DEFAULTS, catalog.numVcpus());
            var loader = new FileSystemSourceLoader(SCRIPTS);
            var main = loader.loadReporting(p.getFileName(), new Diagnostics()).orElseThrow();
            noInternalError(Compiler.compile(main, options, loader));
        }));
    }

    @TestFactory
    Stream<DynamicTest> errorFreeDiagFiles() throws IOException {
        List<Path> files = list(DIAG, ".emt", ".vp");
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            var loader = new FileSystemSourceLoader(DIAG);
            var main = loader.loadReporting(p.getFileName(), new Diagnostics());
            if (main.isEmpty()) return;
            Compilation c = Compiler.compile(main.get(), TestTarget.options(List.of(Path.of("include"))), loader);
            noInternalError(c);
            if (!c.hasErrors()) assertNotNull(c.ir(), p + " has no errors, so it must be lowered and verified");
        }));
    }

    private static void noInternalError(Compilation c) {
        for (Diagnostic d : c.diagnostics())
            assertTrue(d.code() != Code.E0900, c.main().path() + ": " + TestTarget.line(d));
    }

    private static List<Path> list(Path dir, String... endings) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> Stream.of(endings).anyMatch(e -> p.toString().endsWith(e))).sorted().toList();
        }
    }
}
