// Runs a script through the whole front end the three ways a user reaches it: Compiler, the CLI in-process, bin/vp.
package dev.vp.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.cli.Main;
import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.ScriptSetup;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.source.SourceFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared by the bad-input and generated-input tests. */
final class Pipeline {
    private Pipeline() {}

    /** The repository root: surefire runs this module's tests from tests/. */
    static final Path ROOT = findRoot();

    private static Path findRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/vp")) && Files.isDirectory(p.resolve("compiler"))) return p;
        }
        throw new IllegalStateException("cannot find the repository root (with bin/vp) above " + here);
    }

    /** What one run of the CLI printed and returned. */
    record Run(int exit, String out, String err) {
        String both() { return out + err; }
    }

    /** Sets up options as the CLI does (vp.json, target, preloads), then compiles; null when setup failed. */
    static Compilation compile(Path script, ScriptSetup.Flags flags, Diagnostics setupProblems) {
        SourceLoader loader = new FileSystemSourceLoader();
        CompileOptions options = ScriptSetup.resolve(script, flags, loader, setupProblems);
        if (options == null) return null;
        return loader.loadReporting(script, setupProblems).map(f -> Compiler.compile(f, options, loader)).orElse(null);
    }

    /** Compiles text given in memory with ready options, as the editor does. */
    static Compilation compile(String name, String text, CompileOptions options) {
        return Compiler.compile(new SourceFile(name, text), options, new FileSystemSourceLoader());
    }

    static CompileOptions options(String target) {
        Diagnostics problems = new Diagnostics();
        CompileOptions o = ScriptSetup.resolve(null, new ScriptSetup.Flags(List.of(), List.of(), List.of(), target),
                new FileSystemSourceLoader(), problems);
        assertTrue(o != null, () -> "target " + target + " cannot be set up: " + problems.all());
        return o;
    }

    /** The CLI in this JVM, with its streams captured. */
    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit = Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Whether bin/vp can start without building: `./bin/mvn package` (or verify) made the distribution. */
    static boolean distributionBuilt() {
        return Files.isRegularFile(ROOT.resolve("cli/target/dist/lib/vp-cli.jar"));
    }

    /** bin/vp as a separate process in dir, killed after the timeout (a hang is a failure, not a stuck build). */
    static Run launcher(Path dir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("bin/vp").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("vp-out", ".txt"), err = Files.createTempFile("vp-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("bin/vp " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Run(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
