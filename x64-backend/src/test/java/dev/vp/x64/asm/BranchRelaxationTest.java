// Branch relaxation: short when the target is in reach, long when not, a fixed point over chains, and as's layout.
package dev.vp.x64.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BranchRelaxationTest {
    private static void fill(Assembler a, int bytes) {
        for (; bytes > 0; bytes -= Math.min(bytes, 9)) {
            a.nop(Math.min(bytes, 9));
        }
    }

    @Test
    void forwardJumpIsShortUpTo127BytesAndLongBeyond() {
        for (int gap : new int[] {0, 127, 128}) {
            var a = new Assembler();
            var l = a.newLabel();
            a.jmp(l);
            fill(a, gap);
            a.bind(l);
            byte[] code = a.finish();
            if (gap <= 127) {
                assertEquals(2 + gap, code.length);
                assertEquals((byte) 0xEB, code[0]);
                assertEquals(gap, code[1]);
            } else {
                assertEquals(5 + gap, code.length);
                assertEquals((byte) 0xE9, code[0]);
                assertEquals(gap, code[1] & 0xFF);
            }
            assertEquals(code.length, a.offset(l));
        }
    }

    @Test
    void backwardConditionalIsShortDownToMinus128() {
        for (int gap : new int[] {126, 127}) {
            var a = new Assembler();
            var l = a.newLabel();
            a.bind(l);
            fill(a, gap);
            a.jcc(Cond.NE, l);
            byte[] code = a.finish();
            if (gap == 126) {
                assertArrayEquals(new byte[] {0x75, (byte) -128}, java.util.Arrays.copyOfRange(code, gap, gap + 2));
            } else {
                // 0F 85 rel32: the displacement counts from the end of the 6-byte form.
                assertArrayEquals(new byte[] {0x0F, (byte) 0x85, (byte) -133, -1, -1, -1}, java.util.Arrays.copyOfRange(code, gap, gap + 6));
            }
        }
    }

    @Test
    void growingOneBranchPushesAnEarlierOneOutOfReach() {
        // A jumps over B and 124 bytes: in reach while B is short (2 + 124 = 126), out once B grows
        // (6 + 124 = 130). B's target is far, so B must grow, and then A must follow.
        var a = new Assembler();
        var la = a.newLabel();
        var lb = a.newLabel();
        a.jmp(la);
        a.jcc(Cond.E, lb);
        fill(a, 124);
        a.bind(la);
        fill(a, 200);
        a.bind(lb);
        a.ret();
        byte[] code = a.finish();
        assertEquals((byte) 0xE9, code[0]);
        assertEquals(0x0F, code[5]);
        assertEquals((byte) 0x84, code[6]);
        assertEquals(5 + 6 + 124, a.offset(la));
        assertEquals(5 + 6 + 124 + 200, a.offset(lb));
    }

    @Test
    void callsLabelsAndAnnotationsFollowTheRelaxedLayout() {
        var a = new Assembler();
        var helper = a.newLabel();
        var far = a.newLabel();
        a.annotate("line 1");
        a.jmp(far);
        a.annotate("line 2");
        a.call(helper);
        fill(a, 300);
        a.bind(far);
        a.annotate("line 3");
        a.ret();
        a.bind(helper);
        a.ret();
        byte[] code = a.finish();
        assertEquals(List.of(new Annotation(0, "line 1"), new Annotation(5, "line 2"), new Annotation(310, "line 3")), a.annotations());
        assertEquals(310, a.offset(far));
        assertEquals(311, a.offset(helper));
        assertEquals((byte) 0xE8, code[5]);
        int rel = (code[6] & 0xFF) | (code[7] & 0xFF) << 8 | (code[8] & 0xFF) << 16 | code[9] << 24;
        assertEquals(311 - 10, rel);
    }

    @Test
    void randomBranchChainsLayOutExactlyAsGnuAsDoes() throws Exception {
        var random = new Random(42);
        for (int round = 0; round < 5; round++) {
            var a = new Assembler();
            var text = new ArrayList<String>();
            int labelCount = 40;
            var labels = new ArrayList<Label>();
            for (int i = 0; i < labelCount; i++) {
                labels.add(a.newLabel());
            }
            int nextToBind = 0;
            for (int step = 0; step < 600; step++) {
                int pick = random.nextInt(10);
                if (pick == 0 && nextToBind < labelCount) {
                    a.bind(labels.get(nextToBind));
                    text.add("L" + nextToBind + ":");
                    nextToBind++;
                } else if (pick <= 3) {
                    int target = random.nextInt(labelCount);
                    Cond c = random.nextBoolean() ? null : Cond.values()[random.nextInt(16)];
                    if (c == null) {
                        a.jmp(labels.get(target));
                        text.add("jmp L" + target);
                    } else {
                        a.jcc(c, labels.get(target));
                        text.add("j" + c.suffix() + " L" + target);
                    }
                } else if (pick == 4) {
                    int target = random.nextInt(labelCount);
                    a.call(labels.get(target));
                    text.add("call L" + target);
                } else {
                    int n = 1 + random.nextInt(9);
                    a.nop(n);
                    text.add(".byte " + String.join(",", hexBytes(n)));
                }
            }
            for (; nextToBind < labelCount; nextToBind++) {
                a.bind(labels.get(nextToBind));
                text.add("L" + nextToBind + ":");
            }
            assertArrayEquals(GnuBinutils.assemble(text), a.finish(), "round " + round);
        }
    }

    /** The bytes of our n-byte nop, written as data so that as cannot choose another padding. */
    private static List<String> hexBytes(int n) {
        var a = new Assembler();
        a.nop(n);
        var out = new ArrayList<String>();
        for (byte b : a.finish()) {
            out.add(String.format("0x%02x", b & 0xFF));
        }
        return out;
    }

    @Test
    void labelMisuseIsRefusedClearly() {
        var a = new Assembler();
        var l = a.newLabel();
        a.jmp(l);
        assertThrows(IllegalStateException.class, () -> a.offset(l));
        assertThrows(IllegalStateException.class, a::finish);
        a.bind(l);
        assertThrows(IllegalStateException.class, () -> a.bind(l));
        assertThrows(IllegalStateException.class, () -> new Assembler().jmp(l));
        a.finish();
        assertThrows(IllegalStateException.class, a::ret);
    }

    @Test
    void operandsTheHardwareCannotEncodeAreRefused() {
        var a = new Assembler();
        assertThrows(IllegalArgumentException.class, () -> a.alu(Alu.ADD, Size.QWORD, Reg.RAX, 0x80000000L));
        assertThrows(IllegalArgumentException.class, () -> a.mov(Size.BYTE, Reg.RAX, 256));
        assertThrows(IllegalArgumentException.class, () -> a.shift(Shift.SHL, Size.DWORD, Reg.RAX, 32));
        assertThrows(IllegalArgumentException.class, () -> a.imul(Size.BYTE, Reg.RAX, Reg.RCX));
        assertThrows(IllegalArgumentException.class, () -> a.movzx(Size.WORD, Reg.RAX, Size.WORD, Reg.RCX));
        assertThrows(IllegalArgumentException.class, () -> Mem.of(Reg.RAX, Reg.RSP, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> a.nop(10));
    }
}
