// Round trip: our disassembly of the encoder's corpus equals objdump's, and arbitrary bytes never break it.
package dev.vp.x64.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vp.x64.asm.Assembler;
import dev.vp.x64.asm.Cond;
import dev.vp.x64.asm.GnuBinutils;
import dev.vp.x64.asm.InstructionCorpus;
import dev.vp.x64.asm.Mem;
import dev.vp.x64.asm.Reg;
import dev.vp.x64.asm.Size;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DisassemblerTest {
    /** objdump pads the mnemonic with spaces and writes no space after commas; we write ", ". */
    private static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ").replace(", ", ",");
    }

    @Test
    void corpusDisassemblesExactlyAsObjdumpDoes() throws Exception {
        var corpus = InstructionCorpus.generate(0x5eed_1234L);
        var all = new ByteArrayOutputStream();
        var ours = new ArrayList<Disassembler.Instruction>();
        for (var c : corpus) {
            var a = new Assembler();
            c.emit().accept(a);
            byte[] code = a.finish();
            var decoded = Disassembler.decode(code);
            if (decoded.size() != 1) {
                fail("'" + c.text() + "' decodes as " + decoded);
            }
            ours.add(new Disassembler.Instruction(all.size(), decoded.getFirst().bytes(), decoded.getFirst().text()));
            all.writeBytes(code);
        }
        compareWithObjdump(all.toByteArray(), ours);
    }

    @Test
    void branchesShowTheirTargetsAsObjdumpDoes() throws Exception {
        var a = new Assembler();
        var back = a.newLabel();
        var forward = a.newLabel();
        var helper = a.newLabel();
        a.bind(back);
        a.jcc(Cond.L, forward);
        a.jmp(back);
        a.call(helper);
        for (int i = 0; i < 20; i++) {
            a.mov(Size.QWORD, Mem.of(Reg.RSP, i * 8), Reg.R12);
        }
        a.jcc(Cond.G, back);
        a.jmp(forward);
        a.bind(forward);
        a.ret();
        a.bind(helper);
        a.int3();
        byte[] code = a.finish();
        compareWithObjdump(code, Disassembler.decode(code));
    }

    private static void compareWithObjdump(byte[] code, List<Disassembler.Instruction> ours) throws Exception {
        var theirs = GnuBinutils.disassemble(code);
        assertEquals(theirs.size(), ours.size(), "instruction count");
        for (int i = 0; i < ours.size(); i++) {
            var o = ours.get(i);
            var t = theirs.get(i);
            if (o.offset() != t.offset() || !normalise(o.text()).equals(normalise(t.text()))) {
                fail("at 0x" + Integer.toHexString(o.offset()) + ": ours '" + o.text() + "', objdump '" + t.text() + "' (" + o + ")");
            }
        }
    }

    @Test
    void listingShowsOffsetsBytesTextAndAnnotations() {
        var a = new Assembler();
        a.annotate("x = 42");
        a.mov(Size.QWORD, Reg.RAX, Mem.of(Reg.RDI, 8));
        a.ret();
        byte[] code = a.finish();
        assertEquals("""
                  ; x = 42
                  0000: 48 8b 47 08              mov rax, QWORD PTR [rdi+0x8]
                  0004: c3                       ret
                """, Disassembler.listing(code, a.annotations()));
    }

    @Test
    void unknownAndTruncatedBytesAreBadOneByteAtATime() {
        // ud2 is outside the subset; 0x0B then lacks its ModRM byte.
        assertEquals(List.of("(bad)", "(bad)"), texts(new byte[] {0x0F, 0x0B}));
        // mov rax, [rdi+disp8] cut off before its displacement, at every byte.
        assertEquals(List.of("(bad)", "(bad)", "(bad)"), texts(new byte[] {0x48, (byte) 0x8B, 0x47}));
        // rip-relative addressing (lea of a label) decodes with its displacement; cut short it is bad.
        assertEquals("mov rax, QWORD PTR [rip+0x10]", texts(new byte[] {0x48, (byte) 0x8B, 0x05, 0x10, 0, 0, 0}).getFirst());
        assertEquals("(bad)", texts(new byte[] {0x48, (byte) 0x8D, 0x05, 0x10}).getFirst());
    }

    private static List<String> texts(byte[] code) {
        return Disassembler.decode(code).stream().map(Disassembler.Instruction::text).toList();
    }

    @Test
    void randomBytesNeverBreakTheDecoder() {
        var random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] code = new byte[1 + random.nextInt(24)];
            random.nextBytes(code);
            int covered = 0;
            for (var insn : Disassembler.decode(code)) {
                assertEquals(covered, insn.offset());
                assertTrue(insn.length() >= 1 && insn.length() <= 15, insn.toString());
                covered += insn.length();
            }
            assertEquals(code.length, covered);
        }
    }
}
