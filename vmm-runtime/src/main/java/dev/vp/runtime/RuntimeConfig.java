// The fixed sizes a runtime is built with: its one arena, the output rings, and the native stack a probe may use.
package dev.vp.runtime;

import dev.vp.compiler.check.BudgetCheck;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.image.ImageBuilder;
import dev.vp.x64.image.ProbeImage;

/**
 * textBytes and dataBytes size the arena, mapped once (page multiples); ringBytes is each context's smallest output
 * ring (a power of two, at least 64); nativeStackBytes bounds the machine stack one probe firing may need (the firing
 * runs on the caller's thread stack).
 */
public record RuntimeConfig(long textBytes, long dataBytes, long ringBytes, long nativeStackBytes) {
    /**
     * 2 MB of text and 32 MB of data (whole huge pages, see NativeArena), rings of at least 256 KB, 64 KB of native
     * stack. A logaggr record carries every context's table, so a load gives the rings room for twice the image's
     * largest one where the arena allows (LoadedImage.Placement): a string-keyed aggregate of the default 256
     * entries on four vCPUs and the host makes a 400 KB record and 1 MB rings, and any script within the default
     * data budget gets its full rings.
     */
    public static final RuntimeConfig DEFAULT = new RuntimeConfig(2 << 20, 32 << 20, 256 << 10, dev.vp.x64.abi.Abi.NATIVE_STACK_BYTES);

    /**
     * What vp check and the editor report of a script's native code against this runtime (see
     * BudgetCheck.code): code and machine-stack figures, and whether the arena holds the image on vcpus vCPUs and
     * the host, worked out as a load would place it.
     */
    public BudgetCheck.Measured measured(IrProgram program, NativeProgram code, int vcpus) {
        ProbeImage image = ImageBuilder.build(program, code);
        String refusal = LoadedImage.Placement.of(image, vcpus + 1, ringBytes, dataBytes).refusal(dataBytes);
        return ImageBuilder.measured(program, code, nativeStackBytes, refusal);
    }

    public RuntimeConfig {
        if (ringBytes < 64 || Long.bitCount(ringBytes) != 1) {
            throw new IllegalArgumentException("ring size " + ringBytes + " must be a power of two of at least 64 bytes");
        }
        if (nativeStackBytes <= 0) throw new IllegalArgumentException("native stack allowance must be positive, got " + nativeStackBytes);
    }
}
