// `vp reset`: unloads the script of a running `vp vmm` and prints what it did.
package dev.vp.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

final class ResetCommand {
    static final String HELP = """
            usage: vp reset [--vmm HOST:PORT] [--token-file FILE]

            Unloads the script running in a `vp vmm` (its Unload probes fire, its output is drained) and prints
            what it printed meanwhile, then its summary: firings and cancellations per clause, drops (output
            printed while no `vp deploy` streamed it counts as dropped), and the aggregates updated since their
            last logaggr. A `vp deploy` streaming the script's output ends. The guest keeps running.

            options:
              --vmm HOST:PORT   the harness (default 127.0.0.1:7311)
              --token-file F    the harness's token file (default: where `vp vmm` writes it)
              --allow-remote    send the token to a --vmm that is not on this machine (it travels in clear text)
              --help            this text
            """;

    private final PrintStream out, err;

    ResetCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        Args args = Args.parse(argv, Set.of("--vmm", "--token-file"), Set.of("--help", "--allow-remote"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        if (!args.positional.isEmpty()) throw new Args.UsageException("unexpected argument " + args.positional.get(0));
        try {
            RunOutput.write(out, VmmClients.client(args).reset().text());
            return Main.OK;
        } catch (IOException e) {
            err.println("vp reset: " + e.getMessage());
            return Main.RUNTIME;
        }
    }
}
