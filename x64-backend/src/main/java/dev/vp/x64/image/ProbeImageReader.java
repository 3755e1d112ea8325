// Parses .vpo bytes into a ProbeImage, refusing anything malformed with a message that names the bad field.
package dev.vp.x64.image;

import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.lang.Domain;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The header is checked first (magic, versions, architecture, section lengths against the file length), then
 * the body's SHA-256, then each section is parsed with every count, length, enum and string bounded by what is
 * left of that section, and each section must be consumed exactly. Finally {@link ProbeImageValidator} checks
 * the cross-section rules (offsets inside the text, data blocks, budgets). Every failure is a
 * {@link ProbeImageException}; no other exception escapes.
 */
public final class ProbeImageReader {
    private ProbeImageReader() {}

    /** "1 byte", "2 bytes". */
    static String byteCount(long n) { return n + (n == 1 ? " byte" : " bytes"); }

    public static ProbeImage read(byte[] file) {
        if (file.length < VpoFormat.HEADER_BYTES) {
            throw new ProbeImageException("the file is " + byteCount(file.length) + ", shorter than the " + VpoFormat.HEADER_BYTES
                    + "-byte .vpo header: it is truncated or not a probe image");
        }
        var header = new Cursor(file, 0, VpoFormat.HEADER_BYTES, "header");
        byte[] magic = header.bytes(4, "magic");
        if (!Arrays.equals(magic, VpoFormat.MAGIC)) {
            throw new ProbeImageException("magic is " + HexFormat.ofDelimiter(" ").formatHex(magic)
                    + ", not \"VPO\\0\": this is not a probe image");
        }
        int major = header.u16("format major version"), minor = header.u16("format minor version");
        if (major != VpoFormat.FORMAT_MAJOR || minor > VpoFormat.FORMAT_MINOR) {
            throw new ProbeImageException("format version is " + major + "." + minor + ", this reader reads "
                    + VpoFormat.FORMAT_MAJOR + ".0 to " + VpoFormat.FORMAT_MAJOR + "." + VpoFormat.FORMAT_MINOR
                    + ": rebuild the script with this version of vp");
        }
        int arch = header.u16("target architecture");
        if (arch != VpoFormat.ARCH_X86_64) {
            throw new ProbeImageException("target architecture is 0x" + Integer.toHexString(arch) + ", not x86-64 (0x3e)");
        }
        int abi = header.u16("ABI version");
        int count = header.u32Int("section count");
        if (count != VpoFormat.Section.values().length) {
            throw new ProbeImageException("section count is " + count + ", format " + VpoFormat.FORMAT_MAJOR + " has "
                    + VpoFormat.Section.values().length + " sections");
        }
        long[] lengths = new long[count];
        long bodyLength = 0;
        for (VpoFormat.Section s : VpoFormat.Section.values()) {
            long length = header.u64(sectionName(s) + " section length");
            if (length < 0 || length > file.length) {
                throw new ProbeImageException(sectionName(s) + " section length " + Long.toUnsignedString(length)
                        + " is larger than the whole file (" + file.length + " bytes): the file is truncated or damaged");
            }
            lengths[s.ordinal()] = length;
            bodyLength += length;
        }
        if (VpoFormat.HEADER_BYTES + bodyLength != file.length) {
            throw new ProbeImageException("the section lengths add up to " + byteCount(bodyLength) + " after the "
                    + VpoFormat.HEADER_BYTES + "-byte header, but the file has " + (file.length - VpoFormat.HEADER_BYTES)
                    + ": the file is truncated or has trailing bytes");
        }
        byte[] hash = header.bytes(32, "body hash");
        byte[] actual = sha256(file, VpoFormat.HEADER_BYTES, file.length - VpoFormat.HEADER_BYTES);
        if (!MessageDigest.isEqual(hash, actual)) {
            throw new ProbeImageException("body hash (SHA-256) does not match the body: the file was damaged or edited after it was built");
        }

        Cursor[] sections = new Cursor[count];
        int at = VpoFormat.HEADER_BYTES;
        for (VpoFormat.Section s : VpoFormat.Section.values()) {
            sections[s.ordinal()] = new Cursor(file, at, (int) lengths[s.ordinal()], sectionName(s) + " section");
            at += (int) lengths[s.ordinal()];
        }
        byte[] text = sections[VpoFormat.Section.TEXT.ordinal()].rest();
        byte[] rodata = sections[VpoFormat.Section.RODATA.ordinal()].rest();
        ProbeImage.Data data = data(sections[VpoFormat.Section.DATA.ordinal()]);
        List<ProbeImage.Probe> probes = probes(sections[VpoFormat.Section.PROBES.ordinal()]);
        List<ProbeImage.Relocation> relocations = relocations(sections[VpoFormat.Section.RELOCATIONS.ordinal()]);
        List<ProbeImage.LineEntry> lines = lines(sections[VpoFormat.Section.LINES.ordinal()]);
        ProbeImage.Budget budget = budget(sections[VpoFormat.Section.BUDGET.ordinal()]);
        for (Cursor c : sections) c.expectEnd();
        var image = new ProbeImage(abi, text, rodata, data, probes, relocations, lines, budget);
        ProbeImageValidator.validate(image);
        return image;
    }

    private static String sectionName(VpoFormat.Section s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static byte[] sha256(byte[] file, int from, int length) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(file, from, length);
            return digest.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK provides SHA-256", e);
        }
    }

    private static ProbeImage.Data data(Cursor c) {
        long vcpuBlock = c.u64("per-vCPU block size"), globalBlock = c.u64("global block size"), sharedBlock = c.u64("shared block size");
        int globalCount = c.count("global count", 8 + 2 + 8 + 8 + 4 + 4);
        var globals = new ArrayList<ProbeImage.Global>(globalCount);
        for (int i = 0; i < globalCount; i++) {
            String field = "global " + i;
            String name = c.string(field + " name");
            boolean string = c.bool(field + " kind");
            boolean perVcpu = c.bool(field + " per-vCPU flag");
            globals.add(new ProbeImage.Global(name, string, perVcpu, c.u64(field + " offset"), c.u64(field + " initial value"),
                    c.string(field + " initial string")));
        }
        int aggrCount = c.count("aggregate count", 4 + 12 + 24);
        var aggrs = new ArrayList<ProbeImage.Aggregate>(aggrCount);
        for (int i = 0; i < aggrCount; i++) {
            String field = "aggregate " + i;
            aggrs.add(new ProbeImage.Aggregate(c.string(field + " name"), c.u32Int(field + " integer key count"),
                    c.u32Int(field + " string key count"), c.u32Int(field + " capacity"), c.u64(field + " table offset"),
                    c.u64(field + " table size"), c.u64(field + " generation offset")));
        }
        int bagCount = c.count("bag count", 4 + 4 + 16);
        var bags = new ArrayList<ProbeImage.Bag>(bagCount);
        for (int i = 0; i < bagCount; i++) {
            String field = "bag " + i;
            bags.add(new ProbeImage.Bag(c.string(field + " name"), c.u32Int(field + " capacity"), c.u64(field + " offset"),
                    c.u64(field + " size")));
        }
        int formatCount = c.count("format count", 12);
        var formats = new ArrayList<ProbeImage.Format>(formatCount);
        for (int i = 0; i < formatCount; i++) {
            formats.add(new ProbeImage.Format(c.u64("format " + i + " rodata offset"), c.u32Int("format " + i + " length")));
        }
        return new ProbeImage.Data(vcpuBlock, globalBlock, sharedBlock, globals, aggrs, bags, formats);
    }

    private static List<ProbeImage.Probe> probes(Cursor c) {
        int count = c.count("probe count", 4 * 3 + 1 + 16 + 12 + 1 + 4 + 4);
        var probes = new ArrayList<ProbeImage.Probe>(count);
        Domain[] domains = Domain.values();
        for (int i = 0; i < count; i++) {
            String field = "probe " + i;
            String spec = c.string(field + " spec");
            String point = c.string(field + " point");
            int domain = c.u8(field + " domain");
            if (domain >= domains.length) {
                throw new ProbeImageException(field + " domain is " + domain + ", not one of 0.." + (domains.length - 1) + " "
                        + Arrays.toString(domains));
            }
            String symbol = c.string(field + " symbol");
            long address = c.u64(field + " address");
            long period = c.u64(field + " period");
            int entry = c.u32Int(field + " entry offset");
            int size = c.u32Int(field + " code size");
            int stack = c.u32Int(field + " stack need");
            int flags = c.u8(field + " flags");
            if ((flags & ~(VpoFormat.PROBE_READS_VCPU_STATE | VpoFormat.PROBE_NEEDS_IOCTL)) != 0) {
                throw new ProbeImageException(field + " flags are 0x" + Integer.toHexString(flags) + ": only bits 0 (vCPU state) and 1 (ioctl) are defined");
            }
            String file = c.string(field + " source file");
            int line = c.u32Int(field + " source line");
            probes.add(new ProbeImage.Probe(spec, point, domains[domain], symbol, address, period, entry, size, stack,
                    (flags & VpoFormat.PROBE_READS_VCPU_STATE) != 0, (flags & VpoFormat.PROBE_NEEDS_IOCTL) != 0, new Loc(file, line)));
        }
        return probes;
    }

    private static List<ProbeImage.Relocation> relocations(Cursor c) {
        int count = c.count("relocation count", 13);
        var kinds = ProbeImage.Relocation.Kind.values();
        var out = new ArrayList<ProbeImage.Relocation>(count);
        for (int i = 0; i < count; i++) {
            int offset = c.u32Int("relocation " + i + " text offset");
            int kind = c.u8("relocation " + i + " kind");
            if (kind >= kinds.length) {
                throw new ProbeImageException("relocation " + i + " kind is " + kind + ", not one of 0.." + (kinds.length - 1) + " " + Arrays.toString(kinds));
            }
            out.add(new ProbeImage.Relocation(offset, kinds[kind], c.u64("relocation " + i + " addend")));
        }
        return out;
    }

    private static List<ProbeImage.LineEntry> lines(Cursor c) {
        int fileCount = c.count("line table file count", 4);
        var files = new String[fileCount];
        for (int i = 0; i < fileCount; i++) files[i] = c.string("line table file " + i);
        int count = c.count("line table entry count", 12);
        var out = new ArrayList<ProbeImage.LineEntry>(count);
        for (int i = 0; i < count; i++) {
            int offset = c.u32Int("line " + i + " code offset");
            int file = c.u32Int("line " + i + " file index");
            if (file >= fileCount) {
                throw new ProbeImageException("line " + i + " file index is " + file + " but the line table names " + fileCount + " files");
            }
            out.add(new ProbeImage.LineEntry(offset, new Loc(files[file], c.u32Int("line " + i + " line number"))));
        }
        return out;
    }

    private static ProbeImage.Budget budget(Cursor c) {
        return new ProbeImage.Budget(c.u64("budget code bytes"), c.u64("budget data bytes"), c.u32Int("budget clauses"),
                c.u64("budget stack bytes"), c.u64("budget loop fuel"), c.u32Int("budget string bytes"));
    }

    /** Reads one section; every read names its field and never goes past the section's end. */
    private static final class Cursor {
        private final byte[] file;
        private final int start, end;
        private final String section;
        private int at;

        Cursor(byte[] file, int start, int length, String section) {
            this.file = file;
            this.start = start;
            this.end = start + length;
            this.section = section;
            this.at = start;
        }

        private void need(int bytes, String field) {
            if (end - at < bytes) {
                throw new ProbeImageException(field + " needs " + byteCount(bytes) + " at 0x" + Integer.toHexString(at - start)
                        + " but the " + section + " is 0x" + Integer.toHexString(end - start) + " bytes long: the section is truncated");
            }
        }

        long little(int bytes, String field) {
            need(bytes, field);
            long v = 0;
            for (int i = 0; i < bytes; i++) v |= (file[at + i] & 0xFFL) << (8 * i);
            at += bytes;
            return v;
        }

        int u8(String field) { return (int) little(1, field); }

        int u16(String field) { return (int) little(2, field); }

        long u64(String field) { return little(8, field); }

        /** A u32 that must also fit a Java int (every count, offset and size in the format does). */
        int u32Int(String field) {
            long v = little(4, field);
            if (v > Integer.MAX_VALUE) {
                throw new ProbeImageException(field + " is " + v + ", larger than the format allows (" + Integer.MAX_VALUE + ")");
            }
            return (int) v;
        }

        boolean bool(String field) {
            int v = u8(field);
            if (v > 1) throw new ProbeImageException(field + " is " + v + ", not 0 or 1");
            return v == 1;
        }

        /** A count of items each at least minItemBytes long: bounded by what is left, so a huge count cannot allocate. */
        int count(String field, int minItemBytes) {
            int n = u32Int(field);
            if ((long) n * minItemBytes > end - at) {
                throw new ProbeImageException(field + " is " + n + " but only " + byteCount(end - at) + " of the " + section
                        + " are left, room for at most " + (end - at) / minItemBytes);
            }
            return n;
        }

        byte[] bytes(int n, String field) {
            need(n, field);
            byte[] b = Arrays.copyOfRange(file, at, at + n);
            at += n;
            return b;
        }

        byte[] rest() {
            return bytes(end - at, section);
        }

        String string(String field) {
            int length = u32Int(field + " length");
            if (length > VpoFormat.MAX_STRING_BYTES) {
                throw new ProbeImageException(field + " is " + length + " bytes long, more than the " + VpoFormat.MAX_STRING_BYTES + " a string may have");
            }
            need(length, field);
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            try {
                CharBuffer chars = decoder.decode(ByteBuffer.wrap(file, at, length));
                at += length;
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw new ProbeImageException(field + " at 0x" + Integer.toHexString(at - start) + " in the " + section + " is not valid UTF-8");
            }
        }

        void expectEnd() {
            if (at != end) {
                throw new ProbeImageException("the " + section + " has " + byteCount(end - at) + " left over after its last field at 0x"
                        + Integer.toHexString(at - start) + ": its length does not match its contents");
            }
        }
    }
}
