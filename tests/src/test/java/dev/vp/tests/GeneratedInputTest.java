// Random and mutated scripts through the full Compiler: any input ends in diagnostics, never an exception or E0900.
package dev.vp.tests;

import static org.junit.jupiter.api.Assertions.fail;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.tests.bench.BenchmarkScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Inputs: random Emmett and VP token streams, random well-formed Emmett programs (so the checker and the
 * lowerer see odd but parseable code), and token- and byte-level mutations of the valid scripts in
 * compiler/src/test/resources/scripts plus a generated one. Each goes through Compiler.compile (preprocess,
 * parse, check, lower, verify, budgets) against `--target any` and the default harness target, on a thread with
 * a 1 MiB stack (what the `vp` command's main thread gets) and a deadline. An exception, an E0900 or a hang is
 * a bug: the test prints the input, shrunk to a minimal reproducer, and fails.
 * {@code -Dvp.fuzz.count=N} (default 10,000) and {@code -Dvp.fuzz.seed=S} run longer or other campaigns.
 */
class GeneratedInputTest {
    private static final int COUNT = Integer.getInteger("vp.fuzz.count", 10_000);
    private static final long SEED = Long.getLong("vp.fuzz.seed", 20_260_601L);
    private static final long DEADLINE_SECONDS = 20;
    /** Distinct failures are all reported; the run stops after this many so one common bug cannot flood the log. */
    private static final int MAX_FAILURES = 20;

    private static final String[] EMMETT = {
        "int", "char", "long", "unsigned", "string", "void", "struct", "union", "enum", "typedef", "memmodel", "guest64",
        "aggr", "bag", "perthread", "pervm", "static", "if", "else", "while", "for", "break", "continue", "return", "try",
        "catch", "sizeof", "offsetof", "x", "y", "t", "s", "f", "task_t", "VMM1Hz", "VMMLoad", "HV_Exit", "GUEST:ENTER:schedule",
        "GUEST:EXIT:schedule", "GUEST:OFFSET:schedule:0x10", "PROFILE:1msec", "TIMER:10sec", "VCPUID", "TSC", "RIP", "CR3",
        "ARG0", "NUMVCPUS", "printf", "sprintf", "logaggr", "clearaggr", "gueststack", "excname", "exit", "assert", "strlen",
        "0", "1", "-1", "0x10", "0xffffffffffffffff", "9223372036854775807", "077", "'a'", "'\\n'", "\"s\"", "\"%d %s\\n\"",
        "\"%*\"", "\"unterminated", "(", ")", "[", "]", "{", "}", ";", ",", ":", "?", ".", "->", "@", "@0x18", "!", "~", "+",
        "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "<", ">", "<=", ">=", "==", "!=", "&&", "||", "++", "--", "<-", "=",
        "+=", "<<=", "/*", "*/", "//", "\n", "#define X 1\n", "#include \"x.h\"\n", "#ifdef X\n", "#endif\n",
        "#pragma budget stack 1\n", "$", "\u0000", "\u00e9", "\\",
    };

    private static final String[] VP = {
        "(", "(", "(", ")", ")", ")", "vprobe", "defun", "definteger", "defstring", "defaggr", "defbag", "deftype", "typedef",
        "defvar", "struct", "array", "char", "int", "string", "void", "*", "pervm", "perthread", "version", "\"1.0\"", "memmodel",
        "guest64", "cond", "else", "while", "for", "break", "try", "catch", "setint", "setstr", "+=", "post++", "++", "+", "-",
        "/", "%", "&", "|", "<<", "==", "<", "&&", "||", "!", "cast", "->", "&", "getguest", "getgueststr", "printf",
        "sprintf", "logint", "logaggr", "clearaggr", "aggr", "baginsert", "bagremove", "excname", "VCPUID", "TSC", "RIP", "CS",
        "EXIT_REASON", "VMM1Hz", "HV_Exit", "GUEST:ENTER:schedule", "PROFILE:1msec", "x", "y", "n", "fib", "0", "1", "-1",
        "0x10", "\"%d\\n\"", "\"s\"", "\"open", "; comment\n", "\n", "'", "#", "\u0000",
    };

    private record Seed(String name, String text) {}

    /** What went wrong for one input: a signature to tell bugs apart, and the details. */
    private record Failure(String signature, String detail) {}

    private static final Pattern TOKEN = Pattern.compile("\\s+|\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\\n]|\\\\.)*'?|"
            + "//[^\\n]*|;[^\\n]*|[A-Za-z_@][\\w:@]*|0[xX][0-9a-fA-F]+|\\d+|<<=|>>=|->|<-|\\+\\+|--|[<>=!+\\-*/%&|^]=|&&|\\|\\||<<|>>|.",
            Pattern.DOTALL);

    @Test
    void randomAndMutatedScriptsNeverCrashTheCompiler() throws Exception {
        List<Seed> seeds = seeds();
        List<CompileOptions> targets = List.of(Pipeline.options("any"), Pipeline.options(null));
        Random r = new Random(SEED);
        Map<String, String> failures = new LinkedHashMap<>();
        int lowered = 0;
        long start = System.nanoTime();
        ExecutorService[] worker = {newWorker()};
        try {
            for (int i = 0; i < COUNT && failures.size() < MAX_FAILURES; i++) {
                boolean vp = false;
                String text;
                int kind = r.nextInt(20);
                if (kind < 3) {
                    text = tokens(r, EMMETT, r.nextInt(120));
                } else if (kind < 6) {
                    vp = true;
                    text = tokens(r, VP, r.nextInt(120));
                } else if (kind < 9) {
                    text = new ProgramGenerator(r).program();
                } else {
                    Seed s = seeds.get(r.nextInt(seeds.size()));
                    vp = s.name().endsWith(".vp");
                    text = mutate(r, s.text(), vp ? VP : EMMETT);
                }
                String name = "fuzz" + i + (vp ? ".vp" : ".emt");
                CompileOptions target = targets.get(r.nextInt(targets.size()));
                Outcome o = run(worker, name, text, target);
                if (o.ir()) lowered++;
                if (o.failure() != null && !failures.containsKey(o.failure().signature())) {
                    String smallest = shrink(text, t -> {
                        Failure f = run(worker, name, t, target).failure();
                        return f != null && f.signature().equals(o.failure().signature());
                    });
                    failures.put(o.failure().signature(), "input #" + i + " (" + name + ", target "
                            + (target == targets.get(0) ? "any" : "default") + "), shrunk to:\n-----\n" + smallest
                            + "\n-----\n" + o.failure().detail());
                }
            }
        } finally {
            worker[0].shutdownNow();
        }
        System.out.printf("generated inputs: %d (seed %d) in %.1f s, %d lowered to verified IR, %d distinct failures%n",
                COUNT, SEED, (System.nanoTime() - start) / 1e9, lowered, failures.size());
        if (!failures.isEmpty()) {
            StringBuilder b = new StringBuilder(failures.size() + " distinct compiler failures (seed " + SEED + "):\n");
            failures.forEach((sig, d) -> b.append("\n=== ").append(sig).append('\n').append(d).append('\n'));
            System.out.println(b);
            fail(b.toString());
        }
    }

    private record Outcome(boolean ir, Failure failure) {}

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(null, task, "fuzz-compile", 1L << 20);
            t.setDaemon(true);
            return t;
        });
    }

    /** Compiles on the worker thread; after a hang the stuck worker is abandoned (daemon) and a fresh one made. */
    private static Outcome run(ExecutorService[] worker, String name, String text, CompileOptions target) {
        Future<Compilation> f = worker[0].submit(() -> Pipeline.compile(name, text, target));
        try {
            Compilation c = f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            for (Diagnostic d : c.diagnostics()) {
                if (d.code() == Code.E0900) return new Outcome(false, new Failure(signature(d.message()), d.message()));
            }
            return new Outcome(c.ir() != null, null);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker[0].shutdownNow();
            worker[0] = newWorker();
            return new Outcome(false, new Failure("hang: no result in " + DEADLINE_SECONDS + " s", "(the compiler did not return)"));
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            return new Outcome(false, new Failure(signature(t.toString()) + " at " + topFrame(t), stackTrace(t)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The kind of failure without the parts that vary by input (numbers, quoted code, the IR function's name). */
    private static String signature(String message) {
        String s = message.replaceAll("`[^`]*`", "`_`").replaceAll("@[\\w.$]+", "@_").replaceAll("\\d+", "N");
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    private static String topFrame(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return st.length == 0 ? "?" : st[0].toString();
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    /** Greedy delta debugging over tokens, then characters: drops chunks while the same failure remains. */
    private static String shrink(String text, Predicate<String> fails) {
        List<String> parts = tokenize(text);
        parts = shrinkParts(parts, fails);
        List<String> chars = new ArrayList<>();
        String joined = String.join("", parts);
        joined.codePoints().forEach(c -> chars.add(Character.toString(c)));
        return String.join("", shrinkParts(chars, fails));
    }

    private static List<String> shrinkParts(List<String> parts, Predicate<String> fails) {
        int budget = 3000;
        for (int chunk = Math.max(1, parts.size() / 2); chunk >= 1 && budget > 0; chunk /= 2) {
            for (int at = 0; at < parts.size() && budget > 0; ) {
                List<String> tried = new ArrayList<>(parts.subList(0, at));
                tried.addAll(parts.subList(Math.min(parts.size(), at + chunk), parts.size()));
                budget--;
                if (fails.test(String.join("", tried))) parts = tried;
                else at += chunk;
            }
        }
        return parts;
    }

    private static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    private static String tokens(Random r, String[] vocabulary, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) b.append(vocabulary[r.nextInt(vocabulary.length)]).append(r.nextInt(4) == 0 ? "" : " ");
        return b.toString();
    }

    /** One to four edits: delete, duplicate, swap or insert tokens, or delete, insert or duplicate raw characters. */
    static String mutate(Random r, String text, String[] vocabulary) {
        List<String> t = tokenize(text);
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && !t.isEmpty(); e++) {
            int at = r.nextInt(t.size());
            switch (r.nextInt(7)) {
                case 0 -> t.remove(at);
                case 1 -> t.add(at, t.get(at));
                case 2 -> {
                    int other = r.nextInt(t.size());
                    String a = t.get(at);
                    t.set(at, t.get(other));
                    t.set(other, a);
                }
                case 3 -> t.add(at, " " + vocabulary[r.nextInt(vocabulary.length)] + " ");
                case 4 -> {
                    String s = String.join("", t);
                    int from = r.nextInt(s.length()), len = Math.min(s.length() - from, 1 + r.nextInt(16));
                    t = tokenize(s.substring(0, from) + s.substring(from + len));
                }
                case 5 -> {
                    String s = String.join("", t);
                    int from = r.nextInt(s.length() + 1);
                    t = tokenize(s.substring(0, from) + (char) r.nextInt(128) + s.substring(from));
                }
                default -> {
                    String s = String.join("", t);
                    int from = r.nextInt(s.length()), len = Math.min(s.length() - from, 1 + r.nextInt(40));
                    t = tokenize(s.substring(0, from) + s.substring(from, from + len) + s.substring(from));
                }
            }
        }
        return String.join("", t);
    }

    private static List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(Pipeline.ROOT.resolve("compiler/src/test/resources/scripts"))) {
            for (Path p : files.sorted().toList()) seeds.add(new Seed(p.getFileName().toString(), Files.readString(p)));
        }
        if (seeds.size() < 10) throw new AssertionError("expected the cookbook scripts of compiler/src/test/resources/scripts");
        seeds.add(new Seed("generated.emt", BenchmarkScript.generate(12)));
        return seeds;
    }
}
