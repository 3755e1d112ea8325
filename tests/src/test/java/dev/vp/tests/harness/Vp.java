// Runs the vp command in-process and finds the repository's files (examples, the benchmark guest's sources).
package dev.vp.tests.harness;

import dev.vp.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

final class Vp {
    private Vp() {}

    record Result(int code, String out, String err) {
        @Override public String toString() { return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err; }
    }

    static Result run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The repository root: the nearest directory at or above the working directory that has examples/hello.emt. */
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("examples/hello.emt"))) return p;
        throw new IllegalStateException("no examples/hello.emt at or above " + Path.of("").toAbsolutePath());
    }

    static String example(String file) { return root().resolve("examples").resolve(file).toString(); }
}
