package dev.vp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonParser;
import dev.vp.compiler.catalog.TargetCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vp command in-process: exit codes, outputs, and one real run on minios. */
class CliTest {
    record Result(int code, String out, String err) {}

    static Result vp(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test void checkExitCodes() {
        assertEquals(0, vp("check", "-e", "VMM1Hz printf(\"%s\\n\", curprocname());").code());
        Result bad = vp("check", "-e", "VMM1Hz printf(\"%d\\n\", nosuch);");
        assertEquals(1, bad.code());
        assertTrue(bad.out().contains("<command line>:1:23: error[E0300]: unknown name `nosuch`"), bad.out());
        assertEquals(2, vp("check", "--bogus", "x.emt").code());
        assertEquals(2, vp("check").code());
        assertEquals(2, vp("frobnicate").code());
        assertEquals(0, vp("--version").code());
        Result json = vp("check", "--format", "json", "-e", "VMM1Hz x = ;");
        assertEquals(1, json.code());
        assertTrue(JsonParser.parseString(json.out()).isJsonObject() || JsonParser.parseString(json.out()).isJsonArray());
    }

    @Test void everyCommandHasHelp() {
        for (String c : List.of("check", "build", "run", "probes")) {
            Result r = vp(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().startsWith("usage: vp " + c), c + ": " + r.out());
        }
    }

    @Test void buildEmitsIrAndVp() {
        Result ir = vp("build", "--emit", "ir", "-e", "VMM1Hz printf(\"tick\\n\");");
        assertEquals(0, ir.code(), ir.err());
        assertTrue(ir.out().contains("printf fmt"), ir.out());
        Result vpText = vp("build", "--emit", "vp", "-e", "VMM1Hz printf(\"tick\\n\");");
        assertTrue(vpText.out().contains("(vprobe VMM1Hz"), vpText.out());
    }

    @Test void fmtRefusesWhatCheckRefusesWithTheSameMessageAndExitCode(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("u1.emt");
        Files.write(latin1, "VMMLoad { printf(\"caf\u00e9\"); }\n".getBytes(StandardCharsets.ISO_8859_1));
        Path missing = dir.resolve("nonexist.emt");
        for (Path p : List.of(latin1, missing)) {
            Result check = vp("check", p.toString());
            Result fmt = vp("fmt", p.toString());
            assertEquals(1, check.code(), check.out());
            assertEquals(1, fmt.code(), fmt.err());
            assertEquals(check.out(), fmt.err());
            assertEquals("", fmt.out());
        }
        assertTrue(vp("fmt", latin1.toString()).err().contains("u1.emt is not a text file: byte 0xE9 is not valid UTF-8 at line 1, column 22"));
    }

    @Test void nonAsciiLiteralsRoundTripThroughFmtAndEmitVp(@TempDir Path dir) throws Exception {
        Path emt = dir.resolve("s.emt");
        Files.writeString(emt, "VMMLoad {\nprintf(\"é€ %s %c\\n\", \"\\xe9\", 'e');\n}\n");
        Result fmt = vp("fmt", emt.toString());
        assertEquals(0, fmt.code(), fmt.err());
        assertEquals("VMMLoad {\n    printf(\"é€ %s %c\\n\", \"\\xe9\", 'e');\n}\n", fmt.out());
        // a literal is its UTF-8 bytes; printed back as VP, valid UTF-8 is the characters again and a lone byte an escape
        Result vpText = vp("build", "--emit", "vp", emt.toString());
        assertEquals(0, vpText.code(), vpText.err());
        assertTrue(vpText.out().contains("(printf \"é€ %s %c\\n\" \"\\xe9\" 101)"), vpText.out());
        Path vpFile = dir.resolve("s.vp");
        Files.writeString(vpFile, vpText.out());
        Result fromEmt = vp("build", "--emit", "ir", emt.toString()), fromVp = vp("build", "--emit", "ir", vpFile.toString());
        assertEquals(0, fromVp.code(), fromVp.err());
        assertTrue(fromEmt.out().contains("\"\\xc3\\xa9\\xe2\\x82\\xac %s %c\\n\""), fromEmt.out());
        assertEquals(withoutLocations(fromEmt.out()), withoutLocations(fromVp.out()));
    }

    /** IR text without its "; file:line" comments. */
    private static String withoutLocations(String ir) { return ir.replaceAll("(?m) *;.*$", ""); }

    @Test void probeOutputIsWrittenAsItsBytes(@TempDir Path dir) throws Exception {
        var out = new ByteArrayOutputStream();
        Path file = dir.resolve("out.txt");
        var output = new RunOutput(new PrintStream(out, true, StandardCharsets.UTF_8), GuestStackFilter.of(dev.vp.compiler.symbols.SymbolTable.of(List.of())),
                RunOutput.fileWriter(Files.newOutputStream(file)), file.toString(), () -> { });
        // what a guest's UTF-8 "café" reads as (one char per byte), then a lone byte e9
        output.accept("caf\u00c3\u00a9 \u00e9\n");
        output.close();
        output.summary("key \u00c3\u00a9\n", System.err);
        byte[] record = {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, ' ', (byte) 0xe9, '\n'};
        assertEquals(java.util.HexFormat.of().formatHex(record) + "0a6b657920c3a90a", java.util.HexFormat.of().formatHex(out.toByteArray()));
        assertEquals(java.util.HexFormat.of().formatHex(record), java.util.HexFormat.of().formatHex(Files.readAllBytes(file)));
    }

    @Test void probesJsonIsTheDefaultCatalog() {
        Result r = vp("probes", "--json");
        assertEquals(0, r.code());
        assertEquals(JsonParser.parseString(TargetCatalog.defaultCatalog().toJson()), JsonParser.parseString(r.out()));
    }

    @Test void badOutputFilesAreUsageErrorsBeforeTheGuestBoots(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path script = dir.resolve("self.emt");
        Files.writeString(script, "VMMLoad { printf(\"hi\\n\"); }\n");
        Result self = vp("run", "--duration", "1s", "-o", script.toString(), script.toString());
        assertEquals(2, self.code(), self.err());
        assertTrue(self.err().startsWith("vp run: -o " + script + " is the script itself"), self.err());
        assertEquals("VMMLoad { printf(\"hi\\n\"); }\n", Files.readString(script), "the script is intact");
        Path link = Files.createSymbolicLink(dir.resolve("link.emt"), script);
        Result linked = vp("run", "--duration", "1s", "-o", link.toString(), script.toString());
        assertTrue(linked.err().contains("is the script itself"), linked.err());

        Result directory = vp("run", "--duration", "1s", "-o", dir.toString(), script.toString());
        assertEquals(2, directory.code(), directory.err());
        assertTrue(directory.err().startsWith("vp run: -o " + dir + " is a directory"), directory.err());
        Result missing = vp("run", "--duration", "1s", "-o", dir.resolve("no/such/out.txt").toString(), script.toString());
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().startsWith("vp run: -o " + dir.resolve("no/such/out.txt") + ": no such directory " + dir.resolve("no/such")), missing.err());
        assertTrue(!directory.err().contains("vp: running") && !missing.err().contains("vp: running"), "refused before the guest boots");
    }

    @Test void listeningOnANonLoopbackAddressWithoutAllowRemoteIsAUsageError() {
        Result r = vp("vmm", "--listen", "0.0.0.0:0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("vp vmm: --listen 0.0.0.0 is not a loopback address") && r.err().contains("--allow-remote"), r.err());
    }

    @Test void aTokenFileThatIsADirectoryIsSaidSo(@org.junit.jupiter.api.io.TempDir Path dir) {
        for (String command : List.of("reset", "probes", "deploy")) {
            Result r = command.equals("deploy") ? vp("deploy", "--token-file", dir.toString(), "-e", "VMMLoad { }")
                    : vp(command, "--vmm", "127.0.0.1:1", "--token-file", dir.toString());
            assertEquals(3, r.code(), r.err());
            assertEquals("vp " + command + ": the token file " + dir + " is a directory: name the file `vp vmm` wrote\n", r.err());
        }
    }

    @Test void hugeDurationsAreUsageErrors() {
        for (String command : List.of("run", "deploy")) {
            for (String d : List.of("99999999999999999999s", "9223372036854775807m", "9223372036854775807s", "31d", "2592001s")) {
                Result r = vp(command, "--duration", d, "-e", "VMMLoad { }");
                assertEquals(2, r.code(), command + " " + d + ": " + r.err());
                assertTrue(r.err().startsWith("vp " + command + ": bad duration `" + d + "`"), r.err());
            }
            Result max = vp(command, "--duration", "43201m", "-e", "VMMLoad { }");
            assertTrue(max.err().contains("at most 30 days (43200m)"), max.err());
        }
        assertEquals(java.time.Duration.ofSeconds(1), uncheckedDuration("1"));
        assertEquals(java.time.Duration.ofDays(30), uncheckedDuration("0000043200m"));
    }

    private static java.time.Duration uncheckedDuration(String s) {
        try {
            return RunCommand.duration(s);
        } catch (Args.UsageException e) {
            throw new AssertionError(e);
        }
    }

    @Test void runsHelloOnMinios() {
        boolean kvm = Files.exists(Path.of("/dev/kvm"));
        if (!Boolean.getBoolean("vp.requireKvm")) assumeTrue(kvm, "no /dev/kvm");
        Result r = vp("run", "--duration", "2500ms", "--vcpus", "1", "examples/hello.emt".replace("examples", Path.of("..", "examples").toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("hello from vp: probing 1 vCPU(s)\n"), r.out());
        assertTrue(r.out().contains("tick: "), r.out());
        assertTrue(r.out().matches("(?s).*VMMLoad \\(\\.\\./examples/hello\\.emt:4\\) +1 +0\n.*"), r.out());
        assertTrue(r.out().contains("drops: none"), r.out());
    }
}
