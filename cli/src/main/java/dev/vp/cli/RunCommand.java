package dev.vp.cli;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.output.OutputSink;
import dev.vp.compiler.util.IoReasons;
import dev.vp.runtime.engine.InterpreterEngine;
import dev.vp.runtime.engine.LoadException;
import dev.vp.runtime.engine.NativeEngine;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.runtime.engine.RunReport;
import dev.vp.vmm.Monitor;
import dev.vp.x64.image.ProbeImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * `vp run`: compiles a script, boots the built-in minios guest in an embedded monitor, loads the script, streams
 * its output, and after --duration or Ctrl-C unloads it (Unload probes fire) and prints what it did.
 */
final class RunCommand {
    static final String HELP = """
            usage: vp run [options] SCRIPT   or   vp run [options] -e 'SCRIPT'   or   vp run [options] IMAGE.vpo

            Runs a probe script (or an image built with `vp build -o`) on the built-in minios guest in an
            embedded KVM monitor until --duration has passed or Ctrl-C, then unloads it and prints firings and
            cancellations per clause, drops, and the aggregates updated since their last logaggr. Scripts run
            as native code; --engine interp runs them on the reference interpreter instead. When the output
            cannot be written (e.g. `vp run ... | head` after head has quit, or a full disk for -o), the run stops
            and prints the summary (on standard error if standard output failed). Exit status: 0 ran (also when
            ended by Ctrl-C), 1 script errors, 2 usage, 3 the monitor could not run or refused the script (e.g. no /dev/kvm), or the output
            could not be written.

            """ + ScriptOptions.help("run", """
              --duration D      stop after D (e.g. 10s, 500ms, 2m; a bare number is seconds; at most 30 days);
                                default: until Ctrl-C
              --vcpus N         guest vCPUs, 1 to 4 (default 2)
              -o FILE           also write probe output to FILE (like VProbes' vprobe.out)
              --console         show the guest's serial console on standard error
              --engine E        native (default) or interp
            """);

    private final PrintStream out, err;

    RunCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        Args args = Args.parse(argv, ScriptOptions.valued(Set.of("--duration", "--vcpus", "-o", "--engine")), Set.of("--help", "--console"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        Duration duration = args.one("--duration") == null ? null : duration(args.one("--duration"));
        int vcpus = args.one("--vcpus") == null ? 2 : integer(args.one("--vcpus"), "--vcpus");
        if (vcpus < 1 || vcpus > 4) throw new Args.UsageException("--vcpus takes 1 to 4, not " + vcpus);
        String engineName = args.one("--engine") == null ? "native" : args.one("--engine");
        if (!Set.of("native", "interp").contains(engineName)) throw new Args.UsageException("--engine takes native or interp, not " + engineName);
        boolean interp = engineName.equals("interp");
        List<ScriptOptions.Input> inputs = ScriptOptions.inputs(args);
        if (inputs.size() != 1) throw new Args.UsageException("run takes one script");

        ScriptOptions.Input input = inputs.get(0);
        ProbeImage image = null;
        ScriptOptions.Compiled compiled = null;
        if (Images.isImage(input)) {
            if (interp) throw new Args.UsageException("a built image runs only on the native engine; run the script itself with --engine interp");
            try {
                image = Images.read(input.path());
            } catch (IOException e) {
                err.println("vp run: " + e.getMessage());
                return Main.SCRIPT_ERRORS;
            }
        } else {
            compiled = ScriptOptions.compileReporting(input, args, err);
            if (compiled == null) return Main.SCRIPT_ERRORS;
        }

        boolean console = args.has("--console");
        Writer file = args.one("-o") == null ? null : outputFile(args.one("-o"), input.path());
        RunOutput output = null;
        Function<OutputSink, ProbeEngine> engines = interp ? sink -> new InterpreterEngine(vcpus, sink) : sink -> new NativeEngine(vcpus, sink);
        try (Monitor monitor = Monitor.start(engines, vcpus, line -> { if (console) err.println(line); })) {
            CountDownLatch stop = new CountDownLatch(1);
            GuestStackFilter stacks = GuestStackFilter.of(monitor.harness().guest());
            output = new RunOutput(out, stacks, file, args.one("-o"), stop::countDown);
            monitor.onOutput(output);
            try (CtrlC.Handle ctrlC = CtrlC.stops(stop)) {
                // before loading, so that it comes before what the Load clauses print
                err.println("vp: running " + input.name() + " on minios (" + vcpus + (vcpus == 1 ? " vCPU, " : " vCPUs, ") + engineName + " engine)"
                        + (duration == null ? "; Ctrl-C to stop" : " for " + args.one("--duration")));
                if (image != null) monitor.load(((NativeEngine) monitor.engine()).prepare(image), input.name(), null);
                else if (interp) monitor.load(compiled.compilation().ir(), input.name());
                else monitor.load(nativeProgram(monitor, compiled), input.name(), null);
                if (duration == null) stop.await(); else stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
                RunReport report = monitor.unload("the run ended").report();
                output.close();
                output.summary(stacks.apply(report.text()), err);
            }
            if (output.failure() == null) return Main.OK;
            err.println("vp run: " + output.failure());
            return Main.RUNTIME;
        } catch (LoadException e) {
            err.println("vp run: the monitor refused the script: " + e.getMessage());
            return Main.RUNTIME;
        } catch (IOException | RuntimeException e) {
            err.println("vp run: the monitor could not run: " + e.getMessage()
                    + (Files.exists(Path.of("/dev/kvm")) ? "" : " (there is no /dev/kvm on this machine)"));
            return Main.RUNTIME;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.RUNTIME;
        } finally {
            if (output != null) output.close();
            else if (file != null) {
                try { file.close(); } catch (IOException ignored) { }
            }
        }
    }

    /** Opens -o FILE before the guest boots, so that a path that cannot be written is a usage error that says why. */
    static Writer outputFile(String name, Path script) throws Args.UsageException {
        Path file = Path.of(name);
        if (script != null && ScriptOptions.sameFile(file, script))
            throw new Args.UsageException("-o " + name + " is the script itself; name another file for the output");
        if (Files.isDirectory(file)) throw new Args.UsageException("-o " + name + " is a directory; name a file");
        try {
            return RunOutput.fileWriter(Files.newOutputStream(file));
        } catch (IOException e) {
            throw new Args.UsageException("-o " + name + ": " + IoReasons.of(e));
        }
    }

    /** The longest --duration: 30 days (a run or a deploy stream that should outlast it needs no --duration). */
    static final Duration MAX_DURATION = Duration.ofDays(30);

    /** A --duration: a whole number with ms, s or m (a bare number is seconds), at most MAX_DURATION. */
    static Duration duration(String s) throws Args.UsageException {
        var m = java.util.regex.Pattern.compile("0*(\\d+)(ms|s|m)?").matcher(s.trim());
        if (!m.matches()) throw new Args.UsageException("bad duration `" + s + "`: write e.g. 10s, 500ms or 2m");
        // 12 digits keep every unit's Duration in range; more are over the maximum in any unit
        long n = m.group(1).length() > 12 ? Long.MAX_VALUE / 60 : Long.parseLong(m.group(1));
        Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.compareTo(MAX_DURATION) > 0) throw new Args.UsageException("bad duration `" + s + "`: at most 30 days (43200m)");
        return d;
    }

    static int integer(String s, String flag) throws Args.UsageException {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new Args.UsageException(flag + " takes a number, not " + s);
        }
    }

    /** The script for the native engine, with the code compileReporting generated once for the code budget. */
    private static ProbeEngine.Prepared nativeProgram(Monitor monitor, ScriptOptions.Compiled compiled) throws LoadException {
        NativeEngine engine = (NativeEngine) monitor.engine();
        IrProgram ir = compiled.compilation().ir();
        return compiled.code() != null ? engine.prepare(ir, compiled.code()) : engine.prepare(ir);
    }
}
