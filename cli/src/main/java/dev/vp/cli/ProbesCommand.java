package dev.vp.cli;

import com.google.gson.JsonObject;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.vmm.deploy.DeployClient;
import dev.vp.vmm.probes.HarnessCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** `vp probes`: the probe points of the built-in harness, or of a running `vp vmm` with --vmm. */
final class ProbesCommand {
    static final String HELP = """
            usage: vp probes [--json] [--vmm [HOST:PORT] [--token-file FILE]]

            Lists the probe points the monitor offers: static probes with their domain and arguments, the
            dynamic probe kinds it can arm, and its built-in variables. --json prints the target catalog that
            `vp check --target` reads. --vmm asks a running `vp vmm` instead of the built-in harness.

            options:
              --json            print the target catalog as JSON
              --vmm [HOST:PORT] ask the `vp vmm` at HOST:PORT (default 127.0.0.1:7311)
              --token-file F    with --vmm: the harness's token file (default: where `vp vmm` writes it)
              --allow-remote    send the token to a --vmm that is not on this machine (it travels in clear text)
              --help            this text
            """;

    private final PrintStream out, err;

    ProbesCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        Args args = Args.parse(argv, Set.of("--vmm", "--token-file"), Set.of("--help", "--json", "--allow-remote"), Set.of("--vmm"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        if (!args.positional.isEmpty()) throw new Args.UsageException("unexpected argument " + args.positional.get(0));
        if (args.one("--token-file") != null && args.one("--vmm") == null)
            throw new Args.UsageException("--token-file is for a `vp vmm`: give --vmm too");
        String json;
        if (args.values.containsKey("--vmm")) {
            try {
                DeployClient client = VmmClients.client(args);
                JsonObject r = client.probes();
                json = r.get("catalog").toString();
            } catch (IOException e) {
                err.println("vp probes: " + e.getMessage());
                return Main.RUNTIME;
            }
        } else {
            json = HarnessCatalog.catalog().toJson();
        }
        if (args.has("--json")) { out.println(json); return Main.OK; }
        TargetCatalog c = TargetCatalog.parse(new dev.vp.compiler.source.SourceFile("catalog", json),
                new dev.vp.compiler.catalog.Location.Classpath("catalog"), new dev.vp.compiler.diag.Diagnostics()).orElse(null);
        if (c == null) { err.println("vp probes: the monitor sent a catalog this vp cannot read"); return Main.RUNTIME; }
        out.println("static probes of " + c.name() + ":");
        for (TargetCatalog.Probe p : c.probes()) {
            String argsText = p.arguments().isEmpty() ? "" : " (" + String.join(", ", p.argumentNames()) + ")";
            out.printf("  %-18s %-4s %s%s%n", p.name(), p.domain(), p.description(), argsText);
        }
        out.println("probe kinds:");
        for (TargetCatalog.KindSupport k : c.probeKinds())
            out.printf("  %-8s %s%n", k.kind(), k.supported() ? "yes" : "no: " + k.reason());
        out.println("built-in variables:");
        StringBuilder line = new StringBuilder("  ");
        for (TargetCatalog.BuiltinVariable b : c.builtins()) {
            if (line.length() + b.name().length() > 100) { out.println(line); line = new StringBuilder("  "); }
            line.append(b.name()).append(' ');
        }
        out.println(line);
        return Main.OK;
    }
}
