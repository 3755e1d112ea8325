package dev.vp.compiler;

import dev.vp.compiler.ast.Script;
import dev.vp.compiler.budget.StackBound;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.check.Checker;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.IrVerifier;
import dev.vp.compiler.lower.Lowerer;
import dev.vp.compiler.parse.emmett.EmmettParser;
import dev.vp.compiler.parse.vp.VpParser;
import dev.vp.compiler.pp.Pragma;
import dev.vp.compiler.pp.PreprocessedSource;
import dev.vp.compiler.pp.Preprocessor;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The one entry point of the front end, for the editor and the command line alike:
 * preprocess -> parse (Emmett or VP by file name) -> check (preloads first) -> lower -> verify -> budgets.
 * It never throws on any input: an internal failure becomes an E0900 diagnostic.
 */
public final class Compiler {
    private Compiler() {}

    public static Compilation compile(SourceFile main, CompileOptions options, SourceLoader loader) {
        Diagnostics diags = new Diagnostics();
        List<SourceFile> files = new ArrayList<>();
        List<Script> scripts = new ArrayList<>();
        Checked checked = null;
        IrProgram ir = null;
        Budgets budgets = options.budgets();
        Compilation.BudgetUsage usage = Compilation.BudgetUsage.NONE;
        try {
            for (SourceFile preload : options.preloads()) scripts.add(parse(preload, options, loader, diags, files, null));
            List<Pragma> pragmas = new ArrayList<>();
            scripts.add(parse(main, options, loader, diags, files, pragmas));
            budgets = applyPragmas(budgets, pragmas);
            checked = Checker.check(scripts, options.target(), diags);
            if (!diags.hasErrors()) {
                ir = Lowerer.lower(checked, new IrProgram.Limits(budgets.stack(), budgets.fuel(), (int) budgets.string()));
                List<String> problems = IrVerifier.verify(ir);
                if (!problems.isEmpty()) {
                    diags.report(Code.E0900, Span.at(main, 0), "internal compiler error: the lowered program is malformed ("
                            + problems.get(0) + "); please report this with the script");
                    ir = null;
                } else {
                    usage = checkBudgets(ir, budgets, options.vcpus(), main, diags);
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            diags.report(Code.E0900, Span.at(main, 0), "internal compiler error: " + e + "; please report this with the script");
            ir = null;
        }
        List<Diagnostic> sorted = sort(diags.all(), files);
        return new Compilation(main, files, scripts, checked, diags.hasErrors() ? null : ir, sorted, budgets, usage);
    }

    private static Script parse(SourceFile file, CompileOptions options, SourceLoader loader, Diagnostics diags,
                                List<SourceFile> files, List<Pragma> pragmas) {
        PreprocessedSource pre = new Preprocessor(loader, options.includeDirs(), diags).run(file);
        files.addAll(pre.files());
        if (pragmas != null) pragmas.addAll(pre.pragmas());
        if (file.path().endsWith(".vp")) return VpParser.parse(pre.text(), pre.map()::span, file, diags);
        return EmmettParser.parse(pre.text(), pre.map()::span, file, diags);
    }

    private static Budgets applyPragmas(Budgets base, List<Pragma> pragmas) {
        Map<Budgets.Kind, Long> set = new EnumMap<>(Budgets.Kind.class);
        for (Pragma p : pragmas) {
            Budgets.Kind k = Budgets.Kind.byKeyword(p.kind());
            if (k != null) set.put(k, p.value());
        }
        return base.overriddenBy(set);
    }

    /** Data bytes, clause count and static stack depth against their budgets: past 80% warns, past 100% errs. */
    private static Compilation.BudgetUsage checkBudgets(IrProgram ir, Budgets b, int vcpus, SourceFile main, Diagnostics diags) {
        Span where = Span.at(main, 0);
        long data = DataLayout.totalBytes(ir, vcpus);
        budget(diags, where, "data", data, b.data(), "bytes of data (globals, aggregates, bags, strings; per-vCPU storage for "
                + vcpus + " vCPUs)");
        budget(diags, where, "probes", ir.probes().size(), b.probes(), "probe clauses");
        long deepest = 0;
        for (IrProgram.Probe p : ir.probes()) {
            StackBound s = StackBound.of(ir, p.function());
            if (s.recursive()) { deepest = -1; continue; }
            if (deepest >= 0) deepest = Math.max(deepest, s.bytes());
            if (s.bytes() > b.stack()) {
                diags.add(new Diagnostic(Code.E0701, "clause `" + p.spec() + "` needs up to " + s.bytes() + " bytes of stack ("
                        + String.join(" -> ", chain(p.spec(), s.path())) + "), over the stack budget of " + b.stack() + " bytes; raise it with `#pragma budget stack N`",
                        Span.at(main, 0)));
            }
        }
        return new Compilation.BudgetUsage(data, ir.probes().size(), deepest);
    }

    /** The call chain with the clause's spec in place of its IR function name. */
    private static List<String> chain(String spec, List<String> path) {
        List<String> out = new ArrayList<>(path);
        if (!out.isEmpty()) out.set(0, spec);
        return out;
    }

    private static void budget(Diagnostics diags, Span where, String kind, long used, long limit, String what) {
        if (used > limit) {
            diags.report(Code.E0700, where, "the script needs " + used + " " + what + ", over the " + kind + " budget of " + limit
                    + "; raise it with `#pragma budget " + kind + " N` or in vp.json");
        } else if (used * 5 > limit * 4) {
            diags.report(Code.W0700, where, "the script uses " + used + " of its " + limit + " " + what + " (" + (used * 100 / limit)
                    + "% of the " + kind + " budget)");
        }
    }

    /** Stable order: by file (main first, in the order files were read), then by position; ties keep discovery order. */
    private static List<Diagnostic> sort(List<Diagnostic> all, List<SourceFile> files) {
        List<Diagnostic> out = new ArrayList<>(all);
        out.sort(Comparator.comparingInt((Diagnostic d) -> {
            int i = files.indexOf(d.span().file());
            return i < 0 ? Integer.MAX_VALUE : i;
        }).thenComparingInt(d -> d.span().start()));
        return out;
    }
}
