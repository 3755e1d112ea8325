// Compiles a script with the full front end and runs the directives in its comments on the interpreter.
package dev.vp.compiler.run;

import static dev.vp.compiler.interp.IrFileScript.number;
import static dev.vp.compiler.interp.IrFileScript.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compilation;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.render.DiagnosticRenderer;
import dev.vp.compiler.interp.FiringResult;
import dev.vp.compiler.interp.GuestState;
import dev.vp.compiler.interp.Interpreter;
import dev.vp.compiler.interp.IrFileScript;
import dev.vp.compiler.interp.ProbeCounters;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.IrVerifier;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.compiler.ir.text.IrPrinter;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.symbols.Symbol;
import dev.vp.compiler.symbols.SymbolTable;
import dev.vp.compiler.util.ByteChars;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * A script with its test directives. A cookbook script's header may say `// target: any` (compile as for
 * another monitor) and `// warnings: CODE...` (the warnings it is known to produce); in VP with `;`.
 * Directives sit in comment lines that start with `//@` (Emmett) or `;@` (VP); expected transcript lines
 * start with `//>` or `;>`, and stand for their UTF-8 bytes (output is bytes, one char per byte). Before compiling:
 * <pre>
 * sym NAME ADDR [SIZE]            a guest symbol in the test symbol table (functions; SIZE > 0: an object)
 * target any                      compile as with --target any
 * warning CODE                    the script must produce exactly these warnings (one directive per warning)
 * </pre>
 * then, in order, the fake guest and the firings (IrFileTest's vocabulary, with probes named by their spec):
 * <pre>
 * vcpus N | ram SIZE | map 4k|2m|1g LINEAR PHYS LEN | poke PHYS "text" | poke64 PHYS V | poke32 PHYS V
 * set BUILTIN VALUE | time MICROS
 * fire SPEC [vcpu N|host] [times K]   every clause written SPEC (in source order) runs, once per time
 * global NAME [vcpu N|host]           transcript line "= NAME VALUE" (integers signed decimal, strings quoted)
 * logaggr NAME                        the aggregate's logaggr text, as the unload summary prints it
 * report                              per clause: firings, exits, cancellations by site; bag drops
 * </pre>
 * A firing that ends by exit() adds "! exited", a cancelled one "! cancelled CAUSE at FILE:LINE: TEXT".
 * The firings run on the interpreter, or on whatever {@link Engines} the caller gives (the backend's differential
 * test runs the interpreter and the native code side by side).
 */
public final class ScriptRun {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One directive line: its text and where it is (for messages). */
    record Directive(String text, String where) {}

    final SourceFile file;
    final List<Directive> directives = new ArrayList<>();
    final StringBuilder expected = new StringBuilder();
    final List<String> expectedWarnings = new ArrayList<>();
    final List<Symbol> symbols = new ArrayList<>();
    boolean anyTarget;

    /** What runs a program's firings for the directives; vCPU numbers use {@link Interpreter#HOST} for the host. */
    public interface Engine {
        FiringResult fire(int probe, int vcpu, GuestState guest);
        long intGlobal(int global, int vcpu);
        String stringGlobal(int global, int vcpu);
        /** The aggregate as the unload summary prints it. */
        String printAggregate(int aggr);
        Counts counts(int probe);
        long bagDrops(int bag);
    }

    /** A clause's figures for the `report` directive. */
    public record Counts(long firings, long exits, long cancellations, List<ProbeCounters.CancelSite> sites) {
        public static Counts of(ProbeCounters c) { return new Counts(c.firings(), c.exits(), c.cancellations(), c.sites()); }
    }

    /** Makes the guest RAM and, at the first firing or query, the engine; out receives every output record's text. */
    public interface Engines {
        MemorySegment newRam(long bytes);
        Engine start(IrProgram program, int vcpus, MemorySegment ram, Consumer<String> out);
    }

    /** The interpreter alone, with RAM on the Java heap. */
    public static final Engines INTERPRETER = new Engines() {
        @Override public MemorySegment newRam(long bytes) { return MemorySegment.ofArray(new byte[Math.toIntExact(bytes)]); }

        @Override public Engine start(IrProgram program, int vcpus, MemorySegment ram, Consumer<String> out) {
            return interpreterEngine(new Interpreter(program, vcpus, r -> out.accept(r.text())));
        }
    };

    /** An interpreter seen as an Engine. */
    public static Engine interpreterEngine(Interpreter in) {
        return new Engine() {
            @Override public FiringResult fire(int probe, int vcpu, GuestState guest) { return in.fire(probe, vcpu, guest); }
            @Override public long intGlobal(int global, int vcpu) { return in.intGlobal(global, vcpu); }
            @Override public String stringGlobal(int global, int vcpu) { return in.stringGlobal(global, vcpu); }
            @Override public String printAggregate(int aggr) { return in.printAggregate(aggr); }
            @Override public Counts counts(int probe) { return Counts.of(in.counters(probe)); }
            @Override public long bagDrops(int bag) { return in.bagDrops(bag); }
        };
    }

    public ScriptRun(SourceFile file) {
        this.file = file;
        String prefix = file.path().endsWith(".vp") ? ";" : "//";
        String[] lines = file.text().split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            String where = file.path() + ":" + (n + 1);
            if (line.startsWith(prefix + " target:")) {
                anyTarget = line.substring(prefix.length() + 8).strip().equals("any");
            } else if (line.startsWith(prefix + " warnings:")) {
                for (String code : line.substring(prefix.length() + 10).strip().split("\\s+")) expectedWarnings.add(code);
            } else if (line.startsWith(prefix + ">")) {
                String rest = line.substring(prefix.length() + 1);
                expected.append(ByteChars.utf8(rest.startsWith(" ") ? rest.substring(1) : rest)).append('\n');
            } else if (line.startsWith(prefix + "@")) {
                String d = line.substring(prefix.length() + 1).strip();
                List<String> w = words(d, where);
                switch (w.getFirst()) {
                    case "sym" -> symbols.add(new Symbol(w.get(1), number(w.get(2), where),
                            w.size() > 3 ? number(w.get(3), where) : 0,
                            w.size() > 3 ? Symbol.Kind.OBJECT : Symbol.Kind.FUNC));
                    case "target" -> anyTarget = w.get(1).equals("any");
                    case "warning" -> expectedWarnings.add(w.get(1));
                    default -> directives.add(new Directive(d, where));
                }
            }
        }
    }

    public String expectedTranscript() { return expected.toString(); }

    /** A run file read and compiled as declared: {@link #compiled}. */
    public record Compiled(String name, ScriptRun script, IrProgram ir) {}

    /** One dynamic test per run file (.emt, .vp) in dir, in name order; a directory with none is an error, not a pass. */
    public static Stream<DynamicTest> eachFile(Path dir, ThrowingConsumer<Path> test) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".emt") || p.toString().endsWith(".vp")).sorted().toList();
            if (list.isEmpty()) throw new IllegalStateException("no run tests in " + dir.toAbsolutePath());
            return list.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> test.accept(p)));
        }
    }

    /**
     * Reads and compiles a run file (no extra symbols), asserting that it has fire directives, produces exactly the
     * diagnostics it declares, and yields IR.
     */
    public static Compiled compiled(Path path) throws IOException {
        String name = path.getFileName().toString();
        var script = new ScriptRun(new SourceFile(name, Files.readString(path, StandardCharsets.UTF_8)));
        if (!script.hasRunDirectives()) throw new AssertionError(name + ": a run test needs fire directives");
        Compilation c = script.compile(null);
        assertEquals("", script.unexpectedDiagnostics(c), name + ": diagnostics");
        assertNotNull(c.ir(), name + ": no IR");
        return new Compiled(name, script, c.ir());
    }

    public boolean hasRunDirectives() { return !directives.isEmpty(); }

    /** Compiles with the default catalog (or `any`), the script's own test symbols plus extra ones, no preloads. */
    public Compilation compile(SymbolTable extra) {
        TargetCatalog catalog = anyTarget ? TargetCatalog.any() : TargetCatalog.defaultCatalog();
        SymbolTable table = extra == null ? SymbolTable.of(symbols) : SymbolTable.merge(List.of(SymbolTable.of(symbols), extra));
        var options = new CompileOptions(List.of(), List.of(), new CatalogTarget(catalog, table), catalog.budgets(), catalog.numVcpus());
        return Compiler.compile(file, options, path -> new SourceLoader.Missing(path.toString()));
    }

    /** Errors and warnings that the header did not announce, rendered; empty when the compilation is as declared. */
    public String unexpectedDiagnostics(Compilation c) {
        var out = new StringBuilder();
        List<String> warnings = new ArrayList<>();
        for (Diagnostic d : c.diagnostics()) {
            if (!d.isError()) warnings.add(d.code().name());
        }
        List<String> declared = new ArrayList<>(expectedWarnings);
        boolean asDeclared = !c.hasErrors() && warnings.stream().sorted().toList().equals(declared.stream().sorted().toList());
        if (!asDeclared) {
            out.append("declared warnings ").append(declared).append(", got:\n");
            for (Diagnostic d : c.diagnostics()) out.append(DiagnosticRenderer.render(d));
        }
        return out.toString();
    }

    /** Runs the directives on a fresh interpreter and returns the transcript. */
    public String run(IrProgram program) { return run(program, INTERPRETER); }

    /** Verifies the IR and its text round trip, runs the directives on fresh engines, returns the transcript. */
    public String run(IrProgram program, Engines engines) {
        List<String> problems = IrVerifier.verify(program);
        if (!problems.isEmpty()) throw new AssertionError(file.path() + ": IR verifier: " + problems);
        String printed = IrPrinter.print(program);
        IrProgram reparsed = IrParser.parse(printed, file.path());
        if (!program.equals(reparsed)) {
            throw new AssertionError(file.path() + ": the IR text form does not round-trip: " + firstDifference(program, reparsed));
        }
        return new Runner(program, engines).runAll();
    }

    /** Carries out the run directives against one fake guest. */
    private final class Runner {
        private final IrProgram program;
        private final Engines engines;
        private final StringBuilder transcript = new StringBuilder();
        private final IrFileScript.Guest guest;
        private Engine engine;

        Runner(IrProgram program, Engines engines) {
            this.program = program;
            this.engines = engines;
            guest = new IrFileScript.Guest(engines::newRam);
        }

        String runAll() {
            for (Directive d : directives) directive(d);
            return transcript.toString();
        }

        private Engine engine() {
            if (engine == null) engine = engines.start(program, guest.vcpus, guest.ram, transcript::append);
            return engine;
        }

        private void directive(Directive d) {
            String where = d.where();
            List<String> w = words(d.text(), where);
            if (guest.apply(w, where)) return;
            switch (w.getFirst()) {
                case "poke32" -> guest.ram.set(INT, number(w.get(1), where), (int) number(w.get(2), where));
                case "time" -> guest.state.setHostMicros(number(w.get(1), where));
                case "fire" -> fire(w, where);
                case "global" -> global(w, where);
                case "logaggr" -> {
                    int a = indexOf(program.aggrs().stream().map(IrProgram.Aggr::name).toList(), w.get(1), "aggregate", where);
                    transcript.append(engine().printAggregate(a));
                }
                case "report" -> report();
                default -> throw new IllegalArgumentException(where + ": unknown directive " + w.getFirst());
            }
        }

        private void fire(List<String> w, String where) {
            String spec = w.get(1);
            int vcpu = 0;
            long times = 1;
            for (int i = 2; i + 1 < w.size(); i += 2) {
                switch (w.get(i)) {
                    case "vcpu" -> vcpu = w.get(i + 1).equals("host") ? Interpreter.HOST : Integer.parseInt(w.get(i + 1));
                    case "times" -> times = number(w.get(i + 1), where);
                    default -> throw new IllegalArgumentException(where + ": unknown fire option " + w.get(i));
                }
            }
            List<Integer> clauses = new ArrayList<>();
            for (int p = 0; p < program.probes().size(); p++) if (program.probes().get(p).spec().equals(spec)) clauses.add(p);
            if (clauses.isEmpty()) {
                throw new IllegalArgumentException(where + ": no clause is written `" + spec + "`; the clauses are "
                        + program.probes().stream().map(IrProgram.Probe::spec).toList());
            }
            Engine in = engine();
            for (long t = 0; t < times; t++) {
                for (int p : clauses) {
                    FiringResult r = in.fire(p, vcpu, guest.state);
                    if (r.outcome() != FiringResult.Outcome.COMPLETED) transcript.append("! ").append(r).append('\n');
                }
            }
        }

        private void global(List<String> w, String where) {
            int g = indexOf(program.globals().stream().map(IrProgram.Global::name).toList(), w.get(1), "global", where);
            int vcpu = 0;
            if (w.size() > 3 && w.get(2).equals("vcpu")) vcpu = w.get(3).equals("host") ? Interpreter.HOST : Integer.parseInt(w.get(3));
            transcript.append("= ").append(w.get(1)).append(' ');
            if (program.globals().get(g).string()) transcript.append('"').append(engine().stringGlobal(g, vcpu)).append('"');
            else transcript.append(engine().intGlobal(g, vcpu));
            transcript.append('\n');
        }

        private void report() {
            Engine in = engine();
            for (int p = 0; p < program.probes().size(); p++) {
                Counts c = in.counts(p);
                transcript.append("# ").append(program.probes().get(p).spec()).append(": firings ").append(c.firings())
                          .append(" exits ").append(c.exits()).append(" cancellations ").append(c.cancellations()).append('\n');
                for (ProbeCounters.CancelSite s : c.sites()) {
                    transcript.append("#   ").append(s.cause().shortName).append(" at ").append(s.loc())
                              .append(" x").append(s.count()).append(": ").append(s.description()).append('\n');
                }
            }
            for (int b = 0; b < program.bags().size(); b++) {
                transcript.append("# bag ").append(program.bags().get(b).name()).append(": ").append(in.bagDrops(b)).append(" dropped\n");
            }
        }
    }

    private static String firstDifference(IrProgram a, IrProgram b) {
        if (!a.globals().equals(b.globals())) return a.globals() + " vs " + b.globals();
        if (!a.strings().equals(b.strings())) return a.strings() + " vs " + b.strings();
        if (!a.formats().equals(b.formats())) return a.formats() + " vs " + b.formats();
        if (!a.probes().equals(b.probes())) return a.probes() + " vs " + b.probes();
        for (int f = 0; f < a.functions().size(); f++) {
            var fa = a.functions().get(f);
            var fb = b.functions().get(f);
            if (fa.equals(fb)) continue;
            for (int k = 0; k < fa.blocks().size(); k++) {
                if (!fa.blocks().get(k).equals(fb.blocks().get(k))) return fa.blocks().get(k) + "\n vs " + fb.blocks().get(k);
            }
            return fa + " vs " + fb;
        }
        return "the aggregates, bags or limits";
    }

    private static int indexOf(List<String> names, String name, String what, String where) {
        int i = names.indexOf(name);
        if (i < 0) throw new IllegalArgumentException(where + ": no " + what + " `" + name + "`; there are " + names);
        return i;
    }
}
