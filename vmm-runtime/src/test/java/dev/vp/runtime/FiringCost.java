// Measurement by hand (not a test): the cost of one empty probe firing through Runtime.fire, against the bare downcall.
package dev.vp.runtime;

import dev.vp.compiler.lang.Domain;
import dev.vp.runtime.arena.NativeArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Prints ns per firing (minimum over batches) of an empty clause (it stores CTX_OUTCOME and returns) fired with
 * {@link Runtime#fire}, which adds the published-image check, the busy flag, the outcome read and the counters to
 * the Java-to-native call, and the ratio to the bare CRITICAL downcall of the same code measured in the same run.
 * Run from the repository root after {@code ./bin/mvn -q -pl vmm-runtime -am test-compile}:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp compiler/target/classes:x64-backend/target/classes:\
 * vmm-runtime/target/classes:vmm-runtime/target/test-classes dev.vp.runtime.FiringCost
 * </pre>
 */
public final class FiringCost {
    private static final int BATCHES = 300, PER_BATCH = 100_000;

    private FiringCost() {}

    public static void main(String[] args) throws Throwable {
        var program = new HandProgram();
        program.clause("VMM1Hz", "VMM1Hz", Domain.VMM, 1, HandProgram::complete);
        try (var runtime = new Runtime(RuntimeConfig.DEFAULT); var memory = Arena.ofConfined()) {
            MemorySegment ram = memory.allocate(4096), regs = memory.allocate(1024);
            runtime.load(program.build(), new GuestBinding(ram.address(), ram.byteSize(), 0,
                    List.of(new GuestBinding.Vcpu(regs.address(), regs.address() + 256, 1)), () -> {}));
            LoadedImage l = runtime.loadedForTests();
            MemorySegment bare = l.entries[0];
            long ctx = l.lanes[LoadedImage.LANE_CTX_ADDRESS];
            double baseline = Double.MAX_VALUE, fire = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                baseline = Math.min(baseline, bare(bare, ctx));
                fire = Math.min(fire, fired(runtime));
            }
            System.out.printf("bare unguarded critical downcall    %6.2f ns/call%n", baseline);
            System.out.printf("Runtime.fire, empty clause           %6.2f ns/firing  (%.2fx the bare downcall)%n", fire, fire / baseline);
            System.out.printf("firings counted: %d%n", runtime.report().clauses().get(0).firings());
        }
    }

    private static double bare(MemorySegment entry, long ctx) throws Throwable {
        long best = Long.MAX_VALUE;
        for (int b = 0; b < BATCHES; b++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < PER_BATCH; i++) NativeArena.UNGUARDED_CALL.invokeExact(entry, ctx, ctx + dev.vp.x64.abi.Abi.CTX_OWN_FIELDS);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return (double) best / PER_BATCH;
    }

    private static double fired(Runtime runtime) {
        long best = Long.MAX_VALUE;
        for (int b = 0; b < BATCHES; b++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < PER_BATCH; i++) runtime.fire(0, 0);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return (double) best / PER_BATCH;
    }
}
