// Checks that an IrProgram is well formed, so that both engines can trust its indices and kinds.
package dev.vp.compiler.ir;

import dev.vp.compiler.ir.text.IrPrinter;
import dev.vp.compiler.output.FormatError;
import dev.vp.compiler.output.FormatSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The IR verifier: every index in range, operand kinds (register vs slot) as each instruction needs them,
 * formats that parse and match their argument kinds, calls that match their callee, try regions balanced
 * along every path, probes that run void functions without parameters. Returns readable problems; empty
 * means well formed.
 */
public final class IrVerifier {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final int MAX_STRING = 255;

    private final IrProgram program;
    private final List<String> problems = new ArrayList<>();
    private final List<FormatSpec> formats = new ArrayList<>();

    private IrVerifier(IrProgram program) { this.program = program; }

    public static List<String> verify(IrProgram program) {
        var v = new IrVerifier(program);
        v.data();
        for (int f = 0; f < program.functions().size(); f++) v.function(program.functions().get(f));
        v.probes();
        return List.copyOf(v.problems);
    }

    private void data() {
        IrProgram.Limits l = program.limits();
        if (l == null) { problems.add("the program has no limits"); return; }
        if (l.stackBytes() <= 0) problems.add("limits: stack budget must be positive, is " + l.stackBytes());
        if (l.loopFuel() < 0) problems.add("limits: loop fuel must not be negative, is " + l.loopFuel());
        if (l.stringBytes() < 2 || l.stringBytes() > MAX_STRING + 1) {
            problems.add("limits: string bytes must be between 2 and 256 (a string slot's size), is " + l.stringBytes());
        }
        names("global", program.globals().stream().map(IrProgram.Global::name).toList());
        names("aggregate", program.aggrs().stream().map(IrProgram.Aggr::name).toList());
        names("bag", program.bags().stream().map(IrProgram.Bag::name).toList());
        names("function", program.functions().stream().map(IrFunction::name).toList());
        for (IrProgram.Global g : program.globals()) {
            if (g.string() && g.initString() != null) byteString("global $" + g.name() + "'s initial value", g.initString());
        }
        for (IrProgram.Aggr a : program.aggrs()) {
            if (a.intKeys() < 0 || a.strKeys() < 0 || a.capacity() < 1) {
                problems.add("aggregate $" + a.name() + ": key counts must be >= 0 and capacity >= 1, are ["
                        + a.intKeys() + "][" + a.strKeys() + "] capacity " + a.capacity());
            }
        }
        for (IrProgram.Bag b : program.bags()) {
            if (b.capacity() < 1) problems.add("bag $" + b.name() + ": capacity must be >= 1, is " + b.capacity());
        }
        for (int i = 0; i < program.strings().size(); i++) byteString("str" + i, program.strings().get(i));
        for (int i = 0; i < program.formats().size(); i++) {
            IrProgram.Format f = program.formats().get(i);
            byteString("fmt" + i, f.text());
            switch (FormatSpec.parse(f.text())) {
                case FormatSpec spec -> {
                    formats.add(spec);
                    List<FormatSpec.Conversion> convs = spec.conversions();
                    if (convs.size() != f.stringArgs().size()) {
                        problems.add("fmt" + i + ": the format has " + convs.size() + " conversions but lists "
                                + f.stringArgs().size() + " argument kinds");
                    } else {
                        for (int a = 0; a < convs.size(); a++) {
                            if (convs.get(a).takesString() != f.stringArgs().get(a)) {
                                problems.add("fmt" + i + ": argument " + (a + 1) + " is listed as "
                                        + kind(f.stringArgs().get(a)) + " but %" + convs.get(a).conversion() + " takes " + kind(convs.get(a).takesString()));
                            }
                        }
                    }
                }
                case FormatError e -> {
                    formats.add(null);
                    problems.add("fmt" + i + ": offset " + e.offset() + ": " + e.message());
                }
            }
        }
    }

    private static String kind(boolean string) { return string ? "a string" : "an integer"; }

    private void names(String what, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n == null || !NAME.matcher(n).matches()) problems.add(what + " name `" + n + "` is not an identifier");
            else if (!seen.add(n)) problems.add(what + " name `" + n + "` is used twice");
        }
    }

    private void byteString(String where, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                problems.add(where + ": character " + i + " is U+" + Integer.toHexString(s.charAt(i))
                        + ", but strings are bytes (one char per byte, 0-255)");
                return;
            }
        }
    }

    private void probes() {
        for (int p = 0; p < program.probes().size(); p++) {
            IrProgram.Probe probe = program.probes().get(p);
            String where = "probe " + p + " (" + probe.spec() + ")";
            if (probe.function() < 0 || probe.function() >= program.functions().size()) {
                problems.add(where + ": function index " + probe.function() + " out of range");
                continue;
            }
            IrFunction fn = program.functions().get(probe.function());
            if (fn.returns() != IrFunction.ReturnKind.VOID || !fn.params().isEmpty()) {
                problems.add(where + ": its function @" + fn.name() + " must be void without parameters");
            }
        }
    }

    /** Per-function checks; where() names the instruction in messages. */
    private void function(IrFunction fn) {
        String fname = "@" + fn.name();
        if (fn.registers() < 0 || fn.slots() < 0) { problems.add(fname + ": negative register or slot count"); return; }
        long intParams = fn.params().stream().filter(p -> !p.string()).count();
        long strParams = fn.params().size() - intParams;
        if (intParams > fn.registers() || strParams > fn.slots()) {
            problems.add(fname + ": " + intParams + " int and " + strParams + " string parameters need at least as many registers ("
                    + fn.registers() + ") and slots (" + fn.slots() + ")");
        }
        if (fn.blocks().isEmpty()) { problems.add(fname + ": has no blocks (block 0 is the entry)"); return; }
        for (int b = 0; b < fn.blocks().size(); b++) {
            Block block = fn.blocks().get(b);
            if (block.id() != b) problems.add(fname + " b" + b + ": block id is " + block.id() + ", must equal its index " + b);
            if (block.terminator() == null) { problems.add(fname + " b" + b + ": has no terminator"); continue; }
            for (int i = 0; i < block.insns().size(); i++) {
                Insn insn = block.insns().get(i);
                if (insn == null) { problems.add(fname + " b" + b + ": instruction " + i + " is null"); continue; }
                new InsnCheck(fn, fname + " b" + b + " `" + IrPrinter.insn(program, insn) + "`").check(insn);
            }
            new InsnCheck(fn, fname + " b" + b + " `" + IrPrinter.terminator(block.terminator(), fn) + "`").check(block.terminator());
        }
        tryBalance(fn, fname);
    }

    private final class InsnCheck {
        private final IrFunction fn;
        private final String where;

        InsnCheck(IrFunction fn, String where) { this.fn = fn; this.where = where; }

        private void problem(String message) { problems.add(where + ": " + message); }

        private void reg(int r) { if (r < 0 || r >= fn.registers()) problem("register v" + r + " out of range (the function has " + fn.registers() + ")"); }

        private void slot(int s) { if (s < 0 || s >= fn.slots()) problem("slot s" + s + " out of range (the function has " + fn.slots() + ")"); }

        private void operand(Insn.Operand o) { if (o.string()) slot(o.index()); else reg(o.index()); }

        private void block(int b) { if (b < 0 || b >= fn.blocks().size()) problem("block b" + b + " out of range (the function has " + fn.blocks().size() + ")"); }

        private void index(String what, int i, int size) { if (i < 0 || i >= size) problem(what + " index " + i + " out of range (the program has " + size + ")"); }

        private IrProgram.Global global(int g, boolean string) {
            index("global", g, program.globals().size());
            if (g < 0 || g >= program.globals().size()) return null;
            IrProgram.Global def = program.globals().get(g);
            if (def.string() != string) problem("global $" + def.name() + " is " + kind(def.string()) + " variable");
            return def;
        }

        private void formatArgs(int format, List<Insn.Operand> args) {
            index("format", format, program.formats().size());
            for (Insn.Operand a : args) operand(a);
            if (format < 0 || format >= program.formats().size()) return;
            List<Boolean> kinds = program.formats().get(format).stringArgs();
            if (kinds.size() != args.size()) { problem("fmt" + format + " takes " + kinds.size() + " arguments, given " + args.size()); return; }
            for (int i = 0; i < args.size(); i++) {
                if (kinds.get(i) != args.get(i).string()) problem("argument " + (i + 1) + " must be " + kind(kinds.get(i)));
            }
        }

        void check(Insn insn) {
            switch (insn) {
                case Insn.Const i -> reg(i.dst());
                case Insn.Move i -> { reg(i.dst()); reg(i.src()); }
                case Insn.Bin i -> { reg(i.dst()); reg(i.a()); reg(i.b()); }
                case Insn.Un i -> { reg(i.dst()); reg(i.a()); }
                case Insn.ReadBuiltin i -> { reg(i.dst()); if (i.var().isString()) problem(i.var() + " is a string: read it with a slot destination"); }
                case Insn.BuiltinStr i -> { slot(i.dst()); if (!i.var().isString()) problem(i.var() + " is an integer: read it with a register destination"); }
                case Insn.SystemTime i -> reg(i.dst());
                case Insn.LoadGuest i -> {
                    reg(i.dst()); reg(i.addr());
                    if (i.size() != 1 && i.size() != 2 && i.size() != 4 && i.size() != 8) problem("guest load size must be 1, 2, 4 or 8, is " + i.size());
                }
                case Insn.LoadGuestStr i -> {
                    slot(i.dst()); reg(i.addr());
                    if (i.maxLen() < 1 || i.maxLen() > MAX_STRING) problem("string length must be 1..255, is " + i.maxLen());
                }
                case Insn.LoadVar i -> { reg(i.dst()); global(i.global(), false); }
                case Insn.StoreVar i -> { reg(i.src()); global(i.global(), false); }
                case Insn.LoadStrVar i -> { slot(i.dst()); global(i.global(), true); }
                case Insn.StoreStrVar i -> { slot(i.src()); global(i.global(), true); }
                case Insn.StrConst i -> { slot(i.dst()); index("string constant", i.constant(), program.strings().size()); }
                case Insn.StrMove i -> { slot(i.dst()); slot(i.src()); }
                case Insn.StrConcat i -> { slot(i.dst()); slot(i.a()); slot(i.b()); }
                case Insn.StrCmp i -> { reg(i.dst()); slot(i.a()); slot(i.b()); }
                case Insn.Sprintf i -> { slot(i.dst()); formatArgs(i.format(), i.args()); }
                case Insn.Printf i -> formatArgs(i.format(), i.args());
                case Insn.AggrAdd i -> {
                    index("aggregate", i.aggr(), program.aggrs().size());
                    i.intKeys().forEach(this::reg);
                    i.strKeys().forEach(this::slot);
                    reg(i.value());
                    if (i.aggr() >= 0 && i.aggr() < program.aggrs().size()) {
                        IrProgram.Aggr a = program.aggrs().get(i.aggr());
                        if (a.intKeys() != i.intKeys().size() || a.strKeys() != i.strKeys().size()) {
                            problem("aggregate $" + a.name() + " takes " + a.intKeys() + " integer and " + a.strKeys()
                                    + " string keys, given " + i.intKeys().size() + " and " + i.strKeys().size());
                        }
                    }
                }
                case Insn.LogAggr i -> index("aggregate", i.aggr(), program.aggrs().size());
                case Insn.ClearAggr i -> index("aggregate", i.aggr(), program.aggrs().size());
                case Insn.BagInsert i -> { index("bag", i.bag(), program.bags().size()); reg(i.key()); reg(i.value()); }
                case Insn.BagRemove i -> { index("bag", i.bag(), program.bags().size()); reg(i.dst()); reg(i.key()); }
                case Insn.GuestStack i -> slot(i.dst());
                case Insn.ExcInfo i -> slot(i.dst());
                case Insn.Call i -> call(i);
                case Insn.Fuel i -> { }
                case Insn.TryBegin i -> block(i.handler());
                case Insn.TryEnd i -> { }
            }
        }

        private void call(Insn.Call i) {
            index("function", i.function(), program.functions().size());
            i.args().forEach(this::operand);
            if (i.function() < 0 || i.function() >= program.functions().size()) return;
            IrFunction callee = program.functions().get(i.function());
            List<IrFunction.Param> params = callee.params();
            if (params.size() != i.args().size()) {
                problem("@" + callee.name() + " takes " + params.size() + " arguments, given " + i.args().size());
            } else {
                for (int a = 0; a < params.size(); a++) {
                    if (params.get(a).string() != i.args().get(a).string()) {
                        problem("argument " + (a + 1) + " (" + params.get(a).name() + ") must be " + kind(params.get(a).string()));
                    }
                }
            }
            if (i.dst() >= 0) {
                switch (callee.returns()) {
                    case VOID -> problem("@" + callee.name() + " returns nothing: the destination must be -1");
                    case INT -> reg(i.dst());
                    case STRING -> slot(i.dst());
                }
            }
        }

        void check(Terminator t) {
            switch (t) {
                case Terminator.Jump j -> block(j.target());
                case Terminator.Branch b -> { reg(b.cond()); block(b.ifTrue()); block(b.ifFalse()); }
                case Terminator.Return r -> {
                    switch (fn.returns()) {
                        case VOID -> { if (r.value() != -1) problem("a void function returns no value"); }
                        case INT -> reg(r.value());
                        case STRING -> slot(r.value());
                    }
                }
                case Terminator.Exit e -> { }
                case Terminator.Cancel c -> {
                    if (c.cause() == null) problem("cancel needs a cause");
                    if (c.message() != -1) slot(c.message());
                }
            }
        }
    }

    /**
     * Walks the blocks with the stack of open try handlers: each block must be reached with the same stack
     * on every path, TryEnd needs an open region, and ret needs none open (exit and cancel may leave them).
     */
    private void tryBalance(IrFunction fn, String fname) {
        int n = fn.blocks().size();
        List<List<Integer>> entry = new ArrayList<>();
        for (int b = 0; b < n; b++) entry.add(null);
        boolean[] reported = new boolean[n];
        var work = new ArrayDeque<Integer>();
        entry.set(0, List.of());
        work.add(0);
        while (!work.isEmpty()) {
            int b = work.poll();
            Block block = fn.blocks().get(b);
            var stack = new ArrayList<>(entry.get(b));
            boolean broken = false;
            for (Insn insn : block.insns()) {
                if (insn instanceof Insn.TryBegin t) {
                    reach(fn, fname, entry, reported, work, t.handler(), List.copyOf(stack), b);
                    stack.add(t.handler());
                } else if (insn instanceof Insn.TryEnd) {
                    if (stack.isEmpty()) {
                        problems.add(fname + " b" + b + ": endtry without an open try region");
                        broken = true;
                        break;
                    }
                    stack.removeLast();
                }
            }
            if (broken || block.terminator() == null) continue;
            List<Integer> out = List.copyOf(stack);
            switch (block.terminator()) {
                case Terminator.Jump j -> reach(fn, fname, entry, reported, work, j.target(), out, b);
                case Terminator.Branch br -> {
                    reach(fn, fname, entry, reported, work, br.ifTrue(), out, b);
                    reach(fn, fname, entry, reported, work, br.ifFalse(), out, b);
                }
                case Terminator.Return r -> {
                    if (!out.isEmpty()) problems.add(fname + " b" + b + ": ret with " + out.size() + " try region(s) still open: close them with endtry first");
                }
                case Terminator.Exit e -> { }
                case Terminator.Cancel c -> { }
            }
        }
    }

    private void reach(IrFunction fn, String fname, List<List<Integer>> entry, boolean[] reported, ArrayDeque<Integer> work,
                       int target, List<Integer> stack, int from) {
        if (target < 0 || target >= fn.blocks().size()) return; // reported by the instruction checks
        List<Integer> known = entry.get(target);
        if (known == null) {
            entry.set(target, stack);
            work.add(target);
        } else if (!Objects.equals(known, stack) && !reported[target]) {
            reported[target] = true;
            problems.add(fname + " b" + target + ": reached with open try handlers " + handlers(known) + " and, from b"
                    + from + ", " + handlers(stack) + ": try regions must be balanced on every path");
        }
    }

    private static String handlers(List<Integer> stack) {
        return stack.isEmpty() ? "[]" : stack.stream().map(h -> "b" + h).toList().toString();
    }
}
