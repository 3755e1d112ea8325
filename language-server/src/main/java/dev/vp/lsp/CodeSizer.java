// Where exact machine-code sizes come from: the x64 backend once it is in the build, nothing before.
package dev.vp.lsp;

import dev.vp.compiler.check.BudgetCheck;
import dev.vp.compiler.ir.IrProgram;
import java.util.Optional;

/**
 * Measures the machine code of a lowered program. The language server never estimates code size: without a
 * backend it says the figure is pending. {@link #NONE} is this build's sizer; the backend plugs in through
 * {@link VpLanguageServer}'s constructor.
 */
@FunctionalInterface
public interface CodeSizer {
    /** Exact figures (code bytes, machine stack), or empty when this build cannot know them. */
    Optional<BudgetCheck.Measured> measure(IrProgram program);

    /** No backend in the build: every code size is unknown. */
    CodeSizer NONE = program -> Optional.empty();
}
