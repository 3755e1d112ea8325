// A generator of random well-typed IR programs that exercise every operator, helper and cancellation path.
package dev.vp.x64.native_;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.Insn.Operand;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.ir.Terminator;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds programs from random statements: arithmetic and comparisons (division by zero included), built-ins,
 * guest reads of every size and space at mapped, unmapped, page-crossing, non-canonical and out-of-RAM
 * addresses, strings (constants, concatenation, comparison, sprintf, guest strings, globals), printf,
 * aggregates, bags (values derived from keys, since which duplicate a read removes is unspecified), calls to a
 * recursive function and a string function, loops that may run out of fuel, if/else, nested try/catch with
 * excname/excdesc, exit and assert. Every instruction has its own line so that locations are checked too.
 */
final class RandomPrograms {
    static final int REGS = 10, SLOTS = 3, CONSTS = 3;
    private final Random rnd;
    private int line;
    private final List<IrProgram.Format> formats = new ArrayList<>();
    private final List<String> strings = List.of("", "a", "hello", "b", "x".repeat(200), "zebra", "Hello, World");

    RandomPrograms(long seed) { rnd = new Random(seed); }

    private Loc loc() { return new Loc("gen.emt", ++line); }

    /** A random program with probes 0..2 on the same clause shapes. */
    IrProgram program() {
        var globals = List.of(new IrProgram.Global("cpuCount", false, true, 7, null),
                new IrProgram.Global("vmCount", false, false, 0, null),
                new IrProgram.Global("name", true, true, 0, "init"),
                new IrProgram.Global("shared", true, false, 0, null));
        var aggrs = List.of(new IrProgram.Aggr("keyed", 1, 1, 1 + rnd.nextInt(6)), new IrProgram.Aggr("plain", 0, 0, 4),
                new IrProgram.Aggr("pairs", 2, 0, 8));
        var bags = List.of(new IrProgram.Bag("bag", 1 + rnd.nextInt(4)));
        var functions = new ArrayList<IrFunction>();
        functions.add(recursive());
        functions.add(stringFunction());
        int probes = 3;
        for (int p = 0; p < probes; p++) functions.add(clause("clause" + p));
        var probeList = new ArrayList<IrProgram.Probe>();
        for (int p = 0; p < probes; p++) {
            probeList.add(new IrProgram.Probe("P" + p, Domain.VMM, "HV_Exit", null, 0, 0, 2 + p, true, false, loc()));
        }
        int stringBytes = rnd.nextInt(5) == 0 ? 64 + rnd.nextInt(192) : 256; // descriptions fit: see the report
        var limits = new IrProgram.Limits(200 + rnd.nextInt(4000), rnd.nextInt(300), stringBytes);
        return new IrProgram(globals, aggrs, bags, strings, formats, functions, probeList, limits);
    }

    /** @rec(n): n == 0 ? 1 : rec(n - 1) * 3 + n, deep enough to overflow small budgets. */
    private IrFunction recursive() {
        var b0 = List.<Insn>of(new Insn.Const(loc(), 1, 0), new Insn.Bin(loc(), Insn.BinOp.EQ, 2, 0, 1));
        var b1 = List.<Insn>of(new Insn.Const(loc(), 3, 1));
        var b2 = List.<Insn>of(new Insn.Const(loc(), 4, 1), new Insn.Bin(loc(), Insn.BinOp.SUB, 5, 0, 4),
                new Insn.Call(loc(), 0, List.of(Operand.reg(5)), 3), new Insn.Const(loc(), 4, 3),
                new Insn.Bin(loc(), Insn.BinOp.MUL, 3, 3, 4), new Insn.Bin(loc(), Insn.BinOp.ADD, 3, 3, 0));
        return new IrFunction("rec", IrFunction.ReturnKind.INT, List.of(new IrFunction.Param("n", false)), 6, 0, List.of(
                new Block(0, b0, new Terminator.Branch(loc(), 2, 1, 2)),
                new Block(1, b1, new Terminator.Return(loc(), 3)),
                new Block(2, b2, new Terminator.Return(loc(), 3))));
    }

    /** @tag(s, n) -> sprintf("%s-%d", s, n). */
    private IrFunction stringFunction() {
        int f = format("%s-%d", List.of(true, false));
        return new IrFunction("tag", IrFunction.ReturnKind.STRING, List.of(new IrFunction.Param("s", true), new IrFunction.Param("n", false)),
                1, 2, List.of(new Block(0, List.of(new Insn.Sprintf(loc(), 1, f, List.of(Operand.slot(0), Operand.reg(0)))),
                        new Terminator.Return(loc(), 1))));
    }

    private int format(String text, List<Boolean> kinds) {
        formats.add(new IrProgram.Format(text, kinds));
        return formats.size() - 1;
    }

    // ---- clause bodies: a list of blocks under construction

    private List<Block> blocks;
    private List<Insn> current;
    private int currentId;
    private final List<List<Insn>> bodies = new ArrayList<>();
    private final List<Terminator> ends = new ArrayList<>();

    private int newBlock() {
        bodies.add(new ArrayList<>());
        ends.add(null);
        return bodies.size() - 1;
    }

    private void enter(int b) { currentId = b; current = bodies.get(b); }

    private void end(Terminator t) { ends.set(currentId, t); }

    private IrFunction clause(String name) {
        bodies.clear();
        ends.clear();
        enter(newBlock());
        // the constant registers: each written once, mostly first thing (the backend then folds it into the
        // instructions that read it), sometimes later, maybe on one path only (then it is not a constant)
        undefined.clear();
        for (int c = REGS; c < REGS + CONSTS; c++) {
            if (rnd.nextInt(4) == 0) undefined.add(c);
            else current.add(new Insn.Const(loc(), c, immediate()));
        }
        statements(4 + rnd.nextInt(12), 0);
        // show every register and slot so that wrong values cannot hide
        var args = new ArrayList<Operand>();
        var kinds = new ArrayList<Boolean>();
        var text = new StringBuilder("end");
        for (int v = 0; v < REGS; v++) { args.add(Operand.reg(v)); kinds.add(false); text.append(" %x"); }
        for (int s = 0; s < SLOTS; s++) { args.add(Operand.slot(s)); kinds.add(true); text.append(" [%s]"); }
        current.add(new Insn.Printf(loc(), format(text.append('\n').toString(), kinds), args));
        int r = rnd.nextInt(20);
        if (r == 1) current.add(new Insn.StrConst(loc(), 0, rnd.nextInt(3)));
        end(r == 0 ? new Terminator.Exit(loc()) : r == 1 ? new Terminator.Cancel(loc(), Cause.ASSERT, rnd.nextBoolean() ? 0 : -1)
                : new Terminator.Return(loc(), -1));
        blocks = new ArrayList<>();
        for (int b = 0; b < bodies.size(); b++) blocks.add(new Block(b, bodies.get(b), ends.get(b)));
        return new IrFunction(name, IrFunction.ReturnKind.VOID, List.of(), REGS + CONSTS, SLOTS, blocks);
    }

    private int reg() { return rnd.nextInt(REGS); }

    /** A register to read: now and then a constant register, which only copies, stores and operations read. */
    private int operand() { return rnd.nextInt(4) == 0 ? REGS + rnd.nextInt(CONSTS) : reg(); }

    /** Constant registers not written yet (at most one write each). */
    private final List<Integer> undefined = new ArrayList<>();

    /** A constant for a constant register: mostly one that fits an immediate, edges included. */
    private long immediate() {
        return switch (rnd.nextInt(6)) {
            case 0 -> Integer.MIN_VALUE;
            case 1 -> Integer.MAX_VALUE;
            case 2 -> rnd.nextInt(130) - 2;
            case 3 -> -rnd.nextInt(1 << 20);
            case 4 -> 0x80000000L;
            default -> constant();
        };
    }

    private int slot() { return rnd.nextInt(SLOTS); }

    private long constant() {
        return switch (rnd.nextInt(8)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> -1;
            case 3 -> Long.MIN_VALUE;
            case 4 -> rnd.nextInt(100);
            case 5 -> 0x400000 + rnd.nextInt(0x2010);
            case 6 -> 1L << rnd.nextInt(64);
            default -> rnd.nextLong();
        };
    }

    private long address() {
        return switch (rnd.nextInt(8)) {
            case 0, 1 -> 0x400000 + rnd.nextInt(0x2008);       // 4 KB pages, then unmapped (crossing at the end)
            case 2 -> 0x600000 + rnd.nextInt(0x200000);         // a 2 MB page
            case 3 -> 0x80000000L + rnd.nextInt(0x500000);      // a 1 GB page, partly beyond RAM
            case 4 -> 0x800000000000L + rnd.nextInt(16);        // non-canonical
            case 5 -> 0xFFFF_FFFF_FFFF_F000L + rnd.nextInt(0x1000);
            default -> rnd.nextInt(0x401000);                   // physical: inside and just beyond RAM
        };
    }

    private void statements(int count, int depth) {
        for (int i = 0; i < count; i++) statement(depth);
    }

    private void statement(int depth) {
        int k = rnd.nextInt(depth < 3 ? 30 : 25);
        Loc l = loc();
        switch (k) {
            case 0, 1 -> current.add(new Insn.Const(l, reg(), constant()));
            case 2, 3, 4 -> current.add(new Insn.Bin(l, Insn.BinOp.values()[rnd.nextInt(Insn.BinOp.values().length)], reg(), operand(), operand()));
            case 5 -> current.add(new Insn.Un(l, Insn.UnOp.values()[rnd.nextInt(Insn.UnOp.values().length)], reg(), reg()));
            case 6 -> {
                Builtin[] b = {Builtin.ARG0, Builtin.ARG1, Builtin.ARG2, Builtin.RAX, Builtin.RIP, Builtin.RBP, Builtin.VCPUID,
                        Builtin.NUMVCPUS, Builtin.TSC, Builtin.CR3, Builtin.CS, Builtin.CSAR, Builtin.FSBASE, Builtin.GDTRLIMIT,
                        Builtin.EFER, Builtin.DR7, Builtin.EXIT_REASON, Builtin.PCPUID};
                current.add(new Insn.ReadBuiltin(l, reg(), b[rnd.nextInt(b.length)]));
            }
            case 7 -> {
                int a = reg();
                current.add(new Insn.Const(l, a, address()));
                int[] sizes = {1, 2, 4, 8};
                current.add(new Insn.LoadGuest(loc(), reg(), a, sizes[rnd.nextInt(4)], rnd.nextBoolean(),
                        rnd.nextInt(4) == 0 ? Insn.Space.PHYSICAL : Insn.Space.LINEAR));
            }
            case 8 -> {
                int a = reg();
                current.add(new Insn.Const(l, a, address()));
                current.add(new Insn.LoadGuestStr(loc(), slot(), a, 1 + rnd.nextInt(255),
                        rnd.nextInt(4) == 0 ? Insn.Space.PHYSICAL : Insn.Space.LINEAR));
            }
            case 9 -> current.add(switch (rnd.nextInt(3)) {
                case 0 -> new Insn.LoadVar(l, reg(), rnd.nextInt(2));
                case 1 -> new Insn.StoreVar(l, rnd.nextInt(2), operand());
                default -> undefined.isEmpty() ? new Insn.Move(l, reg(), operand())
                        : new Insn.Const(l, undefined.remove(rnd.nextInt(undefined.size())), immediate());
            });
            case 10 -> current.add(rnd.nextBoolean() ? new Insn.LoadStrVar(l, slot(), 2 + rnd.nextInt(2))
                    : new Insn.StoreStrVar(l, 2 + rnd.nextInt(2), slot()));
            case 11 -> current.add(new Insn.StrConst(l, slot(), rnd.nextInt(strings.size())));
            case 12 -> current.add(new Insn.StrConcat(l, slot(), slot(), slot()));
            case 13 -> current.add(new Insn.StrCmp(l, reg(), slot(), slot()));
            case 14 -> {
                var args = new ArrayList<Operand>();
                var kinds = new ArrayList<Boolean>();
                String f = SprintfFuzz.randomFormat(rnd, kinds);
                for (boolean s : kinds) args.add(s ? Operand.slot(slot()) : Operand.reg(reg()));
                int id = format(f, kinds);
                current.add(rnd.nextBoolean() ? new Insn.Sprintf(l, slot(), id, args) : new Insn.Printf(l, id, args));
            }
            case 15 -> {
                int which = rnd.nextInt(3);
                current.add(switch (which) {
                    case 0 -> new Insn.AggrAdd(l, 0, List.of(reg()), List.of(slot()), reg());
                    case 1 -> new Insn.AggrAdd(l, 1, List.of(), List.of(), reg());
                    default -> new Insn.AggrAdd(l, 2, List.of(reg(), reg()), List.of(), reg());
                });
            }
            case 16 -> current.add(rnd.nextInt(3) == 0 ? new Insn.ClearAggr(l, rnd.nextInt(3)) : new Insn.LogAggr(l, rnd.nextInt(3)));
            case 17 -> {
                int key = reg(), value = (key + 1 + rnd.nextInt(REGS - 2)) % REGS, c = value;
                while (c == key || c == value) c = reg();
                current.add(new Insn.Const(l, c, 0x5A5A));
                current.add(new Insn.Bin(loc(), Insn.BinOp.XOR, value, key, c));
                current.add(new Insn.BagInsert(loc(), 0, key, value));
            }
            case 18 -> current.add(new Insn.BagRemove(l, reg(), 0, reg()));
            case 19 -> current.add(new Insn.GuestStack(l, slot()));
            case 20 -> current.add(new Insn.ExcInfo(l, slot(), rnd.nextBoolean()));
            case 21 -> {
                int n = reg(), mask = reg();
                current.add(new Insn.Const(l, mask, 63));
                current.add(new Insn.Bin(loc(), Insn.BinOp.AND, n, n, mask));
                current.add(new Insn.Call(loc(), 0, List.of(Operand.reg(n)), reg()));
            }
            case 22 -> current.add(new Insn.Call(l, 1, List.of(Operand.slot(slot()), Operand.reg(reg())), slot()));
            case 23 -> current.add(new Insn.SystemTime(l, reg()));
            case 24 -> current.add(new Insn.BuiltinStr(l, slot(), Builtin.PROBENAME));
            case 25, 26 -> ifElse(depth);
            case 27 -> loop(depth);
            default -> tryCatch(depth);
        }
    }

    private void ifElse(int depth) {
        int cond = reg();
        int then = newBlock(), other = newBlock(), join = newBlock();
        end(new Terminator.Branch(loc(), cond, then, other));
        enter(then);
        statements(1 + rnd.nextInt(3), depth + 1);
        end(new Terminator.Jump(loc(), join));
        enter(other);
        statements(rnd.nextInt(3), depth + 1);
        end(new Terminator.Jump(loc(), join));
        enter(join);
    }

    /** for (i = limit; i != 0; i--) body, with fuel at the back edge; limit may be huge (fuel runs out). */
    private void loop(int depth) {
        int i = reg();
        int one = reg();
        current.add(new Insn.Const(loc(), i, rnd.nextInt(4) == 0 ? -1 : rnd.nextInt(20)));
        int head = newBlock(), body = newBlock(), exit = newBlock();
        end(new Terminator.Jump(loc(), head));
        enter(head);
        end(new Terminator.Branch(loc(), i, body, exit));
        enter(body);
        statements(rnd.nextInt(3), depth + 1);
        current.add(new Insn.Const(loc(), one, 1));
        current.add(new Insn.Bin(loc(), Insn.BinOp.SUB, i, i, one));
        current.add(new Insn.Fuel(loc()));
        end(new Terminator.Jump(loc(), head));
        enter(exit);
    }

    private void tryCatch(int depth) {
        int handler = newBlock(), join = newBlock();
        current.add(new Insn.TryBegin(loc(), handler));
        statements(1 + rnd.nextInt(4), depth + 1);
        if (rnd.nextInt(6) == 0) {
            int message = slot();
            current.add(new Insn.StrConst(loc(), message, rnd.nextInt(3)));
            end(new Terminator.Cancel(loc(), Cause.values()[rnd.nextInt(Cause.values().length)], rnd.nextBoolean() ? message : -1));
        } else {
            current.add(new Insn.TryEnd(loc()));
            end(new Terminator.Jump(loc(), join));
        }
        enter(handler);
        current.add(new Insn.ExcInfo(loc(), 0, false));
        current.add(new Insn.ExcInfo(loc(), 1, true));
        statements(rnd.nextInt(3), depth + 1);
        end(new Terminator.Jump(loc(), join));
        enter(join);
    }
}
