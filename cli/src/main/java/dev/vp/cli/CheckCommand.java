package dev.vp.cli;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.render.DiagnosticRenderer;
import dev.vp.compiler.diag.render.JsonDiagnostics;
import dev.vp.compiler.diag.render.SarifDiagnostics;
import dev.vp.x64.gen.NativeCompiler;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** `vp check`: compiles each script separately and prints its diagnostics; exit 1 when any has errors. */
final class CheckCommand {
    static final String HELP = """
            usage: vp check [options] FILE...   or   vp check [options] -e 'SCRIPT'

            Checks each file as a separate script (preloads first) and prints its errors and warnings.
            Exit status: 0 no errors, 1 errors in a script, 2 usage.

            """ + ScriptOptions.help("check", """
              --format FMT      text (default), json or sarif
            """);

    private final PrintStream out, err;

    CheckCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        Args args = Args.parse(argv, ScriptOptions.valued(Set.of("--format")), Set.of("--help"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        String format = args.one("--format") == null ? "text" : args.one("--format");
        if (!Set.of("text", "json", "sarif").contains(format)) throw new Args.UsageException("--format takes text, json or sarif, not " + format);
        List<ScriptOptions.Input> inputs = ScriptOptions.inputs(args);
        Diagnostics all = new Diagnostics();
        boolean errors = false;
        for (ScriptOptions.Input input : inputs) {
            Compilation c = ScriptOptions.compile(input, args, all);
            if (c == null) { errors = true; continue; }
            for (Diagnostic d : c.diagnostics()) all.add(d);
            if (c.ir() != null) {
                try {
                    ScriptOptions.codeChecks(c, NativeCompiler.compile(c.ir())).forEach(all::add);
                } catch (IllegalArgumentException e) {
                    // a program the backend refuses has no size; `vp build` reports the refusal
                }
            }
            errors |= c.hasErrors();
        }
        errors |= all.hasErrors();
        switch (format) {
            case "json" -> out.println(JsonDiagnostics.render(all));
            case "sarif" -> out.println(SarifDiagnostics.render(all));
            default -> out.print(DiagnosticRenderer.render(all));
        }
        return errors ? Main.SCRIPT_ERRORS : Main.OK;
    }
}
