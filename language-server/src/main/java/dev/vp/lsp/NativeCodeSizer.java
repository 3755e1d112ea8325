package dev.vp.lsp;

import dev.vp.compiler.check.BudgetCheck;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.gen.NativeCompiler;
import dev.vp.x64.image.ImageBuilder;
import java.util.Optional;

/** Exact code sizes from the x64 backend: the same code `vp build` writes into the .vpo. */
final class NativeCodeSizer implements CodeSizer {
    @Override public Optional<BudgetCheck.Measured> measure(IrProgram program) {
        try {
            NativeProgram p = NativeCompiler.compile(program);
            return Optional.of(ImageBuilder.measured(program, p));
        } catch (RuntimeException e) {
            // A program the backend refuses has no size; the compile command reports the refusal itself.
            return Optional.empty();
        }
    }
}
