// Hostile and broken input through the whole pipeline: diagnostics and the documented exit code, never a crash or a hang.
package dev.vp.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.ScriptSetup;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each case is a file set (or none) plus the arguments of `vp check`, and what must come out: the exit code of
 * Main's contract (0 clean, 1 script errors, 2 usage) and, for errors, the diagnostic code or message. Every
 * case runs three ways: Compiler through ScriptSetup (script cases), Main.run in this JVM, and bin/vp as a
 * process; each under a deadline, so a hang fails instead of stalling the build.
 */
class BadInputTest {
    private static final Pattern CRASH = Pattern.compile("Exception|\\n\\s+at [\\w.$]+\\(|internal compiler error|E0900");

    @TempDir
    static Path dir;

    /** The three ways in; the two 5 MB cases skip some, as each costs seconds and the routes share the code that matters. */
    private enum Route { COMPILER, IN_PROCESS, LAUNCHER }

    /** script: the file Compiler should compile (null for flag-only cases); expect: text that must appear in the output. */
    private record Case(String name, String script, List<String> args, int exit, String expect, long seconds, Set<Route> routes) {
        Case(String name, String script, List<String> args, int exit, String expect) {
            this(name, script, args, exit, expect, 20, EnumSet.allOf(Route.class));
        }
    }

    private static Case script(String name, String file, int exit, String expect) {
        return new Case(name, file, List.of("check", "--target", "any", file), exit, expect);
    }

    private static List<Case> cases() throws IOException {
        write("empty.emt", "");
        write("empty.vp", "");
        Random r = new Random(5);
        byte[] noise = new byte[64 << 10];
        r.nextBytes(noise);
        Files.write(dir.resolve("garbage.emt"), noise);
        StringBuilder controls = new StringBuilder();
        for (int i = 0; i < 20_000; i++) controls.appendCodePoint(r.nextInt(4) == 0 ? r.nextInt(32) : 0x20 + r.nextInt(0x3000));
        write("controls.emt", controls.toString());
        write("controls.vp", controls.toString());
        String cookbook = Files.readString(Pipeline.ROOT.resolve("compiler/src/test/resources/scripts/vcpu_summary.emt"));
        write("big.emt", cookbook.repeat(5_000_000 / cookbook.length() + 1));
        write("oneline.emt", "VMM1Hz { int x; x = " + "1 + ".repeat(1_250_000) + "1; }");
        write("comment.emt", "VMM1Hz { int x; /* never closed\nx = 1; }\n");
        write("string.emt", "VMM1Hz printf(\"never closed);\nVMM10Hz printf(\"fine\\n\");\n");
        write("string.vp", "(vprobe VMM1Hz (printf \"never closed))\n");
        write("parens.emt", "VMM1Hz { int x; x = " + "(".repeat(10_000) + "1" + ")".repeat(10_000) + "; }");
        write("parens.vp", "(vprobe VMM1Hz " + "(+ 1 ".repeat(10_000) + "1" + ")".repeat(10_001));
        write("cycle.emt", "#include \"cycle.h\"\nVMM1Hz {}\n");
        write("cycle.h", "#include \"cycle.emt\"\n");
        write("self.emt", "#include \"self.emt\"\nVMM1Hz {}\n");
        write("noinclude.emt", "#include \"nowhere.h\"\nVMM1Hz {}\n");
        Files.createDirectories(dir.resolve("folder.emt"));
        write("garbage.json", "{\"name\": 3, \"probes\": [");
        write("array.json", "[1, 2]");
        write("ok.emt", "VMM1Hz printf(\"%d\\n\", VCPUID);\n");
        return List.of(
                script("empty Emmett file", "empty.emt", 0, "warning[W0501]"),
                script("empty VP file", "empty.vp", 0, "warning[W0501]"),
                script("binary garbage", "garbage.emt", 1, "error[E0002]"),
                script("control characters and symbols in Emmett", "controls.emt", 1, "error[E0"),
                script("control characters and symbols in VP", "controls.vp", 1, "error[E0"),
                new Case("5 MB file", "big.emt", List.of("check", "--target", "any", "big.emt"), 1, "error[E0301]", 90,
                        EnumSet.of(Route.COMPILER, Route.LAUNCHER)),
                new Case("5 MB single expression", "oneline.emt", List.of("check", "--target", "any", "oneline.emt"), 1,
                        "error[E0128]", 90, EnumSet.of(Route.COMPILER)),
                script("unterminated comment", "comment.emt", 1, "error[E0101]"),
                script("unterminated string in Emmett", "string.emt", 1, "error[E0102]"),
                script("unterminated string in VP", "string.vp", 1, "error[E0204]"),
                script("10,000 nested parentheses in Emmett", "parens.emt", 1, "error[E0109]"),
                script("10,000 nested forms in VP", "parens.vp", 1, "error[E0203]"),
                script("include cycle", "cycle.emt", 1, "error[E0004]"),
                script("file that includes itself", "self.emt", 1, "error[E0004]"),
                script("missing include", "noinclude.emt", 1, "error[E0003]"),
                script("a directory as the script", "folder.emt", 1, "error[E0001]"),
                script("a missing script", "absent.emt", 1, "error[E0001]"),
                new Case("-e ''", null, List.of("check", "--target", "any", "-e", ""), 0, "warning[W0501]"),
                new Case("unknown flag", null, List.of("check", "--frobnicate", "ok.emt"), 2,
                        "vp check: unknown option --frobnicate (see `vp check --help`)"),
                new Case("unknown command", null, List.of("frobnicate", "ok.emt"), 2, "unknown command `frobnicate`"),
                new Case("-e without its script", null, List.of("check", "-e"), 2, "-e needs a value"),
                new Case("no script at all", null, List.of("check", "--target", "any"), 2, "no script given"),
                new Case("--target naming malformed JSON", null, List.of("check", "--target", "garbage.json", "ok.emt"), 1,
                        "error[E0801]"),
                new Case("--target naming JSON of the wrong shape", null, List.of("check", "--target", "array.json", "ok.emt"), 1,
                        "error[E0802]"),
                new Case("--target naming a missing file", null, List.of("check", "--target", "nothing.json", "ok.emt"), 1,
                        "error[E0001]"),
                script("and a good script still checks clean", "ok.emt", 0, "no errors"));
    }

    private static void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @TestFactory
    Stream<DynamicTest> throughTheCompiler() throws IOException {
        return cases().stream().filter(c -> c.routes().contains(Route.COMPILER) && c.script() != null).map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            assertTimeoutPreemptively(Duration.ofSeconds(c.seconds()), () -> {
                Diagnostics setup = new Diagnostics();
                Compilation comp = Pipeline.compile(dir.resolve(c.script()), new ScriptSetup.Flags(List.of(), List.of(), List.of(), "any"), setup);
                List<Diagnostic> all = new ArrayList<>(setup.all());
                if (comp != null) all.addAll(comp.diagnostics());
                assertFalse(all.stream().anyMatch(d -> d.code() == Code.E0900), () -> "internal error: " + all);
                boolean errors = all.stream().anyMatch(Diagnostic::isError);
                assertEquals(c.exit() == 1, errors, () -> c.name() + ": " + all);
                if (c.exit() == 0) {
                    assertNotNull(comp);
                    assertNotNull(comp.ir(), "a clean script lowers to IR");
                }
                String code = codeIn(c.expect());
                if (code != null) assertTrue(all.stream().anyMatch(d -> d.code().name().equals(code)), () -> "no " + code + " in " + all);
            });
        }));
    }

    @TestFactory
    Stream<DynamicTest> throughTheCliInProcess() throws IOException {
        return cases().stream().filter(c -> c.routes().contains(Route.IN_PROCESS)).map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Pipeline.Run run = assertTimeoutPreemptively(Duration.ofSeconds(c.seconds()),
                    () -> Pipeline.cli(c.args().stream().map(BadInputTest::absolute).toArray(String[]::new)));
            expect(c, run);
        }));
    }

    @TestFactory
    Stream<DynamicTest> throughTheLauncher() throws IOException {
        return cases().stream().filter(c -> c.routes().contains(Route.LAUNCHER)).map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            assumeTrue(Pipeline.distributionBuilt(), "bin/vp needs cli/target/dist: run ./bin/mvn package or verify first");
            expect(c, Pipeline.launcher(dir, c.seconds(), c.args().toArray(String[]::new)));
        }));
    }

    private static void expect(Case c, Pipeline.Run run) {
        assertFalse(CRASH.matcher(run.both()).find(), () -> c.name() + " crashed:\n" + run.both());
        assertEquals(c.exit(), run.exit(), () -> c.name() + ": wrong exit code; output:\n" + clip(run.both()));
        assertTrue(run.both().contains(c.expect()), () -> c.name() + ": expected `" + c.expect() + "` in\n" + clip(run.both()));
        if (c.exit() == 2) assertEquals("", run.out(), "usage errors go to standard error only");
    }

    /** File arguments become absolute, since this JVM's working directory is not the temporary directory. */
    private static String absolute(String arg) {
        return !arg.isEmpty() && Files.exists(dir.resolve(arg)) || arg.endsWith(".emt") || arg.endsWith(".json") ? dir.resolve(arg).toString() : arg;
    }

    private static String codeIn(String expect) {
        var m = Pattern.compile("\\[(E\\d{4})]").matcher(expect);
        return m.find() ? m.group(1) : null;
    }

    private static String clip(String s) {
        return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
    }
}
