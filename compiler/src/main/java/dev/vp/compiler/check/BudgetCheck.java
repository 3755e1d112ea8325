package dev.vp.compiler.check;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.budget.StackBound;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.pp.Pragma;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.source.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The budgets the compiler can check (LANGUAGE.md section 10): data bytes, probe clauses and the static stack
 * bound of each clause's call chain; code bytes once a backend has measured them ({@link #code}). Past 80% warns (W0700), past 100% errs (E0700, E0701). Each diagnostic
 * sits where the user can act: data at its biggest contributor, clauses at the first one over the budget,
 * stack at the clause's specification; a note points at the `#pragma budget` that set the limit.
 */
public final class BudgetCheck {
    private final IrProgram ir;
    private final Checked checked;
    private final Budgets budgets;
    private final List<Pragma> pragmas;
    private final Diagnostics diags;
    private final Span fallback;

    private BudgetCheck(IrProgram ir, Checked checked, Budgets budgets, List<Pragma> pragmas, Diagnostics diags, Span fallback) {
        this.ir = ir; this.checked = checked; this.budgets = budgets; this.pragmas = pragmas; this.diags = diags; this.fallback = fallback;
    }

    /** fallback is where a diagnostic goes when nothing in the script is to blame (an empty script over a tiny budget). */
    public static Compilation.BudgetUsage check(IrProgram ir, Checked checked, Budgets budgets, List<Pragma> pragmas, int vcpus,
                                                Diagnostics diags, Span fallback) {
        BudgetCheck b = new BudgetCheck(ir, checked, budgets, pragmas, diags, fallback);
        long data = b.data(vcpus);
        b.clauses();
        long stack = b.stack();
        return new Compilation.BudgetUsage(data, ir.probes().size(), stack, vcpus);
    }

    /**
     * What a backend and its runtime measured of a script's code: the whole image's text (the helper library
     * included), each clause's code and the bound on the machine stack one firing of it needs, in probe order, the
     * machine stack the monitor gives a firing, and the runtime's refusal when its memory cannot hold the script's
     * data on the target's vCPUs (null when it can).
     */
    public record Measured(long totalBytes, List<Long> probeBytes, List<Long> probeStackBytes, long stackAllowance,
                           String arenaRefusal) {
        public Measured {
            probeBytes = List.copyOf(probeBytes);
            probeStackBytes = List.copyOf(probeStackBytes);
        }
    }

    /**
     * What only a backend can check: the code budget (at the biggest clause), and each clause whose machine stack
     * may outgrow what the monitor gives a firing (E0701 at the clause: the stack budget is charged in the IR's
     * frames, which a raised budget and recursion can turn into more machine stack than the runtime allows, and the
     * monitor would refuse the script at load); and data the runtime's memory cannot hold (E0702 at the biggest part
     * of the data: a raised data budget can allow more than the monitor has).
     */
    public static List<Diagnostic> code(Compilation c, Measured m) {
        if (c.checked() == null || c.budgets() == null) return List.of();
        List<Diagnostic> out = new ArrayList<>();
        codeBudget(c, m.totalBytes(), m.probeBytes()).ifPresent(out::add);
        if (m.arenaRefusal() != null && c.ir() != null) out.add(arena(c, m.arenaRefusal()));
        List<Checked.ProbeInfo> probes = c.checked().probes;
        for (int i = 0; i < Math.min(probes.size(), m.probeStackBytes().size()); i++) {
            long need = m.probeStackBytes().get(i);
            if (need <= m.stackAllowance()) continue;
            Checked.ProbeInfo p = probes.get(i);
            Diagnostic d = new Diagnostic(Code.E0701, "clause `" + p.spec() + "` may need up to " + need + " bytes of machine stack"
                    + " when it runs natively, over the " + m.stackAllowance() + " bytes the monitor gives a firing (the stack budget of "
                    + c.budgets().stack() + " bytes is charged in the IR's frames, which are smaller than the machine's);"
                    + " lower the budget with `#pragma budget stack N` or in vp.json", p.decl().spec().span());
            out.add(withPragmaNote(d, Budgets.Kind.STACK, c.pragmas()));
        }
        return out;
    }

    private static Optional<Diagnostic> codeBudget(Compilation c, long totalBytes, List<Long> probeBytes) {
        List<Checked.ProbeInfo> probes = c.checked().probes;
        int biggest = -1;
        for (int i = 0; i < Math.min(probes.size(), probeBytes.size()); i++) {
            if (biggest < 0 || probeBytes.get(i) > probeBytes.get(biggest)) biggest = i;
        }
        long limit = c.budgets().code();
        Span at = biggest < 0 ? Span.at(c.main(), 0) : probes.get(biggest).decl().spec().span();
        String figures = "the script compiles to " + totalBytes + " bytes of machine code (the runtime's helpers included)";
        String blame = biggest < 0 ? "" : "; the biggest clause is `" + probes.get(biggest).spec() + "`: " + probeBytes.get(biggest) + " bytes";
        return Optional.ofNullable(diagnostic(Budgets.Kind.CODE, c.pragmas(), at, totalBytes, limit,
                figures + ", over the code budget of " + limit + " bytes" + blame
                        + "; split the work between clauses or scripts, or raise the budget with `#pragma budget code N` or in vp.json",
                figures + ": " + percent(totalBytes, limit) + " of the code budget of " + limit + " bytes" + blame));
    }

    private static Diagnostic arena(Compilation c, String refusal) {
        int vcpus = c.usage().vcpus();
        Part biggest = biggest(parts(c.ir(), c.checked(), vcpus));
        Span at = biggest == null ? Span.at(c.main(), 0) : biggest.span();
        String blame = biggest == null ? "" : "; the biggest part is " + biggest.described() + "; " + biggest.smaller();
        Diagnostic d = new Diagnostic(Code.E0702, "the script's data does not fit the monitor's memory on the target's " + vcpus
                + " vCPUs, so it would be refused at load (" + refusal + ")" + blame, at);
        return withPragmaNote(d, Budgets.Kind.DATA, c.pragmas());
    }

    /** One item of the data budget: what it is, where it is declared, its bytes and how they add up. */
    private record Part(String what, Span span, long bytes, String how, String smaller) {
        String described() { return what + ": " + bytes + " bytes (" + how + ")"; }
    }

    /** The part declared in the script with the most bytes, or null. */
    private static Part biggest(List<Part> parts) {
        Part biggest = null;
        for (Part p : parts) if (p.span() != null && (biggest == null || p.bytes() > biggest.bytes())) biggest = p;
        return biggest;
    }

    private long data(int vcpus) {
        List<Part> parts = parts(ir, checked, vcpus);
        long total = DataLayout.totalBytes(ir, vcpus);
        Part biggest = biggest(parts);
        Span where = biggest == null ? fallback : biggest.span();
        String figures = "the script needs " + total + " bytes of data (globals, aggregates, bags and strings; per-vCPU storage"
                + " counted for " + vcpus + " vCPUs)";
        String blame = biggest == null ? "" : "; the biggest part is " + biggest.described();
        String advice = "; " + (biggest == null ? "use less data" : biggest.smaller())
                + ", or raise the budget with `#pragma budget data N` or in vp.json";
        report(Budgets.Kind.DATA, where, total, budgets.data(), figures + ", over the data budget of " + budgets.data() + " bytes"
                + blame + advice, figures + ": " + percent(total, budgets.data()) + " of the data budget of " + budgets.data() + " bytes" + blame);
        return total;
    }

    private static List<Part> parts(IrProgram ir, Checked checked, int vcpus) {
        List<Part> parts = new ArrayList<>();
        for (IrProgram.Global g : ir.globals()) {
            long each = DataLayout.globalBytes(g);
            Sym.Global s = checked.globals.get(g.name());
            parts.add(new Part((g.string() ? "string `" : "variable `") + g.name() + "`", s == null ? null : s.span,
                    each * (g.perVcpu() ? vcpus : 1), g.perVcpu() ? each + " bytes per vCPU x " + vcpus + " vCPUs" : each + " bytes",
                    g.perVcpu() ? "declare it `pervm` to keep one copy" : "use fewer globals"));
        }
        for (IrProgram.Aggr a : ir.aggrs()) {
            Sym.Aggr s = checked.aggrs.get(a.name());
            parts.add(new Part("aggregate `" + a.name() + "`", s == null ? null : s.span, DataLayout.aggrTableBytes(a) * vcpus,
                    a.capacity() + " entries x " + DataLayout.aggrEntryBytes(a) + " bytes per vCPU x " + vcpus + " vCPUs",
                    "give it a smaller capacity (`" + checked.syntax(s == null ? null : s.span).pick("aggr " + a.name() + "[" + a.intKeys() + "]["
                            + a.strKeys() + "] : N;", "(defaggr " + a.name() + " " + a.intKeys() + " " + a.strKeys() + " N)") + "`)"));
        }
        for (IrProgram.Bag b : ir.bags()) {
            Sym.Bag s = checked.bags.get(b.name());
            parts.add(new Part("bag `" + b.name() + "`", s == null ? null : s.span, DataLayout.bagBytes(b),
                    b.capacity() + " pairs x " + DataLayout.BAG_ENTRY + " bytes", "give it fewer pairs (`"
                            + checked.syntax(s == null ? null : s.span).bagDecl(b.name(), "N") + "`)"));
        }
        return parts;
    }

    private void clauses() {
        List<Checked.ProbeInfo> probes = checked.probes;
        long limit = budgets.probes();
        int n = probes.size();
        if (n > limit) {
            Span at = probes.get((int) limit).decl().spec().span();
            report(Budgets.Kind.PROBES, at, n, limit, "the script has " + n + " probe clauses, over the budget of " + limit
                    + "; this is clause " + (limit + 1) + "; merge clauses or raise the budget with `#pragma budget clauses N` or in vp.json", "");
        } else if (n * 5L > limit * 4) {
            Span at = probes.get((int) (limit * 4 / 5)).decl().spec().span();
            report(Budgets.Kind.PROBES, at, n, limit, "", "the script has " + n + " probe clauses: " + percent(n, limit)
                    + " of the budget of " + limit + " (from this clause on past 80%)");
        }
    }

    /** The deepest static stack of any clause, or -1 when recursion leaves it to the runtime. */
    private long stack() {
        long deepest = 0;
        boolean recursion = false;
        for (int i = 0; i < ir.probes().size(); i++) {
            IrProgram.Probe p = ir.probes().get(i);
            StackBound s = StackBound.of(ir, p.function());
            Checked.ProbeInfo info = checked.probes.get(i);
            if (s.recursive()) {
                recursion = true;
                // Recursion has no static bound, but the clause's own frame is charged at every entry.
                long entry = ir.functions().get(p.function()).frameBytes();
                if (entry > budgets.stack()) {
                    diags.add(withPragmaNote(new Diagnostic(Code.E0701, "clause `" + info.spec() + "` needs " + entry
                            + " bytes of stack for its own frame, over the stack budget of " + budgets.stack() + " bytes, so"
                            + " every firing is cancelled as it starts; raise the budget with `#pragma budget stack N` or in"
                            + " vp.json", info.decl().spec().span()), Budgets.Kind.STACK, pragmas));
                }
                continue;
            }
            deepest = Math.max(deepest, s.bytes());
            String chain = chain(s, info);
            String figures = "clause `" + info.spec() + "` needs up to " + s.bytes() + " bytes of stack (" + chain + ")";
            Diagnostic d = s.bytes() > budgets.stack()
                    ? new Diagnostic(Code.E0701, figures + ", over the stack budget of " + budgets.stack() + " bytes; make the chain"
                            + " shallower or raise the budget with `#pragma budget stack N` or in vp.json", info.decl().spec().span())
                    : s.bytes() * 5 > budgets.stack() * 4
                    ? new Diagnostic(Code.W0700, figures + ": " + percent(s.bytes(), budgets.stack()) + " of the stack budget of "
                            + budgets.stack() + " bytes", info.decl().spec().span())
                    : null;
            if (d == null) continue;
            for (String name : s.path().subList(1, s.path().size())) {
                Sym.Function f = checked.functions.get(name);
                if (f != null) d = d.withLabel(f.span, "`" + name + "` takes " + frame(name) + " bytes per call");
            }
            diags.add(withPragmaNote(d, Budgets.Kind.STACK, pragmas));
        }
        return recursion ? -1 : deepest;
    }

    /** "VMM1Hz 40 -> mid 64 -> leaf 208": the clause, then each function called, with its frame size. */
    private String chain(StackBound s, Checked.ProbeInfo info) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < s.path().size(); i++) {
            String name = s.path().get(i);
            parts.add((i == 0 ? info.spec() : name) + " " + frame(name));
        }
        return String.join(" -> ", parts);
    }

    private long frame(String function) {
        for (IrFunction f : ir.functions()) if (f.name().equals(function)) return f.frameBytes();
        return 0;
    }

    private void report(Budgets.Kind kind, Span at, long used, long limit, String over, String near) {
        Diagnostic d = diagnostic(kind, pragmas, at, used, limit, over, near);
        if (d != null) diags.add(d);
    }

    /** Past 100% an error, past 80% a warning, else null; with a note at the pragma that set the budget, if one did. */
    private static Diagnostic diagnostic(Budgets.Kind kind, List<Pragma> pragmas, Span at, long used, long limit, String over, String near) {
        Diagnostic d = used > limit ? new Diagnostic(Code.E0700, over, at)
                : used * 5 > limit * 4 ? new Diagnostic(Code.W0700, near, at) : null;
        return d == null ? null : withPragmaNote(d, kind, pragmas);
    }

    private static Diagnostic withPragmaNote(Diagnostic d, Budgets.Kind kind, List<Pragma> pragmas) {
        Pragma set = null;
        for (Pragma p : pragmas) if (Budgets.Kind.byKeyword(p.kind()) == kind) set = p;
        return set == null ? d : d.withLabel(set.span(), "the " + set.kind() + " budget of " + set.value() + " is set here");
    }

    private static String percent(long used, long limit) {
        return (limit == 0 ? 100 : used * 100 / limit) + "%";
    }
}
