package dev.vp.cli;

import static dev.vp.cli.CliTest.vp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages and help texts of the vp command: the reason a file could not be written, usage mistakes, option lists. */
class CliMessagesTest {
    @TempDir Path dir;

    @Test void aFailedWriteSaysWhy() {
        Path out = dir.resolve("nonexistent").resolve("x.vpo");
        CliTest.Result r = vp("build", "-o", out.toString(), "-e", "VMMLoad { }");
        assertEquals(3, r.code());
        assertEquals("vp build: cannot write " + out + ": no such directory " + out.getParent() + "\n", r.err());
        r = vp("build", "-o", dir.toString(), "-e", "VMMLoad { }");
        assertEquals("vp build: cannot write " + dir + ": is a directory\n", r.err());
    }

    @Test void helpListsEveryOptionTogetherWithTheRightVerb() {
        for (String command : List.of("check", "build", "run", "deploy")) {
            String help = vp(command, "--help").out();
            String options = help.substring(help.indexOf("options:"), help.indexOf("\n\n", help.indexOf("options:")));
            assertTrue(options.contains("  -e SCRIPT         " + command + " the Emmett script SCRIPT given on the command line\n"), help);
            assertTrue(options.endsWith("  --help            this text"), command + ": every option comes before the vp.json note:\n" + help);
            assertTrue(help.endsWith("flags add to it (--target replaces it).\n"), help);
        }
        assertTrue(vp("check", "--help").out().contains("  --format FMT      text (default), json or sarif\n  --help"));
        assertTrue(vp("--help").out().contains("  fmt      format Emmett and VP scripts\n"));
    }

    @Test void probesVmmWithoutAnAddressAsksTheDefaultOne() {
        Path none = dir.resolve("no-token");
        for (List<String> argv : List.of(List.of("probes", "--vmm", "--token-file", none.toString()),
                List.of("probes", "--token-file", none.toString(), "--vmm"))) {
            CliTest.Result r = vp(argv.toArray(String[]::new));
            assertEquals(3, r.code(), r.err());
            assertTrue(r.err().startsWith("vp probes: no token file at " + none), r.err());
        }
        assertTrue(vp("probes", "--help").out().contains("--vmm [HOST:PORT] ask the `vp vmm` at HOST:PORT (default 127.0.0.1:7311)"));
    }

    @Test void probesTokenFileWithoutVmmIsAUsageError() {
        CliTest.Result r = vp("probes", "--token-file", "/etc/passwd");
        assertEquals(2, r.code());
        assertEquals("vp probes: --token-file is for a `vp vmm`: give --vmm too (see `vp probes --help`)\n", r.err());
    }

    @Test void aScriptWithoutProbesWarns() {
        CliTest.Result r = vp("check", "-e", "int x;\nint f() { return 1; }\n");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("<command line>:1:1: warning[W0501]: the script has no probe clauses, so it never runs"), r.out());
        Path image = dir.resolve("np.vpo");
        r = vp("build", "-o", image.toString(), "-e", "int x;");
        assertTrue(r.err().contains("warning[W0501]"), r.err());
    }

    @Test void anIncludeDirectoryThatDoesNotExistWarns() {
        CliTest.Result r = vp("check", "-I", dir.resolve("nonexist").toString(), "-e", "VMMLoad { }");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("warning[W0005]: include directory " + dir.resolve("nonexist") + " does not exist"), r.out());
    }

    @Test void anEmptyOutputNameIsAUsageError() {
        CliTest.Result r = vp("build", "-o", "", "-e", "VMMLoad { }");
        assertEquals(2, r.code());
        assertEquals("vp build: -o needs a file name (see `vp build --help`)\n", r.err());
    }

    @Test void theTokenGoesToAnotherMachineOnlyWithAllowRemote() throws Exception {
        java.nio.file.Path token = java.nio.file.Files.createTempFile("vp-token", "");
        try {
            java.nio.file.Files.writeString(token, "0123456789abcdef0123456789abcdef\n");
            for (String command : java.util.List.of("reset", "probes")) {
                CliTest.Result r = vp(command, "--vmm", "192.0.2.1:7311", "--token-file", token.toString());
                assertEquals(2, r.code(), command + ": " + r.err());
                assertTrue(r.err().contains("192.0.2.1:7311 is not on this machine") && r.err().contains("--allow-remote"),
                        command + ": " + r.err());
            }
        } finally {
            java.nio.file.Files.deleteIfExists(token);
        }
    }
}
