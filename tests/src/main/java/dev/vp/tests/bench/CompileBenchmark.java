// JMH benchmark of the front end on a generated 200-probe script: full compile against a parse-only baseline.
package dev.vp.tests.bench;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.ScriptSetup;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.check.Checker;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.IrVerifier;
import dev.vp.compiler.lower.Lowerer;
import dev.vp.compiler.parse.emmett.EmmettParser;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.pp.PreprocessedSource;
import dev.vp.compiler.pp.Preprocessor;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.source.SourceFile;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Times one compile of BenchmarkScript.generate(200) (about 2,300 lines, 200 probe clauses) under
 * {@code --target any}: {@code parse} (preprocess + parse, the baseline), {@code checkLower} (check + lower +
 * verify of an already parsed script) and {@code compile} (Compiler.compile: everything, budgets included).
 * The bar is under 20 ms per compile once warm.
 *
 * <p>Run: {@code ./bin/mvn -q -pl tests -am -DskipTests package && java -jar tests/target/benchmarks.jar}
 * (with a JDK 25: {@code source bin/find-jdk; $VP_JAVA -jar tests/target/benchmarks.jar}). Without arguments it
 * runs the three and prints the ratios; with arguments it is plain JMH (e.g. {@code -f 3 -wi 10}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms1g", "-Xmx1g"})
public class CompileBenchmark {
    static final int PROBES = 200;

    private SourceFile script;
    private CompileOptions options;
    private SourceLoader loader;
    private Script parsed;

    @Setup
    public void setup() {
        script = new SourceFile("bench200.emt", BenchmarkScript.generate(PROBES));
        loader = new FileSystemSourceLoader();
        Diagnostics problems = new Diagnostics();
        options = ScriptSetup.resolve(null, new ScriptSetup.Flags(List.of(), List.of(), List.of(), "any"), loader, problems);
        if (options == null || problems.hasErrors()) throw new IllegalStateException("cannot set up --target any: " + problems.all());
        Compilation c = compile();
        if (c.ir() == null || c.ir().probes().size() != PROBES) {
            throw new IllegalStateException("the benchmark script must compile clean to " + PROBES + " probes: " + c.diagnostics());
        }
        parsed = parse();
        if (!options.preloads().isEmpty()) throw new IllegalStateException("--target any has no preloads; checkLower assumes none");
    }

    @Benchmark
    public Script parse() {
        Diagnostics diags = new Diagnostics();
        PreprocessedSource pre = new Preprocessor(loader, options.includeDirs(), diags).run(script);
        return EmmettParser.parse(pre.text(), pre.map()::span, script, diags, java.util.Set.of());
    }

    @Benchmark
    public List<String> checkLower() {
        Diagnostics diags = new Diagnostics();
        Checked checked = Checker.check(List.of(parsed), options.target(), diags);
        IrProgram ir = Lowerer.lower(checked, new IrProgram.Limits(options.budgets().stack(), options.budgets().fuel(),
                (int) options.budgets().string()));
        return IrVerifier.verify(ir);
    }

    @Benchmark
    public Compilation compile() {
        return Compiler.compile(script, options, loader);
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException, java.io.IOException {
        if (args.length > 0) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        var results = new Runner(new OptionsBuilder().parent(new CommandLineOptions())
                .include(CompileBenchmark.class.getName() + "\\.").build()).run();
        Map<String, Double> ms = results.stream().collect(Collectors.toMap(
                r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""), (RunResult r) -> r.getPrimaryResult().getScore()));
        double parse = ms.get("parse"), checkLower = ms.get("checkLower"), compile = ms.get("compile");
        System.out.printf("%nper compile of %d probes, %d lines: parse %.2f ms, check+lower+verify %.2f ms (%.2fx parse), "
                + "whole compile %.2f ms (%.2fx parse); bar: under 20 ms: %s%n", PROBES,
                BenchmarkScript.generate(PROBES).lines().count(), parse, checkLower, checkLower / parse, compile, compile / parse,
                compile < 20 ? "met" : "NOT met");
    }
}
