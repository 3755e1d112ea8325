// The reference semantics of the IR: runs probe clauses against a guest, one firing at a time.
package dev.vp.compiler.interp;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.Insn.Operand;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.ir.Terminator;
import dev.vp.compiler.ir.IrVerifier;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.output.AggregatePrinter;
import dev.vp.compiler.output.AggregateTable;
import dev.vp.compiler.output.FormatSpec;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.compiler.output.OutputSink;
import dev.vp.compiler.output.PrintfFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes an IrProgram: the oracle every backend is compared with, byte for byte. It holds the script's
 * data (per-vCPU and per-VM globals, per-vCPU aggregate tables, bags) across firings and runs one clause per
 * {@link #fire}. A firing has loop fuel and a stack budget (Limits); frames are charged IrFunction.frameBytes,
 * the probe's own at entry. Cancellations unwind to the innermost try handler, across calls, or end the
 * firing and are counted per probe. Strings hold one byte per char (ISO-8859-1).
 * <p>
 * vcpu is 0..vcpus-1, or {@link #HOST} for VMX-domain probes (which get their own copy of per-vCPU data and
 * their own aggregate tables). Not thread-safe: the interpreter runs one firing at a time.
 */
public final class Interpreter {
    public static final int HOST = -1;

    private final IrProgram program;
    private final int vcpus;
    private final OutputSink sink;
    private final int maxString;
    private final Insn[][][] code;
    private final boolean[] perVcpu;
    private final long[][] intGlobals;
    private final String[][] strGlobals;
    private final AggregateTable[][] aggrTables;
    private final BagTable[] bags;
    private final FormatSpec[] formats;
    private final String[] constants;
    private final boolean[] updatedSinceLog;
    private final ProbeCounters[] counters;

    // State of the firing in progress.
    private Frame[] frames = new Frame[8];
    private int depth;
    private long fuel;
    private long stackUsed;
    private int copy;
    private int vcpu;
    private GuestContext guest;
    private String probeName;
    private String excName = "", excDesc = "";

    /** Rejects a program the verifier finds wrong: the interpreter trusts indices and kinds after that. */
    public Interpreter(IrProgram program, int vcpus, OutputSink sink) {
        List<String> problems = IrVerifier.verify(program);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the IR program is not well formed:\n  " + String.join("\n  ", problems));
        }
        if (vcpus < 1) throw new IllegalArgumentException("an interpreter needs at least 1 vCPU, got " + vcpus);
        this.program = program;
        this.vcpus = vcpus;
        this.sink = sink;
        this.maxString = program.limits().stringBytes() - 1;
        code = new Insn[program.functions().size()][][];
        for (int f = 0; f < code.length; f++) {
            List<Block> blocks = program.functions().get(f).blocks();
            code[f] = new Insn[blocks.size()][];
            for (int b = 0; b < blocks.size(); b++) code[f][b] = blocks.get(b).insns().toArray(Insn[]::new);
        }
        int globals = program.globals().size();
        perVcpu = new boolean[globals];
        intGlobals = new long[globals][];
        strGlobals = new String[globals][];
        for (int g = 0; g < globals; g++) {
            IrProgram.Global def = program.globals().get(g);
            perVcpu[g] = def.perVcpu();
            int copies = def.perVcpu() ? vcpus + 1 : 1;
            if (def.string()) {
                strGlobals[g] = new String[copies];
                Arrays.fill(strGlobals[g], truncate(def.initString() == null ? "" : def.initString()));
            } else {
                intGlobals[g] = new long[copies];
                Arrays.fill(intGlobals[g], def.initInt());
            }
        }
        aggrTables = new AggregateTable[program.aggrs().size()][vcpus + 1];
        for (int a = 0; a < aggrTables.length; a++) {
            IrProgram.Aggr def = program.aggrs().get(a);
            for (int c = 0; c <= vcpus; c++) aggrTables[a][c] = new AggregateTable(def.intKeys(), def.strKeys(), def.capacity());
        }
        updatedSinceLog = new boolean[program.aggrs().size()];
        bags = new BagTable[program.bags().size()];
        for (int b = 0; b < bags.length; b++) bags[b] = new BagTable(program.bags().get(b).capacity());
        formats = new FormatSpec[program.formats().size()];
        for (int f = 0; f < formats.length; f++) formats[f] = (FormatSpec) FormatSpec.parse(program.formats().get(f).text());
        constants = new String[program.strings().size()];
        for (int s = 0; s < constants.length; s++) constants[s] = truncate(program.strings().get(s));
        counters = new ProbeCounters[program.probes().size()];
        for (int p = 0; p < counters.length; p++) counters[p] = new ProbeCounters();
    }

    public IrProgram program() { return program; }

    public int vcpus() { return vcpus; }

    public ProbeCounters counters(int probe) { return counters[probe]; }

    /** Inserts dropped because the bag was full, since load. */
    public long bagDrops(int bag) { return bags[bag].dropped; }

    /** Updates dropped because a vCPU's table was full, since the last clearaggr. */
    public long aggregateDrops(int aggr) {
        long n = 0;
        for (AggregateTable t : aggrTables[aggr]) n += t.dropped();
        return n;
    }

    /** Whether an aggregate was updated since its last logaggr (the unload summary prints those, as DTrace does). */
    public boolean updatedSinceLog(int aggr) { return updatedSinceLog[aggr]; }

    /** The aggregate's logaggr text, merged over all tables (the unload summary uses it too). */
    public String printAggregate(int aggr) {
        return AggregatePrinter.print(program.aggrs().get(aggr).name(), Arrays.asList(aggrTables[aggr]));
    }

    /** The integer global's value on a vCPU (or HOST); per-VM globals ignore vcpu. */
    public long intGlobal(int global, int vcpu) { return intGlobals[global][copyOf(global, vcpu)]; }

    public String stringGlobal(int global, int vcpu) { return strGlobals[global][copyOf(global, vcpu)]; }

    private int copyOf(int global, int vcpu) { return perVcpu[global] ? (vcpu == HOST ? vcpus : vcpu) : 0; }

    /** Runs probe clause number probe once on vcpu (or HOST) with the guest's state. */
    public FiringResult fire(int probe, int vcpu, GuestContext guest) {
        if (probe < 0 || probe >= counters.length) {
            throw new IllegalArgumentException("no probe " + probe + ": the program has " + counters.length);
        }
        if (vcpu != HOST && (vcpu < 0 || vcpu >= vcpus)) {
            throw new IllegalArgumentException("no vCPU " + vcpu + ": the interpreter has " + vcpus + " (or HOST)");
        }
        IrProgram.Probe p = program.probes().get(probe);
        ProbeCounters count = counters[probe];
        count.fired();
        this.vcpu = vcpu;
        this.copy = vcpu == HOST ? vcpus : vcpu;
        this.guest = guest;
        this.probeName = truncate(p.spec());
        this.fuel = program.limits().loopFuel();
        this.stackUsed = 0;
        this.depth = 0;
        this.excName = "";
        this.excDesc = "";
        try {
            enter(p.function(), p.loc());
            boolean exited = run();
            if (exited) { count.exited(); return FiringResult.EXITED; }
            return FiringResult.COMPLETED;
        } catch (Cancellation c) {
            count.cancelled(c.cause, c.loc, c.description);
            return FiringResult.cancelled(c.cause, c.loc, c.description);
        } finally {
            this.guest = null;
            for (int i = 0; i < depth; i++) frames[i].clearStrings();
            depth = 0;
        }
    }

    /** One activation: the function's registers and slots, where it is, and its open try regions. */
    private static final class Frame {
        int function;
        IrFunction fn;
        long[] regs = new long[16];
        String[] slots = new String[4];
        int block;
        int pc;
        int[] handlers = new int[4];
        int tries;
        long stackBase;
        int callDst; // in the caller: where the pending call's result goes

        void clearStrings() { Arrays.fill(slots, null); }
    }

    /** A cancellation in flight: thrown where it happens, caught by a try handler or by fire(). */
    private static final class Cancellation extends RuntimeException {
        final Cause cause;
        final Loc loc;
        final String description;

        Cancellation(Cause cause, Loc loc, String description) {
            super(description, null, false, false);
            this.cause = cause;
            this.loc = loc;
            this.description = description;
        }
    }

    /** Pushes a frame for function, charging its frame to the stack budget. */
    private Frame enter(int function, Loc loc) {
        IrFunction fn = program.functions().get(function);
        long need = fn.frameBytes();
        if (stackUsed + need > program.limits().stackBytes()) {
            throw new Cancellation(Cause.STACK, loc,
                    "stack: stack budget of " + program.limits().stackBytes() + " bytes exceeded");
        }
        if (depth == frames.length) frames = Arrays.copyOf(frames, depth * 2);
        Frame f = frames[depth];
        if (f == null) f = frames[depth] = new Frame();
        f.function = function;
        f.fn = fn;
        if (f.regs.length < fn.registers()) f.regs = new long[fn.registers()];
        else Arrays.fill(f.regs, 0, fn.registers(), 0);
        if (f.slots.length < fn.slots()) f.slots = new String[fn.slots()];
        Arrays.fill(f.slots, 0, fn.slots(), "");
        f.block = 0;
        f.pc = 0;
        f.tries = 0;
        f.stackBase = stackUsed;
        stackUsed += need;
        depth++;
        return f;
    }

    /** Runs until the probe's frame returns (false) or exit() (true); unhandled cancellations propagate. */
    private boolean run() {
        while (true) {
            try {
                return loop();
            } catch (Cancellation c) {
                if (!handle(c)) throw c;
            } catch (GuestFault g) {
                Cancellation c = new Cancellation(Cause.GUEST_FAULT, currentLoc(), g.getMessage());
                if (!handle(c)) throw c;
            }
        }
    }

    /** The instruction that was executing when a guest fault escaped from a helper. */
    private Loc currentLoc() {
        Frame f = frames[depth - 1];
        return code[f.function][f.block][f.pc - 1].loc();
    }

    /** Finds the innermost try handler on the frame stack and resumes there; false when there is none. */
    private boolean handle(Cancellation c) {
        for (int d = depth - 1; d >= 0; d--) {
            Frame f = frames[d];
            if (f.tries > 0) {
                for (int i = d + 1; i < depth; i++) frames[i].clearStrings();
                depth = d + 1;
                stackUsed = f.stackBase + f.fn.frameBytes();
                f.block = f.handlers[--f.tries];
                f.pc = 0;
                excName = c.cause.shortName;
                excDesc = c.description;
                return true;
            }
        }
        return false;
    }

    private boolean loop() {
        Frame f = frames[depth - 1];
        Insn[] insns = code[f.function][f.block];
        long[] r = f.regs;
        String[] s = f.slots;
        while (true) {
            if (f.pc < insns.length) {
                Insn insn = insns[f.pc++];
                switch (insn) {
                    case Insn.Const i -> r[i.dst()] = i.value();
                    case Insn.Move i -> r[i.dst()] = r[i.src()];
                    case Insn.Bin i -> r[i.dst()] = binary(i, r[i.a()], r[i.b()]);
                    case Insn.Un i -> r[i.dst()] = unary(i.op(), r[i.a()]);
                    case Insn.ReadBuiltin i -> r[i.dst()] = builtin(i.var());
                    case Insn.BuiltinStr i -> s[i.dst()] = probeName;
                    case Insn.SystemTime i -> r[i.dst()] = guest.hostMicros();
                    case Insn.LoadGuest i -> r[i.dst()] = loadGuest(i, r[i.addr()]);
                    case Insn.LoadGuestStr i -> s[i.dst()] = guest.memory().readString(guest.read(Builtin.CR3),
                            r[i.addr()], Math.min(i.maxLen(), maxString), i.space() == Insn.Space.PHYSICAL);
                    case Insn.LoadVar i -> r[i.dst()] = intGlobals[i.global()][perVcpu[i.global()] ? copy : 0];
                    case Insn.StoreVar i -> intGlobals[i.global()][perVcpu[i.global()] ? copy : 0] = r[i.src()];
                    case Insn.LoadStrVar i -> s[i.dst()] = strGlobals[i.global()][perVcpu[i.global()] ? copy : 0];
                    case Insn.StoreStrVar i -> strGlobals[i.global()][perVcpu[i.global()] ? copy : 0] = s[i.src()];
                    case Insn.StrConst i -> s[i.dst()] = constants[i.constant()];
                    case Insn.StrMove i -> s[i.dst()] = s[i.src()];
                    case Insn.StrConcat i -> s[i.dst()] = truncate(s[i.a()] + s[i.b()]);
                    case Insn.StrCmp i -> r[i.dst()] = Integer.signum(s[i.a()].compareTo(s[i.b()]));
                    case Insn.Sprintf i -> s[i.dst()] = truncate(PrintfFormatter.format(formats[i.format()], args(f, i.args())));
                    case Insn.Printf i -> sink.accept(new OutputRecord(vcpu, guest.read(Builtin.TSC),
                            PrintfFormatter.format(formats[i.format()], args(f, i.args()))));
                    case Insn.AggrAdd i -> { aggrAdd(f, i); updatedSinceLog[i.aggr()] = true; }
                    case Insn.LogAggr i -> {
                        sink.accept(new OutputRecord(vcpu, guest.read(Builtin.TSC), printAggregate(i.aggr())));
                        updatedSinceLog[i.aggr()] = false;
                    }
                    case Insn.ClearAggr i -> { for (AggregateTable t : aggrTables[i.aggr()]) t.clear(); }
                    case Insn.BagInsert i -> bags[i.bag()].insert(r[i.key()], r[i.value()]);
                    case Insn.BagRemove i -> r[i.dst()] = bags[i.bag()].remove(r[i.key()]);
                    case Insn.GuestStack i -> s[i.dst()] = guest.memory().guestStack(guest.read(Builtin.CR3),
                            guest.read(Builtin.RIP), guest.read(Builtin.RBP), maxString);
                    case Insn.ExcInfo i -> s[i.dst()] = i.description() ? excDesc : excName;
                    case Insn.Call i -> {
                        f.callDst = i.dst();
                        Frame callee = enter(i.function(), i.loc());
                        int nextReg = 0, nextSlot = 0;
                        for (Operand a : i.args()) {
                            if (a.string()) callee.slots[nextSlot++] = s[a.index()];
                            else callee.regs[nextReg++] = r[a.index()];
                        }
                        f = callee;
                        insns = code[f.function][0];
                        r = f.regs;
                        s = f.slots;
                    }
                    case Insn.Fuel i -> {
                        if (fuel == 0) {
                            throw new Cancellation(Cause.LOOP_FUEL, i.loc(), "loop-fuel: loop budget of "
                                    + program.limits().loopFuel() + " back-edges exhausted");
                        }
                        fuel--;
                    }
                    case Insn.TryBegin i -> {
                        if (f.tries == f.handlers.length) f.handlers = Arrays.copyOf(f.handlers, f.tries * 2);
                        f.handlers[f.tries++] = i.handler();
                    }
                    case Insn.TryEnd i -> f.tries--;
                }
                continue;
            }
            switch (f.fn.blocks().get(f.block).terminator()) {
                case Terminator.Jump t -> { f.block = t.target(); f.pc = 0; }
                case Terminator.Branch t -> { f.block = r[t.cond()] != 0 ? t.ifTrue() : t.ifFalse(); f.pc = 0; }
                case Terminator.Exit t -> { return true; }
                case Terminator.Cancel t -> throw new Cancellation(t.cause(), t.loc(), cancelText(t, s));
                case Terminator.Return t -> {
                    IrFunction.ReturnKind kind = f.fn.returns();
                    long intValue = kind == IrFunction.ReturnKind.INT ? r[t.value()] : 0;
                    String strValue = kind == IrFunction.ReturnKind.STRING ? s[t.value()] : null;
                    f.clearStrings();
                    depth--;
                    stackUsed = f.stackBase;
                    if (depth == 0) return false;
                    f = frames[depth - 1];
                    r = f.regs;
                    s = f.slots;
                    if (f.callDst >= 0) {
                        if (kind == IrFunction.ReturnKind.STRING) s[f.callDst] = strValue;
                        else r[f.callDst] = intValue;
                    }
                }
            }
            insns = code[f.function][f.block];
        }
    }

    private String cancelText(Terminator.Cancel t, String[] s) {
        String message = t.message() >= 0 ? s[t.message()] : null;
        return switch (t.cause()) {
            case ASSERT -> "assert: " + (message != null ? message : "assertion failed");
            default -> message != null ? t.cause().shortName + ": " + message : t.cause().shortName;
        };
    }

    private long binary(Insn.Bin i, long a, long b) {
        return switch (i.op()) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case UDIV -> { if (b == 0) throw divisionByZero(i.loc()); yield Long.divideUnsigned(a, b); }
            case UREM -> { if (b == 0) throw divisionByZero(i.loc()); yield Long.remainderUnsigned(a, b); }
            case AND -> a & b;
            case OR -> a | b;
            case XOR -> a ^ b;
            case SHL -> a << b;
            case SHR -> a >>> b;
            case SAR -> a >> b;
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case ULT -> Long.compareUnsigned(a, b) < 0 ? 1 : 0;
            case ULE -> Long.compareUnsigned(a, b) <= 0 ? 1 : 0;
            case UGT -> Long.compareUnsigned(a, b) > 0 ? 1 : 0;
            case UGE -> Long.compareUnsigned(a, b) >= 0 ? 1 : 0;
        };
    }

    private static Cancellation divisionByZero(Loc loc) {
        return new Cancellation(Cause.DIVISION_BY_ZERO, loc, "division-by-zero");
    }

    private static long unary(Insn.UnOp op, long a) {
        return switch (op) {
            case NEG -> -a;
            case NOT -> ~a;
            case LNOT -> a == 0 ? 1 : 0;
            case SEXT8 -> (byte) a;
            case SEXT16 -> (short) a;
            case SEXT32 -> (int) a;
            case ZEXT8 -> a & 0xFFL;
            case ZEXT16 -> a & 0xFFFFL;
            case ZEXT32 -> a & 0xFFFF_FFFFL;
        };
    }

    private long builtin(Builtin var) {
        return switch (var) {
            case VCPUID -> vcpu;
            case NUMVCPUS -> vcpus;
            default -> guest.read(var);
        };
    }

    private long loadGuest(Insn.LoadGuest i, long addr) {
        GuestMemory mem = guest.memory();
        long v = i.space() == Insn.Space.PHYSICAL ? mem.readPhysical(addr, i.size())
                : mem.readLinear(guest.read(Builtin.CR3), addr, i.size());
        if (!i.signed() || i.size() == 8) return v;
        int shift = 64 - 8 * i.size();
        return v << shift >> shift;
    }

    private List<PrintfFormatter.Arg> args(Frame f, List<Operand> operands) {
        var out = new ArrayList<PrintfFormatter.Arg>(operands.size());
        for (Operand o : operands) out.add(o.string() ? PrintfFormatter.of(f.slots[o.index()]) : PrintfFormatter.of(f.regs[o.index()]));
        return out;
    }

    private void aggrAdd(Frame f, Insn.AggrAdd i) {
        long[] ints = new long[i.intKeys().size()];
        for (int k = 0; k < ints.length; k++) ints[k] = f.regs[i.intKeys().get(k)];
        String[] strs = new String[i.strKeys().size()];
        for (int k = 0; k < strs.length; k++) strs[k] = f.slots[i.strKeys().get(k)];
        aggrTables[i.aggr()][copy].add(ints, strs, f.regs[i.value()], guest.read(Builtin.TSC));
    }

    private String truncate(String text) {
        int nul = text.indexOf('\0');
        int end = Math.min(nul < 0 ? text.length() : nul, maxString);
        return end == text.length() ? text : text.substring(0, end);
    }

    /** A bag: one shared table of (key, value) pairs; a read removes the oldest pair with the key. */
    private static final class BagTable {
        final int capacity;
        final Map<Long, ArrayDeque<Long>> pairs = new HashMap<>();
        int size;
        long dropped;

        BagTable(int capacity) { this.capacity = capacity; }

        void insert(long key, long value) {
            if (size >= capacity) { dropped++; return; }
            pairs.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(value);
            size++;
        }

        long remove(long key) {
            ArrayDeque<Long> values = pairs.get(key);
            if (values == null) return 0;
            long v = values.removeFirst();
            if (values.isEmpty()) pairs.remove(key);
            size--;
            return v;
        }
    }
}
