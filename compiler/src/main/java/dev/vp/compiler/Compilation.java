package dev.vp.compiler;

import dev.vp.compiler.ast.Script;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.pp.Pragma;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.source.SourceFile;
import java.util.List;

/**
 * The product of one compilation, immutable once built: what the editor and the command line read.
 * ir is null when there are errors. usage holds the budget figures the compiler knows (code bytes come from
 * the backend: see {@link dev.vp.compiler.check.BudgetCheck#code}); pragmas are the main script's budget pragmas.
 */
public record Compilation(SourceFile main, List<SourceFile> files, List<Script> scripts, Checked checked, IrProgram ir,
                          List<Diagnostic> diagnostics, Budgets budgets, BudgetUsage usage, List<Pragma> pragmas) {

    public boolean hasErrors() { return diagnostics.stream().anyMatch(Diagnostic::isError); }

    /** The main script's AST (preloads come before it in scripts). */
    public Script script() { return scripts.isEmpty() ? null : scripts.get(scripts.size() - 1); }

    /**
     * Data bytes (per-vCPU storage counted for vcpus vCPUs, the target's), probe clauses and the deepest static
     * stack of any clause (-1 when recursion makes it unbounded).
     */
    public record BudgetUsage(long dataBytes, int clauses, long stackBytes, int vcpus) {
        public static final BudgetUsage NONE = new BudgetUsage(0, 0, 0, 0);
    }
}
