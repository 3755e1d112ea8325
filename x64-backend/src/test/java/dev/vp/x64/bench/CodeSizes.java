// Generated code bytes per probe for every cookbook script and example, compiled as `vp build` would.
package dev.vp.x64.bench;

import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compilation;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.symbols.Symbol;
import dev.vp.compiler.symbols.SymbolFile;
import dev.vp.compiler.symbols.SymbolTable;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.gen.NativeCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Each script compiles with the default catalog (or the `any` target when its header says `target: any`),
 * minios's symbols plus the script's own `@ sym` directives, as the cookbook test does, and the examples also with
 * minios's preload, as `vp build` gives them; then through the x64 backend. A script that does not compile that way
 * is listed with its first error.
 */
public final class CodeSizes {
    private CodeSizes() {}

    static final Path SCRIPTS = Path.of("..", "compiler", "src", "test", "resources", "scripts");
    static final Path EXAMPLES = Path.of("..", "examples");
    /** The harness's preload (the default catalog names it; vmm-runtime is not on this module's class path). */
    static final Path MINIOS_PRELOAD = Path.of("..", "vmm-runtime", "src", "main", "resources", "guests", "minios.emt");

    /** One script's figures: per probe spec and code bytes, or the reason it has none. */
    public record Sizes(String script, boolean example, List<NativeProgram.ProbeCode> probes, int helperBytes, String failure) {}

    public static List<Sizes> all() {
        SymbolTable minios = symbols(SCRIPTS.resolve("minios.map"));
        var out = new ArrayList<Sizes>();
        for (Path p : list(SCRIPTS)) out.add(sizes(p, false, minios, List.of()));
        SourceFile preload = new SourceFile("minios.emt", read(MINIOS_PRELOAD));
        for (Path p : list(EXAMPLES)) out.add(sizes(p, true, minios, List.of(preload)));
        return out;
    }

    public static String report() {
        var out = new StringBuilder("generated code per probe (entry + clause function, bytes):\n");
        int total = 0, probes = 0;
        for (Sizes s : all()) {
            out.append("  ").append(s.example() ? "examples/" : "scripts/").append(s.script()).append(':');
            if (s.failure() != null) {
                out.append(" not compiled: ").append(s.failure()).append('\n');
                continue;
            }
            for (var p : s.probes()) {
                out.append(' ').append(p.spec()).append('=').append(p.codeBytes());
                total += p.codeBytes();
                probes++;
            }
            out.append('\n');
        }
        out.append("  ").append(probes).append(" probes, ").append(total).append(" bytes in all, ")
           .append(probes == 0 ? 0 : total / probes).append(" on average\n");
        return out.toString();
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".emt") || p.toString().endsWith(".vp")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir.toAbsolutePath(), e);
        }
    }

    private static SymbolTable symbols(Path map) {
        try {
            var diags = new Diagnostics();
            SymbolTable t = SymbolFile.parse(new SourceFile(map.getFileName().toString(), Files.readString(map, StandardCharsets.UTF_8)), diags);
            if (diags.hasErrors()) throw new IllegalStateException(map + " does not parse: " + diags.all().getFirst().message());
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + map.toAbsolutePath(), e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path.toAbsolutePath(), e);
        }
    }

    static Sizes sizes(Path path, boolean example, SymbolTable extra, List<SourceFile> preloads) {
        String text = read(path);
        String name = path.getFileName().toString();
        String comment = name.endsWith(".vp") ? ";" : "//";
        boolean any = false;
        var own = new ArrayList<Symbol>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.startsWith(comment + " target:")) any = line.substring(comment.length() + 8).strip().equals("any");
            if (line.startsWith(comment + "@")) {
                String[] w = line.substring(comment.length() + 1).strip().split("\\s+");
                if (w[0].equals("target")) any = w[1].equals("any");
                if (w[0].equals("sym")) {
                    own.add(new Symbol(w[1], Long.decode(w[2]), w.length > 3 ? Long.decode(w[3]) : 0,
                            w.length > 3 ? Symbol.Kind.OBJECT : Symbol.Kind.FUNC));
                }
            }
        }
        TargetCatalog catalog = any ? TargetCatalog.any() : TargetCatalog.defaultCatalog();
        // an `any` script names its own guest's symbols: minios's table would make them unknown
        var table = any ? SymbolTable.of(own) : SymbolTable.merge(List.of(SymbolTable.of(own), extra));
        var options = new CompileOptions(List.of(), preloads, new CatalogTarget(catalog, table), catalog.budgets(), catalog.numVcpus());
        Compilation c = Compiler.compile(new SourceFile(name, text), options, p -> new SourceLoader.Missing(p.toString()));
        if (c.hasErrors()) {
            Diagnostic first = c.diagnostics().stream().filter(Diagnostic::isError).findFirst().orElseThrow();
            return new Sizes(name, example, List.of(), 0, first.code() + " " + first.message());
        }
        NativeProgram code = NativeCompiler.compile(c.ir());
        return new Sizes(name, example, code.probes(), code.helperBytes(), null);
    }
}
