package dev.vp.compiler;

import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.catalog.Location;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.project.ProjectFile;
import dev.vp.compiler.project.TargetRef;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import dev.vp.compiler.symbols.ElfFile;
import dev.vp.compiler.symbols.Symbol;
import dev.vp.compiler.symbols.SymbolFile;
import dev.vp.compiler.symbols.SymbolTable;
import dev.vp.compiler.util.IoReasons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a script's location and the command-line flags into CompileOptions: the nearest vp.json, the target
 * catalog (flags over project over default), its preloads and guest images' symbols, symbol files, include
 * directories and budgets. Every command and the language server set up a compilation through here.
 */
public final class ScriptSetup {
    private ScriptSetup() {}

    /** Flags given on the command line (or editor settings that are not budgets); target is null, "any" or a path. */
    public record Flags(List<Path> includeDirs, List<Path> preloads, List<Path> symbolFiles, String target) {
        public static final Flags NONE = new Flags(List.of(), List.of(), List.of(), null);
    }

    /** A guest image's symbols and the modification time and size of the file they were read from. */
    private record ImageSymbols(Object stamp, SymbolTable table) {}

    private static final Map<String, ImageSymbols> IMAGE_SYMBOLS = new ConcurrentHashMap<>();

    /** Null when the project file, catalog or a named file is unusable (the reasons are in diags). */
    public static CompileOptions resolve(Path script, Flags flags, SourceLoader loader, Diagnostics diags) {
        Path cwd = Path.of("").toAbsolutePath();
        ProjectFile project = ProjectFile.find(script == null ? cwd : script).map(p -> ProjectFile.load(p, diags)).orElse(null);
        TargetRef ref = flags.target() != null ? TargetRef.parse(flags.target(), cwd) : project == null ? null : project.target();
        TargetCatalog catalog = TargetCatalog.select(ref, diags).orElse(null);
        if (catalog == null) return null;

        List<SourceFile> preloads = new ArrayList<>();
        for (String p : catalog.preloads()) {
            Location where = catalog.resolve(p);
            try {
                preloads.add(new SourceFile(where.toString(), new String(where.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                String hint = where instanceof Location.Classpath ? "; is the harness on the class path?" : "";
                diags.report(Code.E0001, Span.at(new SourceFile(where.toString(), ""), 0), "cannot read the catalog's preload " + where
                        + ": " + IoReasons.of(e) + hint);
            }
        }
        List<Path> scriptPreloads = new ArrayList<>(project == null ? List.of() : project.preloads());
        scriptPreloads.addAll(flags.preloads());
        for (Path p : scriptPreloads) loader.loadReporting(p, diags).ifPresent(preloads::add);

        List<SymbolTable> tables = new ArrayList<>();
        for (TargetCatalog.GuestImage image : catalog.guestImages()) {
            SymbolTable t = imageSymbols(image, catalog.resolve(image.path()), diags);
            if (t != null) tables.add(t);
        }
        List<Path> symbolFiles = new ArrayList<>(project == null ? List.of() : project.symbols());
        symbolFiles.addAll(flags.symbolFiles());
        for (Path p : symbolFiles) tables.add(SymbolFile.read(p, diags));

        List<Path> include = new ArrayList<>(project == null ? List.of() : project.include());
        include.addAll(flags.includeDirs());
        for (Path dir : flags.includeDirs()) {
            if (Files.isDirectory(dir)) continue;
            diags.report(Code.W0005, Span.at(new SourceFile(dir.toString(), ""), 0), "include directory " + dir
                    + (Files.exists(dir) ? " is not a directory" : " does not exist") + "; #include does not search it");
        }
        Budgets budgets = Budgets.resolve(catalog.budgets(), project == null ? Map.of() : project.budgets(), Map.of());
        return new CompileOptions(include, preloads, new CatalogTarget(catalog, SymbolTable.merge(tables)), budgets, catalog.numVcpus());
    }

    /**
     * A guest image's symbols, read once per process for an installed image (on the class path) and once per
     * build for an image file: a long-lived process (the language server) sees a rebuilt guest's new addresses.
     */
    private static SymbolTable imageSymbols(TargetCatalog.GuestImage image, Location where, Diagnostics diags) {
        Object stamp = stamp(where);
        ImageSymbols cached = IMAGE_SYMBOLS.get(where.toString());
        if (cached != null && stamp != null && cached.stamp().equals(stamp)) return cached.table();
        try {
            ElfFile elf = ElfFile.parse(where.toString(), where.readAllBytes());
            List<Symbol> symbols = new ArrayList<>();
            for (ElfFile.Symbol s : elf.symbols()) {
                Symbol.Kind kind = switch (s.kind()) {
                    case FUNC -> Symbol.Kind.FUNC;
                    case OBJECT -> Symbol.Kind.OBJECT;
                    case OTHER -> Symbol.Kind.OTHER;
                };
                symbols.add(new Symbol(s.name(), s.value(), s.size(), kind, null));
            }
            long[] sites = elf.patchableEntries().stream().mapToLong(Long::longValue).toArray();
            SymbolTable t = SymbolTable.of(symbols, sites);
            if (stamp != null) IMAGE_SYMBOLS.put(where.toString(), new ImageSymbols(stamp, t));
            return t;
        } catch (IOException e) {
            diags.report(Code.E0804, Span.at(new SourceFile(where.toString(), ""), 0), "cannot read the symbols of guest image `"
                    + image.name() + "` at " + where + ": " + IoReasons.of(e) + "; pass -s SYMFILE or use --target any");
            return null;
        }
    }

    /** What changes when an image file is rebuilt; null when it cannot be read (the read then reports why). */
    private static Object stamp(Location where) {
        if (!(where instanceof Location.File f)) return "installed";
        try {
            var a = Files.readAttributes(f.path(), java.nio.file.attribute.BasicFileAttributes.class);
            return List.of(a.lastModifiedTime(), a.size());
        } catch (IOException e) {
            return null;
        }
    }
}
