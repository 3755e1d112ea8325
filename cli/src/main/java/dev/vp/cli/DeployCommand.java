// `vp deploy`: compiles a script (or takes a built image), loads it into a running `vp vmm`, and streams its output.
package dev.vp.cli;

import com.google.gson.JsonObject;
import dev.vp.compiler.Compilation;
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

final class DeployCommand {
    static final String HELP = """
            usage: vp deploy [options] [--vmm HOST:PORT] [--token-file FILE] [--duration D] SCRIPT | IMAGE.vpo

            Compiles a script to a probe image (or takes one built with `vp build -o`), loads it into a running
            `vp vmm` in place of its current script, and prints the script's output until --duration has passed
            or Ctrl-C. The script stays loaded afterwards; `vp reset` unloads it and prints its summary.

            """ + ScriptOptions.help("deploy", """
              --vmm HOST:PORT   the harness to deploy to (default 127.0.0.1:7311)
              --token-file F    the harness's token file (default: where `vp vmm` writes it)
              --duration D      stop streaming after D (e.g. 10s, 500ms, 2m; a bare number is seconds; at most
                                30 days); default: until Ctrl-C
            """);

    private final PrintStream out, err;

    DeployCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(argv, stop);
        } finally {
            try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException ignored) { }
        }
    }

    /** Streams until stop counts down or --duration passes. */
    int run(List<String> argv, CountDownLatch stop) throws Args.UsageException {
        Args args = Args.parse(argv, ScriptOptions.valued(Set.of("--vmm", "--token-file", "--duration")), Set.of("--help"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        Duration duration = args.one("--duration") == null ? null : RunCommand.duration(args.one("--duration"));
        List<ScriptOptions.Input> inputs = ScriptOptions.inputs(args);
        if (inputs.size() != 1) throw new Args.UsageException("deploy takes one script or image");
        ScriptOptions.Input input = inputs.get(0);
        byte[] image;
        try {
            image = Images.isImage(input) ? Images.bytes(input.path()) : compile(input, args);
        } catch (IOException e) {
            err.println("vp deploy: " + e.getMessage());
            return Main.SCRIPT_ERRORS;
        }
        if (image == null) return Main.SCRIPT_ERRORS;

        try {
            DeployClient client = VmmClients.client(args);
            CountDownLatch opened = new CountDownLatch(1);
            Thread stream = Thread.ofVirtual().name("vp-deploy-output").start(() -> {
                try {
                    client.streamOutput(opened::countDown, text -> { out.print(text); out.flush(); });
                } catch (IOException e) {
                    if (opened.getCount() > 0) err.println("vp deploy: cannot stream output: " + e.getMessage());
                } finally {
                    opened.countDown();
                    stop.countDown();
                }
            });
            opened.await();
            JsonObject loaded = client.load(image);
            err.println("vp deploy: loaded " + input.name() + " (" + loaded.get("probes").getAsInt() + " probes, "
                    + loaded.get("codeBytes").getAsInt() + " bytes of code) as " + loaded.get("name").getAsString()
                    + (duration == null ? "; Ctrl-C stops streaming" : "; streaming for " + args.one("--duration")));
            if (duration == null) stop.await(); else stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            stream.interrupt();
            err.println("vp deploy: the script stays loaded; `vp reset` unloads it");
            return Main.OK;
        } catch (IOException e) {
            err.println("vp deploy: " + e.getMessage());
            return Main.RUNTIME;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.RUNTIME;
        }
    }

    /** The script's image, or null after printing its errors. */
    private byte[] compile(ScriptOptions.Input input, Args args) throws Args.UsageException {
        Compilation c = ScriptOptions.compileReporting(input, args, err);
        if (c == null) return null;
        try {
            return ProbeImageWriter.write(ImageBuilder.build(c.ir()));
        } catch (IllegalArgumentException | ProbeImageException e) {
            err.println("vp deploy: internal error: the native code generator failed on this script: " + e.getMessage());
            return null;
        }
    }
}
