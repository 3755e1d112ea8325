package dev.vp.compiler;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.check.BudgetCheck;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.check.Checker;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        List<Pragma> pragmas = new ArrayList<>();
        try {
            for (SourceFile preload : options.preloads()) scripts.add(parse(preload, options, loader, diags, files, null, typeNames(scripts)));
            scripts.add(parse(main, options, loader, diags, files, pragmas, typeNames(scripts)));
            budgets = applyPragmas(budgets, pragmas);
            checked = Checker.check(scripts, options.target(), diags);
            if (checked.probes.isEmpty() && !diags.hasErrors()) {
                String example = checked.syntax(Span.at(main, 0)).pick("VMMLoad { printf(\"loaded\\n\"); }", "(vprobe VMMLoad (printf \"loaded\\n\"))");
                diags.report(Code.W0501, Span.at(main, 0), "the script has no probe clauses, so it never runs; add one, e.g. `" + example + "`");
            }
            if (!diags.hasErrors()) {
                ir = Lowerer.lower(checked, new IrProgram.Limits(budgets.stack(), budgets.fuel(), (int) budgets.string()));
                List<String> problems = IrVerifier.verify(ir);
                if (!problems.isEmpty()) {
                    diags.report(Code.E0900, Span.at(main, 0), "internal compiler error: the lowered program is malformed ("
                            + problems.get(0) + "); please report this with the script");
                    ir = null;
                } else {
                    usage = BudgetCheck.check(ir, checked, budgets, pragmas, options.vcpus(), diags, Span.at(main, 0));
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            diags.report(Code.E0900, Span.at(main, 0), "internal compiler error: " + e + "; please report this with the script");
            ir = null;
        }
        List<Diagnostic> sorted = sort(diags.all(), files);
        return new Compilation(main, files, scripts, checked, diags.hasErrors() ? null : ir, sorted, budgets, usage, List.copyOf(pragmas));
    }

    /** The typedef names the scripts so far declare: a later Emmett script may use them as types (C's lexer hack). */
    private static Set<String> typeNames(List<Script> scripts) {
        Set<String> names = new HashSet<>();
        for (Script s : scripts) for (Decl d : s.items()) if (d instanceof Decl.Typedef t) names.add(t.name());
        return names;
    }

    private static Script parse(SourceFile file, CompileOptions options, SourceLoader loader, Diagnostics diags,
                                List<SourceFile> files, List<Pragma> pragmas, Set<String> typeNames) {
        PreprocessedSource pre = new Preprocessor(loader, options.includeDirs(), diags).run(file);
        files.addAll(pre.files());
        if (pragmas != null) pragmas.addAll(pre.pragmas());
        if (SourceFile.isVp(file.path())) return VpParser.parse(pre.text(), pre.map()::span, file, diags);
        return EmmettParser.parse(pre.text(), pre.map()::span, file, diags, typeNames);
    }

    /**
     * The budgets with the script's pragmas applied. The preprocessor keeps only pragmas of a known kind with a value
     * in its range (one out of it is E0012 there, at the value), so every one applies; the last of a kind wins.
     */
    private static Budgets applyPragmas(Budgets base, List<Pragma> pragmas) {
        Map<Budgets.Kind, Long> set = new EnumMap<>(Budgets.Kind.class);
        for (Pragma p : pragmas) set.put(Budgets.Kind.byKeyword(p.kind()), p.value());
        return base.overriddenBy(set);
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
