package dev.vp.compiler.ir;

import dev.vp.compiler.lang.Builtin;
import java.util.List;

/**
 * IR instructions. Integer values live in virtual registers (v0, v1, ...: 64-bit, unsigned semantics);
 * string values live in string slots (s0, s1, ...: 256-byte buffers in the frame, NUL-terminated, at most
 * 255 characters). Every instruction carries the source location that a cancellation reports.
 * Instructions that can cancel say so in their comment; nothing else can.
 */
public sealed interface Insn {
    Loc loc();

    /** v = constant */
    record Const(Loc loc, int dst, long value) implements Insn {}

    record Move(Loc loc, int dst, int src) implements Insn {}

    /** v = a op b. UDIV and UREM cancel with division-by-zero when b == 0. */
    record Bin(Loc loc, BinOp op, int dst, int a, int b) implements Insn {}

    record Un(Loc loc, UnOp op, int dst, int a) implements Insn {}

    /** v = a built-in variable (not PROBENAME: see BuiltinStr). */
    record ReadBuiltin(Loc loc, int dst, Builtin var) implements Insn {}

    /** s = PROBENAME */
    record BuiltinStr(Loc loc, int dst, Builtin var) implements Insn {}

    /** v = host microseconds (getsystemtime). */
    record SystemTime(Loc loc, int dst) implements Insn {}

    /** v = guest memory [addr], size 1/2/4/8, sign- or zero-extended. Cancels with guest-fault. */
    record LoadGuest(Loc loc, int dst, int addr, int size, boolean signed, Space space) implements Insn {}

    /** s = NUL-terminated guest string at addr, at most maxLen (1..255) characters. Cancels with guest-fault. */
    record LoadGuestStr(Loc loc, int dst, int addr, int maxLen, Space space) implements Insn {}

    /** v = global integer variable. */
    record LoadVar(Loc loc, int dst, int global) implements Insn {}

    record StoreVar(Loc loc, int global, int src) implements Insn {}

    /** s = global string variable. */
    record LoadStrVar(Loc loc, int dst, int global) implements Insn {}

    record StoreStrVar(Loc loc, int global, int src) implements Insn {}

    /** s = string constant from the program's constant pool. */
    record StrConst(Loc loc, int dst, int constant) implements Insn {}

    record StrMove(Loc loc, int dst, int src) implements Insn {}

    /** s = a + b, truncated to 255 characters. dst may equal a or b. */
    record StrConcat(Loc loc, int dst, int a, int b) implements Insn {}

    /** v = strcmp(a, b): 0, 1 or all ones. */
    record StrCmp(Loc loc, int dst, int a, int b) implements Insn {}

    /** s = sprintf(format, args); dst may also be one of the args. */
    record Sprintf(Loc loc, int dst, int format, List<Operand> args) implements Insn {}

    /** Append an output record: the host formats it with the format and arguments. */
    record Printf(Loc loc, int format, List<Operand> args) implements Insn {}

    /** Add value to the aggregate entry for the keys (count, sum, min, max, latest). Full table: dropped, counted. */
    record AggrAdd(Loc loc, int aggr, List<Integer> intKeys, List<Integer> strKeys, int value) implements Insn {}

    /** Print the aggregate in VProbes' format (an output record: the host merges the vCPUs' tables). */
    record LogAggr(Loc loc, int aggr) implements Insn {}

    record ClearAggr(Loc loc, int aggr) implements Insn {}

    /** Insert (key, value); a full bag drops and counts. */
    record BagInsert(Loc loc, int bag, int key, int value) implements Insn {}

    /** v = the value of one pair with this key, removing it; 0 when absent. */
    record BagRemove(Loc loc, int dst, int bag, int key) implements Insn {}

    /** s = the guest's frame-pointer stack, formatted GUEST_0x..._0x... Cancels never: stops at a bad frame. */
    record GuestStack(Loc loc, int dst) implements Insn {}

    /** s = excname() or excdesc() of the latest cancellation caught in this firing (empty before the first; docs/language.md). */
    record ExcInfo(Loc loc, int dst, boolean description) implements Insn {}

    /**
     * Call a function of the program. Charges the callee's frame size to the stack budget (cancels with
     * stack). dst is a register (int result), a slot (string result), or -1 (void).
     */
    record Call(Loc loc, int function, List<Operand> args, int dst) implements Insn {}

    /** Spend one unit of loop fuel (at every loop back-edge). Cancels with loop-fuel when none is left. */
    record Fuel(Loc loc) implements Insn {}

    /** Open a try region: a cancellation until the matching TryEnd goes to the handler block. */
    record TryBegin(Loc loc, int handler) implements Insn {}

    /** Close the innermost try region. */
    record TryEnd(Loc loc) implements Insn {}

    /** An operand that is either an integer register or a string slot. */
    record Operand(boolean string, int index) {
        public static Operand reg(int r) { return new Operand(false, r); }
        public static Operand slot(int s) { return new Operand(true, s); }
        @Override public String toString() { return (string ? "s" : "v") + index; }
    }

    enum Space { LINEAR, PHYSICAL }

    enum BinOp { ADD, SUB, MUL, UDIV, UREM, AND, OR, XOR, SHL, SHR, SAR, EQ, NE, ULT, ULE, UGT, UGE }

    /** LNOT is C's `!` (1 when zero); SEXTn/ZEXTn extend the low n bits. */
    enum UnOp { NEG, NOT, LNOT, SEXT8, SEXT16, SEXT32, ZEXT8, ZEXT16, ZEXT32 }
}
