// An x86-64 encoder for the JIT and the helper library: shortest encodings, labels, and branch relaxation.
package dev.vp.x64.asm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Emits x86-64 machine code, one method per instruction form, always in the shortest encoding GNU
 * {@code as} would pick (no REX unless needed, imm8 and disp8 when they fit, accumulator forms).
 *
 * <p>Branches to labels ({@link #jmp(Label)}, {@link #jcc(Cond, Label)}) are not written into the
 * byte stream when they are emitted: the assembler keeps a raw stream of every other byte plus the
 * list of branches and where they sit in it. {@link #finish()} then starts every branch in its 2-byte
 * rel8 form, grows to rel32 each one whose target is out of reach, and repeats until nothing grows, as
 * Linux's BPF JIT does. Growing only ever lengthens distances, so the loop ends, and no branch is
 * longer than it must be. Labels, annotations and {@code call} fixups remember how many branches
 * precede them, which is all that is needed to map a raw position to its final offset.
 *
 * <p>Bad operands (a size the instruction does not have, an immediate that does not fit) throw
 * {@link IllegalArgumentException} naming the instruction; misuse of labels throws
 * {@link IllegalStateException}.
 */
public final class Assembler {
    private static final int REX = 0x40, REX_W = 0x08, REX_R = 0x04, REX_X = 0x02, REX_B = 0x01;
    private static final int SHORT_BRANCH = 2;

    /** A relaxable branch sitting at raw position {@code rawPos}; {@code cond} is null for jmp. */
    private record Branch(int rawPos, Cond cond, Label target) {}

    /** A rel32 field at raw position {@code rawPos} that must hold the distance to {@code target}. */
    private record Rel32(int rawPos, int branchesBefore, Label target) {}

    private record PendingAnnotation(int rawPos, int branchesBefore, String text) {}

    private byte[] raw = new byte[256];
    private int len;
    private final List<Branch> branches = new ArrayList<>();
    private final List<Rel32> rel32s = new ArrayList<>();
    private final List<PendingAnnotation> pending = new ArrayList<>();
    private final List<Label> labels = new ArrayList<>();
    private int[] branchPrefix;
    private byte[] code;

    // ---------------------------------------------------------------- labels, annotations, result

    public Label newLabel() {
        var label = new Label(this);
        labels.add(label);
        return label;
    }

    /** Binds the label to the current position; a label is bound exactly once. */
    public void bind(Label label) {
        open();
        own(label);
        if (label.isBound()) {
            throw new IllegalStateException("label is already bound");
        }
        label.rawPos = len;
        label.branchesBefore = branches.size();
    }

    /** Attaches a comment (a source line, a clause name) to the offset of the next instruction. */
    public void annotate(String text) {
        open();
        pending.add(new PendingAnnotation(len, branches.size(), text));
    }

    /**
     * Relaxes the branches, resolves every label, and returns the code. Afterwards the assembler is
     * frozen: {@link #offset}, {@link #annotations} and {@link #finish} (which returns a copy) work,
     * emitting does not.
     */
    public byte[] finish() {
        if (code == null) {
            for (var label : labels) {
                if (!label.isBound() && isReferenced(label)) {
                    throw new IllegalStateException("a branch or call targets a label that was never bound");
                }
            }
            code = relax();
        }
        return code.clone();
    }

    /** The final offset of a bound label; valid after {@link #finish()}. */
    public int offset(Label label) {
        own(label);
        if (code == null) {
            throw new IllegalStateException("label offsets are known only after finish(): branches may still grow");
        }
        if (!label.isBound()) {
            throw new IllegalStateException("label was never bound");
        }
        return finalOffset(label.rawPos, label.branchesBefore);
    }

    /** The annotations in code order with their final offsets; valid after {@link #finish()}. */
    public List<Annotation> annotations() {
        if (code == null) {
            throw new IllegalStateException("annotation offsets are known only after finish()");
        }
        return pending.stream().map(p -> new Annotation(finalOffset(p.rawPos, p.branchesBefore), p.text)).toList();
    }

    private boolean isReferenced(Label label) {
        return branches.stream().anyMatch(b -> b.target == label) || rel32s.stream().anyMatch(r -> r.target == label);
    }

    private int finalOffset(int rawPos, int branchesBefore) {
        return rawPos + branchPrefix[branchesBefore];
    }

    private byte[] relax() {
        int n = branches.size();
        boolean[] isLong = new boolean[n];
        branchPrefix = new int[n + 1];
        boolean grew;
        do {
            for (int i = 0; i < n; i++) {
                branchPrefix[i + 1] = branchPrefix[i] + branchSize(branches.get(i), isLong[i]);
            }
            grew = false;
            for (int i = 0; i < n; i++) {
                if (!isLong[i] && !fitsByte(displacement(i, SHORT_BRANCH))) {
                    isLong[i] = true;
                    grew = true;
                }
            }
        } while (grew);

        byte[] out = new byte[len + branchPrefix[n]];
        int from = 0;
        int at = 0;
        for (int i = 0; i < n; i++) {
            var b = branches.get(i);
            System.arraycopy(raw, from, out, at, b.rawPos - from);
            at += b.rawPos - from;
            from = b.rawPos;
            int size = branchSize(b, isLong[i]);
            int disp = displacement(i, size);
            if (!isLong[i]) {
                out[at] = (byte) (b.cond == null ? 0xEB : 0x70 | b.cond.code());
                out[at + 1] = (byte) disp;
            } else if (b.cond == null) {
                out[at] = (byte) 0xE9;
                putInt(out, at + 1, disp);
            } else {
                out[at] = 0x0F;
                out[at + 1] = (byte) (0x80 | b.cond.code());
                putInt(out, at + 2, disp);
            }
            at += size;
        }
        System.arraycopy(raw, from, out, at, len - from);
        for (var r : rel32s) {
            int field = finalOffset(r.rawPos, r.branchesBefore);
            putInt(out, field, offsetOf(r.target) - (field + 4));
        }
        return out;
    }

    private static int branchSize(Branch b, boolean isLong) {
        return !isLong ? SHORT_BRANCH : b.cond == null ? 5 : 6;
    }

    /** Distance from the end of branch i (when it has the given size) to its target. */
    private int displacement(int i, int size) {
        var b = branches.get(i);
        int end = finalOffset(b.rawPos, i) + size;
        return offsetOf(b.target) - end;
    }

    private int offsetOf(Label label) {
        return finalOffset(label.rawPos, label.branchesBefore);
    }

    private static void putInt(byte[] out, int at, int v) {
        out[at] = (byte) v;
        out[at + 1] = (byte) (v >> 8);
        out[at + 2] = (byte) (v >> 16);
        out[at + 3] = (byte) (v >> 24);
    }

    private void own(Label label) {
        if (label.owner != this) {
            throw new IllegalStateException("label belongs to another assembler");
        }
    }

    private void open() {
        if (code != null) {
            throw new IllegalStateException("the assembler is finished; start a new one for more code");
        }
    }

    // ---------------------------------------------------------------- moves

    public void mov(Size s, Reg dst, Reg src) {
        rm(s, s == Size.BYTE ? 0x88 : 0x89, src.code(), dst);
    }

    public void mov(Size s, Reg dst, Mem src) {
        rm(s, s == Size.BYTE ? 0x8A : 0x8B, dst.code(), src);
    }

    public void mov(Size s, Mem dst, Reg src) {
        rm(s, s == Size.BYTE ? 0x88 : 0x89, src.code(), dst);
    }

    /**
     * Loads a constant in the shortest form: a 32-bit {@code mov r32, imm32} when the value is a
     * 32-bit unsigned number (writing r32 zeroes the upper half), {@code mov r/m64, simm32} when it
     * is a negative 32-bit number, and the 10-byte {@code movabs} only when neither fits.
     */
    public void mov(Size s, Reg dst, long imm) {
        if (s != Size.QWORD) {
            long v = immediate("mov", s, imm);
            prefixAndRex(s, dst.code(), s == Size.BYTE && needsByteRex(dst));
            emit8((s == Size.BYTE ? 0xB0 : 0xB8) | (dst.code() & 7));
            emitImm(s, v);
        } else if (imm >= 0 && imm <= 0xFFFF_FFFFL) {
            mov(Size.DWORD, dst, imm);
        } else if (imm == (int) imm) {
            digit(Size.QWORD, 0xC7, 0, dst);
            emit32((int) imm);
        } else {
            rex(REX_W | (dst.code() >> 3));
            emit8(0xB8 | (dst.code() & 7));
            emit64(imm);
        }
    }

    public void mov(Size s, Mem dst, long imm) {
        long v = immediate("mov", s, imm);
        digit(s, s == Size.BYTE ? 0xC6 : 0xC7, 0, dst);
        emitImm(s, v);
    }

    /** Zero-extends a byte or word; {@code dst} is WORD, DWORD or QWORD (DWORD already clears the top). */
    public void movzx(Size dst, Reg to, Size src, Operand from) {
        extend("movzx", dst, to, src, from, src == Size.BYTE ? 0x0FB6 : 0x0FB7);
    }

    /** Sign-extends a byte or word into a wider register. */
    public void movsx(Size dst, Reg to, Size src, Operand from) {
        extend("movsx", dst, to, src, from, src == Size.BYTE ? 0x0FBE : 0x0FBF);
    }

    /** Sign-extends a doubleword into a 64-bit register. */
    public void movsxd(Reg to, Operand from) {
        rm(Size.QWORD, 0x63, to.code(), from);
    }

    private void extend(String name, Size dst, Reg to, Size src, Operand from, int opcode) {
        if ((src != Size.BYTE && src != Size.WORD) || dst.bytes <= src.bytes) {
            throw new IllegalArgumentException(name + " extends a BYTE or WORD into a wider register, not " + src + " into " + dst);
        }
        encode(dst == Size.WORD, false, dst == Size.QWORD, opcode, to.code(), false, from, src == Size.BYTE);
    }

    /** {@code lea dst, [rip+rel32]}: the address of a label, for resume addresses and the text base. */
    public void lea(Reg dst, Label target) {
        own(target);
        rex(REX_W | (dst.code() >= 8 ? REX_R : 0));
        emit8(0x8D);
        emit8((dst.code() & 7) << 3 | 5);
        rel32s.add(new Rel32(len, branches.size(), target));
        emit32(0);
    }

    public void lea(Size s, Reg dst, Mem src) {
        notByte("lea", s);
        rm(s, 0x8D, dst.code(), src);
    }

    // ---------------------------------------------------------------- arithmetic and logic

    public void alu(Alu op, Size s, Reg dst, Reg src) {
        rm(s, op.ext() << 3 | (s == Size.BYTE ? 0 : 1), src.code(), dst);
    }

    public void alu(Alu op, Size s, Mem dst, Reg src) {
        rm(s, op.ext() << 3 | (s == Size.BYTE ? 0 : 1), src.code(), dst);
    }

    public void alu(Alu op, Size s, Reg dst, Mem src) {
        rm(s, op.ext() << 3 | (s == Size.BYTE ? 2 : 3), dst.code(), src);
    }

    /** Register and immediate: imm8 sign-extended when it fits, else the accumulator short form for rax. */
    public void alu(Alu op, Size s, Reg dst, long imm) {
        long v = immediate(op.name().toLowerCase(), s, imm);
        if (s != Size.BYTE && fitsByte(v)) {
            digit(s, 0x83, op.ext(), dst);
            emit8((int) v);
        } else if (dst == Reg.RAX) {
            prefixAndRex(s, 0, false);
            emit8(op.ext() << 3 | (s == Size.BYTE ? 4 : 5));
            emitImm(s, v);
        } else {
            digit(s, s == Size.BYTE ? 0x80 : 0x81, op.ext(), dst);
            emitImm(s, v);
        }
    }

    public void alu(Alu op, Size s, Mem dst, long imm) {
        long v = immediate(op.name().toLowerCase(), s, imm);
        if (s != Size.BYTE && fitsByte(v)) {
            digit(s, 0x83, op.ext(), dst);
            emit8((int) v);
        } else {
            digit(s, s == Size.BYTE ? 0x80 : 0x81, op.ext(), dst);
            emitImm(s, v);
        }
    }

    public void test(Size s, Reg a, Reg b) {
        rm(s, s == Size.BYTE ? 0x84 : 0x85, b.code(), a);
    }

    public void test(Size s, Mem a, Reg b) {
        rm(s, s == Size.BYTE ? 0x84 : 0x85, b.code(), a);
    }

    /** {@code test} has no imm8 form; rax has a one-byte-shorter accumulator form. */
    public void test(Size s, Reg a, long imm) {
        long v = immediate("test", s, imm);
        if (a == Reg.RAX) {
            prefixAndRex(s, 0, false);
            emit8(s == Size.BYTE ? 0xA8 : 0xA9);
        } else {
            digit(s, s == Size.BYTE ? 0xF6 : 0xF7, 0, a);
        }
        emitImm(s, v);
    }

    public void test(Size s, Mem a, long imm) {
        long v = immediate("test", s, imm);
        digit(s, s == Size.BYTE ? 0xF6 : 0xF7, 0, a);
        emitImm(s, v);
    }

    /** Two-operand signed multiply {@code dst *= src} (no BYTE form). */
    public void imul(Size s, Reg dst, Operand src) {
        notByte("imul", s);
        rm(s, 0x0FAF, dst.code(), src);
    }

    /** Three-operand signed multiply {@code dst = src * imm}, imm8 when it fits. */
    public void imul(Size s, Reg dst, Operand src, long imm) {
        notByte("imul", s);
        long v = immediate("imul", s, imm);
        boolean small = fitsByte(v);
        rm(s, small ? 0x6B : 0x69, dst.code(), src);
        if (small) {
            emit8((int) v);
        } else {
            emitImm(s, v);
        }
    }

    /** not, neg, and the unsigned multiply and divides on rdx:rax. */
    public void unary(Unary op, Size s, Operand operand) {
        digit(s, s == Size.BYTE ? 0xF6 : 0xF7, op.ext, operand);
    }

    public void inc(Size s, Operand operand) {
        digit(s, s == Size.BYTE ? 0xFE : 0xFF, 0, operand);
    }

    public void dec(Size s, Operand operand) {
        digit(s, s == Size.BYTE ? 0xFE : 0xFF, 1, operand);
    }

    /** Shift or rotate by a constant; a count of 1 has its own shorter opcode. */
    public void shift(Shift op, Size s, Operand operand, int count) {
        if (count < 0 || count >= s.bits()) {
            throw new IllegalArgumentException(op.name().toLowerCase() + " count " + count + " is outside 0.." + (s.bits() - 1) + " for " + s);
        }
        if (count == 1) {
            digit(s, s == Size.BYTE ? 0xD0 : 0xD1, op.ext, operand);
        } else {
            digit(s, s == Size.BYTE ? 0xC0 : 0xC1, op.ext, operand);
            emit8(count);
        }
    }

    /** Shift or rotate by cl. */
    public void shiftByCl(Shift op, Size s, Operand operand) {
        digit(s, s == Size.BYTE ? 0xD2 : 0xD3, op.ext, operand);
    }

    // ---------------------------------------------------------------- stack and control flow

    public void push(Reg r) {
        if (r.code() >= 8) {
            rex(REX_B);
        }
        emit8(0x50 | (r.code() & 7));
    }

    public void pop(Reg r) {
        if (r.code() >= 8) {
            rex(REX_B);
        }
        emit8(0x58 | (r.code() & 7));
    }

    /** A direct call; always rel32 (calls are not relaxed: there is no rel8 call). */
    public void call(Label target) {
        own(target);
        emit8(0xE8);
        rel32s.add(new Rel32(len, branches.size(), target));
        emit32(0);
    }

    /** An indirect call through memory, e.g. a slot of the helper table {@code [rbx+8*i]}. */
    public void call(Mem slot) {
        encode(false, false, false, 0xFF, 2, false, slot, false);
    }

    public void jmp(Label target) {
        branch(null, target);
    }

    public void jcc(Cond cond, Label target) {
        branch(cond, target);
    }

    private void branch(Cond cond, Label target) {
        open();
        own(target);
        branches.add(new Branch(len, cond, target));
    }

    public void jmp(Reg target) {
        encode(false, false, false, 0xFF, 4, false, target, false);
    }

    public void ret() {
        emit8(0xC3);
    }

    public void setcc(Cond cond, Reg dst) {
        digit(Size.BYTE, 0x0F90 | cond.code(), 0, dst);
    }

    public void cmov(Cond cond, Size s, Reg dst, Operand src) {
        notByte("cmov", s);
        rm(s, 0x0F40 | cond.code(), dst.code(), src);
    }

    // ---------------------------------------------------------------- atomics, bits, system

    public void lockCmpxchg(Size s, Mem dst, Reg src) {
        locked(s, s == Size.BYTE ? 0x0FB0 : 0x0FB1, src.code(), dst);
    }

    public void lockXadd(Size s, Mem dst, Reg src) {
        locked(s, s == Size.BYTE ? 0x0FC0 : 0x0FC1, src.code(), dst);
    }

    /**
     * Swaps two registers; with the accumulator it uses the one-byte 0x90+r form, except
     * {@code xchg eax, eax}, whose one-byte form is {@code nop} and would not clear rax's top half.
     */
    public void xchg(Size s, Reg a, Reg b) {
        if (s == Size.QWORD && a == Reg.RAX && b == Reg.RAX) {
            emit8(0x90); // rax with itself changes nothing, so REX.W would only add a byte
        } else if (s != Size.BYTE && (a == Reg.RAX || b == Reg.RAX) && !(s == Size.DWORD && a == b)) {
            Reg other = a == Reg.RAX ? b : a;
            prefixAndRex(s, other.code(), false);
            emit8(0x90 | (other.code() & 7));
        } else {
            rm(s, s == Size.BYTE ? 0x86 : 0x87, b.code(), a);
        }
    }

    /** Swaps a register with memory; the processor locks the bus for this form without a prefix. */
    public void xchg(Size s, Mem a, Reg b) {
        rm(s, s == Size.BYTE ? 0x86 : 0x87, b.code(), a);
    }

    public void bswap(Size s, Reg r) {
        if (s != Size.DWORD && s != Size.QWORD) {
            throw new IllegalArgumentException("bswap works on DWORD or QWORD registers, not " + s);
        }
        prefixAndRex(s, r.code(), false);
        emit8(0x0F);
        emit8(0xC8 | (r.code() & 7));
    }

    public void bt(Size s, Operand a, Reg bit) {
        notByte("bt", s);
        rm(s, 0x0FA3, bit.code(), a);
    }

    public void bt(Size s, Operand a, int bit) {
        notByte("bt", s);
        if (bit < 0 || bit > 255) {
            throw new IllegalArgumentException("bt bit number " + bit + " does not fit an unsigned byte");
        }
        digit(s, 0x0FBA, 4, a);
        emit8(bit);
    }

    public void rdtsc() {
        emit8(0x0F);
        emit8(0x31);
    }

    public void rdtscp() {
        emit8(0x0F);
        emit8(0x01);
        emit8(0xF9);
    }

    public void lfence() {
        emit8(0x0F);
        emit8(0xAE);
        emit8(0xE8);
    }

    public void mfence() {
        emit8(0x0F);
        emit8(0xAE);
        emit8(0xF0);
    }

    public void pause() {
        emit8(0xF3);
        emit8(0x90);
    }

    /** Copies rcx bytes from [rsi] to [rdi]. */
    public void repMovsb() {
        emit8(0xF3);
        emit8(0xA4);
    }

    public void int3() {
        emit8(0xCC);
    }

    /** The recommended single-instruction no-ops of 1 to 9 bytes, for padding. */
    public void nop(int size) {
        byte[] form = switch (size) {
            case 1 -> new byte[] {(byte) 0x90};
            case 2 -> new byte[] {0x66, (byte) 0x90};
            case 3 -> new byte[] {0x0F, 0x1F, 0x00};
            case 4 -> new byte[] {0x0F, 0x1F, 0x40, 0x00};
            case 5 -> new byte[] {0x0F, 0x1F, 0x44, 0x00, 0x00};
            case 6 -> new byte[] {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00};
            case 7 -> new byte[] {0x0F, 0x1F, (byte) 0x80, 0x00, 0x00, 0x00, 0x00};
            case 8 -> new byte[] {0x0F, 0x1F, (byte) 0x84, 0x00, 0x00, 0x00, 0x00, 0x00};
            case 9 -> new byte[] {0x66, 0x0F, 0x1F, (byte) 0x84, 0x00, 0x00, 0x00, 0x00, 0x00};
            default -> throw new IllegalArgumentException("nop is 1 to 9 bytes, not " + size + "; emit several");
        };
        for (byte b : form) {
            emit8(b);
        }
    }

    // ---------------------------------------------------------------- encoding

    /** The common case: operand size s governs 0x66, REX.W and whether both fields name byte registers. */
    private void rm(Size s, int opcode, int reg, Operand operand) {
        boolean bytes = s == Size.BYTE;
        encode(s == Size.WORD, false, s == Size.QWORD, opcode, reg, bytes, operand, bytes);
    }

    /** Like {@link #rm} with a lock prefix, which as places after 0x66 (the order does not matter to the CPU). */
    private void locked(Size s, int opcode, int reg, Mem dst) {
        boolean bytes = s == Size.BYTE;
        encode(s == Size.WORD, true, s == Size.QWORD, opcode, reg, bytes, dst, bytes);
    }

    /** Like {@link #rm} for opcodes whose ModRM reg field is an opcode extension (/digit), not a register. */
    private void digit(Size s, int opcode, int ext, Operand operand) {
        encode(s == Size.WORD, false, s == Size.QWORD, opcode, ext, false, operand, s == Size.BYTE);
    }

    /**
     * Emits [66] [REX] opcode ModRM [SIB] [disp]. {@code regIsByte}/{@code rmIsByte} say whether the
     * reg field or a register r/m names a byte register: spl, bpl, sil and dil exist only with a REX
     * prefix (without one, codes 4-7 mean ah, ch, dh, bh), so they force an empty REX.
     */
    private void encode(boolean word, boolean lock, boolean w, int opcode, int reg, boolean regIsByte, Operand operand, boolean rmIsByte) {
        open();
        boolean forceRex = (regIsByte && reg >= 4 && reg < 8)
                || (rmIsByte && operand instanceof Reg r && needsByteRex(r));
        if (word) {
            emit8(0x66);
        }
        if (lock) {
            emit8(0xF0);
        }
        int bits = (w ? REX_W : 0) | (reg >= 8 ? REX_R : 0);
        switch (operand) {
            case Reg r -> bits |= r.code() >= 8 ? REX_B : 0;
            case Mem m -> bits |= (m.base().code() >= 8 ? REX_B : 0) | (m.index() != null && m.index().code() >= 8 ? REX_X : 0);
        }
        if (bits != 0 || forceRex) {
            rex(bits);
        }
        if (opcode > 0xFF) {
            emit8(opcode >> 8);
        }
        emit8(opcode & 0xFF);
        modrm(reg & 7, operand);
    }

    private void modrm(int reg, Operand operand) {
        switch (operand) {
            case Reg r -> emit8(0xC0 | reg << 3 | (r.code() & 7));
            case Mem m -> {
                int base = m.base().code() & 7;
                // rbp/r13 with mod 00 would mean rip-relative or no base, so they take a zero disp8.
                int mod = m.disp() == 0 && base != 5 ? 0 : fitsByte(m.disp()) ? 1 : 2;
                // rsp/r12 in the r/m field mean "SIB follows", so they always need a SIB byte.
                if (m.index() == null && base != 4) {
                    emit8(mod << 6 | reg << 3 | base);
                } else {
                    int index = m.index() == null ? 4 : m.index().code() & 7;
                    emit8(mod << 6 | reg << 3 | 4);
                    emit8(Integer.numberOfTrailingZeros(m.scale()) << 6 | index << 3 | base);
                }
                if (mod == 1) {
                    emit8(m.disp());
                } else if (mod == 2) {
                    emit32(m.disp());
                }
            }
        }
    }

    /** Emits 0x66 and REX for instructions whose register is in the opcode's low bits. */
    private void prefixAndRex(Size s, int opcodeReg, boolean forceRex) {
        open();
        if (s == Size.WORD) {
            emit8(0x66);
        }
        int bits = (s == Size.QWORD ? REX_W : 0) | (opcodeReg >= 8 ? REX_B : 0);
        if (bits != 0 || forceRex) {
            rex(bits);
        }
    }

    private static boolean needsByteRex(Reg r) {
        return r.code() >= 4 && r.code() < 8;
    }

    private void notByte(String name, Size s) {
        if (s == Size.BYTE) {
            throw new IllegalArgumentException(name + " has no BYTE form");
        }
    }

    /**
     * Checks that imm fits the operand size, as a signed or an unsigned number (0xFF and -1 are the
     * same byte), and returns it sign-extended from that size. QWORD immediates are 32-bit
     * sign-extended: only {@code mov reg, imm} takes 64 bits.
     */
    private static long immediate(String name, Size s, long imm) {
        boolean fits = switch (s) {
            case BYTE -> imm >= -0x80 && imm <= 0xFF;
            case WORD -> imm >= -0x8000 && imm <= 0xFFFF;
            case DWORD -> imm >= Integer.MIN_VALUE && imm <= 0xFFFF_FFFFL;
            case QWORD -> imm == (int) imm;
        };
        if (!fits) {
            throw new IllegalArgumentException(name + " immediate " + imm + " (0x" + Long.toHexString(imm) + ") does not fit a "
                    + (s == Size.QWORD ? "sign-extended 32-bit" : s.toString()) + " operand");
        }
        return s.signExtend(imm);
    }

    private static boolean fitsByte(long v) {
        return v == (byte) v;
    }

    private void emitImm(Size s, long v) {
        switch (s) {
            case BYTE -> emit8((int) v);
            case WORD -> {
                emit8((int) v);
                emit8((int) (v >> 8));
            }
            case DWORD, QWORD -> emit32((int) v);
        }
    }

    private void rex(int bits) {
        emit8(REX | bits);
    }

    private void emit8(int b) {
        open();
        if (len == raw.length) {
            raw = Arrays.copyOf(raw, raw.length * 2);
        }
        raw[len++] = (byte) b;
    }

    private void emit32(int v) {
        for (int i = 0; i < 4; i++) {
            emit8(v >> (8 * i));
        }
    }

    private void emit64(long v) {
        emit32((int) v);
        emit32((int) (v >>> 32));
    }
}
