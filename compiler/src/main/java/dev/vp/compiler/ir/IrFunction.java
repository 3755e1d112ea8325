package dev.vp.compiler.ir;

import java.util.List;

/**
 * One probe clause body or script function. Parameters arrive in the first registers/slots in order
 * (an int parameter in the next register, a string parameter in the next slot). Block 0 is the entry.
 * frameBytes is what a call charges against the stack budget: 8 per register, 256 per slot, plus 16.
 */
public record IrFunction(String name, ReturnKind returns, List<Param> params, int registers, int slots,
                         List<Block> blocks) {
    public IrFunction { params = List.copyOf(params); blocks = List.copyOf(blocks); }

    public enum ReturnKind { VOID, INT, STRING }

    public record Param(String name, boolean string) {}

    public static final int FRAME_OVERHEAD = 16;

    public int frameBytes() { return FRAME_OVERHEAD + 8 * registers + 256 * slots; }
}
