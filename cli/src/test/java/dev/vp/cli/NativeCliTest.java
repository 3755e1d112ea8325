// The native commands in-process: build -o/--stats/--emit asm, disasm, run of an image, and vmm + deploy + reset.
package dev.vp.cli;

import static dev.vp.cli.CliTest.vp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeCliTest {
    static final String HELLO = Path.of("..", "examples", "hello.emt").toString();
    @TempDir Path dir;

    static void needKvm() {
        if (!Boolean.getBoolean("vp.requireKvm")) assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm");
    }

    @Test void newCommandsHaveHelp() {
        for (String c : List.of("disasm", "vmm", "deploy", "reset")) {
            CliTest.Result r = vp(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().startsWith("usage: vp " + c), c + ": " + r.out());
        }
    }

    @Test void buildWritesAnImageThatDisasmReads() throws Exception {
        Path image = dir.resolve("hello.vpo");
        CliTest.Result stats = vp("build", "--stats", "-o", image.toString(), HELLO);
        assertEquals(0, stats.code(), stats.err());
        assertTrue(stats.out().matches("(?s)code: [0-9,]+ bytes \\(helper library [0-9,]+, generated [0-9,]+\\)\n.*"), stats.out());
        assertTrue(stats.out().contains("probe HV_Exit") && stats.out().contains("(entry "), stats.out());
        assertTrue(stats.out().contains("data: ") && stats.out().contains("stack: budget 4,096 bytes"), stats.out());
        CliTest.Result asm = vp("build", "--emit", "asm", HELLO);
        assertTrue(asm.out().contains("hello.emt:8: HV_Exit exits++;\n"), asm.out());
        CliTest.Result dis = vp("disasm", image.toString());
        assertEquals(0, dis.code(), dis.err());
        assertTrue(dis.out().contains("probe image, ABI version " + dev.vp.x64.abi.Abi.VERSION + ", x86-64"), dis.out());
        assertTrue(dis.out().contains("; probe 1 HV_Exit entry\n"), dis.out());
        assertTrue(dis.out().contains("hello.emt:8: HV_Exit exits++;"), dis.out());

        byte[] bytes = Files.readAllBytes(image);
        bytes[bytes.length - 3] ^= 0x40;
        Path corrupt = dir.resolve("corrupt.vpo");
        Files.write(corrupt, bytes);
        CliTest.Result refused = vp("disasm", corrupt.toString());
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("body hash (SHA-256) does not match"), refused.err());
    }

    @Test void aDirectoryGivenAsAnImageIsNamed() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("folder.vpo"));
        for (String command : List.of("disasm", "run")) {
            CliTest.Result r = vp(command, folder.toString());
            assertEquals(1, r.code(), r.err());
            assertEquals("vp " + command + ": " + folder + ": it is a directory, not a file\n", r.err());
        }
    }

    @Test void runsABuiltImageAndTheInterpreterOnRequest() {
        needKvm();
        Path image = dir.resolve("hello.vpo");
        assertEquals(0, vp("build", "-o", image.toString(), HELLO).code());
        CliTest.Result r = vp("run", "--duration", "1500ms", "--vcpus", "1", image.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("hello from vp: probing 1 vCPU(s)\n"), r.out());
        assertTrue(r.err().contains("native engine"), r.err());
        CliTest.Result interp = vp("run", "--engine", "interp", "--duration", "1500ms", "--vcpus", "1", HELLO);
        assertEquals(0, interp.code(), interp.err());
        assertTrue(interp.out().startsWith("hello from vp: probing 1 vCPU(s)\n"), interp.out());
        assertEquals(2, vp("run", "--engine", "interp", image.toString()).code());
    }

    @Test void runMessagesReadWell() {
        needKvm();
        // stdout and stderr in one stream, as with 2>&1
        var both = new ByteArrayOutputStream();
        var stream = new PrintStream(both, true, StandardCharsets.UTF_8);
        int code = Main.run(List.of("run", "--vcpus", "1", "--duration", "500ms", "-e",
                "VMMLoad { printf(\"loaded\\n\"); }\nVMMUnload { printf(\"end\"); }"), stream, stream);
        String text = both.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.startsWith("vp: running <command line> on minios (1 vCPU, native engine) for 500ms\nloaded\n"), "banner first: " + text);
        assertTrue(text.contains("end\n\nclause "), "a blank line before the summary: " + text);
    }

    @Test void aRunWritesProbeOutputAsItsBytesOnBothEngines() throws Exception {
        needKvm();
        // a literal's é is its UTF-8 (c3 a9), \xHH one byte; the summary's file name is UTF-8 too
        Path script = Files.writeString(dir.resolve("café.emt"), "VMMLoad { if (VCPUID == 0) printf(\"é\\xc3\\xa9|\\xe9|%s\\n\", \"€\"); }\n");
        byte[] expected = {(byte) 0xc3, (byte) 0xa9, (byte) 0xc3, (byte) 0xa9, '|', (byte) 0xe9, '|', (byte) 0xe2, (byte) 0x82, (byte) 0xac, '\n'};
        for (String engine : List.of("native", "interp")) {
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            Path file = dir.resolve(engine + ".out");
            int code = Main.run(List.of("run", "--engine", engine, "--vcpus", "1", "--duration", "500ms", "-o", file.toString(), script.toString()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
            byte[] stdout = out.toByteArray();
            assertEquals(java.util.HexFormat.of().formatHex(expected), java.util.HexFormat.of().formatHex(java.util.Arrays.copyOf(stdout, expected.length)), engine);
            assertEquals(java.util.HexFormat.of().formatHex(expected), java.util.HexFormat.of().formatHex(Files.readAllBytes(file)), engine);
            assertTrue(new String(stdout, StandardCharsets.UTF_8).contains("VMMLoad (" + script + ":1)"), engine + ": " + new String(stdout, StandardCharsets.UTF_8));
        }
    }

    @Test void ctrlCEndsARunWithItsSummaryAndExitStatusZero() throws Exception {
        needKvm();
        var sigint = new sun.misc.Signal("INT");
        var delivered = new CountDownLatch(1);
        var previous = sun.misc.Signal.handle(sigint, s -> delivered.countDown());
        try {
            sun.misc.Signal.raise(sigint);
            assumeTrue(delivered.await(5, TimeUnit.SECONDS), "this JVM was started with SIGINT ignored");
        } finally {
            sun.misc.Signal.handle(sigint, previous);
        }
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        AtomicInteger code = new AtomicInteger(-1);
        Thread run = Thread.ofPlatform().start(() -> code.set(Main.run(List.of("run", "--vcpus", "1", HELLO),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.toString(StandardCharsets.UTF_8).contains("hello from vp") && System.nanoTime() < deadline) Thread.sleep(20);
        sun.misc.Signal.raise(sigint);
        run.join(30_000);
        assertEquals(0, code.get(), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).matches("(?s)hello from vp.*\nclause .*drops: none\n"), out.toString(StandardCharsets.UTF_8));
    }

    @Test void aRunStopsWhenItsOutputCannotBeWritten() throws Exception {
        needKvm();
        // standard output whose reader went away (`vp run ... | head`): the run stops by itself, the summary goes to stderr
        var closed = new java.io.OutputStream() {
            int writes;
            @Override public void write(int b) throws java.io.IOException { write(new byte[] {(byte) b}, 0, 1); }
            @Override public void write(byte[] b, int off, int len) throws java.io.IOException {
                if (writes++ > 0) throw new java.io.IOException("Broken pipe");
            }
        };
        var err = new ByteArrayOutputStream();
        long started = System.nanoTime();
        int code = Main.run(List.of("run", "--vcpus", "1", "--duration", "60s", HELLO), new PrintStream(closed, true), new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "stopped at the first failed write: " + message);
        assertEquals(3, code, message);
        assertTrue(message.contains("\nclause ") && message.contains("drops: none\n"), "the summary is on stderr: " + message);
        assertTrue(message.matches("(?s).*\nvp run: cannot write standard output \\(it was closed, or the device is full\\); the run stopped there"
                + "(; [0-9]+ later output records? (was|were) not written to standard output)?\n"), message);

        // a file that cannot be written: a non-zero exit that says so
        CliTest.Result full = vp("run", "--vcpus", "1", "--duration", "1s", "-o", "/dev/full", HELLO);
        assertEquals(3, full.code(), full.err());
        assertTrue(full.err().endsWith("vp run: cannot write /dev/full: No space left on device\n"), full.err());
        assertTrue(full.out().startsWith("hello from vp") && full.out().contains("drops: none"), full.out());

        // a file that fails at once (more output than its buffer): the run stops, the terminal still gets the rest
        CliTest.Result early = vp("run", "--vcpus", "1", "--duration", "60s", "-o", "/dev/full", "-e",
                "VMMLoad { int i; for (i = 0; i < 1000; i++) printf(\"line %d of a long Load output\\n\", i); }\nVMMUnload { printf(\"bye\\n\"); }");
        assertEquals(3, early.code(), early.err());
        assertTrue(early.out().contains("line 999 of a long Load output\nbye\n\nclause "), early.out());
        // the lines after the failed write never reach the file: the message counts them
        assertTrue(early.err().matches("(?s).*\nvp run: cannot write /dev/full: No space left on device; the run stopped there; "
                + "[0-9]+ later output records were not written to /dev/full\n"), early.err());
    }

    @Test void vmmDeployResetAndRefusals() throws Exception {
        needKvm();
        Path token = dir.resolve("vp").resolve("vmm.token");
        var vmmOut = new ByteArrayOutputStream();
        var vmm = new VmmCommand(new PrintStream(vmmOut, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true));
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                code.set(vmm.run(List.of("--vcpus", "1", "--listen", "127.0.0.1:0", "--token-file", token.toString()), stop));
            } catch (Args.UsageException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            int port = vmm.listening.get(30, TimeUnit.SECONDS);
            String at = "127.0.0.1:" + port;
            assertTrue(vmmOut.toString(StandardCharsets.UTF_8).startsWith("vp vmm: minios running with 1 vCPU; deploy server on " + at + "\nvp vmm: token in " + token),
                    vmmOut.toString(StandardCharsets.UTF_8));

            // A second vmm on the same address, or with the same token file, fails without touching the first one's token.
            String first = Files.readString(token);
            for (String listen : List.of(at, "127.0.0.1:0")) {
                var secondErr = new ByteArrayOutputStream();
                int second = new VmmCommand(new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(secondErr, true, StandardCharsets.UTF_8))
                        .run(List.of("--vcpus", "1", "--listen", listen, "--token-file", token.toString()), new CountDownLatch(0));
                String message = secondErr.toString(StandardCharsets.UTF_8);
                assertEquals(3, second, message);
                assertTrue(message.startsWith(listen.equals(at) ? "vp vmm: " + at + " is in use (another `vp vmm`?)"
                        : "vp vmm: " + token + " is the token file of a running `vp vmm`"), message);
                assertEquals(first, Files.readString(token));
            }

            CliTest.Result deploy = vp("deploy", "--vmm", at, "--token-file", token.toString(), "--duration", "2500ms", HELLO);
            assertEquals(0, deploy.code(), deploy.err());
            assertTrue(deploy.out().startsWith("hello from vp: probing 1 vCPU(s)\n"), deploy.out());
            assertTrue(deploy.out().contains("tick: "), deploy.out());

            CliTest.Result probes = vp("probes", "--vmm", at, "--token-file", token.toString());
            assertEquals(0, probes.code(), probes.err());
            assertTrue(probes.out().contains("HV_Exit"), probes.out());
            CliTest.Result json = vp("probes", "--json", "--vmm", at, "--token-file", token.toString());
            assertEquals(1, com.google.gson.JsonParser.parseString(json.out()).getAsJsonObject().get("numVcpus").getAsInt(), "the vmm's own vCPUs");

            Path wrong = dir.resolve("wrong.token");
            Files.writeString(wrong, "0123456789abcdef\n");
            CliTest.Result refused = vp("reset", "--vmm", at, "--token-file", wrong.toString());
            assertEquals(3, refused.code());
            assertTrue(refused.err().contains("wrong token"), refused.err());
            CliTest.Result wrongDeploy = vp("deploy", "--vmm", at, "--token-file", wrong.toString(), HELLO);
            assertEquals(3, wrongDeploy.code());
            assertEquals("vp deploy: the harness refused: wrong token: read it from the harness's token file\n", wrongDeploy.err(), "said once");

            Path noSymbol = dir.resolve("nosym.vpo");
            assertEquals(0, vp("build", "--target", "any", "-o", noSymbol.toString(), "-e", "GUEST:ENTER:nosuchfn { printf(\"x\\n\"); }").code());
            CliTest.Result unknown = vp("deploy", "--vmm", at, "--token-file", token.toString(), noSymbol.toString());
            assertEquals(3, unknown.code());
            assertTrue(unknown.err().contains("the running guest minios has no symbol `nosuchfn`"), unknown.err());
            assertEquals("", unknown.out(), "a refused deploy shows no other script's output");

            Path image = dir.resolve("hello.vpo");
            assertEquals(0, vp("build", "-o", image.toString(), HELLO).code());
            byte[] bytes = Files.readAllBytes(image);
            bytes[bytes.length / 2] ^= 1;
            Path corrupt = dir.resolve("corrupt.vpo");
            Files.write(corrupt, bytes);
            // a corrupt image is refused as `vp run` refuses it: exit 1, same message
            CliTest.Result bad = vp("deploy", "--vmm", at, "--token-file", token.toString(), "--duration", "100ms", corrupt.toString());
            CliTest.Result badRun = vp("run", "--duration", "100ms", corrupt.toString());
            assertEquals(1, bad.code(), bad.err());
            assertEquals(1, badRun.code(), badRun.err());
            assertTrue(bad.err().startsWith("vp deploy: " + corrupt + " is not a usable probe image: body hash (SHA-256) does not match"), bad.err());
            assertEquals(bad.err().replace("vp deploy", "vp run"), badRun.err());

            // The harness kept running, with the script deployed before still loaded.
            CliTest.Result reset = vp("reset", "--vmm", at, "--token-file", token.toString());
            assertEquals(0, reset.code(), reset.err());
            assertTrue(reset.out().matches("(?s).*HV_Exit \\(.*hello\\.emt:8\\) +[1-9][0-9]* +0\n.*"), reset.out());
            CliTest.Result again = vp("reset", "--vmm", at, "--token-file", token.toString());
            assertEquals("nothing was loaded\n", again.out());

            CliTest.Result fromImage = vp("deploy", "--vmm", at, "--token-file", token.toString(), "--duration", "1500ms", image.toString());
            assertEquals(0, fromImage.code(), fromImage.err());
            assertTrue(fromImage.out().startsWith("hello from vp"), fromImage.out());
        } finally {
            stop.countDown();
            t.join(30_000);
        }
        assertEquals(0, code.get(), vmmOut.toString(StandardCharsets.UTF_8));
        String out = vmmOut.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("was unloaded because `vp vmm` stopped") && out.endsWith("vp vmm: stopped\n"), out);
        assertTrue(Files.notExists(token), "the token file is removed at exit");
    }

    /** A `vp vmm` with 1 vCPU running in-process on a free port, with its own token file; close stops it. */
    final class Vmm implements AutoCloseable {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Path token = dir.resolve("vmm.token");
        final CountDownLatch stop = new CountDownLatch(1);
        final AtomicInteger code = new AtomicInteger(-1);
        final Thread thread;
        final String at;

        Vmm() throws Exception {
            var vmm = new VmmCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true));
            thread = Thread.ofPlatform().start(() -> {
                try {
                    code.set(vmm.run(List.of("--vcpus", "1", "--listen", "127.0.0.1:0", "--token-file", token.toString()), stop));
                } catch (Args.UsageException e) {
                    throw new IllegalStateException(e);
                }
            });
            at = "127.0.0.1:" + vmm.listening.get(30, TimeUnit.SECONDS);
        }

        /** vp COMMAND --vmm AT --token-file TOKEN ARGS... */
        String[] args(String command, String... more) {
            var all = new java.util.ArrayList<>(List.of(command, "--vmm", at, "--token-file", token.toString()));
            all.addAll(List.of(more));
            return all.toArray(String[]::new);
        }

        String output() { return out.toString(StandardCharsets.UTF_8); }

        @Override public void close() throws InterruptedException {
            stop.countDown();
            thread.join(30_000);
        }
    }

    /** A `vp deploy` streaming in the background until its script is unloaded or its stop latch counts down. */
    record Streaming(Thread thread, ByteArrayOutputStream stdout, ByteArrayOutputStream stderr, AtomicInteger code, CountDownLatch stop) {
        static Streaming start(String... args) {
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            var code = new AtomicInteger(-1);
            var stop = new CountDownLatch(1);
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    code.set(new DeployCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                            .run(List.of(args).subList(1, args.length), stop));
                } catch (Args.UsageException e) {
                    throw new IllegalStateException(e);
                }
            });
            return new Streaming(t, out, err, code, stop);
        }

        /** Waits until the output contains text. */
        void await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!out().contains(text) && thread.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(out().contains(text), "no `" + text + "` in: " + out() + err());
        }

        /** Waits for the command to end by itself, and returns its exit code. */
        int end() throws InterruptedException {
            thread.join(30_000);
            stop.countDown();
            thread.join(30_000);
            return code.get();
        }

        String out() { return stdout.toString(StandardCharsets.UTF_8); }
        String err() { return stderr.toString(StandardCharsets.UTF_8); }
    }

    @Test void aDeployStreamsItsOwnScriptUntilItIsUnloadedAndResetReturnsTheUnloadOutput() throws Exception {
        needKvm();
        Path a = dir.resolve("a.emt"), b = dir.resolve("b.emt");
        Files.writeString(a, """
                VMM10Hz { if (VCPUID == 0) printf("a tick %d\\n", ++n); }
                VMMUnload { if (VCPUID == 0) printf("a unload after %d ticks \\xc3\\xa9\\n", n); }
                """);
        Files.writeString(b, """
                VMMLoad { printf("b load\\n"); }
                VMM10Hz { if (VCPUID == 0) printf("b tick %d\\n", ++n); }
                VMMUnload { if (VCPUID == 0) printf("b unload after %d ticks", n); }
                """);
        Vmm vmm = new Vmm();
        // output is bytes: the escaped UTF-8 of é reaches every printer (deploy, reset, vmm) as those two bytes
        try (vmm) {
            // reset ends a streaming deploy: its Unload output, its summary, the reason, exit 0
            Streaming first = Streaming.start(vmm.args("deploy", a.toString()));
            first.await("a tick 2\n");
            CliTest.Result reset = vp(vmm.args("reset"));
            assertEquals(0, reset.code(), reset.err());
            assertTrue(reset.out().matches("(?s).*a unload after [0-9]+ ticks é\n\nclause .*VMMUnload \\(.*a\\.emt:2\\) +1 +0\ndrops: none\n"), reset.out());
            assertEquals(0, first.end(), first.err());
            assertTrue(first.out().matches("(?s)a tick 1\n.*a unload after [0-9]+ ticks é\n\nclause .*drops: none\n"), first.out());
            assertTrue(first.err().endsWith("vp deploy: " + a + " was unloaded by `vp reset`\n"), first.err());

            // another deploy replaces it: the first stream ends and never shows the other script's output
            Streaming replaced = Streaming.start(vmm.args("deploy", a.toString()));
            replaced.await("a tick 1\n");
            CliTest.Result second = vp(vmm.args("deploy", "--duration", "300ms", b.toString()));
            assertEquals(0, second.code(), second.err());
            assertTrue(second.out().startsWith("b load\n"), second.out());
            assertEquals(0, replaced.end(), replaced.err());
            assertTrue(replaced.out().matches("(?s)a tick 1\n.*a unload after [0-9]+ ticks é\n\nclause .*"), replaced.out());
            assertTrue(!replaced.out().contains("b "), replaced.out());
            assertTrue(replaced.err().endsWith("was replaced by another deploy\n"), replaced.err());

            // b printed on while no client streamed: counted as dropped, and its Unload output comes with the reset
            Thread.sleep(500);
            CliTest.Result dropped = vp(vmm.args("reset"));
            assertTrue(dropped.out().matches("(?s).*b unload after [0-9]+ ticks\n\nclause .*\ndropped: [1-9][0-9]* output records \\(no client was streaming\\)\n"),
                    dropped.out());

            // vmm prints the Unload output of the script it unloads when it stops
            assertEquals(0, vp(vmm.args("deploy", "--duration", "100ms", a.toString())).code());
        }
        // vmm prints the scripts it unloads without a reset: the one replaced, and the one loaded when it stops
        assertTrue(vmm.output().matches("(?s).*a unload after [0-9]+ ticks é\nvp vmm: image [0-9a-f]+ was replaced by another deploy\nclause .*"), vmm.output());
        assertTrue(vmm.output().matches("(?s).*a unload after [0-9]+ ticks é\nvp vmm: image [0-9a-f]+ was unloaded because `vp vmm` stopped\nclause .*vp vmm: stopped\n"),
                vmm.output());
    }

    /**
     * A streaming deploy that stops reading (as a `vp deploy` under kill -STOP) holds up neither the guest, nor the
     * output, nor a reset, nor other clients: what it does not read is dropped and counted.
     */
    @Test void aDeployClientThatStopsReadingHoldsUpNobody() throws Exception {
        needKvm();
        Path flood = dir.resolve("flood.emt"), image = dir.resolve("flood.vpo"), tick = dir.resolve("tick.emt");
        String s = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(5);
        Files.writeString(flood, "HV_Exit { printf(\"%s\\n\", \"" + s + "\"); printf(\"%s\\n\", \"" + s + "\"); printf(\"%s\\n\", \"" + s + "\"); }\n");
        Files.writeString(tick, "VMM10Hz { printf(\"tick %d\\n\", ++n); }\n");
        CliTest.Result build = vp("build", "-o", image.toString(), flood.toString());
        assertEquals(0, build.code(), build.err());
        Vmm vmm = new Vmm();
        try (vmm; var stuck = new java.net.Socket()) {
            var at = dev.vp.vmm.deploy.DeployClient.parseAddress(vmm.at);
            String token = dev.vp.vmm.deploy.TokenFile.read(vmm.token);
            stuck.setReceiveBufferSize(4096);
            stuck.connect(at);
            var header = new com.google.gson.JsonObject();
            header.addProperty("op", "load");
            header.addProperty("token", token);
            header.addProperty("stream", true);
            dev.vp.vmm.deploy.DeployProtocol.write(new java.io.DataOutputStream(stuck.getOutputStream()), header, Files.readAllBytes(image));
            var answer = dev.vp.vmm.deploy.DeployProtocol.read(new java.io.DataInputStream(stuck.getInputStream()), 1 << 20);
            assertTrue(answer.header().get("ok").getAsBoolean(), answer.header().toString()); // and it reads nothing more

            // the script prints far more than the sockets hold; the guest runs on and the vmm answers meanwhile
            var client = new dev.vp.vmm.deploy.DeployClient(at, token);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (client.status().get("dropped").getAsLong() < 20_000 && System.nanoTime() < deadline) Thread.sleep(200);
            long exits = client.status().getAsJsonArray("clauses").get(0).getAsJsonObject().get("firings").getAsLong();
            Thread.sleep(500);
            assertTrue(client.status().getAsJsonArray("clauses").get(0).getAsJsonObject().get("firings").getAsLong() > exits, "the guest runs on");

            // a reset (which ends the stuck client's stream) answers at once, with what the client did not read
            long started = System.nanoTime();
            CliTest.Result reset = vp(vmm.args("reset"));
            long took = (System.nanoTime() - started) / 1_000_000;
            assertEquals(0, reset.code(), reset.err());
            assertTrue(took < 5000, "reset took " + took + " ms");
            assertTrue(reset.out().matches("(?s).*\ndropped: [1-9][0-9]* output records \\(the streaming client was not reading\\)\n"), reset.out());

            // and another client's deploy streams as usual
            CliTest.Result other = vp(vmm.args("deploy", "--duration", "500ms", tick.toString()));
            assertEquals(0, other.code(), other.err());
            assertTrue(other.out().startsWith("tick 1\n"), other.out());
        }
    }

    @Test void buildRefusesToOverwriteItsScriptAndFailsOnSetupErrors() throws Exception {
        Path script = dir.resolve("s.emt");
        Files.writeString(script, "VMMLoad { printf(\"hi\\n\"); }\n");
        CliTest.Result same = vp("build", "-o", script.toString(), script.toString());
        assertEquals(2, same.code(), same.err());
        assertTrue(same.err().contains("is the script itself"), same.err());
        assertTrue(Files.readString(script).startsWith("VMMLoad"), "the script is intact");

        // an error before the script compiles (a malformed symbol file) stops the build as it stops check
        Path symbols = dir.resolve("q.map");
        Files.writeString(symbols, "ffffffff81000000 Q foo\n");
        Path image = dir.resolve("x.vpo");
        CliTest.Result bad = vp("build", "-o", image.toString(), "-s", symbols.toString(), script.toString());
        assertEquals(1, bad.code(), bad.err());
        assertTrue(bad.err().contains("E0804"), bad.err());
        assertTrue(!Files.exists(image), "no image after an error");
    }

    /** Both `vp check -e` and `vp build --stats -e` exit 1 and show every one of parts (check on stdout, build on stderr). */
    private void refusedByCheckAndBuild(String script, String... parts) {
        for (String command : List.of("check", "build")) {
            CliTest.Result r = command.equals("check") ? vp("check", "-e", script) : vp("build", "--stats", "-e", script);
            String shown = command.equals("check") ? r.out() : r.err();
            assertEquals(1, r.code(), command + ": " + shown);
            for (String part : parts) assertTrue(shown.contains(part), command + ": no `" + part + "` in " + shown);
        }
    }

    @Test void theCodeBudgetIsCheckedWhereTheBackendMeasuresIt() {
        String script = "#pragma budget code 4000\nVMMLoad { printf(\"x\\n\"); }\n";
        refusedByCheckAndBuild(script, "error[E0700]: the script compiles to ", "over the code budget of 4000 bytes",
                "the code budget of 4000 is set here");
        CliTest.Result near = vp("check", "-e", "#pragma budget code 6000\nVMMLoad { printf(\"x\\n\"); }\n");
        assertEquals(0, near.code(), near.out());
        assertTrue(near.out().contains("warning[W0700]") && near.out().contains("of the code budget of 6000 bytes"), near.out());
    }

    @Test void aStackBudgetTheMonitorCannotGiveNativelyIsAnErrorAtCheckNotARefusalAtLoad() {
        // a recursion charged 64 KB in IR frames needs about twice that in machine frames: the runtime gives a firing
        // 64 KB and would refuse the image at load, while check called it clean and the interpreter ran it
        String deep = "int deep(int n) { if (n == 0) return 0; return 1 + deep(n - 1); }\n"
                + "VMMLoad { if (VCPUID == 0) printf(\"%d\\n\", deep(1000)); }\n";
        refusedByCheckAndBuild("#pragma budget stack 65536\n" + deep, "error[E0701]: clause `VMMLoad` may need up to ",
                "over the 65536 bytes the monitor gives a firing", "the stack budget of 65536 is set here");
        CliTest.Result fits = vp("check", "-e", "#pragma budget stack 16384\n" + deep);
        assertEquals(0, fits.code(), fits.out());
        assertTrue(fits.out().contains("no errors"), fits.out());
    }

    @Test void dataARaisedBudgetAllowsButTheMonitorCannotHoldIsAnErrorAtCheckNotARefusalAtLoad() {
        // 200,000 entries of 64 bytes per vCPU: within a raised data budget, but four vCPUs and the host need more
        // than the runtime's 32 MB arena, which vp run would only say at load
        String big = "#pragma budget data 100000000\naggr a[1][0] : 200000;\nHV_Exit { a[RIP] <- 1; }\n";
        refusedByCheckAndBuild(big, "<command line>:2:6: error[E0702]: the script's data does not fit the monitor's memory on the target's 4 vCPUs",
                "(data needs ", "the arena has 33,554,432", "the biggest part is aggregate `a`", "the data budget of 100000000 is set here");
        CliTest.Result fits = vp("check", "-e", big.replace("200000", "20000"));
        assertEquals(0, fits.code(), fits.out());
        assertTrue(fits.out().contains("no errors"), fits.out());
    }

    @Test void emitVpKeepsTheBudgetPragmas() throws Exception {
        Path script = dir.resolve("pf.emt");
        Files.writeString(script, "#pragma budget fuel 10\nVMMLoad { int i; for (i = 0; i < 100; i++) { } }\n");
        CliTest.Result vp = vp("build", "--emit", "vp", script.toString());
        assertEquals(0, vp.code(), vp.err());
        Path back = dir.resolve("pf.vp");
        Files.writeString(back, vp.out());
        CliTest.Result ir = vp("build", "--emit", "ir", back.toString());
        assertTrue(ir.out().startsWith("limits stack 4096 fuel 10 "), ir.out());
    }
}
