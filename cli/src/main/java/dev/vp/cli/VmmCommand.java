// `vp vmm`: a long-running monitor (minios on the native engine) with a deploy server, until Ctrl-C.
package dev.vp.cli;

import dev.vp.runtime.engine.NativeEngine;
import dev.vp.vmm.Monitor;
import dev.vp.vmm.deploy.DeployClient;
import dev.vp.vmm.deploy.DeployProtocol;
import dev.vp.vmm.deploy.DeployServer;
import dev.vp.vmm.deploy.MonitorDeployTarget;
import dev.vp.vmm.deploy.TokenFile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

final class VmmCommand {
    static final String HELP = """
            usage: vp vmm [--vcpus N] [--listen HOST:PORT] [--allow-remote] [--token-file FILE] [--console]

            Boots the built-in minios guest in a monitor that keeps running, with a deploy server: `vp deploy`
            loads scripts into it, `vp reset` unloads them, `vp probes --vmm` lists its probe points. Every
            request must carry the token this command writes to the token file (readable only by you). When a
            deploy replaces a script, prints what the old script's Unload probes printed and its summary. A
            client that reads nothing for 10s is disconnected (said on standard error); output it did not read
            is dropped and counted, never waited for. Runs until Ctrl-C, then unloads the running script (its
            Unload probes fire) and prints the same for it.

            options:
              --vcpus N         guest vCPUs, 1 to 4 (default 2)
              --listen A        where the deploy server listens (default 127.0.0.1:%d; port 0 picks a free one)
              --allow-remote    allow --listen on an address that is not loopback
              --token-file F    where to write the token (default %s)
              --console         show the guest's serial console on standard error
              --help            this text
            """.formatted(DeployProtocol.DEFAULT_PORT, TokenFile.defaultPath());

    private final PrintStream out, err;
    /** Completed with the deploy server's port once it listens (for tests that start the command in-process). */
    final CompletableFuture<Integer> listening = new CompletableFuture<>();

    VmmCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        CountDownLatch stop = new CountDownLatch(1);
        try (CtrlC.Handle ctrlC = CtrlC.stops(stop)) {
            return run(argv, stop);
        }
    }

    /**
     * Prints a script this monitor unloaded without a `vp reset` to return it to (replaced, or at the end): what it
     * printed while it was unloaded, why, and its summary, so that none of it is lost when no client streams it.
     */
    private void unloaded(Monitor.Unloaded u, String why) {
        synchronized (out) {
            RunOutput.write(out, u.output());
            if (!u.output().isEmpty() && !u.output().endsWith("\n")) out.println();
            out.println("vp vmm: " + u.name() + " was " + why);
            RunOutput.write(out, u.report().text());
            out.flush();
        }
    }

    /** Serves until stop counts down. */
    int run(List<String> argv, CountDownLatch stop) throws Args.UsageException {
        Args args = Args.parse(argv, Set.of("--vcpus", "--listen", "--token-file"), Set.of("--help", "--allow-remote", "--console"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        if (!args.positional.isEmpty()) throw new Args.UsageException("unexpected argument " + args.positional.get(0));
        int vcpus = args.one("--vcpus") == null ? 2 : RunCommand.integer(args.one("--vcpus"), "--vcpus");
        if (vcpus < 1 || vcpus > 4) throw new Args.UsageException("--vcpus takes 1 to 4, not " + vcpus);
        InetSocketAddress listen;
        try {
            listen = DeployClient.parseAddress(args.one("--listen") == null ? "127.0.0.1:" + DeployProtocol.DEFAULT_PORT : args.one("--listen"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        if (listen.getAddress() == null) throw new Args.UsageException("--listen " + args.one("--listen") + ": unknown host " + listen.getHostString());
        if (!listen.getAddress().isLoopbackAddress() && !args.has("--allow-remote"))
            throw new Args.UsageException("--listen " + listen.getHostString() + " is not a loopback address: anyone who can reach it could try"
                    + " tokens; pass --allow-remote to listen there on purpose");
        Path tokenFile = args.one("--token-file") == null ? TokenFile.defaultPath() : Path.of(args.one("--token-file"));
        boolean console = args.has("--console");
        try (Monitor monitor = Monitor.start(sink -> new NativeEngine(vcpus, sink), vcpus, line -> { if (console) err.println(line); })) {
            // The server listens before the token is written: a harness that cannot listen leaves the file alone.
            String token = TokenFile.generate();
            try (DeployServer server = new DeployServer(listen, args.has("--allow-remote"), new MonitorDeployTarget(monitor, u -> unloaded(u, Monitor.REPLACED)), token,
                    DeployProtocol.DEFAULT_MAX_PAYLOAD_BYTES, DeployServer.WRITE_TIMEOUT, line -> err.println("vp vmm: " + line));
                 TokenFile.Owned owned = TokenFile.create(tokenFile, token)) {
                out.println("vp vmm: minios running with " + vcpus + (vcpus == 1 ? " vCPU" : " vCPUs") + "; deploy server on " + listen.getHostString() + ":" + server.port());
                out.println("vp vmm: token in " + tokenFile + "; Ctrl-C to stop");
                out.flush();
                listening.complete(server.port());
                stop.await();
                // before the server closes, so that a client streaming the script's output gets its end
                Monitor.Unloaded last = monitor.unload(Monitor.STOPPED);
                if (last != null) unloaded(last, Monitor.STOPPED);
            }
            out.println("vp vmm: stopped");
            return Main.OK;
        } catch (IOException | RuntimeException e) {
            listening.completeExceptionally(e);
            err.println("vp vmm: " + e.getMessage()
                    + (Files.exists(Path.of("/dev/kvm")) ? "" : " (there is no /dev/kvm on this machine)"));
            return Main.RUNTIME;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.RUNTIME;
        }
    }
}
