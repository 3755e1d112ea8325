// Round trips and hostile .vpo files: every malformed image is refused with a message naming the bad field.
package dev.vp.x64.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.lang.Domain;
import dev.vp.x64.abi.Abi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ProbeImageReaderTest {
    static final int TEXT = 0x200;

    /** A consistent image: a 0x100-byte "helper library", two probes, a global of each kind, an aggregate, a bag, two formats. */
    static ProbeImage valid() {
        byte[] text = new byte[TEXT];
        for (int i = 0; i < TEXT; i++) text[i] = (byte) 0xC3;
        byte[] rodata = "count %d\0%s=%x\0probe\0".getBytes(StandardCharsets.ISO_8859_1);
        long aggrBytes = DataLayout.AGGR_TABLE_HEADER + (DataLayout.AGGR_ENTRY_HEADER + 8) * 4L;
        long bagBytes = DataLayout.BAG_HEADER + DataLayout.BAG_ENTRY * 8L;
        var data = new ProbeImage.Data(8 + aggrBytes, 256, 8 + bagBytes,
                List.of(new ProbeImage.Global("n", false, true, 0, 42, ""),
                        new ProbeImage.Global("who", true, false, 0, 0, "nobody")),
                List.of(new ProbeImage.Aggregate("hits", 1, 0, 4, 8, aggrBytes, 0)),
                List.of(new ProbeImage.Bag("starts", 8, 8, bagBytes)),
                List.of(new ProbeImage.Format(0, 8), new ProbeImage.Format(9, 5)));
        var probes = List.of(
                new ProbeImage.Probe("VMM1Hz", "VMM1Hz", Domain.VMM, "", 0, 0, 0x100, 0x80, 64, true, false, new Loc("a.emt", 3)),
                new ProbeImage.Probe("GUEST:do_fork", "GUEST:ENTER", Domain.GUEST, "do_fork", 0xffffffff81000000L, 0, 0x180, 0x80, 96,
                        true, true, new Loc("a.emt", 9)));
        var lines = List.of(new ProbeImage.LineEntry(0x100, new Loc("a.emt", 4)), new ProbeImage.LineEntry(0x140, new Loc("b.emt", 5)),
                new ProbeImage.LineEntry(0x180, new Loc("a.emt", 10)));
        var relocations = List.of(new ProbeImage.Relocation(0x40, ProbeImage.Relocation.Kind.RODATA_ADDRESS, 9));
        long dataBytes = data.vcpuBlockBytes() + data.globalBlockBytes() + data.sharedBlockBytes() + rodata.length;
        return new ProbeImage(Abi.VERSION, text, rodata, data, probes, relocations, lines,
                new ProbeImage.Budget(TEXT, dataBytes, 2, 4096, 100_000, 256));
    }

    @Test
    void roundTripKeepsEveryField() {
        ProbeImage image = valid();
        byte[] bytes = ProbeImageWriter.write(image);
        ProbeImage back = ProbeImageReader.read(bytes);
        assertEquals(image, back);
        assertArrayEquals(bytes, ProbeImageWriter.write(back));
        assertEquals("%s=%x", back.formatText(1));
        assertEquals(new Loc("b.emt", 5), back.lineAt(0x17f).loc());
        assertEquals(null, back.lineAt(0xff));
    }

    @Test
    void emptyProgramRoundTrips() {
        var data = new ProbeImage.Data(0, 0, 0, List.of(), List.of(), List.of(), List.of());
        var image = new ProbeImage(Abi.VERSION, new byte[] {(byte) 0xC3}, new byte[0], data, List.of(), List.of(), List.of(),
                new ProbeImage.Budget(1, 0, 0, 4096, 1000, 256));
        assertEquals(image, ProbeImageReader.read(ProbeImageWriter.write(image)));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] bytes = ProbeImageWriter.write(valid());
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, length);
            var e = assertThrows(ProbeImageException.class, () -> ProbeImageReader.read(cut), "truncated to " + length);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("shorter"), length + ": " + e.getMessage());
        }
    }

    @Test
    void everySingleBitFlipIsRefused() {
        byte[] bytes = ProbeImageWriter.write(valid());
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = bytes.clone();
                flipped[i] ^= (byte) (1 << bit);
                assertThrows(ProbeImageException.class, () -> ProbeImageReader.read(flipped), "flip of bit " + bit + " at " + i);
            }
        }
    }

    @Test
    void randomDamageWithARecomputedHashIsRefusedOrReadConsistently() {
        // A forger can fix the hash: then the structural and consistency checks are all that stands between the
        // damage and the loader. Whatever they let through must re-encode to the same bytes (it was parsed exactly).
        byte[] bytes = ProbeImageWriter.write(valid());
        var random = new Random(7);
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] damaged = bytes.clone();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                int at = VpoFormat.HEADER_BYTES + random.nextInt(bytes.length - VpoFormat.HEADER_BYTES);
                damaged[at] = (byte) random.nextInt(256);
            }
            rehash(damaged);
            try {
                ProbeImage image = ProbeImageReader.read(damaged);
                assertArrayEquals(damaged, ProbeImageWriter.write(image), "accepted damage must be a consistent image");
            } catch (ProbeImageException e) {
                refused++;
            } catch (RuntimeException e) {
                fail("round " + round + ": " + e + " escaped the reader", e);
            }
        }
        assertTrue(refused > 10_000, "most random damage is refused, got " + refused);
    }

    @Test
    void wrongHashIsRefused() {
        byte[] bytes = ProbeImageWriter.write(valid());
        bytes[bytes.length - 1] ^= 1;
        assertRefused(bytes, "body hash (SHA-256) does not match the body");
    }

    @Test
    void oneByteIsOneByte() {
        assertRefused(new byte[1], "the file is 1 byte, shorter than the " + VpoFormat.HEADER_BYTES + "-byte .vpo header");
        assertRefused(new byte[2], "the file is 2 bytes, shorter than");
    }

    @Test
    void headerFieldsAreNamed() {
        byte[] bytes = ProbeImageWriter.write(valid());
        assertRefused(patch(bytes, 0, 1, 'W'), "magic is 57 50 4f 00");
        assertRefused(patch(bytes, 4, 2, 2), "format version is 2.0");
        assertRefused(patch(bytes, 6, 2, 1), "format version is 1.1");
        assertRefused(patch(bytes, 8, 2, 0xB7), "target architecture is 0xb7, not x86-64");
        assertRefused(patch(bytes, 10, 2, Abi.VERSION + 1), "ABI version is " + (Abi.VERSION + 1));
        assertRefused(patch(bytes, 12, 4, 8), "section count is 8");
        assertRefused(patch(bytes, VpoFormat.SECTION_LENGTHS, 8, -1), "text section length 18446744073709551615 is larger than the whole file");
        assertRefused(patch(bytes, VpoFormat.SECTION_LENGTHS, 8, TEXT + 8), "the section lengths add up to");
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertRefused(longer, "the file is truncated or has trailing bytes");
    }

    @Test
    void probeEntryOutsideTheText() {
        assertRefused(withProbe(0, p -> probe(p, 0x1f40, p.codeSize())), "probe 0 entry offset 0x1f40 is outside the text (0x200 bytes)");
    }

    @Test
    void probeCodeLargerThanTheText() {
        assertRefused(withProbe(1, p -> probe(p, p.entryOffset(), 0x81)),
                "probe 1 code size 0x81 at entry offset 0x180 does not fit in the text (0x200 bytes)");
    }

    @Test
    void overlappingProbeCode() {
        assertRefused(withProbe(1, p -> probe(p, 0x140, 0x80)), "probe 1 code at 0x140 overlaps probe 0 code (0x100..0x180) in the text");
    }

    @Test
    void budgetsThatLie() {
        ProbeImage v = valid();
        assertRefused(with(v, new ProbeImage.Budget(TEXT - 0x10, v.budget().dataBytes(), 2, 4096, 100_000, 256)),
                "budget code bytes is 496 but the text is 512 bytes");
        assertRefused(with(v, new ProbeImage.Budget(TEXT, v.budget().dataBytes() - 8, 2, 4096, 100_000, 256)),
                "budget data bytes is " + (v.budget().dataBytes() - 8) + " but the data blocks and rodata add up to " + v.budget().dataBytes());
        assertRefused(with(v, new ProbeImage.Budget(TEXT, v.budget().dataBytes(), 1, 4096, 100_000, 256)),
                "budget clauses is 1 but the probe table has 2 probes");
        assertRefused(with(v, new ProbeImage.Budget(TEXT, v.budget().dataBytes(), 2, 4096, 100_000, 512)), "budget string bytes is 512");
    }

    @Test
    void dataOffsetsPastTheirBlocks() {
        ProbeImage v = valid();
        var d = v.data();
        assertRefused(withData(v, new ProbeImage.Data(d.vcpuBlockBytes(), d.globalBlockBytes(), d.sharedBlockBytes(),
                        List.of(d.globals().get(0), new ProbeImage.Global("who", true, false, 8, 0, "")), d.aggregates(), d.bags(), d.formats())),
                "global 1 (who) (0x100 bytes at offset 0x8) is outside the global block (0x100 bytes)");
        assertRefused(withData(v, new ProbeImage.Data(d.vcpuBlockBytes(), d.globalBlockBytes(), d.sharedBlockBytes(), d.globals(),
                        List.of(new ProbeImage.Aggregate("hits", 1, 0, 4, 16, d.aggregates().get(0).tableBytes(), 0)), d.bags(), d.formats())),
                "aggregate 0 (hits) table (0x" + Long.toHexString(d.aggregates().get(0).tableBytes()) + " bytes at offset 0x10) is outside the per-vCPU block (0x"
                        + Long.toHexString(d.vcpuBlockBytes()) + " bytes)");
        assertRefused(withData(v, new ProbeImage.Data(d.vcpuBlockBytes(), d.globalBlockBytes(), d.sharedBlockBytes(), d.globals(),
                        List.of(new ProbeImage.Aggregate("hits", 1, 0, 5, 8, d.aggregates().get(0).tableBytes(), 0)), d.bags(), d.formats())),
                "aggregate 0 (hits) table size is " + d.aggregates().get(0).tableBytes() + " but 5 entries of 1 integer and 0 string keys take "
                        + (DataLayout.AGGR_TABLE_HEADER + 5 * (DataLayout.AGGR_ENTRY_HEADER + 8)));
        assertRefused(withData(v, new ProbeImage.Data(d.vcpuBlockBytes(), d.globalBlockBytes(), d.sharedBlockBytes(), d.globals(),
                        d.aggregates(), List.of(new ProbeImage.Bag("starts", 8, 0, d.bags().get(0).bytes())), d.formats())),
                "bag 0 (starts) at 0x0 overlaps aggregate 0 (hits) generation word (0x0..0x8) in the shared block");
        assertRefused(withData(v, new ProbeImage.Data(d.vcpuBlockBytes(), d.globalBlockBytes(), d.sharedBlockBytes(),
                        List.of(new ProbeImage.Global("n", false, true, 12, 42, ""), d.globals().get(1)), d.aggregates(), d.bags(), d.formats())),
                "global 0 (n) offset 0xc is not a multiple of 8");
        assertRefused(withData(v, new ProbeImage.Data(d.vcpuBlockBytes(), d.globalBlockBytes(), d.sharedBlockBytes(), d.globals(),
                        d.aggregates(), d.bags(), List.of(new ProbeImage.Format(9, 0x40)))),
                "format 0 (64 bytes at rodata offset 0x9 and its NUL) is outside the rodata (0x15 bytes)");
        assertRefused(withData(v, new ProbeImage.Data(d.vcpuBlockBytes(), d.globalBlockBytes(), d.sharedBlockBytes(), d.globals(),
                        d.aggregates(), d.bags(), List.of(new ProbeImage.Format(0, 4)))),
                "format 0 is not NUL-terminated at rodata offset 0x4");
        assertRefused(withData(v, new ProbeImage.Data(d.vcpuBlockBytes() + 4, d.globalBlockBytes(), d.sharedBlockBytes(), d.globals(),
                        d.aggregates(), d.bags(), d.formats())),
                "per-vCPU block size is " + (d.vcpuBlockBytes() + 4) + ": it must be a multiple of 8");
    }

    @Test
    void badFormatTextIsRefused() {
        ProbeImage v = valid();
        byte[] rodata = v.rodata().clone();
        rodata[7] = 'y'; // "count %y"
        var image = new ProbeImage(v.abiVersion(), v.text(), rodata, v.data(), v.probes(), v.relocations(), v.lines(), v.budget());
        assertRefused(ProbeImageWriter.encode(image), "format 0 is not a valid format at character 7: unknown conversion `%y`");
    }

    @Test
    void lineTableAndRelocationsAreBounded() {
        ProbeImage v = valid();
        assertRefused(new ProbeImage(v.abiVersion(), v.text(), v.rodata(), v.data(), v.probes(), v.relocations(),
                List.of(new ProbeImage.LineEntry(0x100, new Loc("a.emt", 1)), new ProbeImage.LineEntry(0x200, new Loc("a.emt", 2))), v.budget()),
                "line 1 code offset 0x200 is outside the text (0x200 bytes)");
        assertRefused(new ProbeImage(v.abiVersion(), v.text(), v.rodata(), v.data(), v.probes(), v.relocations(),
                List.of(new ProbeImage.LineEntry(0x140, new Loc("a.emt", 1)), new ProbeImage.LineEntry(0x100, new Loc("a.emt", 2))), v.budget()),
                "line 1 code offset 0x100 does not follow line 0's (0x140)");
        assertRefused(new ProbeImage(v.abiVersion(), v.text(), v.rodata(), v.data(), v.probes(),
                List.of(new ProbeImage.Relocation(0x1fc, ProbeImage.Relocation.Kind.TEXT_ADDRESS, 0)), v.lines(), v.budget()),
                "relocation 0 text offset 0x1fc leaves no room for 8 bytes in the text (0x200 bytes)");
        assertRefused(new ProbeImage(v.abiVersion(), v.text(), v.rodata(), v.data(), v.probes(),
                List.of(new ProbeImage.Relocation(0x0, ProbeImage.Relocation.Kind.RODATA_ADDRESS, 0x100)), v.lines(), v.budget()),
                "relocation 0 addend 0x100 is outside its target, the rodata (0x15 bytes)");
    }

    @Test
    void enumsAndCountsInTheBodyAreChecked() {
        byte[] bytes = ProbeImageWriter.write(valid());
        int probes = sectionStart(bytes, VpoFormat.Section.PROBES);
        int domain = probes + 4 + 4 + "VMM1Hz".length() + 4 + "VMM1Hz".length();
        assertRefused(rehash(patch(bytes, domain, 1, 7)), "probe 0 domain is 7, not one of 0..2 [GUEST, VMM, VMX]");
        assertRefused(rehash(patch(bytes, probes, 4, 0x7fff_0000)), "probe count is 2147418112 but only");
        assertRefused(rehash(patch(bytes, probes + 4 + 4, 1, 0xFF)), "probe 0 spec at 0x8 in the probes section is not valid UTF-8");
        assertRefused(rehash(patch(bytes, domain + 1 + 4 + 8 + 8 + 12, 1, 9)), "probe 0 flags are 0x9");
        int relocs = sectionStart(bytes, VpoFormat.Section.RELOCATIONS);
        assertRefused(rehash(patch(bytes, relocs + 8, 1, 2)), "relocation 0 kind is 2, not one of 0..1");
        int data = sectionStart(bytes, VpoFormat.Section.DATA);
        assertRefused(rehash(patch(bytes, data + 24 + 4 + 4 + 1, 1, 3)), "global 0 kind is 3, not 0 or 1");
    }

    @Test
    void vmxProbesCannotClaimVcpuState() {
        assertRefused(withProbe(0, p -> new ProbeImage.Probe(p.spec(), p.point(), Domain.VMX, p.symbol(), p.address(), p.periodNs(),
                p.entryOffset(), p.codeSize(), p.stackNeed(), true, false, p.loc())), "is in the VMX domain, which has no vCPU");
    }

    @Test
    void writerRefusesWhatTheReaderWould() {
        var bad = withProbe(0, p -> probe(p, TEXT, 1));
        var e = assertThrows(ProbeImageException.class, () -> ProbeImageWriter.write(bad));
        assertTrue(e.getMessage().startsWith("probe 0 entry offset"), e.getMessage());
    }

    // ---- helpers ----

    private static void assertRefused(ProbeImage image, String expected) {
        assertRefused(ProbeImageWriter.encode(image), expected);
        var e = assertThrows(ProbeImageException.class, () -> ProbeImageValidator.validate(image));
        assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
    }

    private static void assertRefused(byte[] bytes, String expected) {
        var e = assertThrows(ProbeImageException.class, () -> ProbeImageReader.read(bytes));
        assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
    }

    private static ProbeImage.Probe probe(ProbeImage.Probe p, int entry, int size) {
        return new ProbeImage.Probe(p.spec(), p.point(), p.domain(), p.symbol(), p.address(), p.periodNs(), entry, size, p.stackNeed(),
                p.readsVcpuState(), p.needsIoctl(), p.loc());
    }

    private static ProbeImage withProbe(int index, UnaryOperator<ProbeImage.Probe> change) {
        ProbeImage v = valid();
        var probes = new ArrayList<>(v.probes());
        probes.set(index, change.apply(probes.get(index)));
        return new ProbeImage(v.abiVersion(), v.text(), v.rodata(), v.data(), probes, v.relocations(), v.lines(), v.budget());
    }

    private static ProbeImage with(ProbeImage v, ProbeImage.Budget budget) {
        return new ProbeImage(v.abiVersion(), v.text(), v.rodata(), v.data(), v.probes(), v.relocations(), v.lines(), budget);
    }

    private static ProbeImage withData(ProbeImage v, ProbeImage.Data data) {
        long dataBytes = data.vcpuBlockBytes() + data.globalBlockBytes() + data.sharedBlockBytes() + v.rodata().length;
        var b = v.budget();
        return new ProbeImage(v.abiVersion(), v.text(), v.rodata(), data, v.probes(), v.relocations(), v.lines(),
                new ProbeImage.Budget(b.codeBytes(), dataBytes, b.clauses(), b.stackBytes(), b.loopFuel(), b.stringBytes()));
    }

    private static byte[] patch(byte[] bytes, int at, int size, long value) {
        byte[] out = bytes.clone();
        for (int i = 0; i < size; i++) out[at + i] = (byte) (value >>> (8 * i));
        return out;
    }

    private static int sectionStart(byte[] bytes, VpoFormat.Section section) {
        var header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long at = VpoFormat.HEADER_BYTES;
        for (int s = 0; s < section.ordinal(); s++) at += header.getLong(VpoFormat.SECTION_LENGTHS + 8 * s);
        return (int) at;
    }

    /** Recomputes the header's hash, as a forger would. */
    private static byte[] rehash(byte[] bytes) {
        byte[] hash = ProbeImageWriter.sha256(java.util.Arrays.copyOfRange(bytes, VpoFormat.HEADER_BYTES, bytes.length));
        System.arraycopy(hash, 0, bytes, VpoFormat.HASH, 32);
        return bytes;
    }
}
