package dev.vp.compiler.lower;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.check.BuiltinFunction;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.check.Sym;
import dev.vp.compiler.check.Type;
import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.ir.Terminator;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.output.FormatSpec;
import dev.vp.compiler.source.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a checked script to the IR: one IrFunction per script function and per probe clause, explicit guest
 * loads, explicit aggregate/bag/output operations, loop fuel at every back-edge and try regions.
 * It runs only on scripts the checker accepted, so it does not report errors.
 */
public final class Lowerer {
    public static final int DEFAULT_AGGR_CAPACITY = 256;

    private final Checked checked;
    private final List<IrProgram.Global> globals = new ArrayList<>();
    private final List<IrProgram.Aggr> aggrs = new ArrayList<>();
    private final List<IrProgram.Bag> bags = new ArrayList<>();
    private final List<String> strings = new ArrayList<>();
    private final Map<String, Integer> stringIds = new HashMap<>();
    private final List<IrProgram.Format> formats = new ArrayList<>();
    private final Map<IrProgram.Format, Integer> formatIds = new HashMap<>();
    private final List<IrFunction> functions = new ArrayList<>();
    private final List<IrProgram.Probe> probes = new ArrayList<>();

    private Lowerer(Checked checked) { this.checked = checked; }

    public static IrProgram lower(Checked checked, IrProgram.Limits limits) {
        Lowerer l = new Lowerer(checked);
        return UnusedFunctions.remove(l.run(limits));
    }

    private IrProgram run(IrProgram.Limits limits) {
        for (Sym.Global g : checked.globals.values()) {
            g.index = globals.size();
            boolean str = g.type instanceof Type.Str;
            long init = 0;
            String initStr = "";
            if (g.decl != null && g.decl.init() != null) {
                if (g.decl.init() instanceof Expr.StrLit s) initStr = truncate(s.value());
                else init = checked.constants.get(g.decl.init());
            }
            globals.add(new IrProgram.Global(g.name, str, g.perVcpu, init, str ? initStr : null));
        }
        for (Sym.Aggr a : checked.aggrs.values()) {
            a.index = aggrs.size();
            aggrs.add(new IrProgram.Aggr(a.name, a.intKeys, a.strKeys, a.capacity > 0 ? a.capacity : DEFAULT_AGGR_CAPACITY));
        }
        for (Sym.Bag b : checked.bags.values()) {
            b.index = bags.size();
            bags.add(new IrProgram.Bag(b.name, b.capacity));
        }
        List<Sym.Function> defined = new ArrayList<>();
        for (Sym.Function f : checked.functions.values()) {
            if (f.definition == null) continue;
            f.index = defined.size();
            defined.add(f);
        }
        for (Sym.Function f : defined) functions.add(new Body(f.name).function(f));
        List<Checked.ProbeInfo> clauses = checked.probes;
        for (Checked.ProbeInfo p : clauses) functions.add(new Body("probe" + (functions.size() - defined.size())).probe(p));
        StateNeeds needs = new StateNeeds(functions);
        for (int i = 0; i < clauses.size(); i++) {
            Checked.ProbeInfo p = clauses.get(i);
            int index = defined.size() + i;
            probes.add(new IrProgram.Probe(p.spec(), p.domain(), p.point(), p.symbol(), p.address(), p.periodNs(), index,
                    needs.readsVcpu(index), needs.needsIoctl(index), loc(p.decl().span())));
        }
        return new IrProgram(globals, aggrs, bags, strings, formats, functions, probes, limits);
    }

    /**
     * What each function touches of its vCPU, including through the functions it calls: registers and other
     * vCPU values, guest reads by linear address (they walk the vCPU's page tables) and the guest stack; and
     * whether it reads state that costs the runtime an ioctl. Read off the IR so nothing can be missed.
     */
    private static final class StateNeeds {
        private final List<IrFunction> functions;
        private final boolean[] vcpu, ioctl;

        StateNeeds(List<IrFunction> functions) {
            this.functions = functions;
            int n = functions.size();
            vcpu = new boolean[n];
            ioctl = new boolean[n];
            for (int f = 0; f < n; f++) {
                for (Block b : functions.get(f).blocks()) {
                    for (Insn insn : b.insns()) {
                        switch (insn) {
                            case Insn.ReadBuiltin r -> { vcpu[f] |= r.var().needsVcpu(); ioctl[f] |= r.var().needsIoctl(); }
                            case Insn.LoadGuest l -> vcpu[f] |= l.space() == Insn.Space.LINEAR;
                            case Insn.LoadGuestStr l -> vcpu[f] |= l.space() == Insn.Space.LINEAR;
                            case Insn.GuestStack g -> vcpu[f] = true;
                            default -> { }
                        }
                    }
                }
            }
            boolean changed = true;
            while (changed) {           // propagate from callees to callers until nothing changes (recursion allowed)
                changed = false;
                for (int f = 0; f < n; f++) {
                    for (Block b : functions.get(f).blocks()) {
                        for (Insn insn : b.insns()) {
                            if (!(insn instanceof Insn.Call c)) continue;
                            if (vcpu[c.function()] && !vcpu[f]) { vcpu[f] = true; changed = true; }
                            if (ioctl[c.function()] && !ioctl[f]) { ioctl[f] = true; changed = true; }
                        }
                    }
                }
            }
        }

        boolean readsVcpu(int f) { return vcpu[f]; }

        boolean needsIoctl(int f) { return ioctl[f]; }
    }

    private int string(String s) {
        String t = truncate(s);
        return stringIds.computeIfAbsent(t, k -> { strings.add(k); return strings.size() - 1; });
    }

    private int format(String text, List<Boolean> kinds) {
        IrProgram.Format f = new IrProgram.Format(text, kinds);
        return formatIds.computeIfAbsent(f, k -> { formats.add(k); return formats.size() - 1; });
    }

    static String truncate(String s) { return s.length() > 255 ? s.substring(0, 255) : s; }

    static Loc loc(Span span) { return span == null ? Loc.NONE : new Loc(span.file().path(), span.line()); }

    /** Builds one IrFunction: registers, slots, blocks, and the statement/expression lowering. */
    private final class Body {
        private final String name;
        /** High-water marks (what the frame needs) and the next free register and slot. */
        private int registers, slots, nextReg, nextSlot;
        private final List<List<Insn>> blockInsns = new ArrayList<>();
        private final List<Terminator> terminators = new ArrayList<>();
        private int current;
        private final Map<Sym.Local, Integer> localHome = new IdentityHashMap<>();
        private final Deque<int[]> loops = new ArrayDeque<>();       // {breakTarget, continueTarget, tryDepth}
        private int tryDepth;
        private Loc here = Loc.NONE;
        private boolean stringResult;

        Body(String name) { this.name = name; }

        IrFunction function(Sym.Function f) {
            List<IrFunction.Param> params = new ArrayList<>();
            current = newBlock();
            for (int i = 0; i < f.params.size(); i++) {
                Decl.Param p = f.definition.params().get(i);
                Sym.Local l = checked.params.get(p);
                boolean str = f.params.get(i) instanceof Type.Str;
                params.add(new IrFunction.Param(p.name(), str));
                int home = str ? slot() : reg();
                if (l != null) localHome.put(l, home);
            }
            stringResult = f.returns instanceof Type.Str;
            here = loc(f.definition.span());
            stmt(f.definition.body());
            IrFunction.ReturnKind kind = f.returns instanceof Type.Void ? IrFunction.ReturnKind.VOID
                    : stringResult ? IrFunction.ReturnKind.STRING : IrFunction.ReturnKind.INT;
            if (open()) {
                here = loc(endOf(f.definition.body().span()));
                switch (kind) {
                    case VOID -> terminate(new Terminator.Return(here, -1));
                    case INT -> { int r = constant(0); terminate(new Terminator.Return(here, r)); }
                    case STRING -> { int s = slot(); emit(new Insn.StrConst(here, s, string(""))); terminate(new Terminator.Return(here, s)); }
                }
            }
            return build(kind, params);
        }

        IrFunction probe(Checked.ProbeInfo p) {
            current = newBlock();
            here = loc(p.decl().span());
            for (Sym.Local l : p.params()) {
                int r = reg();
                localHome.put(l, r);
                Builtin arg = Builtin.valueOf("ARG" + l.argIndex);
                emit(new Insn.ReadBuiltin(here, r, arg));
                narrow(r, l.type);
            }
            stmt(p.decl().body());
            if (open()) terminate(new Terminator.Return(loc(endOf(p.decl().body().span())), -1));
            return build(IrFunction.ReturnKind.VOID, List.of());
        }

        private Span endOf(Span s) { return Span.at(s.file(), Math.max(s.start(), s.end() - 1)); }

        private IrFunction build(IrFunction.ReturnKind kind, List<IrFunction.Param> params) {
            List<Block> blocks = new ArrayList<>();
            for (int i = 0; i < blockInsns.size(); i++) {
                Terminator t = terminators.get(i);
                if (t == null) t = new Terminator.Return(here, -1);   // unreachable block left open
                blocks.add(new Block(i, blockInsns.get(i), t));
            }
            return new IrFunction(name, kind, params, registers, slots, blocks);
        }

        // ------------------------------------------------------------ blocks

        private int newBlock() {
            blockInsns.add(new ArrayList<>());
            terminators.add(null);
            return blockInsns.size() - 1;
        }

        private boolean open() { return terminators.get(current) == null; }

        private void emit(Insn i) {
            if (!open()) current = newBlock();     // code after exit()/return: unreachable, kept well-formed
            blockInsns.get(current).add(i);
        }

        private void terminate(Terminator t) {
            if (!open()) current = newBlock();
            terminators.set(current, t);
        }

        private void jump(int target) { if (open()) terminators.set(current, new Terminator.Jump(here, target)); }

        private void branch(int cond, int t, int f) { terminate(new Terminator.Branch(here, cond, t, f)); }

        private int reg() {
            registers = Math.max(registers, ++nextReg);
            return nextReg - 1;
        }

        private int slot() {
            slots = Math.max(slots, ++nextSlot);
            return nextSlot - 1;
        }

        private int constant(long v) { int r = reg(); emit(new Insn.Const(here, r, v)); return r; }

        // ------------------------------------------------------------ statements

        /**
         * Temporaries live only within their statement: registers and slots allocated while lowering a
         * statement are free again after it, except a declaration's home, which lives to the end of the
         * enclosing block. This keeps frames (charged to the stack budget) small.
         */
        private void stmt(Stmt s) {
            Loc saved = here;
            here = loc(s.span());
            int regMark = nextReg, slotMark = nextSlot;
            switch (s) {
                case Stmt.Block b -> { for (Stmt x : b.stmts()) stmt(x); }
                case Stmt.Local l -> local(l.var());
                case Stmt.ExprStmt e -> effect(e.expr());
                case Stmt.If i -> {
                    int then = newBlock(), after = newBlock();
                    int otherwise = i.otherwise() != null ? newBlock() : after;
                    cond(i.cond(), then, otherwise);
                    // the condition's temporaries are dead once it has branched: an else-if chain is nested
                    // statements, and without this each link kept its test's registers to the end of the chain
                    nextReg = regMark;
                    nextSlot = slotMark;
                    current = then; stmt(i.then()); jump(after);
                    if (i.otherwise() != null) { current = otherwise; stmt(i.otherwise()); jump(after); }
                    current = after;
                }
                case Stmt.While w -> loop(null, w.cond(), null, w.body());
                case Stmt.For f -> loop(f.init(), f.cond(), f.step(), f.body());
                case Stmt.Break b -> { int[] l = loops.peek(); closeTries(l[2]); jump(l[0]); current = newBlock(); }
                case Stmt.Continue c -> { int[] l = loops.peek(); closeTries(l[2]); jump(l[1]); current = newBlock(); }
                case Stmt.Return r -> ret(r);
                case Stmt.Try t -> tryCatch(t);
                case Stmt.Insert i -> insert(i);
                case Stmt.Empty e -> { }
            }
            if (!(s instanceof Stmt.Local)) {
                nextReg = regMark;
                nextSlot = slotMark;
            }
            here = saved;
        }

        private void closeTries(int depth) { for (int d = tryDepth; d > depth; d--) emit(new Insn.TryEnd(here)); }

        private void local(Decl.Var v) {
            Sym.Local l = checked.locals.get(v);
            boolean str = l.type instanceof Type.Str;
            int home = str ? slot() : reg();
            if (v.init() != null) {
                if (str) emit(new Insn.StrMove(here, home, str(v.init())));
                else emit(new Insn.Move(here, home, value(v.init())));
            } else if (str) emit(new Insn.StrConst(here, home, string("")));
            else emit(new Insn.Const(here, home, 0));
            localHome.put(l, home);
        }

        /** cond; body; step; with one unit of fuel spent at each back-edge. */
        private void loop(Stmt init, Expr cond, Expr step, Stmt body) {
            if (init != null) stmt(init);
            int head = newBlock(), bodyBlock = newBlock(), next = newBlock(), after = newBlock();
            jump(head);
            current = head;
            if (cond != null) cond(cond, bodyBlock, after); else jump(bodyBlock);
            current = bodyBlock;
            loops.push(new int[] {after, next, tryDepth});
            stmt(body);
            loops.pop();
            jump(next);
            current = next;
            if (step != null) effect(step);
            emit(new Insn.Fuel(here));
            jump(head);
            current = after;
        }

        private void ret(Stmt.Return r) {
            // The value is computed inside the try regions the return stands in, so that `try { return f(); }`
            // catches a cancellation in f; only then are they left.
            int result = r.value() == null ? -1 : stringResult ? str(r.value()) : value(r.value());
            closeTries(0);
            terminate(new Terminator.Return(here, result));
            current = newBlock();
        }

        private void tryCatch(Stmt.Try t) {
            int handler = newBlock(), after = newBlock();
            emit(new Insn.TryBegin(here, handler));
            tryDepth++;
            stmt(t.body());
            tryDepth--;
            if (open()) emit(new Insn.TryEnd(here));
            jump(after);
            current = handler;
            stmt(t.handler());
            jump(after);
            current = after;
        }

        private void insert(Stmt.Insert ins) {
            Expr target = ins.target();
            Sym base = target instanceof Expr.Index ix ? checked.refs.get(ix.base()) : checked.refs.get(target);
            if (base instanceof Sym.Bag b) {
                Expr.Index ix = (Expr.Index) target;
                int key = value(ix.indices().get(0));
                int v = value(ins.value());
                emit(new Insn.BagInsert(here, b.index, key, v));
                return;
            }
            Sym.Aggr a = (Sym.Aggr) base;
            List<Expr> keys = target instanceof Expr.Index ix ? ix.indices() : List.of();
            aggrAdd(a, keys, ins.value());
        }

        /** Keys are evaluated left to right, then the value; integer and string keys are split by type. */
        private void aggrAdd(Sym.Aggr a, List<Expr> keys, Expr valueExpr) {
            List<Integer> ints = new ArrayList<>(), strs = new ArrayList<>();
            for (Expr k : keys) {
                if (isString(k)) strs.add(str(k)); else ints.add(value(k));
            }
            int v = valueExpr == null ? constant(1) : value(valueExpr);
            emit(new Insn.AggrAdd(here, a.index, ints, strs, v));
        }

        // ------------------------------------------------------------ expressions

        private boolean isString(Expr e) {
            Type t = checked.type(e);
            return t instanceof Type.Str || t instanceof Type.Array a && a.element() instanceof Type.Int i && i.bytes() == 1;
        }

        private boolean isStringValue(Expr e) { return checked.type(e) instanceof Type.Str; }

        /** Evaluates for side effects only. */
        private void effect(Expr e) {
            switch (e) {
                case Expr.IncDec i -> incDec(i, false);
                case Expr.Assign a -> assign(a);
                case Expr.Call c -> call(c, false);
                default -> {
                    if (isStringValue(e)) str(e); else value(e);
                }
            }
        }

        private void cond(Expr e, int ifTrue, int ifFalse) {
            if (e instanceof Expr.Binary b && b.op() == Expr.BinOp.LAND) {
                int mid = newBlock();
                cond(b.left(), mid, ifFalse);
                current = mid;
                cond(b.right(), ifTrue, ifFalse);
            } else if (e instanceof Expr.Binary b && b.op() == Expr.BinOp.LOR) {
                int mid = newBlock();
                cond(b.left(), ifTrue, mid);
                current = mid;
                cond(b.right(), ifTrue, ifFalse);
            } else if (e instanceof Expr.Unary u && u.op() == Expr.UnOp.NOT) {
                cond(u.operand(), ifFalse, ifTrue);
            } else {
                // the test's temporaries are dead once it has branched, so a && b && ... needs no register per term
                int regMark = nextReg, slotMark = nextSlot;
                branch(value(e), ifTrue, ifFalse);
                nextReg = regMark;
                nextSlot = slotMark;
            }
        }

        /** Lowers an integer-valued expression into a fresh register. */
        private int value(Expr e) {
            Loc saved = here;
            here = loc(e.span());
            try {
                return valueOf(e);
            } finally {
                here = saved;
            }
        }

        private int valueOf(Expr e) {
            Type t = checked.type(e);
            switch (e) {
                case Expr.IntLit i -> { return constant(i.value()); }
                case Expr.Name n -> { return name(n); }
                case Expr.Unary u -> { return unary(u, t); }
                case Expr.IncDec i -> { return incDec(i, true); }
                case Expr.Binary b -> { return binary(b); }
                case Expr.Assign a -> { return assign(a); }
                case Expr.Conditional c -> {
                    int r = reg(), then = newBlock(), otherwise = newBlock(), after = newBlock();
                    cond(c.cond(), then, otherwise);
                    current = then; emit(new Insn.Move(here, r, value(c.then()))); jump(after);
                    current = otherwise; emit(new Insn.Move(here, r, value(c.otherwise()))); jump(after);
                    current = after;
                    return r;
                }
                case Expr.Call c -> { return call(c, true); }
                case Expr.Index i -> {
                    if (checked.refs.get(i.base()) instanceof Sym.Bag b) {
                        int key = value(i.indices().get(0));
                        int r = reg();
                        emit(new Insn.BagRemove(here, r, b.index, key));
                        return r;
                    }
                    return load(address(e), t);
                }
                case Expr.Member m -> { return load(address(e), t); }
                case Expr.Cast c -> {
                    int v = value(c.operand());
                    narrow(v, t);
                    return v;
                }
                case Expr.SizeofType s -> { return constant(checked.constants.get(e)); }
                case Expr.SizeofExpr s -> { return constant(checked.type(s.operand()).size()); }
                case Expr.StrLit s -> throw new IllegalStateException("string used as an integer at " + s.span());
                case Expr.Error er -> throw new IllegalStateException("lowering a script with errors");
            }
        }

        /** Truncates and extends a register in place to a C integer type narrower than 64 bits. */
        private void narrow(int r, Type t) {
            if (!(t instanceof Type.Int i) || i.bytes() >= 8) return;
            Insn.UnOp op = switch (i.bytes()) {
                case 1 -> i.signed() ? Insn.UnOp.SEXT8 : Insn.UnOp.ZEXT8;
                case 2 -> i.signed() ? Insn.UnOp.SEXT16 : Insn.UnOp.ZEXT16;
                default -> i.signed() ? Insn.UnOp.SEXT32 : Insn.UnOp.ZEXT32;
            };
            emit(new Insn.Un(here, op, r, r));
        }

        private int name(Expr.Name n) {
            Sym s = checked.refs.get(n);
            int r = reg();
            switch (s) {
                case Sym.Local l -> emit(new Insn.Move(here, r, localHome.get(l)));
                case Sym.Global g -> emit(new Insn.LoadVar(here, r, g.index));
                case Sym.EnumConst c -> emit(new Insn.Const(here, r, c.value()));
                case Sym.GuestSymbol g -> emit(new Insn.Const(here, r, g.address()));
                case Sym.BuiltinVar b when b.builtin() == null -> emit(new Insn.Const(here, r, 0));
                case Sym.BuiltinVar b -> emit(new Insn.ReadBuiltin(here, r, b.builtin()));
                default -> throw new IllegalStateException("name " + n.name() + " lowered as a value");
            }
            return r;
        }

        private int unary(Expr.Unary u, Type t) {
            return switch (u.op()) {
                case DEREF -> load(address(u), t);
                case ADDR -> {
                    if (checked.refs.get(u.operand()) instanceof Sym.GuestSymbol g) yield constant(g.address());
                    yield address(u.operand()).reg;
                }
                case PLUS -> value(u.operand());
                case NEG, NOT, BITNOT -> {
                    int a = value(u.operand()), r = reg();
                    Insn.UnOp op = u.op() == Expr.UnOp.NEG ? Insn.UnOp.NEG : u.op() == Expr.UnOp.NOT ? Insn.UnOp.LNOT : Insn.UnOp.NOT;
                    emit(new Insn.Un(here, op, r, a));
                    yield r;
                }
            };
        }

        private int binary(Expr.Binary b) {
            Type lt = checked.type(b.left()), rt = checked.type(b.right());
            if (b.op() == Expr.BinOp.LAND || b.op() == Expr.BinOp.LOR) {
                int r = reg(), yes = newBlock(), no = newBlock(), after = newBlock();
                cond(b, yes, no);
                current = yes; emit(new Insn.Const(here, r, 1)); jump(after);
                current = no; emit(new Insn.Const(here, r, 0)); jump(after);
                current = after;
                return r;
            }
            if (lt instanceof Type.Str || rt instanceof Type.Str) {
                int l = str(b.left()), rr = str(b.right());
                int c = reg(), zero = constant(0), r = reg();
                emit(new Insn.StrCmp(here, c, l, rr));
                emit(new Insn.Bin(here, b.op() == Expr.BinOp.EQ ? Insn.BinOp.EQ : Insn.BinOp.NE, r, c, zero));
                return r;
            }
            int mark = nextReg;
            int l = value(b.left()), rr = value(b.right());
            long lscale = scale(lt), rscale = scale(rt);
            if (b.op() == Expr.BinOp.ADD || b.op() == Expr.BinOp.SUB) {
                if (lscale > 0 && rscale > 0 && b.op() == Expr.BinOp.SUB) return pointerDifference(l, rr, lscale);
                if (lscale > 1 && rscale == 0) rr = scaled(rr, lscale);
                if (rscale > 1 && lscale == 0) l = scaled(l, rscale);
            }
            // the operands' temporaries die here (both engines read the operands before writing the result), so the
            // result may take the first of them: a long chain such as a + b + c + ... needs two registers, not one
            // per term, and its frame (charged to the stack budget) stays small
            nextReg = mark;
            int r = reg();
            emit(new Insn.Bin(here, binOp(b.op()), r, l, rr));
            return r;
        }

        /**
         * (p - q) / size as C defines it: a signed element count, so q above p gives a negative count. The IR
         * divides unsigned only, so the magnitude is divided and the sign put back.
         */
        private int pointerDifference(int p, int q, long size) {
            int diff = reg();
            emit(new Insn.Bin(here, Insn.BinOp.SUB, diff, p, q));
            if (size == 1) return diff;
            int sign = reg(), flipped = reg(), magnitude = reg(), quotient = reg(), back = reg(), r = reg();
            emit(new Insn.Bin(here, Insn.BinOp.SAR, sign, diff, constant(63)));
            emit(new Insn.Bin(here, Insn.BinOp.XOR, flipped, diff, sign));
            emit(new Insn.Bin(here, Insn.BinOp.SUB, magnitude, flipped, sign));
            emit(new Insn.Bin(here, Insn.BinOp.UDIV, quotient, magnitude, constant(size)));
            emit(new Insn.Bin(here, Insn.BinOp.XOR, back, quotient, sign));
            emit(new Insn.Bin(here, Insn.BinOp.SUB, r, back, sign));
            return r;
        }

        /** Element size for pointer arithmetic, 0 for non-pointers. */
        private long scale(Type t) {
            if (t instanceof Type.Pointer p) return Math.max(1, p.target().size());
            if (t instanceof Type.Array a) return Math.max(1, a.element().size());
            return 0;
        }

        private int scaled(int r, long by) {
            int out = reg();
            emit(new Insn.Bin(here, Insn.BinOp.MUL, out, r, constant(by)));
            return out;
        }

        private Insn.BinOp binOp(Expr.BinOp op) {
            return switch (op) {
                case ADD -> Insn.BinOp.ADD; case SUB -> Insn.BinOp.SUB; case MUL -> Insn.BinOp.MUL;
                case DIV -> Insn.BinOp.UDIV; case MOD -> Insn.BinOp.UREM; case SHL -> Insn.BinOp.SHL;
                case SHR -> Insn.BinOp.SHR; case AND -> Insn.BinOp.AND; case OR -> Insn.BinOp.OR; case XOR -> Insn.BinOp.XOR;
                case EQ -> Insn.BinOp.EQ; case NE -> Insn.BinOp.NE; case LT -> Insn.BinOp.ULT; case LE -> Insn.BinOp.ULE;
                case GT -> Insn.BinOp.UGT; case GE -> Insn.BinOp.UGE;
                case LAND, LOR -> throw new IllegalStateException("short-circuit operator lowered as a plain binary");
            };
        }

        private int assign(Expr.Assign a) {
            Sym s = checked.refs.get(a.target());
            boolean str = checked.type(a.target()) instanceof Type.Str;
            if (str) {
                int v;
                if (a.op() != null) {
                    int cur = readString(s), rhs = str(a.value());
                    v = slot();
                    emit(new Insn.StrConcat(here, v, cur, rhs));
                } else v = str(a.value());
                writeString(s, v);
                return -1;
            }
            int v;
            if (a.op() != null) {
                int cur = readInt(s), rhs = value(a.value());
                Type tt = checked.type(a.target());
                if ((a.op() == Expr.BinOp.ADD || a.op() == Expr.BinOp.SUB) && scale(tt) > 1) rhs = scaled(rhs, scale(tt));
                v = reg();
                emit(new Insn.Bin(here, binOp(a.op()), v, cur, rhs));
            } else v = value(a.value());
            writeInt(s, v);
            return v;
        }

        private int incDec(Expr.IncDec i, boolean wantValue) {
            Expr t = i.target();
            Sym base = t instanceof Expr.Index ix ? checked.refs.get(ix.base()) : checked.refs.get(t);
            if (base instanceof Sym.Aggr a) {
                aggrAdd(a, t instanceof Expr.Index ix ? ix.indices() : List.of(), null);
                return wantValue ? constant(0) : -1;
            }
            int old = readInt(base);
            long step = Math.max(1, scale(checked.type(t)));
            int nv = reg();
            emit(new Insn.Bin(here, i.increment() ? Insn.BinOp.ADD : Insn.BinOp.SUB, nv, old, constant(step)));
            writeInt(base, nv);
            return i.prefix() ? nv : old;
        }

        private int readInt(Sym s) {
            int r = reg();
            if (s instanceof Sym.Local l) emit(new Insn.Move(here, r, localHome.get(l)));
            else emit(new Insn.LoadVar(here, r, ((Sym.Global) s).index));
            return r;
        }

        private void writeInt(Sym s, int v) {
            if (s instanceof Sym.Local l) emit(new Insn.Move(here, localHome.get(l), v));
            else emit(new Insn.StoreVar(here, ((Sym.Global) s).index, v));
        }

        private int readString(Sym s) {
            int r = slot();
            if (s instanceof Sym.Local l) emit(new Insn.StrMove(here, r, localHome.get(l)));
            else emit(new Insn.LoadStrVar(here, r, ((Sym.Global) s).index));
            return r;
        }

        private void writeString(Sym s, int v) {
            if (s instanceof Sym.Local l) emit(new Insn.StrMove(here, localHome.get(l), v));
            else emit(new Insn.StoreStrVar(here, ((Sym.Global) s).index, v));
        }

        // ------------------------------------------------------------ guest memory

        private record Address(int reg, Insn.Space space) {}

        /** The guest address of an lvalue in guest memory. */
        private Address address(Expr e) {
            return switch (e) {
                case Expr.Unary u when u.op() == Expr.UnOp.DEREF -> new Address(value(u.operand()), space(checked.type(u.operand())));
                case Expr.Member m -> {
                    Address base = m.arrow() ? new Address(value(m.base()), space(checked.type(m.base()))) : address(m.base());
                    long off = checked.fields.get(m).offset();
                    if (off == 0) yield base;
                    int r = reg();
                    emit(new Insn.Bin(here, Insn.BinOp.ADD, r, base.reg, constant(off)));
                    yield new Address(r, base.space);
                }
                case Expr.Index i -> {
                    Type bt = checked.type(i.base());
                    Address base = bt instanceof Type.Array ? address(i.base()) : new Address(value(i.base()), space(bt));
                    int idx = value(i.indices().get(0));
                    long size = scale(bt);
                    int off = size == 1 ? idx : scaled(idx, size);
                    int r = reg();
                    emit(new Insn.Bin(here, Insn.BinOp.ADD, r, base.reg, off));
                    yield new Address(r, base.space);
                }
                default -> throw new IllegalStateException("not a guest location: " + e.span());
            };
        }

        private Insn.Space space(Type pointer) {
            return pointer instanceof Type.Pointer p && p.model().physical ? Insn.Space.PHYSICAL : Insn.Space.LINEAR;
        }

        /** Loads a value of type t from guest memory; arrays are their address (they decay). */
        private int load(Address a, Type t) {
            if (t instanceof Type.Array) return a.reg;
            int size = (int) t.size();
            boolean signed = t instanceof Type.Int i && i.signed();
            if (t instanceof Type.Struct) signed = false;
            int r = reg();
            emit(new Insn.LoadGuest(here, r, a.reg, size, signed, a.space));
            return r;
        }

        // ------------------------------------------------------------ strings

        /** Lowers a string-valued expression into a fresh slot. */
        private int str(Expr e) {
            Loc saved = here;
            here = loc(e.span());
            try {
                return strOf(e);
            } finally {
                here = saved;
            }
        }

        private int strOf(Expr e) {
            Type t = checked.type(e);
            if (t instanceof Type.Array arr) {
                Address a = address(e);
                int s = slot();
                emit(new Insn.LoadGuestStr(here, s, a.reg, (int) Math.min(255, Math.max(1, arr.length())), a.space));
                return s;
            }
            switch (e) {
                case Expr.StrLit l -> { int s = slot(); emit(new Insn.StrConst(here, s, string(l.value()))); return s; }
                case Expr.Name n -> {
                    Sym sym = checked.refs.get(n);
                    if (sym instanceof Sym.BuiltinVar b) {
                        int s = slot();
                        emit(new Insn.BuiltinStr(here, s, b.builtin()));
                        return s;
                    }
                    return readString(sym);
                }
                case Expr.Binary b -> {
                    // as for integers (binary): the operands' temporaries die here (concat reads both before it
                    // writes), so the result takes the first of them and a + b + c + ... needs two slots, not two
                    // per term: each slot is 256 bytes of the frame the stack budget charges
                    int mark = nextSlot;
                    int l = str(b.left()), r = str(b.right());
                    nextSlot = mark;
                    int s = slot();
                    emit(new Insn.StrConcat(here, s, l, r));
                    return s;
                }
                case Expr.Assign a -> {
                    assign(a);
                    return readString(checked.refs.get(a.target()));
                }
                case Expr.Conditional c -> {
                    int s = slot(), then = newBlock(), otherwise = newBlock(), after = newBlock();
                    cond(c.cond(), then, otherwise);
                    current = then; emit(new Insn.StrMove(here, s, str(c.then()))); jump(after);
                    current = otherwise; emit(new Insn.StrMove(here, s, str(c.otherwise()))); jump(after);
                    current = after;
                    return s;
                }
                case Expr.Call c -> { return call(c, true); }
                case Expr.Cast c -> {
                    if (checked.type(c.operand()) instanceof Type.Str) return str(c.operand());
                    int addr = value(c.operand());
                    int s = slot();
                    Insn.Space sp = space(checked.type(c.operand()));
                    emit(new Insn.LoadGuestStr(here, s, addr, 255, sp));
                    return s;
                }
                default -> throw new IllegalStateException("not a string expression: " + e.span());
            }
        }

        // ------------------------------------------------------------ calls

        /** Lowers a call; the result is a register, a slot (string results) or -1. */
        private int call(Expr.Call c, boolean wantValue) {
            BuiltinFunction bf = checked.builtinCalls.get(c);
            if (bf != null) return builtinCall(c, bf);
            Sym.Function f = (Sym.Function) checked.refs.get(c);
            List<Insn.Operand> args = new ArrayList<>();
            for (int i = 0; i < c.args().size(); i++) {
                Expr a = c.args().get(i);
                args.add(f.params.get(i) instanceof Type.Str ? Insn.Operand.slot(str(a)) : Insn.Operand.reg(value(a)));
            }
            int dst = f.returns instanceof Type.Void ? -1 : f.returns instanceof Type.Str ? slot() : reg();
            emit(new Insn.Call(here, f.index, args, dst));
            return dst;
        }

        private int builtinCall(Expr.Call c, BuiltinFunction f) {
            List<Expr> args = c.args();
            switch (f) {
                case PRINTF -> { emit(printf(args, 0)); return -1; }
                case SPRINTF -> {
                    Insn.Printf p = printf(args, 1);
                    int s = slot();
                    emit(new Insn.Sprintf(here, s, p.format(), p.args()));
                    writeString(checked.refs.get(args.get(0)), s);
                    return -1;
                }
                case LOGINT -> { int v = value(args.get(0)); emit(new Insn.Printf(here, format("%u\n", List.of(false)), List.of(Insn.Operand.reg(v)))); return -1; }
                case LOGSTR -> { int s = str(args.get(0)); emit(new Insn.Printf(here, format("%s\n", List.of(true)), List.of(Insn.Operand.slot(s)))); return -1; }
                case STRCMP -> {
                    int a = str(args.get(0)), b = str(args.get(1)), r = reg();
                    emit(new Insn.StrCmp(here, r, a, b));
                    return r;
                }
                case GETGUEST, GETGUESTPHYS -> {
                    int a = value(args.get(0)), r = reg();
                    boolean lin = f == BuiltinFunction.GETGUEST;
                    emit(new Insn.LoadGuest(here, r, a, 8, false, lin ? Insn.Space.LINEAR : Insn.Space.PHYSICAL));
                    return r;
                }
                case GETGUESTSTR, GETGUESTPHYSSTR -> {
                    int len = args.size() == 3 ? checked.constants.get(args.get(1)).intValue() : 255;
                    int a = value(args.get(args.size() - 1)), s = slot();
                    boolean lin = f == BuiltinFunction.GETGUESTSTR;
                    emit(new Insn.LoadGuestStr(here, s, a, Math.max(1, Math.min(255, len)), lin ? Insn.Space.LINEAR : Insn.Space.PHYSICAL));
                    writeString(checked.refs.get(args.get(0)), s);
                    return -1;
                }
                case GUESTSTACK -> {
                    int s = slot();
                    emit(new Insn.GuestStack(here, s));
                    writeString(checked.refs.get(args.get(0)), s);
                    return -1;
                }
                case GETSYSTEMTIME -> { int r = reg(); emit(new Insn.SystemTime(here, r)); return r; }
                case EXIT -> { terminate(new Terminator.Exit(here)); current = newBlock(); return -1; }
                case EXCNAME, EXCDESC -> { int s = slot(); emit(new Insn.ExcInfo(here, s, f == BuiltinFunction.EXCDESC)); return s; }
                case LOGAGGR -> { emit(new Insn.LogAggr(here, ((Sym.Aggr) checked.refs.get(args.get(0))).index)); return -1; }
                case CLEARAGGR -> { emit(new Insn.ClearAggr(here, ((Sym.Aggr) checked.refs.get(args.get(0))).index)); return -1; }
                case ASSERT -> {
                    int ok = newBlock(), fail = newBlock();
                    cond(args.get(0), ok, fail);
                    current = fail;
                    int msg = -1;
                    if (args.size() > 1) {
                        Insn.Printf p = printf(args, 1);
                        msg = slot();
                        emit(new Insn.Sprintf(here, msg, p.format(), p.args()));
                    }
                    terminate(new Terminator.Cancel(here, Cause.ASSERT, msg));
                    current = ok;
                    return -1;
                }
            }
            throw new IllegalStateException("unhandled built-in " + f);
        }

        /** The format is args[at]; each later argument is a string or an integer as its conversion says. */
        private Insn.Printf printf(List<Expr> args, int at) {
            String text = ((Expr.StrLit) args.get(at)).value();
            List<FormatSpec.Conversion> conversions = ((FormatSpec) FormatSpec.parse(text)).conversions();
            List<Boolean> kinds = new ArrayList<>();
            List<Insn.Operand> ops = new ArrayList<>();
            for (int i = at + 1; i < args.size(); i++) {
                Expr a = args.get(i);
                boolean s = conversions.get(i - at - 1).takesString();
                kinds.add(s);
                ops.add(s ? Insn.Operand.slot(str(a)) : Insn.Operand.reg(value(a)));
            }
            return new Insn.Printf(here, format(text, kinds), ops);
        }
    }
}
