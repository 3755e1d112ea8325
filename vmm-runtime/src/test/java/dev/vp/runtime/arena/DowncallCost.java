// Measurement by hand (not a test): the cost and allocation of calling empty probe code through an entry handle.
package dev.vp.runtime.arena;

import dev.vp.x64.asm.Assembler;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;

/**
 * Prints ns per call (minimum over batches) and bytes allocated per call for an empty native function
 * ({@code ret}) called through {@link NativeArena#entry} with each linkage, with ctx as a plain address
 * and as a slice of the arena's shared-scope data, plus {@code critical(true)} linked by hand, and the
 * ratio of each to the NORMAL baseline measured in the same run. Run from the repository root after
 * {@code ./bin/mvn -q -pl vmm-runtime -am test-compile}:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp compiler/target/classes:x64-backend/target/classes:\
 * vmm-runtime/target/classes:vmm-runtime/target/test-classes dev.vp.runtime.arena.DowncallCost
 * </pre>
 */
public final class DowncallCost {
    private static final int BATCHES = 200, PER_BATCH = 100_000, ALLOCATION_CALLS = 1_000_000;

    private DowncallCost() {}

    public static void main(String[] args) throws Throwable {
        var asm = new Assembler();
        asm.ret();
        try (var arena = new NativeArena(4096, 4096)) {
            arena.installText(asm.finish());
            var plain = MemorySegment.ofAddress(arena.data().address());
            var scoped = arena.data().asSlice(0, 64);
            var heapCritical = Linker.nativeLinker().downcallHandle(MemorySegment.ofAddress(arena.textAddress()),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS), Linker.Option.critical(true));
            double baseline = 0;
            Object[][] cases = {
                {"NORMAL,   ctx plain address", arena.entry(0, NativeArena.Linkage.NORMAL), plain},
                {"CRITICAL, ctx plain address", arena.entry(0, NativeArena.Linkage.CRITICAL), plain},
                {"NORMAL,   ctx data slice   ", arena.entry(0, NativeArena.Linkage.NORMAL), scoped},
                {"CRITICAL, ctx data slice   ", arena.entry(0, NativeArena.Linkage.CRITICAL), scoped},
                {"critical(true), unguarded  ", heapCritical, plain},
            };
            for (var c : cases) {
                var handle = (MethodHandle) c[1];
                var ctx = (MemorySegment) c[2];
                double ns = nsPerCall(handle, ctx);
                double bytes = bytesPerCall(handle, ctx);
                if (baseline == 0) {
                    baseline = ns;
                }
                System.out.printf("%s  %6.2f ns/call  (%.2fx NORMAL)  %.4f bytes allocated/call%n", c[0], ns, ns / baseline, bytes);
            }
        }
    }

    private static double nsPerCall(MethodHandle handle, MemorySegment ctx) throws Throwable {
        long best = Long.MAX_VALUE;
        for (int b = 0; b < BATCHES; b++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < PER_BATCH; i++) {
                handle.invokeExact(ctx);
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        return (double) best / PER_BATCH;
    }

    private static double bytesPerCall(MethodHandle handle, MemorySegment ctx) throws Throwable {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < ALLOCATION_CALLS; i++) {
            handle.invokeExact(ctx);
        }
        return (double) (threads.getThreadAllocatedBytes(id) - before) / ALLOCATION_CALLS;
    }
}
