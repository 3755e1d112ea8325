// A seeded corpus of every instruction form the Assembler offers, each with the Intel text GNU as reads.
package dev.vp.x64.asm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Thousands of instructions: every form over all sixteen registers, with memory operands and
 * immediates spread over the encoding boundaries (0, disp8/imm8 edges, 32-bit edges) plus random
 * values from a fixed seed. Each case carries the text for {@code as} and the call that emits it.
 *
 * <p>Where our encoder deliberately picks a form whose Intel text differs from the call's
 * operands, the text states the form we pick: {@code mov(QWORD, r, imm)} with a 32-bit unsigned
 * imm is written {@code mov r32, imm} (writing r32 zeroes the top half, one byte shorter than
 * {@code mov r/m64, simm32}), and a 64-bit imm is {@code movabs}. Nops of 4 to 9 bytes use as's
 * {@code {disp8}}/{@code {disp32}} pseudo-prefixes to ask for the recommended multi-byte forms.
 */
public final class InstructionCorpus {
    public record Case(String text, Consumer<Assembler> emit) {}

    private static final Size[] ALL = Size.values();
    private static final Size[] WIDE = {Size.WORD, Size.DWORD, Size.QWORD};
    private static final Reg[] REGS = Reg.values();

    private final Random random;
    private final List<Case> cases = new ArrayList<>();

    private InstructionCorpus(long seed) {
        random = new Random(seed);
    }

    public static List<Case> generate(long seed) {
        var c = new InstructionCorpus(seed);
        c.build();
        return c.cases;
    }

    private void add(String text, Consumer<Assembler> emit) {
        cases.add(new Case(text, emit));
    }

    private void build() {
        moves();
        arithmetic();
        shiftsAndUnary();
        controlAndMisc();
    }

    private void moves() {
        for (Size s : ALL) {
            for (Reg a : REGS) {
                for (Reg b : REGS) {
                    add("mov " + a.name(s) + ", " + b.name(s), x -> x.mov(s, a, b));
                }
                for (int i = 0; i < 6; i++) {
                    Mem m = mem();
                    add("mov " + a.name(s) + ", " + ptr(s, m), x -> x.mov(s, a, m));
                    Mem n = mem();
                    add("mov " + ptr(s, n) + ", " + a.name(s), x -> x.mov(s, n, a));
                    long imm = imm(s);
                    Mem k = mem();
                    add("mov " + ptr(s, k) + ", " + imm, x -> x.mov(s, k, imm));
                }
                for (long imm : s == Size.QWORD ? imm64s() : new long[] {imm(s), imm(s), imm(s), 0, -1}) {
                    add(movImmText(s, a, imm), x -> x.mov(s, a, imm));
                }
            }
        }
        for (Size src : new Size[] {Size.BYTE, Size.WORD}) {
            for (Size dst : WIDE) {
                if (dst.bytes <= src.bytes) {
                    continue;
                }
                for (Reg a : REGS) {
                    Reg b = reg();
                    add("movzx " + a.name(dst) + ", " + b.name(src), x -> x.movzx(dst, a, src, b));
                    add("movsx " + a.name(dst) + ", " + b.name(src), x -> x.movsx(dst, a, src, b));
                    Mem m = mem();
                    add("movzx " + a.name(dst) + ", " + ptr(src, m), x -> x.movzx(dst, a, src, m));
                    add("movsx " + a.name(dst) + ", " + ptr(src, m), x -> x.movsx(dst, a, src, m));
                }
            }
        }
        for (Reg a : REGS) {
            for (Reg b : REGS) {
                add("movsxd " + a.name(Size.QWORD) + ", " + b.name(Size.DWORD), x -> x.movsxd(a, b));
            }
            Mem m = mem();
            add("movsxd " + a.name(Size.QWORD) + ", " + ptr(Size.DWORD, m), x -> x.movsxd(a, m));
            for (Size s : WIDE) {
                for (int i = 0; i < 4; i++) {
                    Mem l = mem();
                    add("lea " + a.name(s) + ", " + addr(l), x -> x.lea(s, a, l));
                }
            }
        }
        // The addressing special cases, each with every displacement class.
        for (Reg base : new Reg[] {Reg.RSP, Reg.R12, Reg.RBP, Reg.R13}) {
            for (int disp : new int[] {0, 1, -1, 127, -128, 128, -129, 0x7fffffff, Integer.MIN_VALUE}) {
                Mem m = Mem.of(base, disp);
                add("mov rax, " + ptr(Size.QWORD, m), x -> x.mov(Size.QWORD, Reg.RAX, m));
                Mem n = Mem.of(base, Reg.R12, 8, disp);
                add("mov " + ptr(Size.DWORD, n) + ", r9d", x -> x.mov(Size.DWORD, n, Reg.R9));
                Mem k = Mem.of(Reg.RAX, base == Reg.RSP ? Reg.RBP : base, 2, disp);
                add("lea rcx, " + addr(k), x -> x.lea(Size.QWORD, Reg.RCX, k));
            }
        }
    }

    private void arithmetic() {
        for (Alu op : Alu.values()) {
            String name = op.name().toLowerCase();
            for (Size s : ALL) {
                for (Reg a : REGS) {
                    Reg b = reg();
                    add(name + " " + a.name(s) + ", " + b.name(s), x -> x.alu(op, s, a, b));
                    Mem m = mem();
                    add(name + " " + a.name(s) + ", " + ptr(s, m), x -> x.alu(op, s, a, m));
                    Mem n = mem();
                    add(name + " " + ptr(s, n) + ", " + a.name(s), x -> x.alu(op, s, n, a));
                    for (int i = 0; i < 3; i++) {
                        long imm = imm(s);
                        add(name + " " + a.name(s) + ", " + imm, x -> x.alu(op, s, a, imm));
                        Mem k = mem();
                        long imm2 = imm(s);
                        add(name + " " + ptr(s, k) + ", " + imm2, x -> x.alu(op, s, k, imm2));
                    }
                }
            }
        }
        for (Size s : ALL) {
            for (Reg a : REGS) {
                Reg b = reg();
                add("test " + a.name(s) + ", " + b.name(s), x -> x.test(s, a, b));
                Mem m = mem();
                add("test " + ptr(s, m) + ", " + a.name(s), x -> x.test(s, m, a));
                long imm = imm(s);
                add("test " + a.name(s) + ", " + imm, x -> x.test(s, a, imm));
                long imm2 = imm(s);
                Mem k = mem();
                add("test " + ptr(s, k) + ", " + imm2, x -> x.test(s, k, imm2));
            }
        }
        for (Size s : WIDE) {
            for (Reg a : REGS) {
                Reg b = reg();
                add("imul " + a.name(s) + ", " + b.name(s), x -> x.imul(s, a, b));
                Mem m = mem();
                add("imul " + a.name(s) + ", " + ptr(s, m), x -> x.imul(s, a, m));
                long imm = imm(s);
                add("imul " + a.name(s) + ", " + b.name(s) + ", " + imm, x -> x.imul(s, a, b, imm));
                long imm2 = imm(s);
                add("imul " + a.name(s) + ", " + ptr(s, m) + ", " + imm2, x -> x.imul(s, a, m, imm2));
            }
        }
    }

    private void shiftsAndUnary() {
        for (Size s : ALL) {
            for (Reg a : REGS) {
                for (Unary op : Unary.values()) {
                    String name = op.name().toLowerCase();
                    add(name + " " + a.name(s), x -> x.unary(op, s, a));
                    Mem m = mem();
                    add(name + " " + ptr(s, m), x -> x.unary(op, s, m));
                }
                add("inc " + a.name(s), x -> x.inc(s, a));
                add("dec " + a.name(s), x -> x.dec(s, a));
                Mem m = mem();
                add("inc " + ptr(s, m), x -> x.inc(s, m));
                add("dec " + ptr(s, m), x -> x.dec(s, m));
                for (Shift op : Shift.values()) {
                    String name = op.name().toLowerCase();
                    int count = random.nextInt(s.bits());
                    add(name + " " + a.name(s) + ", " + count, x -> x.shift(op, s, a, count));
                    add(name + " " + a.name(s) + ", 1", x -> x.shift(op, s, a, 1));
                    add(name + " " + a.name(s) + ", cl", x -> x.shiftByCl(op, s, a));
                    Mem k = mem();
                    add(name + " " + ptr(s, k) + ", " + count, x -> x.shift(op, s, k, count));
                    add(name + " " + ptr(s, k) + ", cl", x -> x.shiftByCl(op, s, k));
                }
            }
        }
    }

    private void controlAndMisc() {
        for (Reg a : REGS) {
            add("push " + a.name(Size.QWORD), x -> x.push(a));
            add("pop " + a.name(Size.QWORD), x -> x.pop(a));
            add("jmp " + a.name(Size.QWORD), x -> x.jmp(a));
            Mem m = mem();
            add("call " + ptr(Size.QWORD, m), x -> x.call(m));
            for (Cond c : Cond.values()) {
                add("set" + c.suffix() + " " + a.name(Size.BYTE), x -> x.setcc(c, a));
                for (Size s : WIDE) {
                    Reg b = reg();
                    add("cmov" + c.suffix() + " " + a.name(s) + ", " + b.name(s), x -> x.cmov(c, s, a, b));
                    Mem k = mem();
                    add("cmov" + c.suffix() + " " + a.name(s) + ", " + ptr(s, k), x -> x.cmov(c, s, a, k));
                }
            }
            for (Size s : ALL) {
                Mem k = mem();
                add("lock cmpxchg " + ptr(s, k) + ", " + a.name(s), x -> x.lockCmpxchg(s, k, a));
                Mem j = mem();
                add("lock xadd " + ptr(s, j) + ", " + a.name(s), x -> x.lockXadd(s, j, a));
                for (Reg b : REGS) {
                    add("xchg " + a.name(s) + ", " + b.name(s), x -> x.xchg(s, a, b));
                }
                Mem h = mem();
                add("xchg " + ptr(s, h) + ", " + a.name(s), x -> x.xchg(s, h, a));
            }
            for (Size s : new Size[] {Size.DWORD, Size.QWORD}) {
                add("bswap " + a.name(s), x -> x.bswap(s, a));
            }
            for (Size s : WIDE) {
                Reg b = reg();
                add("bt " + a.name(s) + ", " + b.name(s), x -> x.bt(s, a, b));
                Mem k = mem();
                add("bt " + ptr(s, k) + ", " + b.name(s), x -> x.bt(s, k, b));
                int bit = random.nextInt(s.bits());
                add("bt " + a.name(s) + ", " + bit, x -> x.bt(s, a, bit));
                add("bt " + ptr(s, k) + ", " + bit, x -> x.bt(s, k, bit));
            }
        }
        add("ret", Assembler::ret);
        add("rdtsc", Assembler::rdtsc);
        add("rdtscp", Assembler::rdtscp);
        add("lfence", Assembler::lfence);
        add("mfence", Assembler::mfence);
        add("pause", Assembler::pause);
        add("rep movsb", Assembler::repMovsb);
        add("int3", Assembler::int3);
        String[] nops = {"nop", "xchg ax, ax", "nop DWORD PTR [rax]", "{disp8} nop DWORD PTR [rax+0]",
            "{disp8} nop DWORD PTR [rax+rax*1+0]", "{disp8} nop WORD PTR [rax+rax*1+0]",
            "{disp32} nop DWORD PTR [rax+0]", "{disp32} nop DWORD PTR [rax+rax*1+0]",
            "{disp32} nop WORD PTR [rax+rax*1+0]"};
        for (int n = 1; n <= 9; n++) {
            int size = n;
            add(nops[n - 1], x -> x.nop(size));
        }
    }

    // ---------------------------------------------------------------- operand generators

    private static String movImmText(Size s, Reg a, long imm) {
        if (s != Size.QWORD) {
            return "mov " + a.name(s) + ", " + imm;
        }
        if (imm >= 0 && imm <= 0xFFFF_FFFFL) {
            return "mov " + a.name(Size.DWORD) + ", " + imm;
        }
        return (imm == (int) imm ? "mov " : "movabs ") + a.name(s) + ", " + imm;
    }

    private long[] imm64s() {
        return new long[] {0, 1, -1, 0x7fffffff, 0x80000000L, 0xffffffffL, 0x100000000L, Integer.MIN_VALUE,
            Integer.MIN_VALUE - 1L, Long.MIN_VALUE, Long.MAX_VALUE, random.nextLong(), random.nextInt()};
    }

    private Reg reg() {
        return REGS[random.nextInt(REGS.length)];
    }

    /** An immediate that fits the size: the edges of imm8/imm16/imm32 and random values. */
    private long imm(Size s) {
        long[] edges = {0, 1, -1, 127, 128, -128, -129, 255, 0x7fff, -0x8000, 0xffff, 0x7fffffff, Integer.MIN_VALUE, 0xffffffffL};
        long v = random.nextBoolean() ? edges[random.nextInt(edges.length)] : random.nextLong();
        long min = s == Size.QWORD ? Integer.MIN_VALUE : -(1L << (s.bits() - 1));
        long max = s == Size.QWORD ? Integer.MAX_VALUE : (1L << s.bits()) - 1;
        if (v < min || v > max) {
            v = s == Size.QWORD ? (int) v : s.signExtend(v);
        }
        return v;
    }

    private int disp() {
        int[] edges = {0, 1, -1, 8, 127, 128, -128, -129, 0x7fffffff, Integer.MIN_VALUE};
        return switch (random.nextInt(3)) {
            case 0 -> edges[random.nextInt(edges.length)];
            case 1 -> random.nextInt(256) - 128;
            default -> random.nextInt();
        };
    }

    private Mem mem() {
        Reg base = reg();
        if (random.nextBoolean()) {
            return Mem.of(base, disp());
        }
        Reg index;
        do {
            index = reg();
        } while (index == Reg.RSP);
        return Mem.of(base, index, 1 << random.nextInt(4), disp());
    }

    private static String addr(Mem m) {
        var sb = new StringBuilder("[").append(m.base().name(Size.QWORD));
        if (m.index() != null) {
            sb.append('+').append(m.index().name(Size.QWORD)).append('*').append(m.scale());
        }
        return sb.append(m.disp() < 0 ? "" : "+").append(m.disp()).append(']').toString();
    }

    private static String ptr(Size s, Mem m) {
        return s.ptr + " PTR " + addr(m);
    }
}
