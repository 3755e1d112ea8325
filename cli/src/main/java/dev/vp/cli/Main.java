package dev.vp.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Entry point of the vp command: dispatches to one command class per verb. Exit codes: 0, 1 script errors, 2 usage, 3 runtime. */
public final class Main {
    public static final String VERSION = "0.1.0";

    static final int OK = 0, SCRIPT_ERRORS = 1, USAGE = 2, RUNTIME = 3;

    private static final String HELP = """
            vp %s: safe, compiled probes for virtual machine monitors

            usage: vp <command> [options] [files]

            commands:
              check    check scripts for errors, warnings and budgets
              build    compile a script to a probe image (.vpo), or print its IR, VP or assembly
              run      run a script on the built-in minios guest in an embedded monitor
              vmm      start a long-running monitor with a deploy server
              deploy   compile a script and load it into a running `vp vmm`
              reset    unload the script of a running `vp vmm`
              probes   list the probe points of a target
              fmt      format Emmett and VP scripts
              disasm   print the code of a probe image
              lsp      start the language server on stdio

            `vp <command> --help` describes a command's options. `vp --version` prints the version.
            """;

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs one command; the streams are parameters so tests can run the CLI in-process. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            out.print(HELP.formatted(VERSION));
            return args.isEmpty() ? USAGE : OK;
        }
        if (args.get(0).equals("--version")) {
            out.println("vp " + VERSION);
            return OK;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.get(0)) {
                case "check" -> new CheckCommand(out, err).run(rest);
                case "build" -> new BuildCommand(out, err).run(rest);
                case "run" -> new RunCommand(out, err).run(rest);
                case "probes" -> new ProbesCommand(out, err).run(rest);
                case "fmt" -> new FmtCommand(out, err).run(rest);
                case "lsp" -> dev.vp.lsp.LspMain.command(rest, System.in, out, err);
                case "disasm" -> new DisasmCommand(out, err).run(rest);
                case "vmm" -> new VmmCommand(out, err).run(rest);
                case "deploy" -> new DeployCommand(out, err).run(rest);
                case "reset" -> new ResetCommand(out, err).run(rest);
                default -> {
                    err.println("vp: unknown command `" + args.get(0) + "`; `vp --help` lists the commands");
                    yield USAGE;
                }
            };
        } catch (Args.UsageException e) {
            err.println("vp " + args.get(0) + ": " + e.getMessage() + " (see `vp " + args.get(0) + " --help`)");
            return USAGE;
        }
    }
}
