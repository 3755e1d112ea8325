// `vp deploy`: compiles a script (or takes a built image), loads it into a running `vp vmm`, and streams its output.
package dev.vp.cli;

import com.google.gson.JsonObject;
import dev.vp.vmm.deploy.DeployClient;
import dev.vp.x64.image.ImageBuilder;
import dev.vp.x64.image.ProbeImageException;
import dev.vp.x64.image.ProbeImageWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

final class DeployCommand {
    static final String HELP = """
            usage: vp deploy [options] [--vmm HOST:PORT] [--token-file FILE] [--duration D] SCRIPT | IMAGE.vpo

            Compiles a script to a probe image (or takes one built with `vp build -o`), loads it into a running
            `vp vmm` in place of its current script, and prints the script's output (its own only) until
            --duration has passed or Ctrl-C; the script stays loaded afterwards, and `vp reset` unloads it and
            prints its summary. When the script is unloaded while streaming (by `vp reset`, by another deploy
            that replaces it, or because `vp vmm` stops), the stream ends with its summary and a line that says
            why. Exit status: 0 streamed (also when ended by Ctrl-C), 1 script errors or a malformed image,
            2 usage, 3 the harness could not be reached or refused the script.

            """ + ScriptOptions.help("deploy", """
              --vmm HOST:PORT   the harness to deploy to (default 127.0.0.1:7311)
              --token-file F    the harness's token file (default: where `vp vmm` writes it)
              --allow-remote    send the token to a --vmm that is not on this machine (it travels in clear text)
              --duration D      stop streaming after D (e.g. 10s, 500ms, 2m; a bare number is seconds; at most
                                30 days); default: until Ctrl-C
            """);

    private final PrintStream out, err;

    DeployCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        CountDownLatch stop = new CountDownLatch(1);
        try (CtrlC.Handle ctrlC = CtrlC.stops(stop)) {
            return run(argv, stop);
        }
    }

    /** Streams until stop counts down or --duration passes. */
    int run(List<String> argv, CountDownLatch stop) throws Args.UsageException {
        Args args = Args.parse(argv, ScriptOptions.valued(Set.of("--vmm", "--token-file", "--duration")), Set.of("--help", "--allow-remote"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        Duration duration = args.one("--duration") == null ? null : RunCommand.duration(args.one("--duration"));
        List<ScriptOptions.Input> inputs = ScriptOptions.inputs(args);
        if (inputs.size() != 1) throw new Args.UsageException("deploy takes one script or image");
        ScriptOptions.Input input = inputs.get(0);
        byte[] image;
        try {
            image = Images.isImage(input) ? Images.checkedBytes(input.path()) : compile(input, args);
        } catch (IOException e) {
            err.println("vp deploy: " + e.getMessage());
            return Main.SCRIPT_ERRORS;
        }
        if (image == null) return Main.SCRIPT_ERRORS;

        DeployClient client;
        try {
            client = VmmClients.client(args);
        } catch (IOException e) {
            err.println("vp deploy: " + e.getMessage());
            return Main.RUNTIME;
        }
        String durationText = args.one("--duration");
        CountDownLatch answered = new CountDownLatch(1);
        AtomicReference<DeployClient.Ended> ended = new AtomicReference<>();
        AtomicReference<IOException> failed = new AtomicReference<>();
        AtomicBoolean stopping = new AtomicBoolean(), lineStart = new AtomicBoolean(true);
        Thread stream = Thread.ofVirtual().name("vp-deploy").start(() -> {
            try {
                ended.set(client.deploy(image, loaded -> {
                    int probes = loaded.get("probes").getAsInt();
                    err.println("vp deploy: loaded " + input.name() + " (" + probes + (probes == 1 ? " probe, " : " probes, ")
                            + loaded.get("codeBytes").getAsInt() + " bytes of code) as " + loaded.get("name").getAsString()
                            + (duration == null ? "; Ctrl-C stops streaming" : "; streaming for " + durationText));
                    answered.countDown();
                }, text -> {
                    RunOutput.write(out, text);
                    out.flush();
                    if (!text.isEmpty()) lineStart.set(text.endsWith("\n"));
                }));
            } catch (IOException e) {
                if (!stopping.get()) failed.set(e);
            } finally {
                answered.countDown();
                stop.countDown();
            }
        });
        try {
            answered.await(); // --duration counts from the load
            if (duration == null) stop.await(); else stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            stopping.set(true);
            stream.interrupt();
            stream.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.RUNTIME;
        }
        DeployClient.Ended end = ended.get();
        if (end != null) {
            RunOutput.write(out, (lineStart.get() ? "\n" : "\n\n") + end.report());
            out.flush();
            err.println("vp deploy: " + input.name() + " was " + end.reason());
            return Main.OK;
        }
        if (failed.get() != null) {
            err.println("vp deploy: " + failed.get().getMessage());
            return Main.RUNTIME;
        }
        err.println("vp deploy: the script stays loaded; `vp reset` unloads it");
        return Main.OK;
    }

    /** The script's image, or null after printing its errors. */
    private byte[] compile(ScriptOptions.Input input, Args args) throws Args.UsageException {
        ScriptOptions.Compiled c = ScriptOptions.compileReporting(input, args, err);
        if (c == null) return null;
        try {
            if (c.code() == null) throw new IllegalArgumentException(c.refusal());
            return ProbeImageWriter.write(ImageBuilder.build(c.compilation().ir(), c.code()));
        } catch (IllegalArgumentException | ProbeImageException e) {
            err.println("vp deploy: internal error: the native code generator failed on this script: " + e.getMessage());
            return null;
        }
    }
}
