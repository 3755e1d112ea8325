package dev.vp.cli;

import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.render.DiagnosticRenderer;
import dev.vp.compiler.format.ScriptFormatter;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.util.IoReasons;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** `vp fmt`: formats scripts with the formatter the language server uses (print, rewrite in place, or check). */
final class FmtCommand {
    static final String HELP = """
            usage: vp fmt [-w | --check] FILE...

            Re-indents Emmett (.emt) and VP (.vp) scripts: nesting decides indentation, directives start at
            column 0, trailing blanks (except after a final backslash) and repeated blank lines go. Tokens
            within a line are never changed. In VP, a top-level form such as (vprobe that starts in column 0
            stays there even after a missing ')': the parser closes the open forms at it, so a file with that
            error formats into one that parses the same way.
            Without options the formatted text of each file is printed. A file that cannot be read or is not
            UTF-8 text gets the error `vp check` gives it, on stderr.
            Exit status: 0 done, 1 a file is not formatted (--check) or cannot be read, 2 usage, 3 a file
            cannot be written.

              -w         rewrite the files in place
              --check    print the names of files that are not formatted; exit 1 when there are any
              --help     this text
            """;

    private final PrintStream out, err;

    FmtCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        Args args = Args.parse(argv, Set.of(), Set.of("-w", "--check", "--help"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        if (args.has("-w") && args.has("--check")) throw new Args.UsageException("give -w or --check, not both");
        if (args.positional.isEmpty()) throw new Args.UsageException("no file given");
        boolean unformatted = false;
        Diagnostics unreadable = new Diagnostics();
        for (String name : args.positional) {
            Path p = Path.of(name);
            Optional<SourceFile> file = new FileSystemSourceLoader().loadReporting(p, unreadable);
            if (file.isEmpty()) continue;
            String text = file.get().text();
            String formatted = ScriptFormatter.format(text, SourceFile.isVp(name));
            if (args.has("--check")) {
                if (!formatted.equals(text)) { out.println(name); unformatted = true; }
            } else if (args.has("-w")) {
                if (formatted.equals(text)) continue;
                try {
                    Files.writeString(p, formatted, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err.println("vp fmt: cannot write " + name + ": " + IoReasons.of(e));
                    return Main.RUNTIME;
                }
            } else {
                out.print(formatted);
            }
        }
        // A file that cannot be read or is not text gets `vp check`'s diagnostic, on stderr: stdout may be a script.
        if (unreadable.hasErrors()) err.print(DiagnosticRenderer.render(unreadable));
        return unformatted || unreadable.hasErrors() ? Main.SCRIPT_ERRORS : Main.OK;
    }
}
