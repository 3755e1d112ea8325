// Instruction selection for one IR function: each IR instruction straight to a few x86-64 instructions.
package dev.vp.x64.gen;

import static dev.vp.x64.abi.Abi.*;
import static dev.vp.x64.asm.Reg.*;
import static dev.vp.x64.asm.Size.BYTE;
import static dev.vp.x64.asm.Size.DWORD;
import static dev.vp.x64.asm.Size.QWORD;
import static dev.vp.x64.asm.Size.WORD;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.ir.Terminator;
import dev.vp.compiler.lang.Builtin;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.asm.Alu;
import dev.vp.x64.asm.Assembler;
import dev.vp.x64.asm.Cond;
import dev.vp.x64.asm.Label;
import dev.vp.x64.asm.Mem;
import dev.vp.x64.asm.Operand;
import dev.vp.x64.asm.Reg;
import dev.vp.x64.asm.Shift;
import dev.vp.x64.asm.Unary;
import dev.vp.x64.helpers.HelperLibrary;
import java.util.ArrayList;
import java.util.List;

/**
 * Emits one function. Frame (RBP-based): saved R14 and R15, the caller's argument block pointer, spill slots,
 * one 24-byte save area per try nesting level (the previous handler triple), the string slots (256 bytes each),
 * and at RSP the outgoing argument block that helpers and calls read (ints as values, strings as pointers; a
 * string-returning call adds the destination slot's address last). Calls charge the callee's IR frame size
 * against the stack budget before the call and release it after, as the interpreter does. Cancelling paths
 * and the helper calls behind inline fast paths (guest reads, aggregate updates, printf records) are cold stubs
 * after the function's blocks, each with its own line-table entry.
 */
final class FunctionEmitter {
    private static final int SAVE_R14 = -8, SAVE_R15 = -16, ARG_BLOCK = -24, SPILLS = -24;

    private final Assembler a;
    private final IrProgram program;
    private final IrFunction fn;
    private final HelperLibrary h;
    private final Label[] functions;
    private final NativeCompiler.Rodata rodata;
    private final NativeProgram.Layout layout;
    private final int maxString;
    private final List<NativeCompiler.LineMark> lines;
    private final RegisterAllocator.Allocation alloc;
    private final TryDepths tries;
    private final Label[] blockLabels, landings;
    private final List<Runnable> stubs = new ArrayList<>();
    private final int tryBase, slotBase, frameSize;
    /** How many instructions and terminators read each virtual register. */
    private final int[] reads;
    private final boolean saveR14, saveR15;
    private Loc lastLoc;

    /** Per aggregate: whether any function of the program clears it (see {@link #clearedAggregates(IrProgram)}). */
    private final boolean[] clearedAggregates;

    /** Which aggregates a clearaggr anywhere in the program names: only those can have a stale table. */
    static boolean[] clearedAggregates(IrProgram program) {
        boolean[] cleared = new boolean[program.aggrs().size()];
        for (IrFunction f : program.functions()) {
            for (Block b : f.blocks()) for (Insn insn : b.insns()) if (insn instanceof Insn.ClearAggr c) cleared[c.aggr()] = true;
        }
        return cleared;
    }

    FunctionEmitter(Assembler a, IrProgram program, IrFunction fn, HelperLibrary h, Label[] functions, NativeCompiler.Rodata rodata,
                    NativeProgram.Layout layout, int maxString, List<NativeCompiler.LineMark> lines, boolean[] clearedAggregates) {
        this.a = a;
        this.clearedAggregates = clearedAggregates;
        this.program = program;
        this.tries = new TryDepths(fn);
        this.fn = DeadCode.strip(program, Webs.split(program, fn, tries));
        this.h = h;
        this.functions = functions;
        this.rodata = rodata;
        this.layout = layout;
        this.maxString = maxString;
        this.lines = lines;
        this.alloc = RegisterAllocator.allocate(program, this.fn, tries);
        reads = new int[this.fn.registers()];
        for (Block b : this.fn.blocks()) {
            for (Insn insn : b.insns()) for (int v : RegisterAllocator.uses(insn)) reads[v]++;
            for (int v : RegisterAllocator.uses(b.terminator(), this.fn)) reads[v]++;
        }
        saveR14 = alloc.usesCalleeSaved(R14);
        saveR15 = alloc.usesCalleeSaved(R15);
        tryBase = SPILLS - 8 * alloc.spillSlots();
        slotBase = tryBase - 24 * tries.maxDepth();
        int out = 0;
        for (Block b : fn.blocks()) for (Insn insn : b.insns()) out = Math.max(out, outgoing(insn));
        int size = -slotBase + 256 * fn.slots() + 8 * out;
        frameSize = (size + 15) & ~15;
        blockLabels = new Label[fn.blocks().size()];
        landings = new Label[fn.blocks().size()];
        for (int b = 0; b < blockLabels.length; b++) {
            blockLabels[b] = a.newLabel();
            if (tries.isHandler(b)) landings[b] = a.newLabel();
        }
    }

    /** The machine stack one call takes: the return address, the saved RBP and the frame (spills, tries, slots, outgoing). */
    int frameBytes() { return 16 + frameSize; }

    private static int outgoing(Insn insn) {
        return switch (insn) {
            case Insn.Sprintf i -> i.args().size();
            case Insn.Printf i -> i.args().size();
            case Insn.AggrAdd i -> i.intKeys().size() + i.strKeys().size() + 1;
            case Insn.BagInsert i -> 2;
            case Insn.Call i -> i.args().size() + 1;
            default -> 0;
        };
    }

    static NativeCompiler.LineMark mark(Assembler a, Loc loc) {
        Label l = a.newLabel();
        a.bind(l);
        a.annotate(loc.toString());
        return new NativeCompiler.LineMark(l, loc);
    }

    private void at(Loc loc) {
        if (!loc.equals(lastLoc)) {
            lines.add(mark(a, loc));
            lastLoc = loc;
        }
    }

    private static Mem m(Reg base, int disp) { return Mem.of(base, disp); }

    private Mem slot(int s) { return m(RBP, slotBase - 256 * (s + 1)); }

    private Mem tryArea(int depth) { return m(RBP, tryBase - 24 * (depth + 1)); }

    private Mem out(int i) { return m(RSP, 8 * i); }

    /** Where a virtual register lives: its register or its spill slot. */
    private Operand place(int v) {
        Reg r = alloc.regs()[v];
        if (r != null) return r;
        if (alloc.spillSlot()[v] >= 0) return m(RBP, SPILLS - 8 * (alloc.spillSlot()[v] + 1));
        throw new IllegalStateException("v" + v + " of @" + fn.name() + " has no place: it is never live");
    }

    /** v's value when it is a folded constant (each reader takes it as an immediate), else null. */
    private Long constant(int v) {
        return alloc.isFolded(v) ? alloc.constant()[v] : null;
    }

    private void load(Reg dst, int v) {
        Long k = constant(v);
        if (k != null) {
            if (k == 0) a.alu(Alu.XOR, DWORD, dst, dst);
            else a.mov(QWORD, dst, k);
            return;
        }
        Operand p = place(v);
        switch (p) {
            case Reg r -> { if (r != dst) a.mov(QWORD, dst, r); }
            case Mem mm -> a.mov(QWORD, dst, mm);
        }
    }

    private void store(int v, Reg src) {
        if (!alloc.used(v)) return;
        Operand p = place(v);
        switch (p) {
            case Reg r -> { if (r != src) a.mov(QWORD, r, src); }
            case Mem mm -> a.mov(QWORD, mm, src);
        }
    }

    /** A register holding v: its own, or v loaded into scratch. */
    private Reg inReg(int v, Reg scratch) {
        if (constant(v) == null && place(v) instanceof Reg r) return r;
        load(scratch, v);
        return scratch;
    }

    void emit() {
        lastLoc = null;
        a.push(RBP);
        a.mov(QWORD, RBP, RSP);
        a.alu(Alu.SUB, QWORD, RSP, frameSize);
        if (saveR14) a.mov(QWORD, m(RBP, SAVE_R14), R14);
        if (saveR15) a.mov(QWORD, m(RBP, SAVE_R15), R15);
        a.mov(QWORD, m(RBP, ARG_BLOCK), RAX);
        int nextInt = 0, nextStr = 0, arg = 0;
        List<int[]> intParams = new ArrayList<>();
        for (IrFunction.Param p : fn.params()) {
            if (p.string()) {
                a.lea(QWORD, RAX, slot(nextStr++));
                a.mov(QWORD, RCX, m(RBP, ARG_BLOCK));
                a.mov(QWORD, RCX, m(RCX, 8 * arg));
                a.call(h.strcpy);
            } else {
                intParams.add(new int[] {nextInt++, arg});
            }
            arg++;
        }
        for (int s = nextStr; s < fn.slots(); s++) a.mov(BYTE, slot(s), 0);
        if (!intParams.isEmpty()) a.mov(QWORD, RCX, m(RBP, ARG_BLOCK));
        for (int[] p : intParams) {
            if (!alloc.used(p[0])) continue;
            a.mov(QWORD, RAX, m(RCX, 8 * p[1]));
            store(p[0], RAX);
        }
        var zero = alloc.liveAtEntry();
        for (int v = zero.nextSetBit(0); v >= 0; v = zero.nextSetBit(v + 1)) {
            if (!alloc.used(v)) continue;
            switch (place(v)) {
                case Reg r -> a.alu(Alu.XOR, DWORD, r, r);
                case Mem mm -> a.mov(QWORD, mm, 0);
            }
        }
        for (int b = 0; b < fn.blocks().size(); b++) {
            if (!tries.reachable(b)) continue;
            a.bind(blockLabels[b]);
            Block block = fn.blocks().get(b);
            int depth = tries.depth(b);
            Insn.Bin fused = fusedCompare(block);
            for (Insn insn : block.insns()) {
                at(insn.loc());
                if (insn != fused) depth = insn(insn, depth);
            }
            at(block.terminator().loc());
            if (fused != null) branch((Terminator.Branch) block.terminator(), b, () -> compare(fused));
            else terminator(block.terminator(), b);
        }
        for (int b = 0; b < fn.blocks().size(); b++) {
            if (landings[b] == null || !tries.reachable(b)) continue;
            lastLoc = null;
            a.bind(landings[b]);
            a.lea(QWORD, RBP, m(RSP, frameSize));
            restoreHandler(tries.depth(b));
            a.jmp(blockLabels[b]);
        }
        for (Runnable stub : stubs) stub.run();
    }

    /** A cold path: marks its location and calls a cancelling helper, which never returns. */
    private Label stub(Loc loc, Label helper) {
        return cold(loc, () -> a.call(helper));
    }

    /**
     * A cold path after the function's blocks, with its own line-table entry (a helper it calls may cancel): body
     * ends by jumping back into the function or by calling a helper that never returns.
     */
    private Label cold(Loc loc, Runnable body) {
        Label l = a.newLabel();
        stubs.add(() -> {
            a.bind(l);
            lines.add(mark(a, loc));
            body.run();
        });
        return l;
    }

    private void restoreHandler(int depth) {
        Mem area = tryArea(depth);
        int[] fields = {CTX_TRY_RSP, CTX_TRY_PC, CTX_TRY_STACK_USED};
        for (int i = 0; i < 3; i++) {
            a.mov(QWORD, RAX, m(area.base(), area.disp() + 8 * i));
            a.mov(QWORD, m(RBX, fields[i]), RAX);
        }
    }

    private void call(Label helper) { a.call(helper); }

    private void rodataAddress(Reg dst, int offset) {
        a.mov(QWORD, dst, m(RBX, CTX_RODATA));
        a.lea(QWORD, dst, m(dst, offset));
    }

    /** Emits one instruction; returns the try depth after it. */
    private int insn(Insn insn, int depth) {
        switch (insn) {
            case Insn.Const i -> {
                if (!alloc.used(i.dst())) break;
                switch (place(i.dst())) {
                    case Reg r -> { if (i.value() == 0) a.alu(Alu.XOR, DWORD, r, r); else a.mov(QWORD, r, i.value()); }
                    case Mem mm -> {
                        if (i.value() == (int) i.value()) a.mov(QWORD, mm, i.value());
                        else { a.mov(QWORD, RAX, i.value()); a.mov(QWORD, mm, RAX); }
                    }
                }
            }
            case Insn.Move i -> {
                if (!alloc.used(i.dst())) break;
                if (place(i.dst()) instanceof Reg d) load(d, i.src());
                else if (constant(i.src()) != null) a.mov(QWORD, (Mem) place(i.dst()), constant(i.src()));
                else store(i.dst(), inReg(i.src(), RAX));
            }
            case Insn.Bin i -> binary(i);
            case Insn.Un i -> unary(i);
            case Insn.ReadBuiltin i -> builtin(i);
            case Insn.BuiltinStr i -> { a.lea(QWORD, RAX, slot(i.dst())); call(h.probeName); }
            case Insn.SystemTime i -> { call(h.systemTime); store(i.dst(), RAX); }
            case Insn.LoadGuest i -> {
                guestRead(i);
                if (i.signed()) {
                    switch (i.size()) {
                        case 1 -> a.movsx(QWORD, RAX, BYTE, RAX);
                        case 2 -> a.movsx(QWORD, RAX, WORD, RAX);
                        case 4 -> a.movsxd(RAX, RAX);
                        default -> { }
                    }
                }
                store(i.dst(), RAX);
            }
            case Insn.LoadGuestStr i -> {
                load(RAX, i.addr());
                a.lea(QWORD, RCX, slot(i.dst()));
                a.mov(DWORD, RDX, Math.min(i.maxLen(), maxString));
                call(i.space() == Insn.Space.PHYSICAL ? h.readPhysString : h.readString);
            }
            case Insn.LoadVar i -> {
                if (!alloc.used(i.dst())) break;
                Mem g = global(i.global());
                if (place(i.dst()) instanceof Reg d) a.mov(QWORD, d, g);
                else { a.mov(QWORD, RAX, g); store(i.dst(), RAX); }
            }
            case Insn.StoreVar i -> {
                if (constant(i.src()) != null) a.mov(QWORD, global(i.global()), constant(i.src()));
                else a.mov(QWORD, global(i.global()), inReg(i.src(), RAX));
            }
            case Insn.LoadStrVar i -> { a.lea(QWORD, RAX, slot(i.dst())); a.lea(QWORD, RCX, global(i.global())); call(h.strcpy); }
            case Insn.StoreStrVar i -> { a.lea(QWORD, RAX, global(i.global())); a.lea(QWORD, RCX, slot(i.src())); call(h.strcpy); }
            case Insn.StrConst i -> { a.lea(QWORD, RAX, slot(i.dst())); rodataAddress(RCX, rodata.strings[i.constant()]); call(h.strcpy); }
            case Insn.StrMove i -> {
                if (i.dst() != i.src()) { a.lea(QWORD, RAX, slot(i.dst())); a.lea(QWORD, RCX, slot(i.src())); call(h.strcpy); }
            }
            case Insn.StrConcat i -> {
                a.lea(QWORD, RAX, slot(i.dst()));
                a.lea(QWORD, RCX, slot(i.a()));
                a.lea(QWORD, RDX, slot(i.b()));
                call(h.concat);
            }
            case Insn.StrCmp i -> {
                a.lea(QWORD, RCX, slot(i.a()));
                a.lea(QWORD, RDX, slot(i.b()));
                call(h.strcmp);
                store(i.dst(), RAX);
            }
            case Insn.Sprintf i -> {
                arguments(i.args());
                a.lea(QWORD, RAX, slot(i.dst()));
                a.mov(QWORD, RCX, RSP);
                rodataAddress(RDX, rodata.formats[i.format()]);
                call(h.sprintf);
            }
            case Insn.Printf i -> {
                if (i.args().stream().anyMatch(Insn.Operand::string)) callPrintf(i);
                else printfInline(i);
            }
            case Insn.AggrAdd i -> {
                if (i.strKeys().isEmpty()) aggrAddInline(i);
                else callAggrAdd(i);
            }
            case Insn.LogAggr i -> aggregateTable(i.aggr(), h.logAggr);
            case Insn.ClearAggr i -> aggregateTable(i.aggr(), h.clearAggr);
            case Insn.BagInsert i -> {
                a.mov(QWORD, out(0), inReg(i.key(), RAX));
                a.mov(QWORD, out(1), inReg(i.value(), RAX));
                bag(i.bag());
                a.mov(QWORD, RCX, RSP);
                call(h.bagInsert);
            }
            case Insn.BagRemove i -> {
                load(RCX, i.key());
                bag(i.bag());
                call(h.bagRemove);
                store(i.dst(), RAX);
            }
            case Insn.GuestStack i -> { a.lea(QWORD, RAX, slot(i.dst())); call(h.guestStack); }
            case Insn.ExcInfo i -> {
                a.lea(QWORD, RAX, slot(i.dst()));
                call(i.description() ? h.excDesc : h.excName);
            }
            case Insn.Call i -> callFunction(i);
            case Insn.Fuel i -> {
                a.alu(Alu.SUB, QWORD, m(RBX, CTX_FUEL), 1);
                a.jcc(Cond.B, stub(i.loc(), h.cancelFuel));
            }
            case Insn.TryBegin i -> {
                Mem area = tryArea(depth);
                int[] fields = {CTX_TRY_RSP, CTX_TRY_PC, CTX_TRY_STACK_USED};
                for (int k = 0; k < 3; k++) {
                    a.mov(QWORD, RAX, m(RBX, fields[k]));
                    a.mov(QWORD, m(area.base(), area.disp() + 8 * k), RAX);
                }
                a.mov(QWORD, m(RBX, CTX_TRY_RSP), RSP);
                a.lea(RAX, landings[i.handler()]);
                a.mov(QWORD, m(RBX, CTX_TRY_PC), RAX);
                a.mov(QWORD, RAX, m(RBX, CTX_STACK_USED));
                a.mov(QWORD, m(RBX, CTX_TRY_STACK_USED), RAX);
                return depth + 1;
            }
            case Insn.TryEnd i -> {
                restoreHandler(depth - 1);
                return depth - 1;
            }
        }
        return depth;
    }

    /**
     * A guest read to rax, zero-extended. Linear: a hit in the firing's translation cache (Abi.CTX_TLB) loads
     * inline; a miss, a page-crossing read or a fault goes to the helper. The entry is picked by the first byte's
     * page and its tag compared with the last byte's page: a read that crosses into the next page looks in the
     * entry of its first page, whose tag can never be the next page (that page has the next entry, and there are
     * at least two), so it always misses. Physical: the bounds check and the load inline, the fault on the helper.
     */
    private void guestRead(Insn.LoadGuest i) {
        int size = i.size();
        Label done = a.newLabel();
        boolean physical = i.space() == Insn.Space.PHYSICAL;
        Label slow = cold(i.loc(), () -> {
            load(RAX, i.addr());
            call(physical ? h.readPhysical[size] : h.readLinear[size]);
            a.jmp(done);
        });
        Reg addr = inReg(i.addr(), RAX);
        if (physical) {
            a.mov(QWORD, RCX, m(RBX, CTX_RAM_SIZE));
            a.alu(Alu.SUB, QWORD, RCX, size);
            a.alu(Alu.CMP, QWORD, addr, RCX);
            a.jcc(Cond.A, slow);
            a.mov(QWORD, RCX, m(RBX, CTX_RAM_BASE));
            loadZeroExtended(size, Mem.of(RCX, addr, 1, 0));
        } else {
            a.lea(QWORD, RCX, m(addr, size - 1));
            a.mov(DWORD, RDX, addr);
            a.shift(Shift.SHR, DWORD, RDX, 12 - Integer.numberOfTrailingZeros(TLB_ENTRY));
            a.alu(Alu.AND, DWORD, RDX, (CTX_TLB_ENTRIES - 1) * TLB_ENTRY);
            a.alu(Alu.AND, QWORD, RCX, -0x1000);
            a.alu(Alu.CMP, QWORD, RCX, Mem.of(RBX, RDX, 1, CTX_TLB));
            a.jcc(Cond.NE, slow);
            a.mov(QWORD, RCX, Mem.of(RBX, RDX, 1, CTX_TLB + 8));
            a.mov(DWORD, RAX, addr);
            a.alu(Alu.AND, DWORD, RAX, 0xFFF);
            loadZeroExtended(size, Mem.of(RCX, RAX, 1, 0));
        }
        a.bind(done);
    }

    private void loadZeroExtended(int size, Mem from) {
        switch (size) {
            case 1 -> a.movzx(DWORD, RAX, BYTE, from);
            case 2 -> a.movzx(DWORD, RAX, WORD, from);
            case 4 -> a.mov(DWORD, RAX, from);
            default -> a.mov(QWORD, RAX, from);
        }
    }

    private void callPrintf(Insn.Printf i) {
        arguments(i.args());
        a.mov(DWORD, RAX, i.format());
        a.mov(QWORD, RCX, RSP);
        rodataAddress(RDX, rodata.formats[i.format()]);
        call(h.printf);
    }

    /**
     * printf with integer arguments only: its record has a fixed length, written inline when it fits before the
     * end of the ring's data area and in the free space (Abi.RING_HEAD); otherwise the helper pads, wraps or drops.
     */
    private void printfInline(Insn.Printf i) {
        int length = REC_ARGS + 8 * i.args().size();
        Label done = a.newLabel();
        Label slow = cold(i.loc(), () -> { callPrintf(i); a.jmp(done); });
        a.mov(QWORD, RDX, m(RBX, CTX_RING));
        a.mov(QWORD, RAX, m(RDX, RING_HEAD));
        a.mov(QWORD, RCX, m(RDX, RING_CAPACITY));
        a.dec(QWORD, RCX);
        a.alu(Alu.AND, QWORD, RCX, RAX);
        a.alu(Alu.ADD, QWORD, RCX, length);          // rcx = where the record ends in the data area
        a.alu(Alu.CMP, QWORD, RCX, m(RDX, RING_CAPACITY));
        a.jcc(Cond.A, slow);
        a.alu(Alu.SUB, QWORD, RAX, m(RDX, RING_TAIL));
        a.alu(Alu.ADD, QWORD, RAX, length);
        a.alu(Alu.CMP, QWORD, RAX, m(RDX, RING_CAPACITY));
        a.jcc(Cond.A, slow);
        int record = RING_DATA - length;
        a.mov(DWORD, Mem.of(RDX, RCX, 1, record + REC_LENGTH), length);
        a.mov(DWORD, Mem.of(RDX, RCX, 1, record + REC_TYPE), REC_PRINTF);
        a.mov(DWORD, Mem.of(RDX, RCX, 1, record + REC_ID), i.format());
        a.mov(DWORD, Mem.of(RDX, RCX, 1, record + REC_ARGC), i.args().size());
        stamp(RAX, i.loc());
        a.mov(QWORD, Mem.of(RDX, RCX, 1, record + REC_TSC), RAX);
        for (int k = 0; k < i.args().size(); k++) {
            a.mov(QWORD, Mem.of(RDX, RCX, 1, record + REC_ARGS + 8 * k), inReg(i.args().get(k).index(), RAX));
        }
        a.alu(Alu.ADD, QWORD, m(RDX, RING_HEAD), length); // publishes the record: stores stay in order on x86
        a.inc(QWORD, m(RDX, RING_EMITTED));
        a.bind(done);
    }

    /** dst (rax or rcx) = the firing's timestamp (Abi.CTX_STAMP); the first one of a firing is read by the helper. */
    private void stamp(Reg dst, Loc loc) {
        Label back = a.newLabel();
        Label first = cold(loc, () -> {
            if (dst == RAX) a.push(RCX);
            a.push(RDX);
            call(h.stamp);
            a.pop(RDX);
            if (dst == RAX) a.pop(RCX);
            else a.mov(QWORD, dst, RAX);
            a.jmp(back);
        });
        a.mov(QWORD, dst, m(RBX, CTX_STAMP));
        a.test(QWORD, dst, dst);
        a.jcc(Cond.E, first);
        a.bind(back);
    }

    private void callAggrAdd(Insn.AggrAdd i) {
        int k = 0;
        for (int v : i.intKeys()) a.mov(QWORD, out(k++), inReg(v, RAX));
        for (int s : i.strKeys()) { a.lea(QWORD, RAX, slot(s)); a.mov(QWORD, out(k++), RAX); }
        a.mov(QWORD, out(k), inReg(i.value(), RAX));
        a.lea(QWORD, RAX, m(R12, Math.toIntExact(layout.aggrTableOffset(i.aggr()))));
        a.mov(QWORD, RCX, RSP);
        rodataAddress(RDX, rodata.aggregates[i.aggr()]);
        call(h.aggrAdd);
    }

    /**
     * An update of an aggregate with integer keys only, as the helper does it, inline when the table is current
     * (its generation equals the shared word) and the keys' first slot holds their entry (update) or is empty
     * (insert); a collision or a stale table goes to the helper. An empty slot means the table has room: entries
     * leave only all at once, so AGGR_USED counts the slots in use. The hash, slot and entry are the helper's.
     */
    private void aggrAddInline(Insn.AggrAdd i) {
        IrProgram.Aggr def = program.aggrs().get(i.aggr());
        int table = Math.toIntExact(layout.aggrTableOffset(i.aggr()));
        int entryBytes = Math.toIntExact(DataLayout.aggrEntryBytes(def));
        int capacity = def.capacity();
        List<Integer> keys = i.intKeys();
        Label done = a.newLabel(), latest = a.newLabel();
        Label slow = cold(i.loc(), () -> { callAggrAdd(i); a.jmp(done); });
        // a stale table is emptied by the helper first; an aggregate the program never clears is never stale (its
        // generation stays 0 in the shared word and every table), so it skips the check and its cache line
        if (clearedAggregates[i.aggr()]) {
            a.mov(QWORD, RAX, m(RBX, CTX_SHARED));
            a.mov(QWORD, RAX, m(RAX, Math.toIntExact(layout.generationOffset(i.aggr()))));
            a.alu(Alu.CMP, QWORD, RAX, m(R12, table + AGGR_GENERATION));
            a.jcc(Cond.NE, slow);
        }
        if (keys.isEmpty()) {
            // one possible key: its first slot is empty or holds it
            long slot = Math.unsignedMultiplyHigh(HelperLibrary.HASH_SEED | 1, capacity);
            a.lea(QWORD, RDX, m(R12, table + AGGR_ENTRIES + entryBytes * (int) slot));
            Label insert = a.newLabel();
            a.alu(Alu.CMP, QWORD, m(RDX, ENTRY_HASH), 0);
            a.jcc(Cond.E, insert);
            updateEntry(inReg(i.value(), RAX));
            a.jmp(latest);
            a.bind(insert);
            a.inc(QWORD, m(R12, table + AGGR_USED));
            a.mov(QWORD, RCX, HelperLibrary.HASH_SEED | 1);
            a.mov(QWORD, m(RDX, ENTRY_HASH), RCX);
        } else {
            a.mov(QWORD, RAX, HelperLibrary.HASH_SEED);
            a.mov(QWORD, RDX, HelperLibrary.HASH_MULTIPLIER);
            for (int k : keys) {
                switch (place(k)) {
                    case Reg r -> a.alu(Alu.XOR, QWORD, RAX, r);
                    case Mem mm -> a.alu(Alu.XOR, QWORD, RAX, mm);
                }
                a.imul(QWORD, RAX, RDX);
            }
            a.alu(Alu.OR, QWORD, RAX, 1);
            a.mov(QWORD, RCX, RAX);
            // the first slot is the high half of hash * capacity: a shift when the capacity is a power of two
            if (capacity == 1) {
                a.alu(Alu.XOR, DWORD, RDX, RDX);
            } else if (Integer.bitCount(capacity) == 1) {
                a.shift(Shift.SHR, QWORD, RAX, 64 - Integer.numberOfTrailingZeros(capacity));
                a.imul(QWORD, RDX, RAX, entryBytes);
            } else {
                a.mov(DWORD, RDX, capacity);
                a.unary(Unary.MUL, QWORD, RDX);
                a.imul(QWORD, RDX, RDX, entryBytes);
            }
            a.lea(QWORD, RDX, Mem.of(R12, RDX, 1, table + AGGR_ENTRIES));
            Label other = a.newLabel();
            a.alu(Alu.CMP, QWORD, m(RDX, ENTRY_HASH), RCX);
            a.jcc(Cond.NE, other);
            for (int k = 0; k < keys.size(); k++) {
                a.alu(Alu.CMP, QWORD, inReg(keys.get(k), RAX), m(RDX, ENTRY_KEYS + 8 * k));
                a.jcc(Cond.NE, slow);
            }
            updateEntry(inReg(i.value(), RAX));
            a.jmp(latest);
            a.bind(other);
            a.alu(Alu.CMP, QWORD, m(RDX, ENTRY_HASH), 0);
            a.jcc(Cond.NE, slow);
            a.inc(QWORD, m(R12, table + AGGR_USED));
            a.mov(QWORD, m(RDX, ENTRY_HASH), RCX);
            for (int k = 0; k < keys.size(); k++) a.mov(QWORD, m(RDX, ENTRY_KEYS + 8 * k), inReg(keys.get(k), RAX));
        }
        Reg v = inReg(i.value(), RAX);
        a.mov(QWORD, m(RDX, ENTRY_COUNT), 1);
        a.mov(QWORD, m(RDX, ENTRY_SUM), v);
        a.mov(QWORD, m(RDX, ENTRY_MIN), v);
        a.mov(QWORD, m(RDX, ENTRY_MAX), v);
        a.bind(latest);
        a.mov(QWORD, m(RDX, ENTRY_LATEST), v);
        stamp(RCX, i.loc());
        a.mov(QWORD, m(RDX, ENTRY_TIME), RCX);
        a.bind(done);
    }

    /** count + 1, sum + v, min and max (unsigned) of the entry at rdx, which has a value already; latest is the caller's. */
    private void updateEntry(Reg v) {
        Label notBelow = a.newLabel(), notAbove = a.newLabel();
        a.inc(QWORD, m(RDX, ENTRY_COUNT));
        a.alu(Alu.ADD, QWORD, m(RDX, ENTRY_SUM), v);
        a.alu(Alu.CMP, QWORD, v, m(RDX, ENTRY_MIN));
        a.jcc(Cond.AE, notBelow);
        a.mov(QWORD, m(RDX, ENTRY_MIN), v);
        a.bind(notBelow);
        a.alu(Alu.CMP, QWORD, v, m(RDX, ENTRY_MAX));
        a.jcc(Cond.BE, notAbove);
        a.mov(QWORD, m(RDX, ENTRY_MAX), v);
        a.bind(notAbove);
    }

    private Mem global(int g) {
        return m(layout.isPerVcpu(g) ? R12 : R13, Math.toIntExact(layout.globalOffset(g)));
    }

    private void aggregateTable(int aggr, Label helper) {
        a.lea(QWORD, RAX, m(R12, Math.toIntExact(layout.aggrTableOffset(aggr))));
        rodataAddress(RDX, rodata.aggregates[aggr]);
        call(helper);
    }

    private void bag(int bag) {
        a.mov(QWORD, RAX, m(RBX, CTX_SHARED));
        a.lea(QWORD, RAX, m(RAX, Math.toIntExact(layout.bagOffset(bag))));
        a.mov(DWORD, RDX, program.bags().get(bag).capacity());
    }

    /** The outgoing block: ints as values, strings as their slots' addresses. */
    private void arguments(List<Insn.Operand> args) {
        for (int k = 0; k < args.size(); k++) {
            Insn.Operand o = args.get(k);
            if (o.string()) { a.lea(QWORD, RAX, slot(o.index())); a.mov(QWORD, out(k), RAX); }
            else a.mov(QWORD, out(k), inReg(o.index(), RAX));
        }
    }

    private void callFunction(Insn.Call i) {
        IrFunction callee = program.functions().get(i.function());
        int need = callee.frameBytes();
        a.mov(QWORD, RAX, m(RBX, CTX_STACK_USED));
        a.alu(Alu.ADD, QWORD, RAX, need);
        a.alu(Alu.CMP, QWORD, RAX, m(RBX, CTX_STACK_BUDGET));
        a.jcc(Cond.A, stub(i.loc(), h.cancelStack));
        a.mov(QWORD, m(RBX, CTX_STACK_USED), RAX);
        arguments(i.args());
        boolean stringResult = callee.returns() == IrFunction.ReturnKind.STRING && i.dst() >= 0;
        if (stringResult) { a.lea(QWORD, RAX, slot(i.dst())); a.mov(QWORD, out(i.args().size()), RAX); }
        a.mov(QWORD, RAX, RSP);
        a.call(functions[i.function()]);
        a.alu(Alu.SUB, QWORD, m(RBX, CTX_STACK_USED), need);
        if (callee.returns() == IrFunction.ReturnKind.INT && i.dst() >= 0) store(i.dst(), RAX);
    }

    private void binary(Insn.Bin i) {
        int dst = i.dst();
        switch (i.op()) {
            case ADD, SUB, AND, OR, XOR, MUL -> {
                if (!alloc.used(dst)) return;
                // a constant operand is an immediate (the allocator folds a left one only when the operation commutes)
                int x = i.a(), y = i.b();
                if (constant(y) == null && constant(x) != null) { x = i.b(); y = i.a(); }
                if (constant(y) != null) {
                    long k = constant(y);
                    Reg work = place(dst) instanceof Reg d ? d : RAX;
                    load(work, x);
                    if (i.op() == Insn.BinOp.MUL) a.imul(QWORD, work, work, k);
                    else a.alu(alu(i.op()), QWORD, work, k);
                    store(dst, work);
                    return;
                }
                Operand b = place(i.b());
                Reg work = place(dst) instanceof Reg d && (!(b instanceof Reg br) || br != d || i.a() == i.b()) ? d : RAX;
                load(work, i.a());
                if (i.a() == i.b() && b instanceof Reg) b = work;
                switch (i.op()) {
                    case MUL -> a.imul(QWORD, work, b);
                    default -> {
                        Alu op = alu(i.op());
                        switch (b) {
                            case Reg r -> a.alu(op, QWORD, work, r);
                            case Mem mm -> a.alu(op, QWORD, work, mm);
                        }
                    }
                }
                store(dst, work);
            }
            case SHL, SHR, SAR -> {
                if (!alloc.used(dst)) return;
                Shift op = i.op() == Insn.BinOp.SHL ? Shift.SHL : i.op() == Insn.BinOp.SHR ? Shift.SHR : Shift.SAR;
                Long k = constant(i.b());
                if (k != null) {
                    // the count is taken modulo 64, as the interpreter's (Java's) shifts take it
                    load(RAX, i.a());
                    a.shift(op, QWORD, RAX, (int) (k & 63));
                } else {
                    load(RCX, i.b());
                    load(RAX, i.a());
                    a.shiftByCl(op, QWORD, RAX);
                }
                store(dst, RAX);
            }
            case UDIV, UREM -> {
                load(RCX, i.b());
                Long k = constant(i.b());
                if (k == null || k == 0) {
                    a.test(QWORD, RCX, RCX);
                    a.jcc(Cond.E, stub(i.loc(), h.cancelDivision));
                }
                load(RAX, i.a());
                a.alu(Alu.XOR, DWORD, RDX, RDX);
                a.unary(Unary.DIV, QWORD, RCX);
                store(dst, i.op() == Insn.BinOp.UDIV ? RAX : RDX);
            }
            default -> {
                if (!alloc.used(dst)) return;
                a.setcc(compare(i), RAX);
                a.movzx(DWORD, RAX, BYTE, RAX);
                store(dst, RAX);
            }
        }
    }

    private static Alu alu(Insn.BinOp op) {
        return switch (op) {
            case ADD -> Alu.ADD; case SUB -> Alu.SUB; case AND -> Alu.AND; case OR -> Alu.OR; case XOR -> Alu.XOR;
            default -> throw new IllegalArgumentException(op + " is not an ALU operation");
        };
    }

    /**
     * Sets the flags for comparison c and returns the condition that holds when c does. A constant operand is an
     * immediate on the right: when it is the left one, the operands are exchanged and the condition with them.
     */
    private Cond compare(Insn.Bin c) {
        Cond cond = condition(c.op());
        if (constant(c.b()) == null && constant(c.a()) != null) {
            compare(c.b(), c.a());
            return switch (cond) { case B -> Cond.A; case A -> Cond.B; case BE -> Cond.AE; case AE -> Cond.BE; default -> cond; };
        }
        compare(c.a(), c.b());
        return cond;
    }

    /** The flags of the unsigned comparison x - y; y may be a folded constant. */
    private void compare(int x, int y) {
        Long k = constant(y);
        if (k != null) {
            Operand left = constant(x) == null ? place(x) : RAX;
            if (left == RAX) load(RAX, x);
            switch (left) {
                case Reg r -> { if (k == 0) a.test(QWORD, r, r); else a.alu(Alu.CMP, QWORD, r, k); }
                case Mem mm -> a.alu(Alu.CMP, QWORD, mm, k);
            }
            return;
        }
        switch (place(x)) {
            case Reg r -> {
                switch (place(y)) {
                    case Reg q -> a.alu(Alu.CMP, QWORD, r, q);
                    case Mem mm -> a.alu(Alu.CMP, QWORD, r, mm);
                }
            }
            case Mem mx -> {
                switch (place(y)) {
                    case Reg q -> a.alu(Alu.CMP, QWORD, mx, q);
                    case Mem my -> { a.mov(QWORD, RAX, mx); a.alu(Alu.CMP, QWORD, RAX, my); }
                }
            }
        }
    }

    /** A comparison's condition code, or null for an operator that is not a comparison. */
    private static Cond condition(Insn.BinOp op) {
        return switch (op) {
            case EQ -> Cond.E; case NE -> Cond.NE; case ULT -> Cond.B; case ULE -> Cond.BE; case UGT -> Cond.A; case UGE -> Cond.AE;
            default -> null;
        };
    }

    /**
     * The comparison that ends a block whose branch is its only reader: emitted as cmp + jcc at the branch instead of
     * a 0/1 value. Only when no other instruction of the function reads its destination (nothing else can need it).
     */
    private Insn.Bin fusedCompare(Block block) {
        if (!(block.terminator() instanceof Terminator.Branch br) || block.insns().isEmpty()) return null;
        if (!(block.insns().getLast() instanceof Insn.Bin c) || c.dst() != br.cond() || condition(c.op()) == null) return null;
        return reads[c.dst()] == 1 ? c : null;
    }

    private void unary(Insn.Un i) {
        if (!alloc.used(i.dst())) return;
        Operand src = place(i.a());
        switch (i.op()) {
            case NEG, NOT -> { load(RAX, i.a()); a.unary(i.op() == Insn.UnOp.NEG ? Unary.NEG : Unary.NOT, QWORD, RAX); }
            case LNOT -> {
                load(RAX, i.a());
                a.test(QWORD, RAX, RAX);
                a.setcc(Cond.E, RAX);
                a.movzx(DWORD, RAX, BYTE, RAX);
            }
            case SEXT8 -> a.movsx(QWORD, RAX, BYTE, src);
            case SEXT16 -> a.movsx(QWORD, RAX, WORD, src);
            case SEXT32 -> a.movsxd(RAX, src);
            case ZEXT8 -> a.movzx(DWORD, RAX, BYTE, src);
            case ZEXT16 -> a.movzx(DWORD, RAX, WORD, src);
            case ZEXT32 -> {
                switch (src) {
                    case Reg r -> a.mov(DWORD, RAX, r);
                    case Mem mm -> a.mov(DWORD, RAX, mm);
                }
            }
        }
        store(i.dst(), RAX);
    }

    private void builtin(Insn.ReadBuiltin i) {
        if (!alloc.used(i.dst())) return;
        Builtin v = i.var();
        int arg = v.argIndex();
        if (arg >= 0) { field(i.dst(), FIELDS_ARGS + 8 * arg); return; }
        switch (v) {
            case RIP, RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP, R8, R9, R10, R11, R12, R13, R14, R15, RFLAGS -> {
                a.mov(QWORD, RAX, m(RBX, CTX_REGS));
                a.mov(QWORD, RAX, m(RAX, registerOffset(v)));
            }
            case TSC -> call(h.tsc);
            case PCPUID -> {
                // CTX_PCPUID when set (tests, replays), else the CPU this thread runs on: Linux keeps its number in
                // the low 12 bits of TSC_AUX, which rdtscp returns in ecx (sched_getcpu reads the same).
                Label done = a.newLabel();
                a.mov(QWORD, RAX, m(RBX, CTX_PCPUID));
                a.test(QWORD, RAX, RAX);
                a.jcc(Cond.NS, done);
                a.rdtscp();
                a.mov(DWORD, RAX, RCX);
                a.alu(Alu.AND, DWORD, RAX, 0xfff);
                a.bind(done);
            }
            case CSAR, DSAR, ESAR, FSAR, GSAR, SSAR -> {
                a.mov(QWORD, RAX, m(RBX, CTX_SREGS));
                a.lea(QWORD, RAX, m(RAX, segment(v)));
                call(h.segmentAr);
            }
            case CS, DS, ES, FS, GS, SS -> sreg(WORD, segment(v) + SEG_SELECTOR);
            case CSBASE, DSBASE, ESBASE, SSBASE, FSBASE, GSBASE -> sreg(QWORD, segment(v) + SEG_BASE);
            case CSLIMIT, DSLIMIT, ESLIMIT, FSLIMIT, GSLIMIT, SSLIMIT -> sreg(DWORD, segment(v) + SEG_LIMIT);
            case GDTRBASE -> sreg(QWORD, KVM_SREGS_GDT);
            case GDTRLIMIT -> sreg(WORD, KVM_SREGS_GDT + 8);
            case IDTRBASE -> sreg(QWORD, KVM_SREGS_IDT);
            case IDTRLIMIT -> sreg(WORD, KVM_SREGS_IDT + 8);
            case EXIT_REASON -> { field(i.dst(), FIELDS_EXIT_REASON); return; }
            case VMCS_EXIT_REASON -> { field(i.dst(), FIELDS_VMCS_EXIT_REASON); return; }
            case VMCS_EXIT_QUAL -> { field(i.dst(), FIELDS_VMCS_EXIT_QUAL); return; }
            case VMCS_EXIT_INTR_INFO -> { field(i.dst(), FIELDS_VMCS_EXIT_INTR_INFO); return; }
            case CR0 -> sreg(QWORD, KVM_SREGS_CR0);
            case CR2 -> sreg(QWORD, KVM_SREGS_CR2);
            case CR3 -> sreg(QWORD, KVM_SREGS_CR3);
            case CR4 -> sreg(QWORD, KVM_SREGS_CR4);
            case CR8 -> sreg(QWORD, KVM_SREGS_CR8);
            case EFER -> sreg(QWORD, KVM_SREGS_EFER);
            default -> {
                int field = switch (v) {
                    case DR6 -> CTX_DR6; case DR7 -> CTX_DR7; case KERNELGSBASE -> CTX_KERNELGSBASE; case TSC_HZ -> CTX_TSC_HZ;
                    case VCPUID -> CTX_VCPUID; case NUMVCPUS -> CTX_NUMVCPUS; case THREADID -> CTX_THREADID;
                    default -> throw new IllegalArgumentException("built-in " + v + " has no native source");
                };
                ctxField(i.dst(), field);
                return;
            }
        }
        store(i.dst(), RAX);
    }

    private void ctxField(int dst, int offset) {
        if (place(dst) instanceof Reg d) a.mov(QWORD, d, m(RBX, offset));
        else { a.mov(QWORD, RAX, m(RBX, offset)); store(dst, RAX); }
    }

    /** dst = a word of the firing's fields block (arguments and exit fields), read in place through CTX_FIELDS. */
    private void field(int dst, int offset) {
        Reg d = place(dst) instanceof Reg r ? r : RAX;
        a.mov(QWORD, d, m(RBX, CTX_FIELDS));
        a.mov(QWORD, d, m(d, offset));
        if (d == RAX) store(dst, RAX);
    }

    private void sreg(dev.vp.x64.asm.Size size, int offset) {
        a.mov(QWORD, RAX, m(RBX, CTX_SREGS));
        switch (size) {
            case WORD -> a.movzx(DWORD, RAX, WORD, m(RAX, offset));
            case DWORD -> a.mov(DWORD, RAX, m(RAX, offset));
            default -> a.mov(QWORD, RAX, m(RAX, offset));
        }
    }

    private static int registerOffset(Builtin v) {
        return switch (v) {
            case RAX -> 0; case RBX -> 8; case RCX -> 16; case RDX -> 24; case RSI -> 32; case RDI -> 40; case RSP -> 48;
            case RBP -> 56; case R8 -> 64; case R9 -> 72; case R10 -> 80; case R11 -> 88; case R12 -> 96; case R13 -> 104;
            case R14 -> 112; case R15 -> 120; case RIP -> KVM_REGS_RIP; default -> KVM_REGS_RFLAGS;
        };
    }

    private static int segment(Builtin v) {
        return switch (v) {
            case CS, CSAR, CSBASE, CSLIMIT -> KVM_SREGS_CS;
            case DS, DSAR, DSBASE, DSLIMIT -> KVM_SREGS_DS;
            case ES, ESAR, ESBASE, ESLIMIT -> KVM_SREGS_ES;
            case FS, FSAR, FSLIMIT, FSBASE -> KVM_SREGS_FS;
            case GS, GSAR, GSLIMIT, GSBASE -> KVM_SREGS_GS;
            default -> KVM_SREGS_SS;
        };
    }

    private void terminator(Terminator t, int block) {
        switch (t) {
            case Terminator.Jump j -> { if (j.target() != nextBlock(block)) a.jmp(blockLabels[j.target()]); }
            case Terminator.Branch br -> branch(br, block, () -> {
                switch (place(br.cond())) {
                    case Reg r -> a.test(QWORD, r, r);
                    case Mem mm -> a.alu(Alu.CMP, QWORD, mm, 0);
                }
                return Cond.NE;
            });
            case Terminator.Return r -> {
                switch (fn.returns()) {
                    case INT -> load(RAX, r.value());
                    case STRING -> {
                        a.mov(QWORD, RAX, m(RBP, ARG_BLOCK));
                        a.mov(QWORD, RAX, m(RAX, 8 * fn.params().size()));
                        a.lea(QWORD, RCX, slot(r.value()));
                        call(h.strcpy);
                    }
                    case VOID -> { }
                }
                if (saveR14) a.mov(QWORD, R14, m(RBP, SAVE_R14));
                if (saveR15) a.mov(QWORD, R15, m(RBP, SAVE_R15));
                a.mov(QWORD, RSP, RBP);
                a.pop(RBP);
                a.ret();
            }
            case Terminator.Exit e -> a.jmp(h.exit);
            case Terminator.Cancel c -> {
                a.mov(DWORD, RAX, 2 + c.cause().ordinal());
                if (c.message() >= 0) a.lea(QWORD, RCX, slot(c.message()));
                else a.alu(Alu.XOR, DWORD, RCX, RCX);
                call(h.cancel);
            }
        }
    }

    /**
     * Sets the flags (flags returns the condition under which the branch is taken), then goes to ifTrue when it holds,
     * else to ifFalse, falling through to the next block when it can.
     */
    private void branch(Terminator.Branch br, int block, java.util.function.Supplier<Cond> flags) {
        Cond taken = flags.get();
        int next = nextBlock(block);
        if (br.ifFalse() == next) a.jcc(taken, blockLabels[br.ifTrue()]);
        else if (br.ifTrue() == next) a.jcc(taken.negate(), blockLabels[br.ifFalse()]);
        else { a.jcc(taken, blockLabels[br.ifTrue()]); a.jmp(blockLabels[br.ifFalse()]); }
    }

    /** The next block in code order that gets code, or -1. */
    private int nextBlock(int block) {
        for (int b = block + 1; b < fn.blocks().size(); b++) if (tries.reachable(b)) return b;
        return -1;
    }
}
