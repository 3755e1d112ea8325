package dev.vp.cli;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.render.DiagnosticRenderer;
import dev.vp.compiler.ir.text.IrPrinter;
import dev.vp.compiler.parse.vp.VpPrinter;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** `vp build`: compiles one script and prints one of its forms (IR, VP). */
final class BuildCommand {
    static final String HELP = """
            usage: vp build [options] --emit ir|vp FILE

            Compiles one script. --emit ir prints the intermediate representation, --emit vp the script in the
            VP language. Diagnostics go to standard error; exit status 1 when the script has errors.

            """ + ScriptOptions.HELP + """
              --emit FORM       ir or vp
            """;

    private final PrintStream out, err;

    BuildCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        Args args = Args.parse(argv, ScriptOptions.valued(Set.of("--emit")), Set.of("--help"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        String emit = args.one("--emit");
        if (emit == null) throw new Args.UsageException("say what to build with --emit ir or --emit vp");
        if (!Set.of("ir", "vp").contains(emit)) throw new Args.UsageException("--emit takes ir or vp, not " + emit);
        List<ScriptOptions.Input> inputs = ScriptOptions.inputs(args);
        if (inputs.size() != 1) throw new Args.UsageException("build takes one script");
        Diagnostics shown = new Diagnostics();
        Compilation c = ScriptOptions.compile(inputs.get(0), args, shown);
        if (c != null) for (Diagnostic d : c.diagnostics()) shown.add(d);
        if (!shown.all().isEmpty()) err.print(DiagnosticRenderer.render(shown));
        if (c == null || c.hasErrors()) return Main.SCRIPT_ERRORS;
        out.print(emit.equals("ir") ? IrPrinter.print(c.ir()) : VpPrinter.print(c.script()));
        return Main.OK;
    }
}
