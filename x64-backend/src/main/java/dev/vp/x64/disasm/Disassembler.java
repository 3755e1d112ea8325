// Decodes the x86-64 subset the Assembler emits into objdump-style Intel text, for listings and tests.
package dev.vp.x64.disasm;

import dev.vp.x64.asm.Annotation;
import dev.vp.x64.asm.Cond;
import dev.vp.x64.asm.Reg;
import dev.vp.x64.asm.Size;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Decodes machine code into Intel syntax as {@code objdump -d -M intel} spells it (operands joined by
 * {@code ", "}). It knows exactly the instructions {@link dev.vp.x64.asm.Assembler} emits, plus the
 * odd neighbour that costs nothing (ah/ch/dh/bh, rcl/rcr, one-operand imul); anything else, and any
 * instruction cut off by the end of the code, decodes as {@code (bad)} one byte long, so decoding goes
 * on at the next byte and never throws.
 */
public final class Disassembler {
    private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    private static final String[] SHIFT = {"rol", "ror", "rcl", "rcr", "shl", "shr", null, "sar"};
    private static final String[] GROUP3 = {"test", null, "not", "neg", "mul", "imul", "div", "idiv"};
    private static final String[] HIGH_BYTE = {"ah", "ch", "dh", "bh"};
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private Disassembler() {}

    /** One decoded instruction: where it starts, its bytes and its text ({@code (bad)} if unknown). */
    public record Instruction(int offset, byte[] bytes, String text) {
        public int length() {
            return bytes.length;
        }

        /** A listing line: {@code   0010: 48 8b 47 08              mov rax, QWORD PTR [rdi+0x8]}. */
        @Override
        public String toString() {
            return String.format("  %04x: %-24s %s", offset, HEX.formatHex(bytes), text);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Instruction i && i.offset == offset && Arrays.equals(i.bytes, bytes) && i.text.equals(text);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * offset + Arrays.hashCode(bytes)) + text.hashCode();
        }
    }

    /** Decodes all of the code, from offset 0 to the end. */
    public static List<Instruction> decode(byte[] code) {
        var out = new ArrayList<Instruction>();
        for (int at = 0; at < code.length; ) {
            var insn = decodeOne(code, at);
            out.add(insn);
            at += insn.length();
        }
        return out;
    }

    /** Decodes the instruction at {@code offset} (which must be inside the code). */
    public static Instruction decodeOne(byte[] code, int offset) {
        if (offset < 0 || offset >= code.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " is outside the code (length " + code.length + ")");
        }
        var d = new Decoder(code, offset);
        String text;
        try {
            text = d.instruction();
        } catch (Unknown e) {
            return new Instruction(offset, Arrays.copyOfRange(code, offset, offset + 1), "(bad)");
        }
        return new Instruction(offset, Arrays.copyOfRange(code, offset, d.p), text);
    }

    /** A listing of the code with each annotation as a {@code ; comment} line before its offset. */
    public static String listing(byte[] code, List<Annotation> annotations) {
        var sb = new StringBuilder();
        int next = 0;
        for (var insn : decode(code)) {
            for (; next < annotations.size() && annotations.get(next).offset() <= insn.offset(); next++) {
                sb.append("  ; ").append(annotations.get(next).text()).append('\n');
            }
            sb.append(insn).append('\n');
        }
        for (; next < annotations.size(); next++) {
            sb.append("  ; ").append(annotations.get(next).text()).append('\n');
        }
        return sb.toString();
    }

    /** Thrown inside the decoder for bytes outside the subset or past the end; never escapes. */
    private static final class Unknown extends RuntimeException {
        Unknown() {
            super(null, null, false, false);
        }
    }

    /** The decoded ModRM (and SIB, displacement) fields of one instruction. */
    private record ModRm(int mod, int reg, int rm, Reg base, Reg index, int scale, int disp) {
        boolean isRegister() {
            return mod == 3;
        }
    }

    private static final class Decoder {
        private final byte[] code;
        private int p;
        private boolean opsize, lock, rep, usedSize;
        private int rex;

        Decoder(byte[] code, int start) {
            this.code = code;
            this.p = start;
        }

        String instruction() {
            prefixes();
            int op = next();
            String text = op == 0x0F ? twoByte(next()) : oneByte(op);
            // A prefix the instruction did not use means bytes we did not write: refuse them.
            if ((opsize || (rex & 8) != 0) && !usedSize) {
                throw new Unknown();
            }
            if (lock && !text.startsWith("lock ") || rep && !text.startsWith("rep ") && !text.equals("pause")) {
                throw new Unknown();
            }
            return text;
        }

        private void prefixes() {
            while (true) {
                int b = peek();
                if (b == 0x66 && !opsize) {
                    opsize = true;
                } else if (b == 0xF0 && !lock) {
                    lock = true;
                } else if (b == 0xF3 && !rep) {
                    rep = true;
                } else {
                    break;
                }
                p++;
            }
            if ((peek() & 0xF0) == 0x40) {
                rex = next();
            }
        }

        private String oneByte(int op) {
            if (op < 0x40 && (op & 7) < 6) {
                String name = ALU[op >> 3];
                return switch (op & 7) {
                    case 0 -> rmReg(name, Size.BYTE);
                    case 1 -> rmReg(name, vsize());
                    case 2 -> regRm(name, Size.BYTE);
                    case 3 -> regRm(name, vsize());
                    case 4 -> name + " al, " + imm(Size.BYTE);
                    default -> {
                        Size s = vsize();
                        yield name + " " + Reg.RAX.name(s) + ", " + imm(s);
                    }
                };
            }
            if (op >= 0x50 && op <= 0x5F) {
                if (rex != 0 && rex != 0x41 || opsize) {
                    throw new Unknown();
                }
                return (op < 0x58 ? "push " : "pop ") + Reg.of((op & 7) | (rex & 1) << 3).name(Size.QWORD);
            }
            if (op >= 0x70 && op <= 0x7F) {
                return "j" + Cond.values()[op & 15].suffix() + " " + target(rel8());
            }
            if (op >= 0x91 && op <= 0x97 || op == 0x90 && (rex & 1) != 0) {
                Size s = vsize();
                return "xchg " + Reg.of((op & 7) | (rex & 1) << 3).name(s) + ", " + Reg.RAX.name(s);
            }
            if (op >= 0xB0 && op <= 0xBF) {
                Reg r = Reg.of((op & 7) | (rex & 1) << 3);
                if (op < 0xB8) {
                    return "mov " + byteReg(r.code()) + ", " + imm(Size.BYTE);
                }
                Size s = vsize();
                return s == Size.QWORD ? "movabs " + r.name(s) + ", 0x" + Long.toHexString(imm64()) : "mov " + r.name(s) + ", " + imm(s);
            }
            if (op >= 0xC0 && op <= 0xC1 || op >= 0xD0 && op <= 0xD3) {
                return shift(op);
            }
            return switch (op) {
                case 0x63 -> {
                    if ((rex & 8) == 0) {
                        throw new Unknown();
                    }
                    var m = modrm();
                    yield "movsxd " + reg(m.reg, vsize()) + ", " + operand(m, Size.DWORD);
                }
                case 0x69, 0x6B -> {
                    Size s = vsize();
                    var m = modrm();
                    yield "imul " + reg(m.reg, s) + ", " + operand(m, s) + ", " + (op == 0x6B ? imm8As(s) : imm(s));
                }
                case 0x80, 0x81, 0x83 -> {
                    Size s = op == 0x80 ? Size.BYTE : vsize();
                    var m = modrm();
                    yield ALU[m.reg & 7] + " " + operand(m, s) + ", " + (op == 0x83 ? imm8As(s) : imm(s));
                }
                case 0x84 -> rmReg("test", Size.BYTE);
                case 0x85 -> rmReg("test", vsize());
                case 0x86 -> rmReg("xchg", Size.BYTE);
                case 0x87 -> rmReg("xchg", vsize());
                case 0x88 -> rmReg("mov", Size.BYTE);
                case 0x89 -> rmReg("mov", vsize());
                case 0x8A -> regRm("mov", Size.BYTE);
                case 0x8B -> regRm("mov", vsize());
                case 0x8D -> {
                    Size s = vsize();
                    var m = modrm();
                    if (m.isRegister()) {
                        throw new Unknown();
                    }
                    yield "lea " + reg(m.reg, s) + ", " + address(m);
                }
                case 0x90 -> rep ? "pause" : opsize ? "xchg " + Reg.RAX.name(vsize()) + ", " + Reg.RAX.name(vsize()) : "nop";
                case 0xA4 -> rep ? "rep movs BYTE PTR es:[rdi], BYTE PTR ds:[rsi]" : "movs BYTE PTR es:[rdi], BYTE PTR ds:[rsi]";
                case 0xA8 -> "test al, " + imm(Size.BYTE);
                case 0xA9 -> {
                    Size s = vsize();
                    yield "test " + Reg.RAX.name(s) + ", " + imm(s);
                }
                case 0xC3 -> "ret";
                case 0xC6, 0xC7 -> {
                    Size s = op == 0xC6 ? Size.BYTE : vsize();
                    var m = modrm();
                    if ((m.reg & 7) != 0) {
                        throw new Unknown();
                    }
                    yield "mov " + operand(m, s) + ", " + imm(s);
                }
                case 0xCC -> "int3";
                case 0xE8 -> "call " + target(rel32());
                case 0xE9 -> "jmp " + target(rel32());
                case 0xEB -> "jmp " + target(rel8());
                case 0xF6, 0xF7 -> {
                    Size s = op == 0xF6 ? Size.BYTE : vsize();
                    var m = modrm();
                    String name = GROUP3[m.reg & 7];
                    if (name == null) {
                        throw new Unknown();
                    }
                    yield name.equals("test") ? "test " + operand(m, s) + ", " + imm(s) : name + " " + operand(m, s);
                }
                case 0xFE -> {
                    var m = modrm();
                    yield switch (m.reg & 7) {
                        case 0 -> "inc " + operand(m, Size.BYTE);
                        case 1 -> "dec " + operand(m, Size.BYTE);
                        default -> throw new Unknown();
                    };
                }
                case 0xFF -> {
                    var m = modrm();
                    yield switch (m.reg & 7) {
                        case 0 -> "inc " + operand(m, vsize());
                        case 1 -> "dec " + operand(m, vsize());
                        case 2 -> "call " + operand(m, Size.QWORD);
                        case 4 -> "jmp " + operand(m, Size.QWORD);
                        default -> throw new Unknown();
                    };
                }
                default -> throw new Unknown();
            };
        }

        private String twoByte(int op) {
            if (op >= 0x40 && op <= 0x4F) {
                return regRm("cmov" + Cond.values()[op & 15].suffix(), vsize());
            }
            if (op >= 0x80 && op <= 0x8F) {
                return "j" + Cond.values()[op & 15].suffix() + " " + target(rel32());
            }
            if (op >= 0x90 && op <= 0x9F) {
                var m = modrm();
                if ((m.reg & 7) != 0) {
                    throw new Unknown();
                }
                return "set" + Cond.values()[op & 15].suffix() + " " + operand(m, Size.BYTE);
            }
            if (op >= 0xC8 && op <= 0xCF) {
                Size s = vsize();
                if (s == Size.WORD) {
                    throw new Unknown();
                }
                return "bswap " + Reg.of((op & 7) | (rex & 1) << 3).name(s);
            }
            return switch (op) {
                case 0x01 -> fixed(0xF9, "rdtscp");
                case 0x1F -> {
                    Size s = vsize();
                    var m = modrm();
                    if ((m.reg & 7) != 0) {
                        throw new Unknown();
                    }
                    yield "nop " + operand(m, s);
                }
                case 0x31 -> "rdtsc";
                case 0xA3 -> rmReg("bt", vsize());
                case 0xAE -> switch (next()) {
                    case 0xE8 -> "lfence";
                    case 0xF0 -> "mfence";
                    default -> throw new Unknown();
                };
                case 0xAF -> regRm("imul", vsize());
                case 0xB0, 0xB1, 0xC0, 0xC1 -> {
                    Size s = (op & 1) == 0 ? Size.BYTE : vsize();
                    String name = op < 0xC0 ? "cmpxchg" : "xadd";
                    String text = rmReg(name, s);
                    yield lock ? "lock " + text : text;
                }
                case 0xB6, 0xB7, 0xBE, 0xBF -> {
                    Size s = vsize();
                    var m = modrm();
                    yield (op < 0xBE ? "movzx " : "movsx ") + reg(m.reg, s) + ", " + operand(m, (op & 1) == 0 ? Size.BYTE : Size.WORD);
                }
                case 0xBA -> {
                    Size s = vsize();
                    var m = modrm();
                    if ((m.reg & 7) != 4) {
                        throw new Unknown();
                    }
                    yield "bt " + operand(m, s) + ", " + imm(Size.BYTE);
                }
                default -> throw new Unknown();
            };
        }

        private String shift(int op) {
            Size s = (op & 1) == 0 ? Size.BYTE : vsize();
            var m = modrm();
            String name = SHIFT[m.reg & 7];
            if (name == null) {
                throw new Unknown();
            }
            String count = switch (op) {
                case 0xC0, 0xC1 -> imm(Size.BYTE);
                case 0xD0, 0xD1 -> "1";
                default -> "cl";
            };
            return name + " " + operand(m, s) + ", " + count;
        }

        private String fixed(int expected, String text) {
            if (next() != expected) {
                throw new Unknown();
            }
            return text;
        }

        // ------------------------------------------------------------ operands

        private String rmReg(String name, Size s) {
            var m = modrm();
            return name + " " + operand(m, s) + ", " + reg(m.reg, s);
        }

        private String regRm(String name, Size s) {
            var m = modrm();
            return name + " " + reg(m.reg, s) + ", " + operand(m, s);
        }

        /** The operand size of a non-byte instruction: REX.W, else 0x66, else 32 bits. */
        private Size vsize() {
            usedSize = true;
            return (rex & 8) != 0 ? Size.QWORD : opsize ? Size.WORD : Size.DWORD;
        }

        private String reg(int code, Size s) {
            return s == Size.BYTE ? byteReg(code) : Reg.of(code).name(s);
        }

        /** Without any REX prefix, byte registers 4-7 are the legacy high bytes, not spl..dil. */
        private String byteReg(int code) {
            return rex == 0 && code >= 4 && code < 8 ? HIGH_BYTE[code - 4] : Reg.of(code).name(Size.BYTE);
        }

        private String operand(ModRm m, Size s) {
            return m.isRegister() ? reg(m.rm, s) : s.ptr + " PTR " + address(m);
        }

        private static String address(ModRm m) {
            if (m.base == null) {
                return "[rip" + (m.disp < 0 ? "-0x" : "+0x") + Long.toHexString(Math.abs((long) m.disp)) + "]";
            }
            var sb = new StringBuilder("[").append(m.base.name(Size.QWORD));
            if (m.index != null) {
                sb.append('+').append(m.index.name(Size.QWORD)).append('*').append(m.scale);
            }
            if (m.mod != 0) {
                long d = m.disp;
                sb.append(d < 0 ? "-0x" : "+0x").append(Long.toHexString(Math.abs(d)));
            }
            return sb.append(']').toString();
        }

        private ModRm modrm() {
            int b = next();
            int mod = b >> 6;
            int reg = (b >> 3 & 7) | (rex & 4) << 1;
            int rm = b & 7;
            if (mod == 3) {
                return new ModRm(mod, reg, rm | (rex & 1) << 3, null, null, 1, 0);
            }
            Reg base;
            Reg index = null;
            int scale = 1;
            if (rm == 4) {
                int sib = next();
                int idx = (sib >> 3 & 7) | (rex & 2) << 2;
                if (idx != 4) {
                    index = Reg.of(idx);
                    scale = 1 << (sib >> 6);
                } else if (sib >> 6 != 0) {
                    throw new Unknown();
                }
                if ((sib & 7) == 5 && mod == 0) {
                    throw new Unknown(); // no base, disp32: never emitted
                }
                base = Reg.of((sib & 7) | (rex & 1) << 3);
            } else if (rm == 5 && mod == 0) {
                return new ModRm(mod, reg, rm, null, null, 1, int32()); // rip-relative: base null
            } else {
                base = Reg.of(rm | (rex & 1) << 3);
            }
            int disp = mod == 1 ? (byte) next() : mod == 2 ? int32() : 0;
            return new ModRm(mod, reg, rm, base, index, scale, disp);
        }

        /** An immediate of the operand size (imm32 for QWORD, sign-extended), shown as objdump does. */
        private String imm(Size s) {
            long v = switch (s) {
                case BYTE -> (byte) next();
                case WORD -> (short) (next() | next() << 8);
                case DWORD, QWORD -> int32();
            };
            return hex(s, v);
        }

        private String imm8As(Size s) {
            return hex(s, (byte) next());
        }

        private static String hex(Size s, long v) {
            return "0x" + Long.toHexString(s.zeroExtend(v));
        }

        private long imm64() {
            return (int32() & 0xFFFF_FFFFL) | (long) int32() << 32;
        }

        private int rel8() {
            return (byte) next();
        }

        private int rel32() {
            return int32();
        }

        /** A branch target, relative to the end of the instruction just read. */
        private String target(int rel) {
            return "0x" + Long.toHexString((long) p + rel);
        }

        private int int32() {
            return next() | next() << 8 | next() << 16 | next() << 24;
        }

        private int peek() {
            if (p >= code.length) {
                throw new Unknown();
            }
            return code[p] & 0xFF;
        }

        private int next() {
            int b = peek();
            p++;
            return b;
        }
    }
}
