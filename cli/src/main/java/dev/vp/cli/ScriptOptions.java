package dev.vp.cli;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.ScriptSetup;
import dev.vp.compiler.check.BudgetCheck;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.render.DiagnosticRenderer;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.source.SourceFile;
import dev.vp.runtime.RuntimeConfig;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.gen.NativeCompiler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The options every command that compiles a script shares: -e, -I, --preload, -s, --target. */
final class ScriptOptions {
    /** The options of a command that compiles scripts: the shared ones, the command's own (more), then what vp.json adds. */
    static String help(String verb, String more) {
        return """
                options:
                  -e SCRIPT         %s the Emmett script SCRIPT given on the command line
                  -I DIR            search DIR for #include files (repeatable)
                  --preload FILE    compile FILE before the script, e.g. guest helper functions (repeatable)
                  -s SYMFILE        guest symbols in /proc/kallsyms or System.map format (repeatable)
                  --target T        a target catalog file (from `vp probes --json`), or `any` to accept every
                                    probe and built-in name; default: vp.json's target, else the built-in harness
                """.formatted(verb) + more + """
                  --help            this text

                A vp.json found in the script's directory or above sets the target, preloads, symbols, include
                directories and budgets; flags add to it (--target replaces it).
                """;
    }

    static final Set<String> VALUED = Set.of("-e", "-I", "--preload", "-s", "--target");

    private ScriptOptions() {}

    static Set<String> valued(Set<String> more) {
        Set<String> all = new HashSet<>(VALUED);
        all.addAll(more);
        return all;
    }

    /** Whether the file -o names is the script itself (also through a link): writing it would destroy the script. */
    static boolean sameFile(Path output, Path script) {
        try {
            return Files.exists(output) && Files.isSameFile(output, script);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A script to compile: a file, or the text of -e. */
    record Input(Path path, String text) {
        String name() { return path != null ? path.toString() : "<command line>"; }
    }

    static List<Input> inputs(Args args) throws Args.UsageException {
        List<Input> inputs = new ArrayList<>();
        for (String e : args.all("-e")) inputs.add(new Input(null, e));
        for (String f : args.positional) inputs.add(new Input(Path.of(f), null));
        if (inputs.isEmpty()) throw new Args.UsageException("no script given: name a file or use -e 'SCRIPT'");
        return inputs;
    }

    static ScriptSetup.Flags flags(Args args) throws Args.UsageException {
        return new ScriptSetup.Flags(paths(args.all("-I")), paths(args.all("--preload")), paths(args.all("-s")), args.one("--target"));
    }

    private static List<Path> paths(List<String> s) { return s.stream().map(Path::of).toList(); }

    /**
     * Compiles one input. Problems that stop it before compiling (an unreadable file, a bad vp.json) go into
     * problems and the result is null.
     */
    static Compilation compile(Input input, Args args, Diagnostics problems) throws Args.UsageException {
        SourceLoader loader = new FileSystemSourceLoader();
        CompileOptions options = ScriptSetup.resolve(input.path(), flags(args), loader, problems);
        if (options == null) return null;
        Optional<SourceFile> main = input.path() != null ? loader.loadReporting(input.path(), problems)
                : Optional.of(new SourceFile("<command line>", input.text()));
        return main.map(m -> Compiler.compile(m, options, loader)).orElse(null);
    }

    /**
     * A script that compiled without errors, and its native code, generated once for the code budget and reused by
     * the command; code is null, with the backend's reason, when the backend refused the program.
     */
    record Compiled(Compilation compilation, NativeProgram code, String refusal) {}

    /**
     * Compiles one input for a command that goes on to use it: prints every diagnostic (setup, script, code
     * budget) to err and returns the compilation and its code, or null when any of them is an error.
     */
    static Compiled compileReporting(Input input, Args args, PrintStream err) throws Args.UsageException {
        Diagnostics shown = new Diagnostics();
        Compilation c = compile(input, args, shown);
        NativeProgram code = null;
        String refusal = null;
        if (c != null) {
            for (Diagnostic d : c.diagnostics()) shown.add(d);
            if (c.ir() != null) {
                try {
                    code = NativeCompiler.compile(c.ir());
                    codeChecks(c, code).forEach(shown::add);
                } catch (IllegalArgumentException e) {
                    refusal = e.getMessage();
                }
            }
        }
        if (!shown.all().isEmpty()) err.print(DiagnosticRenderer.render(shown));
        return c == null || shown.hasErrors() ? null : new Compiled(c, code, refusal);
    }

    /**
     * What the script's native code (the code `vp build` writes) says of the budgets and of the monitor's runtime:
     * code bytes, machine stack, whether its memory holds the data.
     */
    static List<Diagnostic> codeChecks(Compilation c, NativeProgram code) {
        return BudgetCheck.code(c, RuntimeConfig.DEFAULT.measured(c.ir(), code, c.usage().vcpus()));
    }
}
