// The native helper library: guest memory, strings, sprintf, output ring, aggregates, bags and cancellation, in x86-64.
package dev.vp.x64.helpers;

import static dev.vp.x64.abi.Abi.*;
import static dev.vp.x64.asm.Reg.*;
import static dev.vp.x64.asm.Size.BYTE;
import static dev.vp.x64.asm.Size.DWORD;
import static dev.vp.x64.asm.Size.QWORD;
import static dev.vp.x64.asm.Size.WORD;

import dev.vp.compiler.ir.Cause;
import dev.vp.x64.asm.Alu;
import dev.vp.x64.asm.Assembler;
import dev.vp.x64.asm.Cond;
import dev.vp.x64.asm.Label;
import dev.vp.x64.asm.Mem;
import dev.vp.x64.asm.Reg;
import dev.vp.x64.asm.Shift;
import dev.vp.x64.asm.Unary;
import java.util.EnumSet;
import java.util.Set;

/**
 * Emits the helpers that generated code calls, with our own Assembler, at the start of a program's text.
 *
 * <p>Calling convention (ours, not System V): arguments in RAX, RCX, RDX (never allocated to IR values), result
 * in RAX; RBX = ctx, R12/R13 = data bases and RBP, R14, R15 are preserved. A {@link #LIGHT} helper changes
 * only RAX, RCX, RDX, RSI and RDI; a {@link #HEAVY} one also R8-R11. The register allocator relies on these
 * sets, so every helper below keeps to its class. The slow paths behind generated code's inline fast paths
 * (readLinear, readPhysical, printf, aggrAdd) change only RAX, RCX and RDX, so that the fast paths' instructions
 * keep every allocatable register. Helpers that cancel do so with the return address into
 * generated code on top of the stack, which is how the cancellation finds its source line.
 *
 * <p>Internal routines use RDI as an output cursor and R11 as its limit (the byte where a string of
 * maxString characters would put its NUL), so every string they build is truncated, never overflowed.
 */
public final class HelperLibrary {
    public static final Set<Reg> LIGHT = EnumSet.of(RAX, RCX, RDX, RSI, RDI);
    public static final Set<Reg> HEAVY = EnumSet.of(RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R11);
    /** What printf and aggrAdd save and restore besides RBP: every register they use but RAX, RCX and RDX. */
    private static final Reg[] KEPT = {R14, R15, RSI, RDI, R8, R9, R10, R11};

    /**
     * The slot is the high bits of hash * capacity, so the multiplier must move the high bits: the golden-ratio
     * constant (Fibonacci hashing) spreads consecutive keys over the table, where FNV's prime piled them up.
     */
    public static final long HASH_SEED = 0x2545_F491_4F6C_DD1DL, HASH_MULTIPLIER = 0x9E37_79B9_7F4A_7C15L;

    // Entry points for generated code (see each emitter for its registers).
    public final Label textStart, setup, entryReturn, exit, cancelDivision, cancelFuel, cancelStack, cancel;
    public final Label[] readLinear = new Label[9], readPhysical = new Label[9];
    public final Label readString, readPhysString, strcpy, concat, strcmp, sprintf, printf;
    public final Label aggrAdd, logAggr, clearAggr, bagInsert, bagRemove, guestStack, excName, excDesc, probeName;
    public final Label tsc, systemTime, segmentAr, stamp;

    // Internal routines.
    private final Label translate, readPointer, fault, unwind, putMem, putRep, putCString, toDigits, putHex, putDecimal,
            ringReserve, lazyClear, strlen;

    private final Assembler a;
    private final int maxString;
    private final int probeNames;
    /** Abi.vcpuData for the program's probe count: the per-vCPU data block's offset from the context block. */
    private final int vcpuData;

    /**
     * Creates the labels; {@link #emit} binds them. maxString is the program's longest string (string bytes - 1);
     * probeNames is the rodata offset of the u32 table of probe-name offsets; probes is the number of probes.
     */
    public HelperLibrary(Assembler a, int maxString, int probeNames, int probes) {
        this.vcpuData = Math.toIntExact(vcpuData(probes));
        this.a = a;
        this.maxString = maxString;
        this.probeNames = probeNames;
        textStart = a.newLabel(); setup = a.newLabel(); entryReturn = a.newLabel(); exit = a.newLabel();
        cancelDivision = a.newLabel(); cancelFuel = a.newLabel(); cancelStack = a.newLabel(); cancel = a.newLabel();
        for (int size : new int[] {1, 2, 4, 8}) { readLinear[size] = a.newLabel(); readPhysical[size] = a.newLabel(); }
        readString = a.newLabel(); readPhysString = a.newLabel(); strcpy = a.newLabel(); concat = a.newLabel();
        strcmp = a.newLabel(); sprintf = a.newLabel(); printf = a.newLabel(); aggrAdd = a.newLabel();
        logAggr = a.newLabel(); clearAggr = a.newLabel(); bagInsert = a.newLabel(); bagRemove = a.newLabel();
        guestStack = a.newLabel(); excName = a.newLabel(); excDesc = a.newLabel(); probeName = a.newLabel(); tsc = a.newLabel();
        systemTime = a.newLabel(); segmentAr = a.newLabel();
        translate = a.newLabel(); readPointer = a.newLabel(); fault = a.newLabel(); unwind = a.newLabel();
        putMem = a.newLabel(); putRep = a.newLabel(); putCString = a.newLabel(); toDigits = a.newLabel();
        putHex = a.newLabel(); putDecimal = a.newLabel(); ringReserve = a.newLabel(); lazyClear = a.newLabel();
        strlen = a.newLabel(); stamp = a.newLabel();
    }

    private static Mem m(Reg base, int disp) { return Mem.of(base, disp); }

    private static Mem m(Reg base, Reg index, int scale, int disp) { return Mem.of(base, index, scale, disp); }

    /** Emits the whole library at the assembler's current position (the start of the text). */
    public void emit() {
        a.bind(textStart);
        a.annotate("helper library");
        control();
        guestReads();
        strings();
        formatter();
        output();
        aggregates();
        bags();
        misc();
    }

    // ------------------------------------------------------------------ entry, exit, cancellation

    private void control() {
        // setup: eax = probe index, ecx = the probe function's frame bytes, rsi = the fields block; called by the
        // entry right after it pushed the callee-saved registers and loaded rbx. Touches the context block's first
        // two lines and the clause's firing counter (R12, the per-vCPU data, follows the context block), and the translation cache only after a firing that filled it.
        a.bind(setup);
        a.mov(QWORD, m(RBX, CTX_FIELDS), RSI);
        a.lea(QWORD, RDX, m(RSP, 8));
        a.mov(QWORD, m(RBX, CTX_ENTRY_RSP), RDX);
        a.mov(QWORD, m(RBX, CTX_PROBE), RAX);
        a.inc(QWORD, m(RBX, RAX, 8, CTX_FIRINGS));
        a.lea(QWORD, R12, m(RBX, vcpuData));
        a.mov(QWORD, R13, m(RBX, CTX_GLOBAL_DATA));
        a.mov(QWORD, RDX, m(RBX, CTX_FUEL_BUDGET));
        a.mov(QWORD, m(RBX, CTX_FUEL), RDX);
        a.alu(Alu.XOR, DWORD, RDX, RDX);
        a.mov(QWORD, m(RBX, CTX_TRY_RSP), RDX);
        a.mov(QWORD, m(RBX, CTX_OUTCOME), RDX);
        a.mov(QWORD, m(RBX, CTX_EXC_OUTCOME), RDX);
        a.mov(QWORD, m(RBX, CTX_STAMP), RDX);
        var tlbEmpty = a.newLabel();
        a.alu(Alu.CMP, QWORD, m(RBX, CTX_TLB_USED), 0);
        a.jcc(Cond.E, tlbEmpty);
        a.mov(QWORD, m(RBX, CTX_TLB_USED), RDX);
        a.mov(DWORD, RDX, 1);
        for (int e = 0; e < CTX_TLB_ENTRIES; e++) a.mov(QWORD, m(RBX, CTX_TLB + TLB_ENTRY * e), RDX);
        a.bind(tlbEmpty);
        a.alu(Alu.CMP, QWORD, RCX, m(RBX, CTX_STACK_BUDGET));
        a.jcc(Cond.A, cancelStack);
        a.mov(QWORD, m(RBX, CTX_STACK_USED), RCX);
        a.ret();

        // exit(): ends the firing normally.
        a.bind(exit);
        a.mov(QWORD, m(RBX, CTX_OUTCOME), 1);
        a.mov(QWORD, RSP, m(RBX, CTX_ENTRY_RSP));
        a.bind(entryReturn);
        for (Reg r : new Reg[] {R15, R14, R13, R12, RBP, RBX}) a.pop(r);
        a.ret();

        // Cancellation entries: [rsp] is the return address into the cancelling code.
        a.bind(cancelDivision);
        a.mov(DWORD, RAX, 2 + Cause.DIVISION_BY_ZERO.ordinal());
        a.alu(Alu.XOR, DWORD, RCX, RCX);
        a.jmp(cancel);

        a.bind(cancelFuel);
        a.mov(QWORD, m(RBX, CTX_FUEL), 0); // the failed decrement wrapped it; a handler must find none left
        beginCancel(Cause.LOOP_FUEL, 0);
        putString(RuntimeText.FUEL_A);
        a.mov(QWORD, RAX, m(RBX, CTX_FUEL_BUDGET));
        a.call(putDecimal);
        putString(RuntimeText.FUEL_B);
        a.jmp(unwind);

        a.bind(cancelStack);
        beginCancel(Cause.STACK, 0);
        putString(RuntimeText.STACK_A);
        a.mov(QWORD, RAX, m(RBX, CTX_STACK_BUDGET));
        a.call(putDecimal);
        putString(RuntimeText.STACK_B);
        a.jmp(unwind);

        // fault: rdi = address, esi = size.
        a.bind(fault);
        a.mov(QWORD, m(RBX, CTX_CANCEL_DETAIL), RDI);
        a.push(RSI);
        a.push(RDI);
        a.mov(QWORD, RDX, m(RSP, 16));
        cancelHeader(2 + Cause.GUEST_FAULT.ordinal());
        putString(RuntimeText.FAULT_A);
        a.mov(QWORD, RAX, m(RSP, 8));
        a.call(putDecimal);
        putString(RuntimeText.FAULT_BYTE);
        var oneByte = a.newLabel();
        a.alu(Alu.CMP, QWORD, m(RSP, 8), 1);
        a.jcc(Cond.E, oneByte);
        putString(RuntimeText.FAULT_PLURAL);
        a.bind(oneByte);
        putString(RuntimeText.FAULT_B);
        a.pop(RAX);
        a.call(putHex);
        a.jmp(unwind);

        // cancel: eax = outcome code, rcx = the message string or 0. Text: the cause's name, then ": " and the
        // message; assert without a message says "assertion failed".
        a.bind(cancel);
        a.push(RCX);
        a.push(RAX);
        a.mov(QWORD, RDX, m(RSP, 16));
        a.mov(QWORD, m(RBX, CTX_CANCEL_DETAIL), 0);
        cancelHeaderDynamic();
        a.mov(QWORD, RAX, m(RSP, 0));
        causeName(RAX, RSI);
        a.call(putCString);
        a.pop(RAX);
        a.pop(RCX);
        var noMessage = a.newLabel();
        var done = a.newLabel();
        a.test(QWORD, RCX, RCX);
        a.jcc(Cond.E, noMessage);
        a.push(RCX);
        putString(RuntimeText.SEPARATOR);
        a.pop(RSI);
        a.call(putCString);
        a.jmp(done);
        a.bind(noMessage);
        a.alu(Alu.CMP, DWORD, RAX, 2 + Cause.ASSERT.ordinal());
        a.jcc(Cond.NE, done);
        putString(RuntimeText.SEPARATOR);
        putString(RuntimeText.ASSERT_DEFAULT);
        a.bind(done);
        a.jmp(unwind);

        // unwind: the description is complete up to rdi. Resume at the innermost try handler or leave the firing.
        a.bind(unwind);
        a.mov(BYTE, m(RDI, 0), 0);
        var toEntry = a.newLabel();
        a.mov(QWORD, RSI, m(RBX, CTX_TRY_RSP));
        a.test(QWORD, RSI, RSI);
        a.jcc(Cond.E, toEntry);
        a.mov(QWORD, RSP, RSI);
        a.mov(QWORD, RAX, m(RBX, CTX_TRY_STACK_USED));
        a.mov(QWORD, m(RBX, CTX_STACK_USED), RAX);
        a.mov(QWORD, RAX, m(RBX, CTX_TRY_PC));
        a.jmp(RAX);
        a.bind(toEntry);
        a.mov(QWORD, RAX, m(RBX, CTX_EXC_OUTCOME));
        a.mov(QWORD, m(RBX, CTX_OUTCOME), RAX);
        a.mov(QWORD, RSP, m(RBX, CTX_ENTRY_RSP));
        a.jmp(entryReturn);
    }

    /** Records outcome and pc (return address at [rsp]) and opens the description; for fixed causes. */
    private void beginCancel(Cause cause, int detail) {
        a.mov(QWORD, m(RBX, CTX_CANCEL_DETAIL), detail);
        a.mov(QWORD, RDX, m(RSP, 0));
        cancelHeader(2 + cause.ordinal());
    }

    /** rdx = return address into the cancelling code. Stores outcome and pc; rdi/r11 = the description buffer. */
    private void cancelHeader(int outcome) {
        a.mov(QWORD, m(RBX, CTX_EXC_OUTCOME), outcome);
        cancelPc();
    }

    /** Like cancelHeader with the outcome in rax. */
    private void cancelHeaderDynamic() {
        a.mov(QWORD, m(RBX, CTX_EXC_OUTCOME), RAX);
        cancelPc();
    }

    private void cancelPc() {
        a.lea(RDI, textStart);
        a.alu(Alu.SUB, QWORD, RDX, RDI);
        a.dec(QWORD, RDX);
        a.mov(QWORD, m(RBX, CTX_CANCEL_PC), RDX);
        a.lea(QWORD, RDI, m(RBX, CTX_EXC_DESC));
        a.lea(QWORD, R11, m(RBX, CTX_EXC_DESC + 255));
    }

    /** dst = rodata address of the name of the cause whose outcome code is in code (2 + ordinal); code is kept. */
    private void causeName(Reg code, Reg dst) {
        a.mov(QWORD, dst, m(RBX, CTX_RODATA));
        a.push(code);
        a.mov(DWORD, code, m(dst, code, 4, RuntimeText.CAUSE_NAMES - 8));
        a.alu(Alu.ADD, QWORD, dst, code);
        a.pop(code);
    }

    /** Appends a runtime text (rodata offset) at rdi. Clobbers rax, rsi. */
    private void putString(int rodataOffset) {
        a.mov(QWORD, RSI, m(RBX, CTX_RODATA));
        a.lea(QWORD, RSI, m(RSI, rodataOffset));
        a.call(putCString);
    }

    // ------------------------------------------------------------------ guest memory

    private void guestReads() {
        // translate: rax = linear -> rax = guest physical; CF on a fault. Changes rcx, rdx only. The interpreter's
        // GuestMemory.translate: canonical check, 4 levels from CR3, 1 GB and 2 MB leaves, present bits, and
        // every table entry inside RAM.
        var fail = a.newLabel();
        var large1g = a.newLabel();
        var large2m = a.newLabel();
        a.bind(translate);
        a.mov(QWORD, RCX, RAX);
        a.shift(Shift.SHL, QWORD, RCX, 16);
        a.shift(Shift.SAR, QWORD, RCX, 16);
        a.alu(Alu.CMP, QWORD, RCX, RAX);
        a.jcc(Cond.NE, fail);
        a.mov(QWORD, RDX, m(RBX, CTX_SREGS));
        a.mov(QWORD, RDX, m(RDX, KVM_SREGS_CR3));
        for (int shift : new int[] {39, 30, 21, 12}) {
            frameAddress(RDX, 12);
            a.mov(QWORD, RCX, RAX);
            a.shift(Shift.SHR, QWORD, RCX, shift);
            a.alu(Alu.AND, DWORD, RCX, 511);
            a.lea(QWORD, RDX, m(RDX, RCX, 8, 0));
            a.mov(QWORD, RCX, m(RBX, CTX_RAM_SIZE));
            a.alu(Alu.SUB, QWORD, RCX, 8);
            a.alu(Alu.CMP, QWORD, RDX, RCX);
            a.jcc(Cond.A, fail);
            a.alu(Alu.ADD, QWORD, RDX, m(RBX, CTX_RAM_BASE));
            a.mov(QWORD, RDX, m(RDX, 0));
            a.test(BYTE, RDX, 1);
            a.jcc(Cond.E, fail);
            if (shift == 30 || shift == 21) {
                a.test(BYTE, RDX, 0x80);
                a.jcc(Cond.NE, shift == 30 ? large1g : large2m);
            }
        }
        leaf(12, 0xFFF);
        a.bind(large1g);
        leaf(30, 0x3FFF_FFFF);
        a.bind(large2m);
        leaf(21, 0x1F_FFFF);
        a.bind(fail);
        setCarry();
        a.ret();

        // readPointer: rdi = linear address, esi = size -> rax = host pointer to size bytes; CF on a fault. Changes
        // rax, rcx, rdx only. A read within one page looks in the firing's translation cache (Abi.CTX_TLB) first;
        // a read that crosses a page gathers its bytes one by one into CTX_SCRATCH, as the interpreter does.
        var cross = a.newLabel();
        var crossLoop = a.newLabel();
        var crossFail = a.newLabel();
        var failHere = a.newLabel();
        var miss = a.newLabel();
        var uncached = a.newLabel();
        a.bind(readPointer);
        a.mov(DWORD, RAX, RDI);
        a.alu(Alu.AND, DWORD, RAX, 0xFFF);
        a.alu(Alu.ADD, DWORD, RAX, RSI);
        a.alu(Alu.CMP, DWORD, RAX, 0x1000);
        a.jcc(Cond.A, cross);
        tlbSlot(RDX);
        a.mov(QWORD, RCX, RDI);
        a.alu(Alu.AND, QWORD, RCX, -0x1000);
        a.alu(Alu.CMP, QWORD, RCX, m(RBX, RDX, 1, CTX_TLB));
        a.jcc(Cond.NE, miss);
        a.mov(DWORD, RAX, RDI);
        a.alu(Alu.AND, DWORD, RAX, 0xFFF);
        a.alu(Alu.ADD, QWORD, RAX, m(RBX, RDX, 1, CTX_TLB + 8)); // a host pointer plus a page offset: CF = 0
        a.ret();
        a.bind(miss);
        a.mov(QWORD, RAX, RDI);
        a.call(translate);
        a.jcc(Cond.B, failHere);
        a.mov(QWORD, RCX, m(RBX, CTX_RAM_SIZE));
        a.alu(Alu.SUB, QWORD, RCX, RSI);
        a.alu(Alu.CMP, QWORD, RAX, RCX);
        a.jcc(Cond.A, failHere);
        // cache the page when all of it is RAM, so that every read within it may skip the walk
        a.mov(QWORD, RCX, RAX);
        a.alu(Alu.AND, QWORD, RCX, -0x1000);
        a.alu(Alu.ADD, QWORD, RCX, 0x1000);
        a.alu(Alu.CMP, QWORD, RCX, m(RBX, CTX_RAM_SIZE));
        a.jcc(Cond.A, uncached);
        tlbSlot(RDX);
        a.alu(Alu.ADD, QWORD, RCX, m(RBX, CTX_RAM_BASE));
        a.mov(QWORD, m(RBX, RDX, 1, CTX_TLB + 8), RCX);
        a.alu(Alu.SUB, QWORD, m(RBX, RDX, 1, CTX_TLB + 8), 0x1000);
        a.mov(QWORD, RCX, RDI);
        a.alu(Alu.AND, QWORD, RCX, -0x1000);
        a.mov(QWORD, m(RBX, RDX, 1, CTX_TLB), RCX);
        a.mov(QWORD, m(RBX, CTX_TLB_USED), 1);
        a.bind(uncached);
        a.alu(Alu.ADD, QWORD, RAX, m(RBX, CTX_RAM_BASE));
        a.alu(Alu.XOR, DWORD, RCX, RCX); // CF = 0
        a.ret();
        a.bind(failHere);
        setCarry();
        a.ret();
        a.bind(cross);
        a.push(RSI);
        a.alu(Alu.XOR, DWORD, RSI, RSI);
        a.bind(crossLoop);
        a.lea(QWORD, RAX, m(RDI, RSI, 1, 0));
        a.call(translate);
        a.jcc(Cond.B, crossFail);
        a.mov(QWORD, RCX, m(RBX, CTX_RAM_SIZE));
        a.dec(QWORD, RCX);
        a.alu(Alu.CMP, QWORD, RAX, RCX);
        a.jcc(Cond.A, crossFail);
        a.alu(Alu.ADD, QWORD, RAX, m(RBX, CTX_RAM_BASE));
        a.movzx(DWORD, RCX, BYTE, m(RAX, 0));
        a.mov(BYTE, m(RBX, RSI, 1, CTX_SCRATCH), RCX);
        a.inc(QWORD, RSI);
        a.alu(Alu.CMP, QWORD, RSI, m(RSP, 0));
        a.jcc(Cond.B, crossLoop);
        a.pop(RSI);
        a.lea(QWORD, RAX, m(RBX, CTX_SCRATCH));
        a.alu(Alu.XOR, DWORD, RCX, RCX);
        a.ret();
        a.bind(crossFail);
        a.pop(RSI);
        setCarry();
        a.ret();

        // readN / physN: rax = address -> rax = the value, zero-extended. Change rax, rcx, rdx only (the slow paths
        // of generated code's inline reads). Cancel with guest-fault, whose [rsp] must be the return address.
        for (int size : new int[] {1, 2, 4, 8}) {
            var failed = a.newLabel();
            a.bind(readLinear[size]);
            a.push(RSI);
            a.push(RDI);
            a.mov(QWORD, RDI, RAX);
            a.mov(DWORD, RSI, size);
            a.call(readPointer);
            a.jcc(Cond.B, failed);
            load(size);
            a.pop(RDI);
            a.pop(RSI);
            a.ret();
            a.bind(failed);
            a.alu(Alu.ADD, QWORD, RSP, 16); // the fault never returns: rdi and rsi are its arguments now
            a.jmp(fault);
        }
        for (int size : new int[] {1, 2, 4, 8}) {
            var failed = a.newLabel();
            a.bind(readPhysical[size]);
            a.mov(QWORD, RCX, m(RBX, CTX_RAM_SIZE));
            a.alu(Alu.SUB, QWORD, RCX, size);
            a.alu(Alu.CMP, QWORD, RAX, RCX);
            a.jcc(Cond.A, failed);
            a.alu(Alu.ADD, QWORD, RAX, m(RBX, CTX_RAM_BASE));
            load(size);
            a.ret();
            a.bind(failed);
            a.mov(QWORD, RDI, RAX);
            a.mov(DWORD, RSI, size);
            a.jmp(fault);
        }

        // readString / readPhysString: rax = address, rcx = destination slot, rdx = max length (<= maxString).
        // HEAVY. Reads into a temporary so that a fault leaves the destination as it was.
        readString(readString, false);
        readString(readPhysString, true);
    }

    /** dst = the byte offset of rdi's page's entry within the translation cache. */
    private void tlbSlot(Reg dst) {
        a.mov(QWORD, dst, RDI);
        a.shift(Shift.SHR, QWORD, dst, 12);
        a.alu(Alu.AND, DWORD, dst, CTX_TLB_ENTRIES - 1);
        a.shift(Shift.SHL, DWORD, dst, Integer.numberOfTrailingZeros(TLB_ENTRY));
    }

    /** Clears all but bits 12..51 of an entry (its next table's or page's address), keeping bits from low up. */
    private void frameAddress(Reg r, int low) {
        a.shift(Shift.SHL, QWORD, r, 12);
        a.shift(Shift.SHR, QWORD, r, 12 + low);
        a.shift(Shift.SHL, QWORD, r, low);
    }

    /** rdx = leaf entry, rax = linear: rax = page frame | offset, CF = 0 (or clears it). */
    private void leaf(int low, int offsetMask) {
        frameAddress(RDX, low);
        a.alu(Alu.AND, DWORD, RAX, offsetMask);
        a.alu(Alu.OR, QWORD, RAX, RDX);
        a.ret();
    }

    /** CF = 1 (0 - 1 borrows); changes rcx. */
    private void setCarry() {
        a.mov(DWORD, RCX, 0);
        a.alu(Alu.SUB, QWORD, RCX, 1);
    }

    private void load(int size) {
        switch (size) {
            case 1 -> a.movzx(DWORD, RAX, BYTE, m(RAX, 0));
            case 2 -> a.movzx(DWORD, RAX, WORD, m(RAX, 0));
            case 4 -> a.mov(DWORD, RAX, m(RAX, 0));
            default -> a.mov(QWORD, RAX, m(RAX, 0));
        }
    }

    private void readString(Label entry, boolean physical) {
        var next = a.newLabel();
        var step = a.newLabel();
        var sequential = a.newLabel();
        var have = a.newLabel();
        var done = a.newLabel();
        var faultOut = a.newLabel();
        a.bind(entry);
        a.push(RCX);
        a.alu(Alu.SUB, QWORD, RSP, 256);
        a.mov(QWORD, RDI, RAX);   // at: the address of the next byte
        a.mov(QWORD, R8, RSP);    // out
        a.mov(QWORD, R9, RDX);    // bytes left
        a.test(QWORD, R9, R9);
        a.jcc(Cond.E, done);
        a.jmp(step);
        a.bind(next);
        a.inc(QWORD, RDI);
        a.dec(QWORD, R9);
        a.jcc(Cond.E, done);
        if (!physical) {
            a.test(DWORD, RDI, 0xFFF);
            a.jcc(Cond.NE, sequential);
        }
        a.bind(step);
        a.mov(QWORD, R10, RDI);
        if (!physical) {
            a.mov(QWORD, RAX, RDI);
            a.mov(DWORD, RSI, 1);
            a.call(translate);
            a.jcc(Cond.B, faultOut);
            a.mov(QWORD, R10, RAX);
        }
        a.jmp(have);
        a.bind(sequential);
        a.inc(QWORD, R10);
        a.bind(have);
        a.alu(Alu.CMP, QWORD, R10, m(RBX, CTX_RAM_SIZE));
        a.jcc(Cond.AE, faultOut);
        a.mov(QWORD, RAX, m(RBX, CTX_RAM_BASE));
        a.movzx(DWORD, RAX, BYTE, m(RAX, R10, 1, 0));
        a.test(DWORD, RAX, RAX);
        a.jcc(Cond.E, done);
        a.mov(BYTE, m(R8, 0), RAX);
        a.inc(QWORD, R8);
        a.jmp(next);
        a.bind(done);
        a.mov(BYTE, m(R8, 0), 0);
        a.mov(QWORD, RAX, m(RSP, 256));
        a.mov(QWORD, RCX, RSP);
        a.call(strcpy);
        a.alu(Alu.ADD, QWORD, RSP, 264);
        a.ret();
        a.bind(faultOut);
        a.alu(Alu.ADD, QWORD, RSP, 264);
        a.mov(DWORD, RSI, 1);
        a.jmp(fault);
    }

    // ------------------------------------------------------------------ strings

    private void strings() {
        // strcpy: rax = dst, rcx = src; copies at most maxString bytes and the NUL. LIGHT.
        var loop = a.newLabel();
        var end = a.newLabel();
        a.bind(strcpy);
        a.mov(DWORD, RDX, maxString);
        a.test(DWORD, RDX, RDX);
        a.jcc(Cond.E, end);
        a.bind(loop);
        a.movzx(DWORD, RSI, BYTE, m(RCX, 0));
        a.test(DWORD, RSI, RSI);
        a.jcc(Cond.E, end);
        a.mov(BYTE, m(RAX, 0), RSI);
        a.inc(QWORD, RAX);
        a.inc(QWORD, RCX);
        a.dec(DWORD, RDX);
        a.jcc(Cond.NE, loop);
        a.bind(end);
        a.mov(BYTE, m(RAX, 0), 0);
        a.ret();

        // strcmp: rcx = a, rdx = b -> rax = 0, 1 or -1, comparing unsigned bytes. LIGHT.
        var cmpLoop = a.newLabel();
        var differ = a.newLabel();
        var equal = a.newLabel();
        a.bind(strcmp);
        a.bind(cmpLoop);
        a.movzx(DWORD, RAX, BYTE, m(RCX, 0));
        a.movzx(DWORD, RSI, BYTE, m(RDX, 0));
        a.alu(Alu.CMP, DWORD, RAX, RSI);
        a.jcc(Cond.NE, differ);
        a.test(DWORD, RAX, RAX);
        a.jcc(Cond.E, equal);
        a.inc(QWORD, RCX);
        a.inc(QWORD, RDX);
        a.jmp(cmpLoop);
        a.bind(differ);
        a.alu(Alu.SBB, QWORD, RAX, RAX);
        a.alu(Alu.OR, QWORD, RAX, 1);
        a.ret();
        a.bind(equal);
        a.ret();

        // concat: rax = dst, rcx = a, rdx = b (dst may be either). LIGHT.
        var copyA = a.newLabel();
        var copyB = a.newLabel();
        var finish = a.newLabel();
        a.bind(concat);
        a.push(RAX);
        a.alu(Alu.SUB, QWORD, RSP, 256);
        a.mov(QWORD, RSI, RSP);
        a.mov(DWORD, RDI, maxString);
        a.bind(copyA);
        a.movzx(DWORD, RAX, BYTE, m(RCX, 0));
        a.test(DWORD, RAX, RAX);
        a.jcc(Cond.E, copyB);
        a.test(DWORD, RDI, RDI);
        a.jcc(Cond.E, finish);
        a.mov(BYTE, m(RSI, 0), RAX);
        a.inc(QWORD, RSI);
        a.inc(QWORD, RCX);
        a.dec(DWORD, RDI);
        a.jmp(copyA);
        a.bind(copyB);
        a.movzx(DWORD, RAX, BYTE, m(RDX, 0));
        a.test(DWORD, RAX, RAX);
        a.jcc(Cond.E, finish);
        a.test(DWORD, RDI, RDI);
        a.jcc(Cond.E, finish);
        a.mov(BYTE, m(RSI, 0), RAX);
        a.inc(QWORD, RSI);
        a.inc(QWORD, RDX);
        a.dec(DWORD, RDI);
        a.jmp(copyB);
        a.bind(finish);
        a.mov(BYTE, m(RSI, 0), 0);
        a.mov(QWORD, RAX, m(RSP, 256));
        a.mov(QWORD, RCX, RSP);
        a.call(strcpy);
        a.alu(Alu.ADD, QWORD, RSP, 264);
        a.ret();

        // strlen: rsi = string -> rcx = length. Changes nothing else.
        var lenLoop = a.newLabel();
        var lenDone = a.newLabel();
        a.bind(strlen);
        a.alu(Alu.XOR, DWORD, RCX, RCX);
        a.bind(lenLoop);
        a.alu(Alu.CMP, BYTE, m(RSI, RCX, 1, 0), 0);
        a.jcc(Cond.E, lenDone);
        a.inc(QWORD, RCX);
        a.jmp(lenLoop);
        a.bind(lenDone);
        a.ret();

        // putMem: rsi = source, rcx = length, appended at rdi up to r11. Changes rax, rcx, rsi.
        var memLoop = a.newLabel();
        var memDone = a.newLabel();
        a.bind(putMem);
        a.test(QWORD, RCX, RCX);
        a.jcc(Cond.E, memDone);
        a.bind(memLoop);
        a.alu(Alu.CMP, QWORD, RDI, R11);
        a.jcc(Cond.AE, memDone);
        a.mov(BYTE, RAX, m(RSI, 0));
        a.mov(BYTE, m(RDI, 0), RAX);
        a.inc(QWORD, RDI);
        a.inc(QWORD, RSI);
        a.dec(QWORD, RCX);
        a.jcc(Cond.NE, memLoop);
        a.bind(memDone);
        a.ret();

        // putRep: al = byte, rcx = count. Changes rcx.
        var repLoop = a.newLabel();
        var repDone = a.newLabel();
        a.bind(putRep);
        a.test(QWORD, RCX, RCX);
        a.jcc(Cond.E, repDone);
        a.bind(repLoop);
        a.alu(Alu.CMP, QWORD, RDI, R11);
        a.jcc(Cond.AE, repDone);
        a.mov(BYTE, m(RDI, 0), RAX);
        a.inc(QWORD, RDI);
        a.dec(QWORD, RCX);
        a.jcc(Cond.NE, repLoop);
        a.bind(repDone);
        a.ret();

        // putCString: rsi = NUL-terminated source. Changes rax, rsi.
        var csLoop = a.newLabel();
        var csDone = a.newLabel();
        a.bind(putCString);
        a.bind(csLoop);
        a.mov(BYTE, RAX, m(RSI, 0));
        a.test(BYTE, RAX, RAX);
        a.jcc(Cond.E, csDone);
        a.alu(Alu.CMP, QWORD, RDI, R11);
        a.jcc(Cond.AE, csDone);
        a.mov(BYTE, m(RDI, 0), RAX);
        a.inc(QWORD, RDI);
        a.inc(QWORD, RSI);
        a.jmp(csLoop);
        a.bind(csDone);
        a.ret();

        // toDigits: rax = value, rcx = base, r8 = digit table, rsi = end -> rsi = first digit (at least one).
        // Changes rax, rdx.
        var digitLoop = a.newLabel();
        a.bind(toDigits);
        a.bind(digitLoop);
        a.alu(Alu.XOR, DWORD, RDX, RDX);
        a.unary(Unary.DIV, QWORD, RCX);
        a.movzx(DWORD, RDX, BYTE, m(R8, RDX, 1, 0));
        a.dec(QWORD, RSI);
        a.mov(BYTE, m(RSI, 0), RDX);
        a.test(QWORD, RAX, RAX);
        a.jcc(Cond.NE, digitLoop);
        a.ret();

        // putHex / putDecimal: rax = value, appended at rdi. Change rax, rcx, rdx, rsi, r8.
        numberPut(putHex, 16);
        numberPut(putDecimal, 10);
    }

    private void numberPut(Label entry, int base) {
        a.bind(entry);
        a.alu(Alu.SUB, QWORD, RSP, 32);
        a.mov(DWORD, RCX, base);
        a.mov(QWORD, R8, m(RBX, CTX_RODATA));
        a.lea(QWORD, R8, m(R8, RuntimeText.DIGITS_LOWER));
        a.lea(QWORD, RSI, m(RSP, 32));
        a.call(toDigits);
        a.lea(QWORD, RCX, m(RSP, 32));
        a.alu(Alu.SUB, QWORD, RCX, RSI);
        a.call(putMem);
        a.alu(Alu.ADD, QWORD, RSP, 32);
        a.ret();
    }

    // ------------------------------------------------------------------ sprintf

    // sprintf's frame: the destination, the 256-byte result, a digit buffer and the current conversion's state.
    private static final int F_DST = 0, F_OUT = 8, F_DIGITS_END = 8 + 256 + 32, F_CONV = F_DIGITS_END, F_FLAGS = F_CONV + 8,
            F_WIDTH = F_FLAGS + 8, F_PRECISION = F_WIDTH + 8, F_VALUE = F_PRECISION + 8, F_PREFIX = F_VALUE + 8,
            F_PREFIX_LENGTH = F_PREFIX + 8, F_ZEROS = F_PREFIX_LENGTH + 8, F_BODY = F_ZEROS + 8, F_BODY_LENGTH = F_BODY + 8,
            F_ZERO_FILL = F_BODY_LENGTH + 8, F_SIZE = F_ZERO_FILL + 8;

    private void formatter() {
        // sprintf: rax = dst slot, rcx = argument block (u64 ints, string pointers), rdx = format descriptor. HEAVY.
        // PrintfFormatter's rules exactly, then truncate(): the result stops at a NUL and at maxString.
        var pieces = a.newLabel();
        var conversion = a.newLabel();
        var end = a.newLabel();
        var pad = a.newLabel();
        var string = a.newLabel();
        var character = a.newLabel();
        a.bind(sprintf);
        a.alu(Alu.SUB, QWORD, RSP, F_SIZE);
        a.mov(QWORD, m(RSP, F_DST), RAX);
        a.lea(QWORD, RDI, m(RSP, F_OUT));
        a.lea(QWORD, R11, m(RSP, F_OUT + maxString));
        a.mov(QWORD, R10, RCX);
        a.movzx(DWORD, RAX, BYTE, m(RDX, 0));
        a.lea(QWORD, R9, m(RDX, RAX, 1, 1));
        a.bind(pieces);
        a.movzx(DWORD, RAX, BYTE, m(R9, 0));
        a.test(DWORD, RAX, RAX);
        a.jcc(Cond.E, end);
        a.alu(Alu.CMP, DWORD, RAX, Descriptors.LIT);
        a.jcc(Cond.NE, conversion);
        a.movzx(DWORD, RCX, BYTE, m(R9, 1));
        a.lea(QWORD, RSI, m(R9, 2));
        a.lea(QWORD, R9, m(RSI, RCX, 1, 0));
        a.call(putMem);
        a.jmp(pieces);

        a.bind(conversion);
        int[] fields = {F_CONV, F_FLAGS, F_WIDTH, F_PRECISION};
        for (int i = 0; i < 4; i++) {
            a.movzx(DWORD, RAX, BYTE, m(R9, 1 + i));
            a.mov(QWORD, m(RSP, fields[i]), RAX);
        }
        a.alu(Alu.ADD, QWORD, R9, 5);
        a.mov(QWORD, RAX, m(R10, 0));
        a.alu(Alu.ADD, QWORD, R10, 8);
        a.mov(QWORD, m(RSP, F_VALUE), RAX);
        a.mov(QWORD, m(RSP, F_PREFIX_LENGTH), 0);
        a.mov(QWORD, m(RSP, F_ZEROS), 0);
        a.mov(QWORD, m(RSP, F_ZERO_FILL), 0);
        a.mov(QWORD, RCX, m(RSP, F_CONV));
        a.alu(Alu.CMP, DWORD, RCX, 's');
        a.jcc(Cond.E, string);
        a.alu(Alu.CMP, DWORD, RCX, 'c');
        a.jcc(Cond.E, character);
        integerConversion(pad);

        a.bind(character);
        a.mov(BYTE, m(RSP, F_DIGITS_END - 1), RAX);
        a.lea(QWORD, RSI, m(RSP, F_DIGITS_END - 1));
        a.mov(QWORD, m(RSP, F_BODY), RSI);
        a.mov(QWORD, m(RSP, F_BODY_LENGTH), 1);
        a.jmp(pad);

        a.bind(string);
        var noPrecision = a.newLabel();
        a.mov(QWORD, RSI, RAX);
        a.mov(QWORD, m(RSP, F_BODY), RSI);
        a.call(strlen);
        a.test(BYTE, m(RSP, F_FLAGS), Descriptors.HAS_PRECISION);
        a.jcc(Cond.E, noPrecision);
        a.alu(Alu.CMP, QWORD, RCX, m(RSP, F_PRECISION));
        a.cmov(Cond.A, QWORD, RCX, m(RSP, F_PRECISION));
        a.bind(noPrecision);
        a.mov(QWORD, m(RSP, F_BODY_LENGTH), RCX);

        // pad: fill = max(0, width - prefix - zeros - body); left: prefix zeros body spaces; zero fill: prefix
        // fill-zeros zeros body; otherwise spaces prefix zeros body.
        a.bind(pad);
        var fillKnown = a.newLabel();
        var notLeft = a.newLabel();
        var spacesFirst = a.newLabel();
        a.mov(QWORD, RDX, m(RSP, F_WIDTH));
        a.alu(Alu.SUB, QWORD, RDX, m(RSP, F_PREFIX_LENGTH));
        a.alu(Alu.SUB, QWORD, RDX, m(RSP, F_ZEROS));
        a.alu(Alu.SUB, QWORD, RDX, m(RSP, F_BODY_LENGTH));
        a.jcc(Cond.GE, fillKnown);
        a.alu(Alu.XOR, DWORD, RDX, RDX);
        a.bind(fillKnown);
        a.test(BYTE, m(RSP, F_FLAGS), Descriptors.LEFT);
        a.jcc(Cond.E, notLeft);
        a.push(RDX);
        emitPrefixZerosBody(8);
        a.pop(RCX);
        a.mov(DWORD, RAX, ' ');
        a.call(putRep);
        a.jmp(pieces);
        a.bind(notLeft);
        a.alu(Alu.CMP, QWORD, m(RSP, F_ZERO_FILL), 0);
        a.jcc(Cond.E, spacesFirst);
        a.alu(Alu.ADD, QWORD, m(RSP, F_ZEROS), RDX);
        emitPrefixZerosBody(0);
        a.jmp(pieces);
        a.bind(spacesFirst);
        a.mov(QWORD, RCX, RDX);
        a.mov(DWORD, RAX, ' ');
        a.call(putRep);
        emitPrefixZerosBody(0);
        a.jmp(pieces);

        a.bind(end);
        a.mov(BYTE, m(RDI, 0), 0);
        a.mov(QWORD, RAX, m(RSP, F_DST));
        a.lea(QWORD, RCX, m(RSP, F_OUT));
        a.call(strcpy);
        a.alu(Alu.ADD, QWORD, RSP, F_SIZE);
        a.ret();
    }

    /** Appends prefix, zeros and body; the frame is at rsp + extra. */
    private void emitPrefixZerosBody(int extra) {
        a.lea(QWORD, RSI, m(RSP, F_PREFIX + extra));
        a.mov(QWORD, RCX, m(RSP, F_PREFIX_LENGTH + extra));
        a.call(putMem);
        a.mov(QWORD, RCX, m(RSP, F_ZEROS + extra));
        a.mov(DWORD, RAX, '0');
        a.call(putRep);
        a.mov(QWORD, RSI, m(RSP, F_BODY + extra));
        a.mov(QWORD, RCX, m(RSP, F_BODY_LENGTH + extra));
        a.call(putMem);
    }

    /** %d %i %u %x %X %o %p: rax = value, rcx = conversion letter. Falls into nothing: jumps to pad. */
    private void integerConversion(Label pad) {
        var unsignedBase10 = a.newLabel();
        var hexLower = a.newLabel();
        var hexUpper = a.newLabel();
        var octal = a.newLabel();
        var pointer = a.newLabel();
        var digits = a.newLabel();
        var positive = a.newLabel();
        var noPrefix = a.newLabel();
        a.alu(Alu.CMP, DWORD, RCX, 'u');
        a.jcc(Cond.E, unsignedBase10);
        a.alu(Alu.CMP, DWORD, RCX, 'x');
        a.jcc(Cond.E, hexLower);
        a.alu(Alu.CMP, DWORD, RCX, 'X');
        a.jcc(Cond.E, hexUpper);
        a.alu(Alu.CMP, DWORD, RCX, 'o');
        a.jcc(Cond.E, octal);
        a.alu(Alu.CMP, DWORD, RCX, 'p');
        a.jcc(Cond.E, pointer);
        // d, i: signed
        a.test(QWORD, RAX, RAX);
        a.jcc(Cond.NS, positive);
        a.unary(Unary.NEG, QWORD, RAX);
        prefix("-");
        a.jmp(unsignedBase10);
        a.bind(positive);
        var notPlus = a.newLabel();
        a.test(BYTE, m(RSP, F_FLAGS), Descriptors.PLUS);
        a.jcc(Cond.E, notPlus);
        prefix("+");
        a.jmp(unsignedBase10);
        a.bind(notPlus);
        a.test(BYTE, m(RSP, F_FLAGS), Descriptors.SPACE);
        a.jcc(Cond.E, unsignedBase10);
        prefix(" ");
        a.bind(unsignedBase10);
        a.mov(DWORD, RCX, 10);
        digitTable(RuntimeText.DIGITS_LOWER);
        a.jmp(digits);
        a.bind(hexLower);
        alternatePrefix("0x", noPrefix);
        a.jmp(noPrefix);
        a.bind(hexUpper);
        alternatePrefix("0X", noPrefix);
        a.bind(noPrefix);
        a.mov(DWORD, RCX, 16);
        a.mov(QWORD, RDX, m(RSP, F_CONV));
        a.mov(QWORD, R8, m(RBX, CTX_RODATA));
        a.lea(QWORD, R8, m(R8, RuntimeText.DIGITS_LOWER));
        a.alu(Alu.CMP, DWORD, RDX, 'X');
        var lower = a.newLabel();
        a.jcc(Cond.NE, lower);
        a.alu(Alu.ADD, QWORD, R8, RuntimeText.DIGITS_UPPER - RuntimeText.DIGITS_LOWER);
        a.bind(lower);
        a.jmp(digits);
        a.bind(octal);
        a.mov(DWORD, RCX, 8);
        digitTable(RuntimeText.DIGITS_LOWER);
        a.jmp(digits);
        a.bind(pointer);
        prefix("0x");
        a.mov(DWORD, RCX, 16);
        digitTable(RuntimeText.DIGITS_LOWER);

        a.bind(digits);
        a.lea(QWORD, RSI, m(RSP, F_DIGITS_END));
        a.call(toDigits);
        a.mov(QWORD, m(RSP, F_BODY), RSI);
        a.lea(QWORD, RCX, m(RSP, F_DIGITS_END));
        a.alu(Alu.SUB, QWORD, RCX, RSI);
        a.mov(QWORD, m(RSP, F_BODY_LENGTH), RCX);
        // Precision: 0 with a 0 value prints no digits (but %p keeps its 0); shorter bodies get leading zeros.
        var noPrecision = a.newLabel();
        var keepDigits = a.newLabel();
        var precisionDone = a.newLabel();
        a.test(BYTE, m(RSP, F_FLAGS), Descriptors.HAS_PRECISION);
        a.jcc(Cond.E, noPrecision);
        a.alu(Alu.CMP, QWORD, m(RSP, F_PRECISION), 0);
        a.jcc(Cond.NE, keepDigits);
        a.alu(Alu.CMP, QWORD, m(RSP, F_VALUE), 0);
        a.jcc(Cond.NE, keepDigits);
        a.alu(Alu.CMP, QWORD, m(RSP, F_CONV), 'p');
        a.jcc(Cond.E, keepDigits);
        a.mov(QWORD, m(RSP, F_BODY_LENGTH), 0);
        a.bind(keepDigits);
        a.mov(QWORD, RCX, m(RSP, F_PRECISION));
        a.alu(Alu.SUB, QWORD, RCX, m(RSP, F_BODY_LENGTH));
        a.jcc(Cond.LE, precisionDone);
        a.mov(QWORD, m(RSP, F_ZEROS), RCX);
        a.jmp(precisionDone);
        a.bind(noPrecision);
        // zero fill: flag 0, not left-aligned, no precision
        var noZeroFill = a.newLabel();
        a.mov(QWORD, RCX, m(RSP, F_FLAGS));
        a.alu(Alu.AND, DWORD, RCX, Descriptors.ZERO | Descriptors.LEFT);
        a.alu(Alu.CMP, DWORD, RCX, Descriptors.ZERO);
        a.jcc(Cond.NE, noZeroFill);
        a.mov(QWORD, m(RSP, F_ZERO_FILL), 1);
        a.bind(noZeroFill);
        a.bind(precisionDone);
        // %#o: the digits must start with 0.
        a.alu(Alu.CMP, QWORD, m(RSP, F_CONV), 'o');
        a.jcc(Cond.NE, pad);
        a.test(BYTE, m(RSP, F_FLAGS), Descriptors.ALT);
        a.jcc(Cond.E, pad);
        a.alu(Alu.CMP, QWORD, m(RSP, F_ZEROS), 0);
        a.jcc(Cond.NE, pad);
        var addZero = a.newLabel();
        a.alu(Alu.CMP, QWORD, m(RSP, F_BODY_LENGTH), 0);
        a.jcc(Cond.E, addZero);
        a.mov(QWORD, RSI, m(RSP, F_BODY));
        a.alu(Alu.CMP, BYTE, m(RSI, 0), '0');
        a.jcc(Cond.E, pad);
        a.bind(addZero);
        a.mov(QWORD, m(RSP, F_ZEROS), 1);
        a.jmp(pad);
    }

    private void digitTable(int offset) {
        a.mov(QWORD, R8, m(RBX, CTX_RODATA));
        a.lea(QWORD, R8, m(R8, offset));
    }

    /** The prefix for %#x / %#X: only when the value is not 0. */
    private void alternatePrefix(String text, Label none) {
        a.test(BYTE, m(RSP, F_FLAGS), Descriptors.ALT);
        a.jcc(Cond.E, none);
        a.test(QWORD, RAX, RAX);
        a.jcc(Cond.E, none);
        prefix(text);
    }

    private void prefix(String text) {
        int word = 0;
        for (int i = 0; i < text.length(); i++) word |= text.charAt(i) << (8 * i);
        a.mov(QWORD, m(RSP, F_PREFIX), word);
        a.mov(QWORD, m(RSP, F_PREFIX_LENGTH), text.length());
    }

    // ------------------------------------------------------------------ output ring

    private void output() {
        // ringReserve: rsi = record length (a multiple of 8) -> rdi = where to write it, r9 = the head after it,
        // or rdi = 0 when it does not fit (then counted as dropped). Changes rax, rcx, rdx, rdi, r9, r11.
        var wrap = a.newLabel();
        var drop = a.newLabel();
        a.bind(ringReserve);
        a.mov(QWORD, R11, m(RBX, CTX_RING));
        a.mov(QWORD, RAX, m(R11, RING_HEAD));
        a.mov(QWORD, RCX, m(R11, RING_CAPACITY));
        a.lea(QWORD, RDX, m(RCX, -1));
        a.alu(Alu.AND, QWORD, RDX, RAX);
        a.mov(QWORD, R9, RCX);
        a.alu(Alu.SUB, QWORD, R9, RDX);
        a.alu(Alu.CMP, QWORD, RSI, R9);
        a.jcc(Cond.A, wrap);
        a.lea(QWORD, R9, m(RAX, RSI, 1, 0));
        a.mov(QWORD, RDI, R9);
        a.alu(Alu.SUB, QWORD, RDI, m(R11, RING_TAIL));
        a.alu(Alu.CMP, QWORD, RDI, RCX);
        a.jcc(Cond.A, drop);
        a.lea(QWORD, RDI, m(R11, RDX, 1, RING_DATA));
        a.ret();
        a.bind(wrap);
        a.lea(QWORD, RDI, m(RAX, R9, 1, 0));
        a.alu(Alu.ADD, QWORD, RDI, RSI);
        a.mov(QWORD, RAX, RDI);
        a.alu(Alu.SUB, QWORD, RDI, m(R11, RING_TAIL));
        a.alu(Alu.CMP, QWORD, RDI, RCX);
        a.jcc(Cond.A, drop);
        a.mov(DWORD, m(R11, RDX, 1, RING_DATA + REC_LENGTH), R9);
        a.mov(DWORD, m(R11, RDX, 1, RING_DATA + REC_TYPE), REC_PAD);
        a.mov(QWORD, R9, RAX);
        a.lea(QWORD, RDI, m(R11, RING_DATA));
        a.ret();
        a.bind(drop);
        a.inc(QWORD, m(R11, RING_DROPPED));
        a.alu(Alu.XOR, DWORD, RDI, RDI);
        a.ret();

        // printf: rax = format index, rcx = argument block, rdx = format descriptor. Changes rax, rcx, rdx only.
        var sizeLoop = a.newLabel();
        var sizeInt = a.newLabel();
        var sizeNext = a.newLabel();
        var writeLoop = a.newLabel();
        var writeInt = a.newLabel();
        var writeNext = a.newLabel();
        var commit = a.newLabel();
        var out = a.newLabel();
        a.bind(printf);
        for (Reg r : KEPT) a.push(r);
        a.push(RAX);
        a.mov(QWORD, R10, RCX);
        a.mov(QWORD, R8, RDX);
        a.movzx(DWORD, R15, BYTE, m(R8, 0));
        a.mov(DWORD, RDX, REC_ARGS);
        a.alu(Alu.XOR, DWORD, R14, R14);
        a.bind(sizeLoop);
        a.alu(Alu.CMP, DWORD, R14, R15);
        a.jcc(Cond.AE, sizeNext);
        a.alu(Alu.ADD, QWORD, RDX, 8);
        a.alu(Alu.CMP, BYTE, m(R8, R14, 1, 1), 0);
        a.jcc(Cond.E, sizeInt);
        a.mov(QWORD, RSI, m(R10, R14, 8, 0));
        a.call(strlen);
        a.alu(Alu.ADD, QWORD, RCX, 7);
        a.alu(Alu.AND, QWORD, RCX, -8);
        a.alu(Alu.ADD, QWORD, RDX, RCX);
        a.bind(sizeInt);
        a.inc(DWORD, R14);
        a.jmp(sizeLoop);
        a.bind(sizeNext);
        a.mov(QWORD, RSI, RDX);
        a.call(ringReserve);
        a.test(QWORD, RDI, RDI);
        a.jcc(Cond.E, out);
        a.push(R9);
        a.mov(DWORD, m(RDI, REC_LENGTH), RSI);
        a.mov(DWORD, m(RDI, REC_TYPE), REC_PRINTF);
        a.call(stamp);
        a.mov(QWORD, m(RDI, REC_TSC), RAX);
        a.mov(QWORD, RAX, m(RSP, 8));
        a.mov(DWORD, m(RDI, REC_ID), RAX);
        a.mov(DWORD, m(RDI, REC_ARGC), R15);
        a.alu(Alu.ADD, QWORD, RDI, REC_ARGS);
        a.alu(Alu.XOR, DWORD, R14, R14);
        a.bind(writeLoop);
        a.alu(Alu.CMP, DWORD, R14, R15);
        a.jcc(Cond.AE, commit);
        a.mov(QWORD, RSI, m(R10, R14, 8, 0));
        a.alu(Alu.CMP, BYTE, m(R8, R14, 1, 1), 0);
        a.jcc(Cond.E, writeInt);
        a.call(strlen);
        a.mov(QWORD, m(RDI, 0), RCX);
        a.alu(Alu.ADD, QWORD, RDI, 8);
        a.lea(QWORD, RAX, m(RCX, 7));
        a.alu(Alu.AND, QWORD, RAX, -8);
        a.jcc(Cond.E, writeNext);
        a.mov(QWORD, m(RDI, RAX, 1, -8), 0); // the padding after the bytes: zeros
        a.lea(QWORD, RDX, m(RDI, RAX, 1, 0));
        a.repMovsb();
        a.mov(QWORD, RDI, RDX);
        a.jmp(writeNext);
        a.bind(writeInt);
        a.mov(QWORD, m(RDI, 0), RSI);
        a.alu(Alu.ADD, QWORD, RDI, 8);
        a.bind(writeNext);
        a.inc(DWORD, R14);
        a.jmp(writeLoop);
        a.bind(commit);
        a.pop(R9);
        commit();
        a.bind(out);
        a.pop(RAX);
        for (int r = KEPT.length - 1; r >= 0; r--) a.pop(KEPT[r]);
        a.ret();
    }

    /** Publishes the reserved record: head = r9 (a plain store is a release store on x86). */
    private void commit() {
        a.mov(QWORD, RAX, m(RBX, CTX_RING));
        a.mov(QWORD, m(RAX, RING_HEAD), R9);
        a.inc(QWORD, m(RAX, RING_EMITTED));
    }

    // ------------------------------------------------------------------ aggregates

    private void aggregates() {
        // lazyClear: r8 = table, r10 = descriptor. A table behind its aggregate's generation empties itself first.
        // Changes rax, rcx, rdx, rsi.
        var current = a.newLabel();
        var clearLoop = a.newLabel();
        a.bind(lazyClear);
        a.mov(QWORD, RAX, m(RBX, CTX_SHARED));
        a.mov(DWORD, RCX, m(R10, Descriptors.AGGR_GENERATION));
        a.mov(QWORD, RAX, m(RAX, RCX, 1, 0));
        a.alu(Alu.CMP, QWORD, RAX, m(R8, AGGR_GENERATION));
        a.jcc(Cond.E, current);
        // empty first, then take the generation: another context's logaggr that sees the new generation here
        // must not find entries from before the clear (x86 keeps these stores in order)
        a.push(RAX);
        a.alu(Alu.XOR, DWORD, RAX, RAX);
        a.mov(DWORD, RCX, m(R10, Descriptors.AGGR_CAPACITY));
        a.mov(DWORD, RDX, m(R10, Descriptors.AGGR_ENTRY_BYTES));
        a.lea(QWORD, RSI, m(R8, AGGR_ENTRIES));
        a.bind(clearLoop);
        a.mov(QWORD, m(RSI, ENTRY_HASH), RAX);
        a.alu(Alu.ADD, QWORD, RSI, RDX);
        a.dec(DWORD, RCX);
        a.jcc(Cond.NE, clearLoop);
        a.mov(QWORD, m(R8, AGGR_USED), RAX);
        a.mov(QWORD, m(R8, AGGR_DROPPED), RAX);
        a.pop(RAX);
        a.mov(QWORD, m(R8, AGGR_GENERATION), RAX);
        a.bind(current);
        a.ret();

        // aggrAdd: rax = table, rcx = argument block (int keys, string key pointers, value), rdx = descriptor. Changes
        // rax, rcx, rdx only.
        var hashInts = a.newLabel();
        var hashStrs = a.newLabel();
        var hashBytes = a.newLabel();
        var hashNextStr = a.newLabel();
        var hashed = a.newLabel();
        var probe = a.newLabel();
        var probeNext = a.newLabel();
        var probeWrap = a.newLabel();
        var found = a.newLabel();
        var empty = a.newLabel();
        var dropped = a.newLabel();
        var done = a.newLabel();
        a.bind(aggrAdd);
        for (Reg r : KEPT) a.push(r);
        a.push(RBP);
        a.mov(QWORD, R8, RAX);
        a.mov(QWORD, R9, RCX);
        a.mov(QWORD, R10, RDX);
        a.call(lazyClear);
        a.mov(DWORD, R14, m(R10, Descriptors.AGGR_INT_KEYS));
        a.mov(DWORD, R15, m(R10, Descriptors.AGGR_STR_KEYS));
        // hash = seed; per int key: (hash ^ key) * M; per string byte: (hash ^ byte) * M
        a.mov(QWORD, RAX, HASH_SEED);
        a.mov(QWORD, RDX, HASH_MULTIPLIER);
        a.alu(Alu.XOR, DWORD, RSI, RSI);
        a.bind(hashInts);
        a.alu(Alu.CMP, DWORD, RSI, R14);
        a.jcc(Cond.AE, hashStrs);
        a.alu(Alu.XOR, QWORD, RAX, m(R9, RSI, 8, 0));
        a.imul(QWORD, RAX, RDX);
        a.inc(DWORD, RSI);
        a.jmp(hashInts);
        a.bind(hashStrs);
        a.lea(DWORD, RCX, m(R14, R15, 1, 0));
        a.alu(Alu.CMP, DWORD, RSI, RCX);
        a.jcc(Cond.AE, hashed);
        a.mov(QWORD, RDI, m(R9, RSI, 8, 0));
        a.bind(hashBytes);
        a.movzx(DWORD, RCX, BYTE, m(RDI, 0));
        a.test(DWORD, RCX, RCX);
        a.jcc(Cond.E, hashNextStr);
        a.alu(Alu.XOR, QWORD, RAX, RCX);
        a.imul(QWORD, RAX, RDX);
        a.inc(QWORD, RDI);
        a.jmp(hashBytes);
        a.bind(hashNextStr);
        a.imul(QWORD, RAX, RDX); // separates "ab","c" from "a","bc"
        a.inc(DWORD, RSI);
        a.jmp(hashStrs);
        a.bind(hashed);
        a.alu(Alu.OR, QWORD, RAX, 1);
        a.mov(QWORD, R11, RAX);
        // first slot: (hash * capacity) >> 64
        a.mov(DWORD, RCX, m(R10, Descriptors.AGGR_CAPACITY));
        a.mov(QWORD, RBP, RCX);             // probes left
        a.unary(Unary.MUL, QWORD, RCX);
        a.mov(DWORD, RCX, m(R10, Descriptors.AGGR_ENTRY_BYTES));
        a.imul(QWORD, RDX, RCX);
        a.lea(QWORD, RDI, m(R8, RDX, 1, AGGR_ENTRIES));
        a.bind(probe);
        a.mov(QWORD, RAX, m(RDI, ENTRY_HASH));
        a.test(QWORD, RAX, RAX);
        a.jcc(Cond.E, empty);
        a.alu(Alu.CMP, QWORD, RAX, R11);
        a.jcc(Cond.NE, probeNext);
        keysEqual(probeNext);
        a.jmp(found);
        a.bind(probeNext);
        a.dec(QWORD, RBP);
        a.jcc(Cond.E, dropped);
        a.mov(DWORD, RCX, m(R10, Descriptors.AGGR_ENTRY_BYTES));
        a.alu(Alu.ADD, QWORD, RDI, RCX);
        a.mov(DWORD, RAX, m(R10, Descriptors.AGGR_CAPACITY));
        a.imul(QWORD, RAX, RCX);
        a.lea(QWORD, RAX, m(R8, RAX, 1, AGGR_ENTRIES));
        a.alu(Alu.CMP, QWORD, RDI, RAX);
        a.jcc(Cond.B, probe);
        a.bind(probeWrap);
        a.lea(QWORD, RDI, m(R8, AGGR_ENTRIES));
        a.jmp(probe);

        a.bind(dropped);
        a.inc(QWORD, m(R8, AGGR_DROPPED));
        a.jmp(done);

        // a new entry: the keys, then figures as for a first value
        a.bind(empty);
        var copyInts = a.newLabel();
        var copyStrs = a.newLabel();
        var keysCopied = a.newLabel();
        a.mov(DWORD, RAX, m(R10, Descriptors.AGGR_CAPACITY));
        a.alu(Alu.CMP, QWORD, m(R8, AGGR_USED), RAX);
        a.jcc(Cond.AE, dropped);
        a.inc(QWORD, m(R8, AGGR_USED));
        a.mov(QWORD, m(RDI, ENTRY_HASH), R11);
        a.alu(Alu.XOR, DWORD, RSI, RSI);
        a.bind(copyInts);
        a.alu(Alu.CMP, DWORD, RSI, R14);
        a.jcc(Cond.AE, copyStrs);
        a.mov(QWORD, RAX, m(R9, RSI, 8, 0));
        a.mov(QWORD, m(RDI, RSI, 8, ENTRY_KEYS), RAX);
        a.inc(DWORD, RSI);
        a.jmp(copyInts);
        a.bind(copyStrs);
        a.lea(DWORD, RCX, m(R14, R15, 1, 0));
        a.alu(Alu.CMP, DWORD, RSI, RCX);
        a.jcc(Cond.AE, keysCopied);
        // destination: entry + KEYS + 8 * ints + 256 * (i - ints)
        a.push(RSI);
        a.push(RDI);
        a.mov(QWORD, RCX, m(R9, RSI, 8, 0));
        a.alu(Alu.SUB, DWORD, RSI, R14);
        a.shift(Shift.SHL, QWORD, RSI, 8);
        a.lea(QWORD, RAX, m(RDI, R14, 8, ENTRY_KEYS));
        a.alu(Alu.ADD, QWORD, RAX, RSI);
        a.call(strcpy);
        a.pop(RDI);
        a.pop(RSI);
        a.inc(DWORD, RSI);
        a.jmp(copyStrs);
        a.bind(keysCopied);
        a.lea(DWORD, RCX, m(R14, R15, 1, 0));
        a.mov(QWORD, RAX, m(R9, RCX, 8, 0));
        a.mov(QWORD, m(RDI, ENTRY_COUNT), 1);
        a.mov(QWORD, m(RDI, ENTRY_SUM), RAX);
        a.mov(QWORD, m(RDI, ENTRY_MIN), RAX);
        a.mov(QWORD, m(RDI, ENTRY_MAX), RAX);
        var latest = a.newLabel();
        a.jmp(latest);

        a.bind(found);
        a.lea(DWORD, RCX, m(R14, R15, 1, 0));
        a.mov(QWORD, RAX, m(R9, RCX, 8, 0));
        a.inc(QWORD, m(RDI, ENTRY_COUNT));
        a.alu(Alu.ADD, QWORD, m(RDI, ENTRY_SUM), RAX);
        a.mov(QWORD, RCX, m(RDI, ENTRY_MIN));
        a.alu(Alu.CMP, QWORD, RAX, RCX);
        a.cmov(Cond.B, QWORD, RCX, RAX);
        a.mov(QWORD, m(RDI, ENTRY_MIN), RCX);
        a.mov(QWORD, RCX, m(RDI, ENTRY_MAX));
        a.alu(Alu.CMP, QWORD, RAX, RCX);
        a.cmov(Cond.A, QWORD, RCX, RAX);
        a.mov(QWORD, m(RDI, ENTRY_MAX), RCX);
        a.bind(latest);
        a.mov(QWORD, m(RDI, ENTRY_LATEST), RAX);
        a.call(stamp);
        a.mov(QWORD, m(RDI, ENTRY_TIME), RAX);
        a.bind(done);
        a.pop(RBP);
        for (int r = KEPT.length - 1; r >= 0; r--) a.pop(KEPT[r]);
        a.ret();

        // logaggr: rax = table, rdx = descriptor. HEAVY. A REC_LOGAGGR record of every context's table as the call finds
        // it (count = contexts): per context {n, dropped} and n entries; a table of another generation is empty. The
        // record is sized from the tables' used counts; an entry inserted meanwhile that does not fit is left out, and
        // the bytes after the last context are padding.
        var sizeLoop = a.newLabel();
        var sizeNext = a.newLabel();
        var sized = a.newLabel();
        var contextLoop = a.newLabel();
        var contextNext = a.newLabel();
        var copied = a.newLabel();
        var scan = a.newLabel();
        var skip = a.newLabel();
        var scanned = a.newLabel();
        var logOut = a.newLabel();
        a.bind(logAggr);
        a.push(R14);
        a.push(R15);
        a.push(R12);
        a.push(R13);
        a.mov(QWORD, R8, RAX);
        a.mov(QWORD, R10, RDX);
        a.call(lazyClear);
        a.mov(QWORD, R15, R8);
        a.alu(Alu.SUB, QWORD, R15, RBX);                      // the table's distance from its context block: the same in all
        a.mov(QWORD, R13, m(RBX, CTX_CONTEXTS));
        a.mov(QWORD, R14, m(RBX, CTX_CONTEXT_COUNT));
        a.mov(QWORD, RSI, R14);
        a.shift(Shift.SHL, QWORD, RSI, 4);
        a.alu(Alu.ADD, QWORD, RSI, REC_ARGS);
        a.alu(Alu.XOR, DWORD, RCX, RCX);
        a.bind(sizeLoop);
        a.alu(Alu.CMP, QWORD, RCX, R14);
        a.jcc(Cond.AE, sized);
        a.mov(QWORD, RDI, Mem.of(R13, RCX, 8, 0));
        a.alu(Alu.ADD, QWORD, RDI, R15);
        a.mov(QWORD, RAX, m(RDI, AGGR_GENERATION));
        a.alu(Alu.CMP, QWORD, RAX, m(R8, AGGR_GENERATION));
        a.jcc(Cond.NE, sizeNext);
        a.mov(DWORD, RAX, m(R10, Descriptors.AGGR_ENTRY_BYTES));
        a.imul(QWORD, RAX, m(RDI, AGGR_USED));
        a.alu(Alu.ADD, QWORD, RSI, RAX);
        a.bind(sizeNext);
        a.inc(QWORD, RCX);
        a.jmp(sizeLoop);
        a.bind(sized);
        a.call(ringReserve);
        a.test(QWORD, RDI, RDI);
        a.jcc(Cond.E, logOut);
        a.push(R9);
        a.mov(DWORD, m(RDI, REC_LENGTH), RSI);
        a.mov(DWORD, m(RDI, REC_TYPE), REC_LOGAGGR);
        a.call(stamp);
        a.mov(QWORD, m(RDI, REC_TSC), RAX);
        a.mov(DWORD, RAX, m(R10, Descriptors.AGGR_INDEX));
        a.mov(DWORD, m(RDI, REC_ID), RAX);
        a.mov(DWORD, m(RDI, REC_ARGC), R14);
        a.lea(QWORD, R12, Mem.of(RDI, RSI, 1, 0));            // the record's end
        a.alu(Alu.ADD, QWORD, RDI, REC_ARGS);
        a.alu(Alu.XOR, DWORD, R9, R9);
        a.bind(contextLoop);
        a.alu(Alu.CMP, QWORD, R9, R14);
        a.jcc(Cond.AE, copied);
        a.mov(QWORD, R11, RDI);                               // this context's {n, dropped}
        a.alu(Alu.XOR, DWORD, RAX, RAX);
        a.mov(QWORD, m(RDI, 0), RAX);
        a.mov(QWORD, m(RDI, 8), RAX);
        a.alu(Alu.ADD, QWORD, RDI, 16);
        a.mov(QWORD, RDX, Mem.of(R13, R9, 8, 0));
        a.alu(Alu.ADD, QWORD, RDX, R15);
        a.mov(QWORD, RAX, m(RDX, AGGR_GENERATION));
        a.alu(Alu.CMP, QWORD, RAX, m(R8, AGGR_GENERATION));
        a.jcc(Cond.NE, contextNext);
        a.mov(QWORD, RAX, m(RDX, AGGR_DROPPED));
        a.mov(QWORD, m(R11, 8), RAX);
        // this context's entries end where the later contexts' headers must still fit
        a.mov(QWORD, RAX, R14);
        a.alu(Alu.SUB, QWORD, RAX, R9);
        a.dec(QWORD, RAX);
        a.shift(Shift.SHL, QWORD, RAX, 4);
        a.unary(Unary.NEG, QWORD, RAX);
        a.alu(Alu.ADD, QWORD, RAX, R12);
        a.lea(QWORD, RSI, m(RDX, AGGR_ENTRIES));
        a.mov(DWORD, RCX, m(R10, Descriptors.AGGR_CAPACITY));
        a.bind(scan);
        a.alu(Alu.CMP, QWORD, m(RSI, ENTRY_HASH), 0);
        a.jcc(Cond.E, skip);
        a.mov(DWORD, RDX, m(R10, Descriptors.AGGR_ENTRY_BYTES));
        a.alu(Alu.ADD, QWORD, RDX, RDI);
        a.alu(Alu.CMP, QWORD, RDX, RAX);
        a.jcc(Cond.A, contextNext);
        a.push(RCX);
        a.mov(DWORD, RCX, m(R10, Descriptors.AGGR_ENTRY_BYTES));
        a.repMovsb();
        a.pop(RCX);
        a.inc(QWORD, m(R11, 0));
        a.jmp(scanned);
        a.bind(skip);
        a.mov(DWORD, RDX, m(R10, Descriptors.AGGR_ENTRY_BYTES));
        a.alu(Alu.ADD, QWORD, RSI, RDX);
        a.bind(scanned);
        a.dec(DWORD, RCX);
        a.jcc(Cond.NE, scan);
        a.bind(contextNext);
        a.inc(QWORD, R9);
        a.jmp(contextLoop);
        a.bind(copied);
        a.pop(R9);
        commit();
        a.bind(logOut);
        a.pop(R13);
        a.pop(R12);
        a.pop(R15);
        a.pop(R14);
        a.ret();

        // clearaggr: rax = table, rdx = descriptor. HEAVY. Bumps the shared generation, then empties this table.
        a.bind(clearAggr);
        a.mov(QWORD, R8, RAX);
        a.mov(QWORD, R10, RDX);
        a.mov(QWORD, RAX, m(RBX, CTX_SHARED));
        a.mov(DWORD, RCX, m(R10, Descriptors.AGGR_GENERATION));
        a.mov(DWORD, RDX, 1);
        a.lockXadd(QWORD, m(RAX, RCX, 1, 0), RDX);
        a.jmp(lazyClear);
    }

    /** rdi = entry, r9 = argument block, r14/r15 = key counts: falls through when the keys are equal, else to differ. */
    private void keysEqual(Label differ) {
        var ints = a.newLabel();
        var strs = a.newLabel();
        var bytes = a.newLabel();
        var nextStr = a.newLabel();
        var equal = a.newLabel();
        a.alu(Alu.XOR, DWORD, RSI, RSI);
        a.bind(ints);
        a.alu(Alu.CMP, DWORD, RSI, R14);
        a.jcc(Cond.AE, strs);
        a.mov(QWORD, RAX, m(R9, RSI, 8, 0));
        a.alu(Alu.CMP, QWORD, RAX, m(RDI, RSI, 8, ENTRY_KEYS));
        a.jcc(Cond.NE, differ);
        a.inc(DWORD, RSI);
        a.jmp(ints);
        a.bind(strs);
        a.lea(DWORD, RCX, m(R14, R15, 1, 0));
        a.alu(Alu.CMP, DWORD, RSI, RCX);
        a.jcc(Cond.AE, equal);
        // rcx = argument string, rdx = entry key
        a.mov(QWORD, RCX, m(R9, RSI, 8, 0));
        a.mov(QWORD, RDX, RSI);
        a.alu(Alu.SUB, DWORD, RDX, R14);
        a.shift(Shift.SHL, QWORD, RDX, 8);
        a.lea(QWORD, RDX, m(RDX, R14, 8, ENTRY_KEYS));
        a.alu(Alu.ADD, QWORD, RDX, RDI);
        a.bind(bytes);
        a.movzx(DWORD, RAX, BYTE, m(RCX, 0));
        a.alu(Alu.CMP, BYTE, RAX, m(RDX, 0));
        a.jcc(Cond.NE, differ);
        a.test(DWORD, RAX, RAX);
        a.jcc(Cond.E, nextStr);
        a.inc(QWORD, RCX);
        a.inc(QWORD, RDX);
        a.jmp(bytes);
        a.bind(nextStr);
        a.inc(DWORD, RSI);
        a.jmp(strs);
        a.bind(equal);
    }

    // ------------------------------------------------------------------ bags

    private void bags() {
        // bagInsert: rax = bag, rcx = {key, value}, edx = capacity. LIGHT. Claims an empty slot with lock cmpxchg.
        var loop = a.newLabel();
        var next = a.newLabel();
        a.bind(bagInsert);
        a.push(RAX);
        a.lea(QWORD, RSI, m(RAX, BAG_SLOTS));
        a.bind(loop);
        a.alu(Alu.CMP, QWORD, m(RSI, SLOT_STATE), 0);
        a.jcc(Cond.NE, next);
        a.alu(Alu.XOR, DWORD, RAX, RAX);
        a.mov(DWORD, RDI, 1);
        a.lockCmpxchg(QWORD, m(RSI, SLOT_STATE), RDI);
        a.jcc(Cond.NE, next);
        a.mov(QWORD, RAX, m(RCX, 0));
        a.mov(QWORD, m(RSI, SLOT_KEY), RAX);
        a.mov(QWORD, RAX, m(RCX, 8));
        a.mov(QWORD, m(RSI, SLOT_VALUE), RAX);
        a.mov(QWORD, m(RSI, SLOT_STATE), 2);
        a.pop(RAX);
        a.ret();
        a.bind(next);
        a.alu(Alu.ADD, QWORD, RSI, SLOT_SIZE);
        a.dec(DWORD, RDX);
        a.jcc(Cond.NE, loop);
        a.pop(RAX);
        a.mov(DWORD, RCX, 1);
        a.lockXadd(QWORD, m(RAX, BAG_DROPPED), RCX);
        a.ret();

        // bagRemove: rax = bag, rcx = key, edx = capacity -> rax = value or 0. LIGHT.
        var rloop = a.newLabel();
        var rnext = a.newLabel();
        var restore = a.newLabel();
        a.bind(bagRemove);
        a.lea(QWORD, RSI, m(RAX, BAG_SLOTS));
        a.bind(rloop);
        a.alu(Alu.CMP, QWORD, m(RSI, SLOT_STATE), 2);
        a.jcc(Cond.NE, rnext);
        a.alu(Alu.CMP, QWORD, m(RSI, SLOT_KEY), RCX);
        a.jcc(Cond.NE, rnext);
        a.mov(DWORD, RAX, 2);
        a.mov(DWORD, RDI, 1);
        a.lockCmpxchg(QWORD, m(RSI, SLOT_STATE), RDI);
        a.jcc(Cond.NE, rnext);
        a.alu(Alu.CMP, QWORD, m(RSI, SLOT_KEY), RCX);
        a.jcc(Cond.NE, restore);
        a.mov(QWORD, RAX, m(RSI, SLOT_VALUE));
        a.mov(QWORD, m(RSI, SLOT_STATE), 0);
        a.ret();
        a.bind(restore);
        a.mov(QWORD, m(RSI, SLOT_STATE), 2);
        a.bind(rnext);
        a.alu(Alu.ADD, QWORD, RSI, SLOT_SIZE);
        a.dec(DWORD, RDX);
        a.jcc(Cond.NE, rloop);
        a.alu(Alu.XOR, DWORD, RAX, RAX);
        a.ret();
    }

    // ------------------------------------------------------------------ the rest

    private void misc() {
        // tsc -> rax: CTX_TSC when set, else the live counter. Changes rax, rdx.
        var live = a.newLabel();
        a.bind(tsc);
        a.mov(QWORD, RAX, m(RBX, CTX_TSC));
        a.test(QWORD, RAX, RAX);
        a.jcc(Cond.E, live);
        a.ret();
        a.bind(live);
        rdtsc();
        a.ret();

        // stamp -> rax: the firing's timestamp (Abi.CTX_STAMP): what tsc gives, taken at most once per firing.
        // Changes rax, rdx.
        var first = a.newLabel();
        a.bind(stamp);
        a.mov(QWORD, RAX, m(RBX, CTX_STAMP));
        a.test(QWORD, RAX, RAX);
        a.jcc(Cond.E, first);
        a.ret();
        a.bind(first);
        a.call(tsc);
        a.mov(QWORD, m(RBX, CTX_STAMP), RAX);
        a.ret();

        // systemTime -> rax: host microseconds (Abi.CTX_TIME_TSC). LIGHT.
        var later = a.newLabel();
        var noRate = a.newLabel();
        var saturate = a.newLabel();
        a.bind(systemTime);
        rdtsc();
        a.alu(Alu.SUB, QWORD, RAX, m(RBX, CTX_TIME_TSC));
        a.jcc(Cond.AE, later);
        a.alu(Alu.XOR, DWORD, RAX, RAX);
        a.bind(later);
        a.mov(QWORD, RCX, m(RBX, CTX_TSC_HZ));
        a.test(QWORD, RCX, RCX);
        a.jcc(Cond.E, noRate);
        a.mov(DWORD, RDX, 1_000_000);
        a.unary(Unary.MUL, QWORD, RDX);
        a.alu(Alu.CMP, QWORD, RDX, RCX);
        a.jcc(Cond.AE, saturate);
        a.unary(Unary.DIV, QWORD, RCX);
        a.alu(Alu.ADD, QWORD, RAX, m(RBX, CTX_TIME_MICROS));
        a.ret();
        a.bind(noRate);
        a.mov(QWORD, RAX, m(RBX, CTX_TIME_MICROS));
        a.ret();
        a.bind(saturate);
        a.mov(QWORD, RAX, -1);
        a.ret();

        // segmentAr: rax = struct kvm_segment -> rax = VMX access rights (Abi). LIGHT.
        a.bind(segmentAr);
        a.movzx(DWORD, RCX, BYTE, m(RAX, SEG_TYPE));
        int[][] bits = {{SEG_S, 4}, {SEG_DPL, 5}, {SEG_PRESENT, 7}, {SEG_AVL, 12}, {SEG_L, 13}, {SEG_DB, 14}, {SEG_G, 15},
                {SEG_UNUSABLE, 16}};
        for (int[] b : bits) {
            a.movzx(DWORD, RDX, BYTE, m(RAX, b[0]));
            a.shift(Shift.SHL, DWORD, RDX, b[1]);
            a.alu(Alu.OR, DWORD, RCX, RDX);
        }
        a.mov(DWORD, RAX, RCX);
        a.ret();

        // probeName: rax = dst. LIGHT.
        a.bind(probeName);
        a.mov(QWORD, RCX, m(RBX, CTX_RODATA));
        a.mov(QWORD, RDX, m(RBX, CTX_PROBE));
        a.mov(DWORD, RDX, m(RCX, RDX, 4, probeNames));
        a.alu(Alu.ADD, QWORD, RCX, RDX);
        a.jmp(strcpy);

        // excName: rax = dst. LIGHT. Empty before any cancellation.
        var none = a.newLabel();
        a.bind(excName);
        a.mov(QWORD, RDX, m(RBX, CTX_EXC_OUTCOME));
        a.alu(Alu.CMP, QWORD, RDX, 2);
        a.jcc(Cond.B, none);
        causeName(RDX, RCX);
        a.jmp(strcpy);
        a.bind(none);
        a.mov(BYTE, m(RAX, 0), 0);
        a.ret();

        // excDesc: rax = dst. LIGHT. The latest cancellation's description; empty before any in this firing (the
        // block keeps an earlier firing's text, which the entry does not clear).
        a.bind(excDesc);
        a.alu(Alu.CMP, QWORD, m(RBX, CTX_EXC_OUTCOME), 2);
        a.jcc(Cond.B, none);
        a.lea(QWORD, RCX, m(RBX, CTX_EXC_DESC));
        a.jmp(strcpy);

        // guestStack: rax = dst. HEAVY. GUEST_0x<rip> then _0x<return address> per frame, as GuestMemory.guestStack.
        var frame = a.newLabel();
        var stop = a.newLabel();
        var finish = a.newLabel();
        a.bind(guestStack);
        a.push(R14);
        a.push(R15);
        a.mov(QWORD, RDI, RAX);
        a.lea(QWORD, R11, m(RAX, maxString));
        putString(RuntimeText.GUEST_PREFIX);
        a.mov(QWORD, R15, m(RBX, CTX_REGS));
        a.mov(QWORD, RAX, m(R15, KVM_REGS_RIP));
        a.call(putHex);
        a.mov(QWORD, R15, m(R15, KVM_REGS_RBP));
        a.mov(DWORD, R14, 16);
        a.bind(frame);
        a.test(QWORD, R15, R15);
        a.jcc(Cond.E, finish);
        a.push(RDI);
        a.lea(QWORD, RDI, m(R15, 8));
        a.mov(DWORD, RSI, 8);
        a.call(readPointer);
        a.jcc(Cond.B, stop);  // stop pops rdi below
        a.mov(QWORD, R10, m(RAX, 0));
        a.mov(QWORD, RDI, R15);
        a.call(readPointer);
        a.jcc(Cond.B, stop);
        a.mov(QWORD, R15, m(RAX, 0));
        a.pop(RDI);
        a.mov(DWORD, RAX, '_');
        a.mov(DWORD, RCX, 1);
        a.call(putRep);
        a.mov(DWORD, RAX, '0');
        a.mov(DWORD, RCX, 1);
        a.call(putRep);
        a.mov(DWORD, RAX, 'x');
        a.mov(DWORD, RCX, 1);
        a.call(putRep);
        a.mov(QWORD, RAX, R10);
        a.call(putHex);
        a.dec(DWORD, R14);
        a.jcc(Cond.NE, frame);
        a.push(RDI);
        a.bind(stop);
        a.pop(RDI);
        a.bind(finish);
        a.mov(BYTE, m(RDI, 0), 0);
        a.pop(R15);
        a.pop(R14);
        a.ret();
    }

    private void rdtsc() {
        a.rdtsc();
        a.shift(Shift.SHL, QWORD, RDX, 32);
        a.alu(Alu.OR, QWORD, RAX, RDX);
    }
}
