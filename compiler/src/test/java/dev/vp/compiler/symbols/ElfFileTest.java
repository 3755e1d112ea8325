// Tests the ELF64 reader on a synthetic executable, and that every truncation or corruption is refused cleanly.
package dev.vp.compiler.symbols;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ElfFileTest {
    static final long TEXT_ADDR = 0x400000;

    /** Builds a small but complete executable: one PT_LOAD, .text, __patchable_function_entries, .symtab/.strtab. */
    static byte[] sampleElf() {
        byte[] text = new byte[64];
        Arrays.fill(text, (byte) 0x90);
        ByteBuffer patch = le(16).putLong(TEXT_ADDR + 32).putLong(TEXT_ADDR);
        byte[] strtab = "\0main\0counter\0file.c\0".getBytes();
        ByteBuffer sym = le(24 * 4);
        sym.position(24);
        putSym(sym, 1, 0x12, TEXT_ADDR, 32);           // main: GLOBAL FUNC
        putSym(sym, 6, 0x11, TEXT_ADDR + 48, 8);       // counter: GLOBAL OBJECT
        putSym(sym, 14, 0x04, 0, 0);                   // file.c: FILE, dropped
        byte[] shstr = "\0.text\0__patchable_function_entries\0.symtab\0.strtab\0.shstrtab\0".getBytes();

        int textOff = 64 + 56;
        int patchOff = textOff + text.length;
        int symOff = patchOff + 16;
        int strOff = symOff + sym.capacity();
        int shstrOff = strOff + strtab.length;
        int shOff = (shstrOff + shstr.length + 7) & ~7;
        ByteBuffer f = le(shOff + 6 * 64);
        f.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        f.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1).putLong(24, TEXT_ADDR + 4)
                .putLong(32, 64).putLong(40, shOff).putShort(52, (short) 64).putShort(54, (short) 56)
                .putShort(56, (short) 1).putShort(58, (short) 64).putShort(60, (short) 6).putShort(62, (short) 5);
        f.putInt(64, ElfFile.PT_LOAD).putInt(68, ElfFile.PF_R | ElfFile.PF_X).putLong(72, textOff)
                .putLong(80, TEXT_ADDR).putLong(88, TEXT_ADDR).putLong(96, text.length).putLong(104, 4096);
        f.put(textOff, text).put(patchOff, patch.array()).put(symOff, sym.array()).put(strOff, strtab).put(shstrOff, shstr);
        putSection(f, shOff, 1, 1, 0x6, TEXT_ADDR, textOff, text.length, 0, 0);
        putSection(f, shOff, 2, 7, 1, 0, patchOff, 16, 0, 8);
        putSection(f, shOff, 3, 36, 2, 0, symOff, sym.capacity(), 4, 24);
        putSection(f, shOff, 4, 44, 3, 0, strOff, strtab.length, 0, 0);
        putSection(f, shOff, 5, 52, 3, 0, shstrOff, shstr.length, 0, 0);
        return f.array();
    }

    static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    static void putSym(ByteBuffer b, int name, int info, long value, long size) {
        b.putInt(name).put((byte) info).put((byte) 0).putShort((short) 1).putLong(value).putLong(size);
    }

    static void putSection(ByteBuffer f, int shOff, int i, int name, int type, long addr, long off, long size, int link, long entSize) {
        int at = shOff + i * 64;
        f.putInt(at, name).putInt(at + 4, type).putLong(at + 16, addr).putLong(at + 24, off).putLong(at + 32, size)
                .putInt(at + 40, link).putLong(at + 56, entSize);
    }

    @Test
    void readsSegmentsSymbolsAndPatchableEntries() throws Exception {
        ElfFile elf = ElfFile.parse("sample", sampleElf());
        assertEquals(TEXT_ADDR + 4, elf.entry());
        assertEquals(1, elf.segments().size());
        ElfFile.Segment seg = elf.segments().getFirst();
        assertEquals(TEXT_ADDR, seg.vaddr());
        assertEquals(64, seg.fileSize());
        assertEquals(4096, seg.memSize());
        assertTrue(seg.executable());
        assertFalse(seg.writable());
        assertEquals((byte) 0x90, elf.fileBytes(seg)[10]);
        assertEquals(List.of("main", "counter"), elf.symbols().stream().map(ElfFile.Symbol::name).toList());
        assertEquals(ElfFile.SymbolKind.FUNC, elf.symbol("main").orElseThrow().kind());
        assertEquals(ElfFile.SymbolKind.OBJECT, elf.symbol("counter").orElseThrow().kind());
        assertEquals(8, elf.symbol("counter").orElseThrow().size());
        assertEquals("main", elf.functionAt(TEXT_ADDR + 31).orElseThrow().name());
        assertTrue(elf.functionAt(TEXT_ADDR + 32).isEmpty());
        assertEquals(List.of(TEXT_ADDR, TEXT_ADDR + 32), elf.patchableEntries());
        assertTrue(elf.section(".symtab").isPresent());
    }

    @Test
    void refusesBadMagicAndMachineNamingTheField() {
        byte[] bytes = sampleElf();
        bytes[1] = 'X';
        assertTrue(assertThrows(ElfFile.FormatException.class, () -> ElfFile.parse("g.elf", bytes))
                .getMessage().contains("g.elf: corrupt or unsupported ELF file: e_ident magic"));
        byte[] arm = sampleElf();
        arm[18] = (byte) 183;
        assertTrue(assertThrows(ElfFile.FormatException.class, () -> ElfFile.parse("g.elf", arm))
                .getMessage().contains("e_machine is 183, expected 62"));
    }

    @Test
    void refusesSegmentOutsideTheFile() {
        byte[] bytes = sampleElf();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 32, 1 << 20);
        String msg = assertThrows(ElfFile.FormatException.class, () -> ElfFile.parse("g", bytes)).getMessage();
        assertTrue(msg.contains("program header 0 p_offset/p_filesz range"), msg);
    }

    @Test
    void everyTruncationIsRefusedWithAFormatException() {
        byte[] full = sampleElf();
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThrows(ElfFile.FormatException.class, () -> ElfFile.parse("cut", cut), "length " + len);
        }
    }

    @Test
    void randomCorruptionEitherParsesOrIsRefusedNeverCrashes() {
        byte[] full = sampleElf();
        Random random = new Random(42);
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = full.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            try {
                ElfFile.parse("fuzz", bytes);
            } catch (ElfFile.FormatException e) {
                refused++;
                assertTrue(e.getMessage().startsWith("fuzz: corrupt or unsupported ELF file: "));
            }
        }
        assertTrue(refused > 1000, "corruption should often be detected, was " + refused);
    }
}
