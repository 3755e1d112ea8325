// The consistency rules of a probe image: every offset inside its section, no overlaps, budgets that tell the truth.
package dev.vp.x64.image;

import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.output.FormatError;
import dev.vp.compiler.output.FormatSpec;
import dev.vp.x64.abi.Abi;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks an image the way the loader needs it: after this passes, the runtime may copy the text, lay the data out
 * at the declared offsets and call each probe's entry without further checks. The first problem found is thrown
 * as a {@link ProbeImageException} naming the field, its value and the bound it broke.
 */
public final class ProbeImageValidator {
    private ProbeImageValidator() {}

    /** Largest data block the format allows (1 GB); the runtime's arena is the real limit, checked at load. */
    static final long MAX_BLOCK_BYTES = 1L << 30;
    /** More keys than this would make an entry larger than any budget allows. */
    static final int MAX_KEYS = 64;

    public static void validate(ProbeImage image) {
        if (image.abiVersion() != Abi.VERSION) {
            throw new ProbeImageException("ABI version is " + image.abiVersion() + ", this runtime speaks version " + Abi.VERSION
                    + ": rebuild the script with this version of vp");
        }
        budget(image);
        data(image);
        probes(image);
        relocations(image);
        lines(image);
    }

    private static void budget(ProbeImage image) {
        ProbeImage.Budget b = image.budget();
        ProbeImage.Data d = image.data();
        if (b.codeBytes() != image.text().length) {
            throw new ProbeImageException("budget code bytes is " + b.codeBytes() + " but the text is " + image.text().length + " bytes");
        }
        if (b.clauses() != image.probes().size()) {
            throw new ProbeImageException("budget clauses is " + b.clauses() + " but the probe table has " + image.probes().size() + " probes");
        }
        for (var block : List.of(new Block("per-vCPU block size", d.vcpuBlockBytes()), new Block("global block size", d.globalBlockBytes()),
                new Block("shared block size", d.sharedBlockBytes()))) {
            if (block.bytes < 0 || block.bytes > MAX_BLOCK_BYTES || block.bytes % ProbeImage.ALIGNMENT != 0) {
                throw new ProbeImageException(block.name + " is " + Long.toUnsignedString(block.bytes) + ": it must be a multiple of "
                        + ProbeImage.ALIGNMENT + " between 0 and " + MAX_BLOCK_BYTES);
            }
        }
        long data = d.vcpuBlockBytes() + d.globalBlockBytes() + d.sharedBlockBytes() + image.rodata().length;
        if (b.dataBytes() != data) {
            throw new ProbeImageException("budget data bytes is " + b.dataBytes() + " but the data blocks and rodata add up to " + data
                    + " (per-vCPU " + d.vcpuBlockBytes() + " + global " + d.globalBlockBytes() + " + shared " + d.sharedBlockBytes()
                    + " + rodata " + image.rodata().length + ")");
        }
        if (b.stringBytes() < 2 || b.stringBytes() > DataLayout.STRING_BYTES) {
            throw new ProbeImageException("budget string bytes is " + b.stringBytes() + ": it must be between 2 and " + DataLayout.STRING_BYTES
                    + " (the ABI's string buffers)");
        }
        if (b.stackBytes() <= 0 || b.stackBytes() > MAX_BLOCK_BYTES) {
            throw new ProbeImageException("budget stack bytes is " + Long.toUnsignedString(b.stackBytes()) + ": it must be between 1 and " + MAX_BLOCK_BYTES);
        }
        if (b.loopFuel() < 0) {
            throw new ProbeImageException("budget loop fuel is " + Long.toUnsignedString(b.loopFuel()) + ": it must be below 2^63");
        }
    }

    private record Block(String name, long bytes) {}

    /** A named byte range inside one data block, for the overlap check. */
    private record Extent(String what, long offset, long bytes) {
        long end() { return offset + bytes; }
    }

    private static void data(ProbeImage image) {
        ProbeImage.Data d = image.data();
        var vcpu = new ArrayList<Extent>();
        var global = new ArrayList<Extent>();
        var shared = new ArrayList<Extent>();
        int maxChars = image.budget().stringBytes() - 1;
        for (int i = 0; i < d.globals().size(); i++) {
            ProbeImage.Global g = d.globals().get(i);
            String field = "global " + i + " (" + g.name() + ")";
            name(g.name(), "global " + i + " name");
            if (!g.string() && !g.initString().isEmpty()) {
                throw new ProbeImageException(field + " is an integer but has an initial string");
            }
            if (g.string()) {
                if (g.initInt() != 0) throw new ProbeImageException(field + " is a string but has an initial integer value");
                byteString(g.initString(), maxChars, field + " initial string");
            }
            var extent = new Extent(field, g.offset(), g.string() ? DataLayout.STRING_BYTES : 8);
            place(extent, g.perVcpu() ? "per-vCPU block" : "global block", g.perVcpu() ? d.vcpuBlockBytes() : d.globalBlockBytes());
            (g.perVcpu() ? vcpu : global).add(extent);
        }
        for (int i = 0; i < d.aggregates().size(); i++) {
            ProbeImage.Aggregate a = d.aggregates().get(i);
            String field = "aggregate " + i + " (" + a.name() + ")";
            name(a.name(), "aggregate " + i + " name");
            if (a.intKeys() > MAX_KEYS || a.strKeys() > MAX_KEYS) {
                throw new ProbeImageException(field + " has " + a.intKeys() + " integer and " + a.strKeys() + " string keys; at most "
                        + MAX_KEYS + " of each are allowed");
            }
            if (a.capacity() < 1) throw new ProbeImageException(field + " capacity is " + a.capacity() + ": it must be at least 1");
            long expected = DataLayout.AGGR_TABLE_HEADER + DataLayout.aggrEntryBytes(a.intKeys(), a.strKeys()) * a.capacity();
            if (a.tableBytes() != expected) {
                throw new ProbeImageException(field + " table size is " + Long.toUnsignedString(a.tableBytes()) + " but " + a.capacity()
                        + " entries of " + a.intKeys() + " integer and " + a.strKeys() + " string keys take " + expected);
            }
            var table = new Extent(field + " table", a.tableOffset(), a.tableBytes());
            place(table, "per-vCPU block", d.vcpuBlockBytes());
            vcpu.add(table);
            var generation = new Extent(field + " generation word", a.generationOffset(), 8);
            place(generation, "shared block", d.sharedBlockBytes());
            shared.add(generation);
        }
        for (int i = 0; i < d.bags().size(); i++) {
            ProbeImage.Bag b = d.bags().get(i);
            String field = "bag " + i + " (" + b.name() + ")";
            name(b.name(), "bag " + i + " name");
            if (b.capacity() < 1) throw new ProbeImageException(field + " capacity is " + b.capacity() + ": it must be at least 1");
            long expected = DataLayout.BAG_HEADER + (long) DataLayout.BAG_ENTRY * b.capacity();
            if (b.bytes() != expected) {
                throw new ProbeImageException(field + " size is " + Long.toUnsignedString(b.bytes()) + " but " + b.capacity()
                        + " slots take " + expected);
            }
            var extent = new Extent(field, b.offset(), b.bytes());
            place(extent, "shared block", d.sharedBlockBytes());
            shared.add(extent);
        }
        disjoint(vcpu, "per-vCPU block");
        disjoint(global, "global block");
        disjoint(shared, "shared block");
        byte[] rodata = image.rodata();
        for (int i = 0; i < d.formats().size(); i++) {
            ProbeImage.Format f = d.formats().get(i);
            String field = "format " + i;
            if (f.rodataOffset() < 0 || f.rodataOffset() + f.length() >= rodata.length) {
                throw new ProbeImageException(field + " (" + f.length() + " bytes at rodata offset 0x" + Long.toHexString(f.rodataOffset())
                        + " and its NUL) is outside the rodata (0x" + Integer.toHexString(rodata.length) + " bytes)");
            }
            int from = (int) f.rodataOffset();
            for (int k = from; k < from + f.length(); k++) {
                if (rodata[k] == 0) throw new ProbeImageException(field + " has a NUL byte at rodata offset 0x" + Integer.toHexString(k) + " inside its text");
            }
            if (rodata[from + f.length()] != 0) {
                throw new ProbeImageException(field + " is not NUL-terminated at rodata offset 0x" + Integer.toHexString(from + f.length()));
            }
            if (FormatSpec.parse(image.formatText(i)) instanceof FormatError e) {
                throw new ProbeImageException(field + " is not a valid format at character " + e.offset() + ": " + e.message());
            }
        }
    }

    /** The extent must lie inside [0, blockBytes) and be aligned. */
    private static void place(Extent e, String block, long blockBytes) {
        if (e.offset() % ProbeImage.ALIGNMENT != 0) {
            throw new ProbeImageException(e.what() + " offset 0x" + Long.toHexString(e.offset()) + " is not a multiple of " + ProbeImage.ALIGNMENT);
        }
        if (e.offset() < 0 || e.bytes() < 0 || e.offset() > blockBytes - e.bytes()) {
            throw new ProbeImageException(e.what() + " (0x" + Long.toHexString(e.bytes()) + " bytes at offset 0x" + Long.toHexString(e.offset())
                    + ") is outside the " + block + " (0x" + Long.toHexString(blockBytes) + " bytes)");
        }
    }

    private static void disjoint(List<Extent> extents, String block) {
        extents.sort(Comparator.comparingLong(Extent::offset));
        for (int i = 1; i < extents.size(); i++) {
            Extent a = extents.get(i - 1), b = extents.get(i);
            if (b.offset() < a.end()) {
                throw new ProbeImageException(b.what() + " at 0x" + Long.toHexString(b.offset()) + " overlaps " + a.what() + " (0x"
                        + Long.toHexString(a.offset()) + "..0x" + Long.toHexString(a.end()) + ") in the " + block);
            }
        }
    }

    private static void probes(ProbeImage image) {
        int text = image.text().length;
        var regions = new ArrayList<Extent>();
        for (int i = 0; i < image.probes().size(); i++) {
            ProbeImage.Probe p = image.probes().get(i);
            String field = "probe " + i;
            name(p.spec(), field + " spec");
            name(p.point(), field + " point");
            if (p.entryOffset() < 0 || p.entryOffset() >= text) {
                throw new ProbeImageException(field + " entry offset 0x" + Integer.toHexString(p.entryOffset()) + " is outside the text (0x"
                        + Integer.toHexString(text) + " bytes)");
            }
            if (p.codeSize() < 1 || p.codeSize() > text - p.entryOffset()) {
                throw new ProbeImageException(field + " code size 0x" + Integer.toHexString(p.codeSize()) + " at entry offset 0x"
                        + Integer.toHexString(p.entryOffset()) + " does not fit in the text (0x" + Integer.toHexString(text) + " bytes)");
            }
            if (p.stackNeed() < 0) throw new ProbeImageException(field + " stack need is negative");
            if (p.periodNs() < 0) throw new ProbeImageException(field + " period is " + Long.toUnsignedString(p.periodNs()) + " ns: it must be below 2^63");
            if (!p.domain().hasVcpu() && (p.readsVcpuState() || p.needsIoctl())) {
                throw new ProbeImageException(field + " (" + p.spec() + ") is in the " + p.domain() + " domain, which has no vCPU, but is flagged as reading vCPU state");
            }
            if (p.loc().line() < 0) throw new ProbeImageException(field + " source line is negative");
            regions.add(new Extent(field + " code", p.entryOffset(), p.codeSize()));
        }
        disjoint(regions, "text");
    }

    private static void relocations(ProbeImage image) {
        int text = image.text().length;
        var patched = new ArrayList<Extent>();
        for (int i = 0; i < image.relocations().size(); i++) {
            ProbeImage.Relocation r = image.relocations().get(i);
            String field = "relocation " + i;
            if (r.textOffset() < 0 || r.textOffset() > text - 8) {
                throw new ProbeImageException(field + " text offset 0x" + Integer.toHexString(r.textOffset()) + " leaves no room for 8 bytes in the text (0x"
                        + Integer.toHexString(text) + " bytes)");
            }
            long target = r.kind() == ProbeImage.Relocation.Kind.TEXT_ADDRESS ? text : image.rodata().length;
            if (r.addend() < 0 || r.addend() > target) {
                throw new ProbeImageException(field + " addend 0x" + Long.toHexString(r.addend()) + " is outside its target, the "
                        + (r.kind() == ProbeImage.Relocation.Kind.TEXT_ADDRESS ? "text" : "rodata") + " (0x" + Long.toHexString(target) + " bytes)");
            }
            patched.add(new Extent(field, r.textOffset(), 8));
        }
        disjoint(patched, "text");
    }

    private static void lines(ProbeImage image) {
        int text = image.text().length;
        int previous = -1;
        for (int i = 0; i < image.lines().size(); i++) {
            ProbeImage.LineEntry e = image.lines().get(i);
            if (e.codeOffset() < 0 || e.codeOffset() >= text) {
                throw new ProbeImageException("line " + i + " code offset 0x" + Integer.toHexString(e.codeOffset()) + " is outside the text (0x"
                        + Integer.toHexString(text) + " bytes)");
            }
            if (e.codeOffset() <= previous) {
                throw new ProbeImageException("line " + i + " code offset 0x" + Integer.toHexString(e.codeOffset())
                        + " does not follow line " + (i - 1) + "'s (0x" + Integer.toHexString(previous) + "): the line table must be sorted");
            }
            if (e.loc().line() < 0) throw new ProbeImageException("line " + i + " line number is negative");
            previous = e.codeOffset();
        }
    }

    private static void name(String s, String field) {
        if (s.isEmpty()) throw new ProbeImageException(field + " is empty");
        if (s.indexOf('\0') >= 0) throw new ProbeImageException(field + " contains a NUL character");
    }

    /** A string the runtime writes byte per char: at most maxChars chars, each 1..255. */
    private static void byteString(String s, int maxChars, String field) {
        if (s.length() > maxChars) throw new ProbeImageException(field + " is " + s.length() + " characters, more than the " + maxChars + " a string holds");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 0xFF) {
                throw new ProbeImageException(field + " has character U+" + String.format("%04X", (int) c) + " at " + i
                        + ": strings hold bytes 1..255");
            }
        }
    }
}
