// Random mutations of the scripts and diag files through the whole compiler: the checker and lowering never throw.
package dev.vp.compiler.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The parsers have their own token-stream tests; this one feeds what they recover into the checker, the
 * lowering and the verifier, with fragments that stress names, types, storage and probes. Any E0900 (a throw
 * or a malformed lowered program) fails, with the mutated text to reproduce it.
 */
class CompilerMutationTest {
    private static final int RUNS = 2000;
    private static final String[] FRAGMENTS = {"(", ")", "{", "}", ";", "*", "&", "->", ".", "[", "]", "x", "RIP", "\"s\"", "1", "-1",
            "struct task", "int", "string", "<-", "++", "=", "VMX1Hz", "GUEST:ENTER:do_syscall", "aggr a[1];", "bag b[2];",
            "memmodel guest32;", "sizeof(", "(struct task *)", "printf(\"%d %s\", ", "void f() {}", "int f(int a);", "return",
            "break;", "@0x10", ",", "perthread", "pervm", "typedef int t;", "(setint", "(defun g ()", "enum e { k };"};

    @Test
    void mutatedScriptsNeverBreakTheCompiler() throws IOException {
        List<String[]> corpus = new ArrayList<>();
        for (Path dir : List.of(Path.of("src/test/resources/scripts"), Path.of("src/test/resources/diag"))) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(p -> p.toString().endsWith(".emt") || p.toString().endsWith(".vp")).sorted().toList())
                    corpus.add(new String[] {p.toString().endsWith(".vp") ? "m.vp" : "m.emt", Files.readString(p, StandardCharsets.ISO_8859_1)});
            }
        }
        assertTrue(corpus.size() > 50);
        Random random = new Random(20240611);
        for (int run = 0; run < RUNS; run++) {
            String[] pick = corpus.get(random.nextInt(corpus.size()));
            String text = mutate(pick[1], random);
            Compilation c = TestTarget.compile(pick[0], text);
            int n = run;
            for (Diagnostic d : c.diagnostics())
                assertTrue(d.code() != Code.E0900, () -> "mutation " + n + ": " + TestTarget.line(d) + " on:\n" + text);
        }
    }

    private static String mutate(String original, Random random) {
        StringBuilder t = new StringBuilder(original);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && !t.isEmpty(); i++) {
            int at = random.nextInt(t.length());
            switch (random.nextInt(3)) {
                case 0 -> t.insert(at, " " + FRAGMENTS[random.nextInt(FRAGMENTS.length)] + " ");
                case 1 -> t.delete(at, Math.min(t.length(), at + 1 + random.nextInt(8)));
                default -> {
                    int other = random.nextInt(t.length());
                    String copy = t.substring(Math.min(at, other), Math.max(at, other));
                    t.insert(random.nextInt(t.length()), copy.length() > 200 ? copy.substring(0, 200) : copy);
                }
            }
        }
        return t.toString();
    }
}
