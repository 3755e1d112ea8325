// Runs every IR file test: parse, verify, round-trip the text form, fire the probes, compare the transcript.
package dev.vp.compiler.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.IrVerifier;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.compiler.ir.text.IrPrinter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * IR file tests (Cranelift filetest style), in src/test/resources/ir/*.ir, read by {@link IrFileScript}. Besides
 * the program, a file holds directives in ";@" comment lines, run in order:
 * <pre>
 * ;@ vcpus N                      number of vCPUs (before the first fire; default 1)
 * ;@ ram SIZE                     guest RAM bytes (default 4 MiB); page tables use its last 256 KB
 * ;@ map 4k|2m|1g LINEAR PHYS LEN map linear pages (sets CR3)
 * ;@ poke PHYS "text"             write the text into RAM (its UTF-8 bytes)
 * ;@ poke64 PHYS VALUE            write a little-endian 64-bit value
 * ;@ set BUILTIN VALUE            set a built-in variable for the following firings
 * ;@ fire PROBE [vcpu N|host] [times K]
 * ;@ report                       append each probe's counters and each bag's drops
 * </pre>
 * and the expected transcript in ";>" lines: the output records' text, then for each firing that did not
 * complete normally "! exit" or "! cancelled CAUSE at LOC: DESCRIPTION".
 */
class IrFileTest {
    /** The interpreter alone, with RAM on the Java heap. */
    private static final IrFileScript.Engines INTERPRETER = new IrFileScript.Engines() {
        @Override public MemorySegment newRam(long bytes) { return MemorySegment.ofArray(new byte[Math.toIntExact(bytes)]); }

        @Override public IrFileScript.Engine start(IrProgram program, int vcpus, MemorySegment ram, GuestState guest) {
            var out = new StringBuilder();
            var interp = new Interpreter(program, vcpus, r -> out.append(r.text()));
            return new IrFileScript.Engine() {
                @Override public String fire(int probe, int vcpu, GuestState state, String where) {
                    out.setLength(0);
                    FiringResult r = interp.fire(probe, vcpu, state);
                    if (r.outcome() != FiringResult.Outcome.COMPLETED) out.append("! ").append(r).append('\n');
                    return out.toString();
                }

                @Override public String report() { return reportLines(program, interp); }
            };
        }
    };

    @TestFactory
    Stream<DynamicTest> irFiles() throws IOException, URISyntaxException {
        return IrFileScript.tests(Path.of(getClass().getResource("/ir").toURI()), IrFileTest::run);
    }

    static void run(IrFileScript script) throws Exception {
        String name = script.name;
        IrProgram program = script.program;
        assertEquals(List.of(), IrVerifier.verify(program), name + ": verifier problems");
        String printed = IrPrinter.print(program);
        assertEquals(program, IrParser.parse(printed, name + " (printed)"), name + ": text form round trip");
        assertEquals(script.expected, script.run(INTERPRETER), name + ": transcript");
    }

    private static String reportLines(IrProgram program, Interpreter interp) {
        var out = new StringBuilder();
        for (int p = 0; p < program.probes().size(); p++) {
            ProbeCounters c = interp.counters(p);
            out.append("# probe ").append(p).append(": firings ").append(c.firings())
               .append(" exits ").append(c.exits()).append(" cancellations ").append(c.cancellations()).append('\n');
            for (ProbeCounters.CancelSite s : c.sites()) {
                out.append("#   ").append(s.cause().shortName).append(" at ").append(s.loc())
                   .append(" x").append(s.count()).append(": ").append(s.description()).append('\n');
            }
        }
        for (int b = 0; b < program.bags().size(); b++) {
            out.append("# bag $").append(program.bags().get(b).name()).append(": ").append(interp.bagDrops(b)).append(" dropped\n");
        }
        return out.toString();
    }
}
