// Where exact machine-code sizes come from: the x64 backend once it is in the build, nothing before.
package dev.vp.lsp;

import dev.vp.compiler.check.BudgetCheck;
import dev.vp.compiler.Compilation;
import java.util.Optional;

/**
 * Measures the machine code of a lowered program. The language server never estimates code size: without a
 * backend it says the figure is pending. {@link #NONE} is this build's sizer; the backend plugs in through
 * {@link VpLanguageServer}'s constructor.
 */
@FunctionalInterface
public interface CodeSizer {
    /**
     * Exact figures (code bytes, machine stack, whether the runtime's memory holds the data) of a compilation
     * that has its IR, or empty when this build cannot know them.
     */
    Optional<BudgetCheck.Measured> measure(Compilation compilation);

    /** No backend in the build: every code size is unknown. */
    CodeSizer NONE = compilation -> Optional.empty();
}
