// Starts the language server on a pair of streams (stdio for `vp lsp`) and waits until the client exits.
package dev.vp.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.jsonrpc.Launcher;

/** `vp lsp`: LSP over standard input and output; nothing else may write to standard output. */
public final class LspMain {
    public static final String VERSION = "0.1.0";

    private LspMain() {}

    static final String HELP = """
            usage: vp lsp [--stdio]

            Runs the vp language server, speaking LSP over standard input and output (--stdio, the only
            transport, is accepted for clients that pass it). Editors start it; see the VS Code extension.
            """;

    /** `vp lsp ARGS`: exit code 0 after a clean shutdown, 1 otherwise, 2 for a usage error. */
    public static int command(java.util.List<String> args, InputStream in, java.io.PrintStream out, java.io.PrintStream err) {
        for (String a : args) {
            if (a.equals("--help")) { out.print(HELP); return 0; }
            if (!a.equals("--stdio")) {
                err.println("vp lsp: unknown option " + a + " (see `vp lsp --help`)");
                return 2;
            }
        }
        return run(in, out);
    }

    /** Serves until `exit` or the end of the input; returns the exit code (0 after shutdown, 1 otherwise). */
    public static int run(InputStream in, OutputStream out) {
        VpLanguageServer server = new VpLanguageServer(new NativeCodeSizer(), new HarnessDeployClient());
        Launcher<VpLanguageClient> launcher = new Launcher.Builder<VpLanguageClient>()
                .setLocalService(server).setRemoteInterface(VpLanguageClient.class)
                .setInput(in).setOutput(out).create();
        server.connect(launcher.getRemoteProxy());
        Future<Void> listening = launcher.startListening();
        try {
            // A thread of its own waits for the connection to end: the common pool has one worker on 2 CPUs, and
            // blocking it for the whole session would starve every other async task of the server.
            var ended = new java.util.concurrent.CompletableFuture<Void>();
            Thread.ofPlatform().daemon(true).name("vp-lsp-connection").start(() -> {
                try { listening.get(); } catch (InterruptedException | ExecutionException e) { Thread.currentThread().interrupt(); }
                ended.complete(null);
            });
            return java.util.concurrent.CompletableFuture.anyOf(server.exited(), ended).thenApply(x -> server.exited().getNow(1)).get();
        } catch (InterruptedException | ExecutionException e) {
            return 1;
        }
    }
}
