// Every script run test of the compiler, compiled as ScriptRun does and run on the interpreter and natively side by side.
package dev.vp.x64.native_;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.interp.FiringResult;
import dev.vp.compiler.interp.GuestState;
import dev.vp.compiler.interp.Interpreter;
import dev.vp.compiler.interp.ProbeCounters;
import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.run.ScriptRun;
import dev.vp.x64.gen.NativeCompiler;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Reads compiler/src/test/resources/run/*.emt and *.vp (directives: see ScriptRun), compiles each with the full
 * front end exactly as the compiler's RunFileTest does, and carries out its directives once, with every firing
 * going to both engines over the same guest RAM and GuestState: each firing's output and outcome (cause, Loc,
 * description) and every global after it must be equal, and so must every printed aggregate, clause report and
 * bag drop count. The transcript (built from the native side) must equal the file's expected lines.
 */
class RunFilesNativeTest {
    static final Path RUN_DIR = Path.of("..", "compiler", "src", "test", "resources", "run");

    @TestFactory
    Stream<DynamicTest> runFiles() throws IOException {
        return ScriptRun.eachFile(RUN_DIR, RunFilesNativeTest::run);
    }

    static void run(Path path) throws IOException {
        ScriptRun.Compiled c = ScriptRun.compiled(path);
        try (var engines = new BothEngines(c.name())) {
            assertEquals(c.script().expectedTranscript(), c.script().run(c.ir(), engines), c.name() + ": native transcript");
        }
    }

    /** RAM in native memory (the native code addresses it directly); each engine started compares both sides. */
    private static final class BothEngines implements ScriptRun.Engines, AutoCloseable {
        private final String file;
        private final Arena arena = Arena.ofConfined();
        private final List<NativeRunner> runners = new ArrayList<>();

        BothEngines(String file) { this.file = file; }

        @Override public MemorySegment newRam(long bytes) { return DualEngine.newRam(arena, bytes); }

        @Override public ScriptRun.Engine start(IrProgram program, int vcpus, MemorySegment ram, Consumer<String> out) {
            var interpOut = new StringBuilder();
            var interp = ScriptRun.interpreterEngine(new Interpreter(program, vcpus, r -> interpOut.append(r.text())));
            var nativeOut = new StringBuilder();
            var nat = new NativeRunner(program, NativeCompiler.compile(program), vcpus, ram, 1 << 20, r -> nativeOut.append(r.text()));
            runners.add(nat);
            return new Both(file, program, vcpus, interp, interpOut, nat, nativeOut, out);
        }

        @Override public void close() {
            for (NativeRunner r : runners) r.close();
            arena.close();
        }
    }

    /** The interpreter and the native code as one engine that answers with the native side after comparing. */
    private static final class Both implements ScriptRun.Engine {
        private final String file;
        private final IrProgram program;
        private final int vcpus;
        private final ScriptRun.Engine interp;
        private final StringBuilder interpOut, nativeOut;
        private final NativeRunner nat;
        private final Consumer<String> out;
        private final long[] firings, exits;
        private final List<Map<Site, long[]>> counts = new ArrayList<>();
        private final List<Map<Site, String>> descriptions = new ArrayList<>();
        private long fired;

        private record Site(Cause cause, Loc loc) {}

        Both(String file, IrProgram program, int vcpus, ScriptRun.Engine interp, StringBuilder interpOut, NativeRunner nat,
             StringBuilder nativeOut, Consumer<String> out) {
            this.file = file;
            this.program = program;
            this.vcpus = vcpus;
            this.interp = interp;
            this.interpOut = interpOut;
            this.nat = nat;
            this.nativeOut = nativeOut;
            this.out = out;
            firings = new long[program.probes().size()];
            exits = new long[firings.length];
            for (int p = 0; p < firings.length; p++) {
                counts.add(new LinkedHashMap<>());
                descriptions.add(new LinkedHashMap<>());
            }
        }

        @Override public FiringResult fire(int probe, int vcpu, GuestState guest) {
            if (guest.read(Builtin.TSC) == 0) guest.set(Builtin.TSC, 1); // CTX_TSC 0 would mean "live counter" natively
            String where = file + ": firing " + ++fired + " (" + program.probes().get(probe).spec() + " on vcpu " + vcpu + ")";
            interpOut.setLength(0);
            nativeOut.setLength(0);
            FiringResult expected = interp.fire(probe, vcpu, guest);
            nat.prepare(vcpu, guest);
            FiringResult actual = nat.fire(probe, vcpu);
            assertEquals(interpOut.toString(), nativeOut.toString(), where + ": output");
            assertEquals(expected, actual, where + ": outcome");
            for (int g = 0; g < program.globals().size(); g++) {
                for (int v = Interpreter.HOST; v < vcpus; v++) {
                    String what = where + ": global " + program.globals().get(g).name() + " on vcpu " + v;
                    if (program.globals().get(g).string()) assertEquals(interp.stringGlobal(g, v), nat.stringGlobal(g, v), what);
                    else assertEquals(interp.intGlobal(g, v), nat.intGlobal(g, v), what);
                }
            }
            firings[probe]++;
            if (actual.outcome() == FiringResult.Outcome.EXITED) exits[probe]++;
            if (actual.outcome() == FiringResult.Outcome.CANCELLED) {
                Site site = new Site(actual.cause(), actual.loc());
                counts.get(probe).computeIfAbsent(site, s -> new long[1])[0]++;
                descriptions.get(probe).put(site, actual.description());
            }
            out.accept(nativeOut.toString());
            return actual;
        }

        @Override public long intGlobal(int global, int vcpu) {
            long v = nat.intGlobal(global, vcpu);
            assertEquals(interp.intGlobal(global, vcpu), v, file + ": global " + program.globals().get(global).name());
            return v;
        }

        @Override public String stringGlobal(int global, int vcpu) {
            String v = nat.stringGlobal(global, vcpu);
            assertEquals(interp.stringGlobal(global, vcpu), v, file + ": global " + program.globals().get(global).name());
            return v;
        }

        @Override public String printAggregate(int aggr) {
            String v = nat.printAggregate(aggr);
            assertEquals(interp.printAggregate(aggr), v, file + ": aggregate " + program.aggrs().get(aggr).name());
            return v;
        }

        @Override public ScriptRun.Counts counts(int probe) {
            var sites = new ArrayList<ProbeCounters.CancelSite>();
            long cancellations = 0;
            for (var e : counts.get(probe).entrySet()) {
                long n = e.getValue()[0];
                cancellations += n;
                sites.add(new ProbeCounters.CancelSite(e.getKey().cause(), e.getKey().loc(), n, descriptions.get(probe).get(e.getKey())));
            }
            var v = new ScriptRun.Counts(firings[probe], exits[probe], cancellations, sites);
            assertEquals(interp.counts(probe), v, file + ": report of " + program.probes().get(probe).spec());
            return v;
        }

        @Override public long bagDrops(int bag) {
            long v = nat.bagDrops(bag);
            assertEquals(interp.bagDrops(bag), v, file + ": drops of bag " + program.bags().get(bag).name());
            return v;
        }
    }
}
