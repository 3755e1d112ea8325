// Runs one IR program on the interpreter and natively against the same guest, and compares everything visible.
package dev.vp.x64.native_;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.interp.FiringResult;
import dev.vp.compiler.interp.GuestMemory;
import dev.vp.compiler.interp.GuestState;
import dev.vp.compiler.interp.Interpreter;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.lang.Builtin;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.gen.NativeCompiler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The differential harness: both engines share the guest RAM (native memory) and the GuestState; each firing's
 * output text and outcome (cause, location, description) must be equal, and so must every global after it.
 * Transcripts use IrFileTest's format, so the expected ";>" lines of an IR test file apply to both.
 */
public final class DualEngine implements AutoCloseable {
    public final IrProgram program;
    public final NativeProgram code;
    public final MemorySegment ram;
    public final GuestState guest;
    private final Arena arena;
    private final int vcpus;
    private final Interpreter interp;
    private final NativeRunner nat;
    private final StringBuilder interpOut = new StringBuilder(), nativeOut = new StringBuilder();
    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private final Map<String, String> lastDescription = new LinkedHashMap<>();
    private final long[] firings, exits;

    public DualEngine(IrProgram program, int vcpus, Arena arena, MemorySegment ram, GuestState guest) {
        this.program = program;
        this.vcpus = vcpus;
        this.arena = arena;
        this.ram = ram;
        this.guest = guest;
        this.code = NativeCompiler.compile(program);
        this.interp = new Interpreter(program, vcpus, r -> interpOut.append(r.text()));
        this.nat = new NativeRunner(program, code, vcpus, ram, 1 << 20, r -> nativeOut.append(r.text()));
        firings = new long[program.probes().size()];
        exits = new long[firings.length];
    }

    public static MemorySegment newRam(Arena arena, long size) {
        MemorySegment ram = arena.allocate(size, 4096);
        ram.fill((byte) 0);
        return ram;
    }

    public static GuestState newGuest(MemorySegment ram) { return new GuestState(new GuestMemory(ram)); }

    /** Fires on both engines, compares, and appends the shared transcript lines; returns the native transcript part. */
    public String fire(int probe, int vcpu, String where) {
        if (guest.read(Builtin.TSC) == 0) guest.set(Builtin.TSC, 1); // CTX_TSC 0 would mean "live counter"
        int before = interpOut.length(), nativeBefore = nativeOut.length();
        FiringResult expected = interp.fire(probe, vcpu, guest);
        nat.prepare(vcpu, guest);
        FiringResult actual = nat.fire(probe, vcpu);
        String interpText = interpOut.substring(before), nativeText = nativeOut.substring(nativeBefore);
        assertEquals(interpText, nativeText, where + ": output of probe " + probe);
        assertEquals(expected.toString(), actual.toString(), where + ": outcome of probe " + probe);
        firings[probe]++;
        if (actual.outcome() == FiringResult.Outcome.EXITED) exits[probe]++;
        if (actual.outcome() == FiringResult.Outcome.CANCELLED) {
            String site = probe + "|" + actual.cause().shortName + " at " + actual.loc();
            counts.computeIfAbsent(site, s -> new long[1])[0]++;
            lastDescription.put(site, actual.description());
        }
        for (int g = 0; g < program.globals().size(); g++) {
            for (int v = -1; v < vcpus; v++) {
                int iv = v < 0 ? Interpreter.HOST : v;
                if (program.globals().get(g).string()) {
                    assertEquals(interp.stringGlobal(g, iv), nat.stringGlobal(g, v), where + ": global " + program.globals().get(g).name());
                } else {
                    assertEquals(interp.intGlobal(g, iv), nat.intGlobal(g, v), where + ": global " + program.globals().get(g).name());
                }
            }
        }
        String line = actual.outcome() == FiringResult.Outcome.COMPLETED ? "" : "! " + actual + "\n";
        return nativeText + line;
    }

    /** IrFileTest's report lines, from the native side's counts. */
    public String report() {
        var out = new StringBuilder();
        for (int p = 0; p < firings.length; p++) {
            long cancels = 0;
            for (var e : counts.entrySet()) if (e.getKey().startsWith(p + "|")) cancels += e.getValue()[0];
            out.append("# probe ").append(p).append(": firings ").append(firings[p]).append(" exits ").append(exits[p])
               .append(" cancellations ").append(cancels).append('\n');
            for (var e : counts.entrySet()) {
                if (!e.getKey().startsWith(p + "|")) continue;
                out.append("#   ").append(e.getKey().substring(e.getKey().indexOf('|') + 1)).append(" x").append(e.getValue()[0])
                   .append(": ").append(lastDescription.get(e.getKey())).append('\n');
            }
        }
        for (int b = 0; b < program.bags().size(); b++) {
            assertEquals(interp.bagDrops(b), nat.bagDrops(b), "bag drops");
            out.append("# bag $").append(program.bags().get(b).name()).append(": ").append(nat.bagDrops(b)).append(" dropped\n");
        }
        return out.toString();
    }

    public NativeRunner nativeRunner() { return nat; }

    @Override public void close() { nat.close(); }
}
