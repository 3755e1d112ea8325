package dev.vp.lsp;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.check.BudgetCheck;
import dev.vp.runtime.RuntimeConfig;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.gen.NativeCompiler;
import java.util.Optional;

/** Exact figures from the x64 backend and the runtime: the same code `vp build` writes into the .vpo, placed as `vp run` would. */
final class NativeCodeSizer implements CodeSizer {
    @Override public Optional<BudgetCheck.Measured> measure(Compilation c) {
        try {
            NativeProgram p = NativeCompiler.compile(c.ir());
            return Optional.of(RuntimeConfig.DEFAULT.measured(c.ir(), p, c.usage().vcpus()));
        } catch (RuntimeException e) {
            // A program the backend refuses has no size; the compile command reports the refusal itself.
            return Optional.empty();
        }
    }
}
