// Serialises a ProbeImage to the .vpo bytes that ProbeImageReader parses.
package dev.vp.x64.image;

import dev.vp.compiler.ir.Loc;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the header, then each section (see {@link VpoFormat}). The image is validated first, so a writer never
 * produces a file that its own reader would refuse.
 */
public final class ProbeImageWriter {
    private ProbeImageWriter() {}

    /** The file's bytes; throws ProbeImageException when the image is inconsistent. */
    public static byte[] write(ProbeImage image) {
        ProbeImageValidator.validate(image);
        return encode(image);
    }

    /** The bytes of any image, consistent or not: tests build hostile files with it. */
    static byte[] encode(ProbeImage image) {
        byte[][] sections = new byte[VpoFormat.Section.values().length][];
        for (VpoFormat.Section s : VpoFormat.Section.values()) {
            sections[s.ordinal()] = switch (s) {
                case TEXT -> image.text();
                case RODATA -> image.rodata();
                case DATA -> data(image.data());
                case PROBES -> probes(image);
                case RELOCATIONS -> relocations(image);
                case LINES -> lines(image);
                case BUDGET -> budget(image.budget());
            };
        }
        var body = new Out();
        for (byte[] section : sections) body.bytes(section);
        byte[] bodyBytes = body.toByteArray();

        var header = new Out();
        header.bytes(VpoFormat.MAGIC);
        header.u16(VpoFormat.FORMAT_MAJOR);
        header.u16(VpoFormat.FORMAT_MINOR);
        header.u16(VpoFormat.ARCH_X86_64);
        header.u16(image.abiVersion());
        header.u32(sections.length);
        for (byte[] section : sections) header.u64(section.length);
        header.bytes(sha256(bodyBytes));
        header.bytes(bodyBytes);
        return header.toByteArray();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK provides SHA-256", e);
        }
    }

    private static byte[] data(ProbeImage.Data d) {
        var out = new Out();
        out.u64(d.vcpuBlockBytes());
        out.u64(d.globalBlockBytes());
        out.u64(d.sharedBlockBytes());
        out.u32(d.globals().size());
        for (ProbeImage.Global g : d.globals()) {
            out.string(g.name());
            out.u8(g.string() ? 1 : 0);
            out.u8(g.perVcpu() ? 1 : 0);
            out.u64(g.offset());
            out.u64(g.initInt());
            out.string(g.initString() == null ? "" : g.initString());
        }
        out.u32(d.aggregates().size());
        for (ProbeImage.Aggregate a : d.aggregates()) {
            out.string(a.name());
            out.u32(a.intKeys());
            out.u32(a.strKeys());
            out.u32(a.capacity());
            out.u64(a.tableOffset());
            out.u64(a.tableBytes());
            out.u64(a.generationOffset());
        }
        out.u32(d.bags().size());
        for (ProbeImage.Bag b : d.bags()) {
            out.string(b.name());
            out.u32(b.capacity());
            out.u64(b.offset());
            out.u64(b.bytes());
        }
        out.u32(d.formats().size());
        for (ProbeImage.Format f : d.formats()) {
            out.u64(f.rodataOffset());
            out.u32(f.length());
        }
        return out.toByteArray();
    }

    private static byte[] probes(ProbeImage image) {
        var out = new Out();
        out.u32(image.probes().size());
        for (ProbeImage.Probe p : image.probes()) {
            out.string(p.spec());
            out.string(p.point());
            out.u8(p.domain().ordinal());
            out.string(p.symbol());
            out.u64(p.address());
            out.u64(p.periodNs());
            out.u32(p.entryOffset());
            out.u32(p.codeSize());
            out.u32(p.stackNeed());
            out.u8((p.readsVcpuState() ? VpoFormat.PROBE_READS_VCPU_STATE : 0) | (p.needsIoctl() ? VpoFormat.PROBE_NEEDS_IOCTL : 0));
            out.string(p.loc().file());
            out.u32(p.loc().line());
        }
        return out.toByteArray();
    }

    private static byte[] relocations(ProbeImage image) {
        var out = new Out();
        out.u32(image.relocations().size());
        for (ProbeImage.Relocation r : image.relocations()) {
            out.u32(r.textOffset());
            out.u8(r.kind().ordinal());
            out.u64(r.addend());
        }
        return out.toByteArray();
    }

    /** A file table (each file once, in order of first use), then (offset, file index, line) triples. */
    private static byte[] lines(ProbeImage image) {
        Map<String, Integer> files = new LinkedHashMap<>();
        for (ProbeImage.LineEntry e : image.lines()) files.putIfAbsent(e.loc().file(), files.size());
        var out = new Out();
        out.u32(files.size());
        for (String f : files.keySet()) out.string(f);
        out.u32(image.lines().size());
        for (ProbeImage.LineEntry e : image.lines()) {
            Loc loc = e.loc();
            out.u32(e.codeOffset());
            out.u32(files.get(loc.file()));
            out.u32(loc.line());
        }
        return out.toByteArray();
    }

    private static byte[] budget(ProbeImage.Budget b) {
        var out = new Out();
        out.u64(b.codeBytes());
        out.u64(b.dataBytes());
        out.u32(b.clauses());
        out.u64(b.stackBytes());
        out.u64(b.loopFuel());
        out.u32(b.stringBytes());
        return out.toByteArray();
    }

    /** Little-endian output. */
    private static final class Out extends ByteArrayOutputStream {
        void u8(int v) { write(v); }

        void u16(int v) { write(v); write(v >>> 8); }

        void u32(long v) { for (int i = 0; i < 4; i++) write((int) (v >>> (8 * i))); }

        void u64(long v) { for (int i = 0; i < 8; i++) write((int) (v >>> (8 * i))); }

        void bytes(byte[] b) { write(b, 0, b.length); }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            bytes(b);
        }
    }
}
