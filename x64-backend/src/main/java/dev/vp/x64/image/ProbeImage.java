// A compiled script as the runtime loads it: machine code, read-only data, data layout, probes, lines, budgets.
package dev.vp.x64.image;

import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.lang.Domain;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The in-memory form of a {@code .vpo} file. {@link ProbeImageWriter} serialises it, {@link ProbeImageReader}
 * parses and checks one, and {@link ProbeImageValidator} holds the consistency rules that both the reader and the
 * runtime's loader apply (an image built in memory is checked exactly like one read from disk).
 *
 * <p>Text starts with the helper library; each probe's code is a region of it. Data lives in three blocks
 * whose base addresses the runtime writes into each context block, or places: the per-vCPU block (one copy per context,
 * right after the context block: {@code Abi.vcpuData}), the global block ({@code CTX_GLOBAL_DATA}) and the shared block of bags and aggregate
 * generation words ({@code CTX_SHARED}). Every offset below is relative to the base of the block it lives in.
 */
public record ProbeImage(int abiVersion, byte[] text, byte[] rodata, Data data, List<Probe> probes,
                         List<Relocation> relocations, List<LineEntry> lines, Budget budget) {
    public ProbeImage {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(rodata, "rodata");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(budget, "budget");
        probes = List.copyOf(probes);
        relocations = List.copyOf(relocations);
        lines = List.copyOf(lines);
    }

    /** Every data block and string is aligned to this; tables start on it too. */
    public static final int ALIGNMENT = 8;

    /**
     * The data layout. Globals are per-vCPU (in the per-vCPU block) or per-VM (global block); aggregate tables
     * are per-vCPU; bags and each aggregate's generation word are in the shared block. formats index the
     * format ids that printf records carry.
     */
    public record Data(long vcpuBlockBytes, long globalBlockBytes, long sharedBlockBytes, List<Global> globals,
                       List<Aggregate> aggregates, List<Bag> bags, List<Format> formats) {
        public Data {
            globals = List.copyOf(globals);
            aggregates = List.copyOf(aggregates);
            bags = List.copyOf(bags);
            formats = List.copyOf(formats);
        }
    }

    /** A script variable: 8 bytes (integer) or a 256-byte NUL-terminated string buffer at offset. */
    public record Global(String name, boolean string, boolean perVcpu, long offset, long initInt, String initString) {
        public Global { initString = initString == null ? "" : initString; }
    }

    /** An aggregate's per-vCPU table (header and entries, Abi AGGR_*) and its shared generation word. */
    public record Aggregate(String name, int intKeys, int strKeys, int capacity, long tableOffset, long tableBytes,
                            long generationOffset) {}

    /** A bag's shared table (Abi BAG_*). */
    public record Bag(String name, int capacity, long offset, long bytes) {}

    /** A printf/sprintf format: length bytes of text in rodata at rodataOffset, followed by a NUL. */
    public record Format(long rodataOffset, int length) {}

    /**
     * A probe clause: where it fires (spec as written, resolved point, domain, guest symbol and address, period
     * for timers), where its code is (entry offset and code size in the text), the native stack it needs, what
     * the runtime must prepare (vCPU state, state that costs an ioctl) and its source location.
     */
    public record Probe(String spec, String point, Domain domain, String symbol, long address, long periodNs,
                        int entryOffset, int codeSize, int stackNeed, boolean readsVcpuState, boolean needsIoctl,
                        Loc loc) {
        /** symbol is "" for probes that are not on a guest symbol. */
        public Probe { symbol = symbol == null ? "" : symbol; }
    }

    /** An 8-byte absolute address patched into the text at load: the section's runtime address plus addend. */
    public record Relocation(int textOffset, Kind kind, long addend) {
        public enum Kind { TEXT_ADDRESS, RODATA_ADDRESS }
    }

    /** Code from codeOffset up to the next entry's offset (or the end of the text) comes from loc. */
    public record LineEntry(int codeOffset, Loc loc) {}

    /**
     * The budget figures the compiler checked: code bytes (the text), data bytes (the three blocks plus
     * rodata, per-vCPU storage counted once), probe clauses, and the per-firing limits.
     */
    public record Budget(long codeBytes, long dataBytes, int clauses, long stackBytes, long loopFuel, int stringBytes) {}

    /** The line entry covering a text offset, or null when the offset is before the first entry. */
    public LineEntry lineAt(long textOffset) {
        int lo = 0, hi = lines.size() - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (lines.get(mid).codeOffset() <= textOffset) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? null : lines.get(found);
    }

    /** The text of format id, decoded from rodata one byte per char as the formatter expects. */
    public String formatText(int id) {
        Format f = data.formats().get(id);
        return new String(rodata, (int) f.rodataOffset(), f.length(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbeImage i && abiVersion == i.abiVersion && Arrays.equals(text, i.text)
                && Arrays.equals(rodata, i.rodata) && data.equals(i.data) && probes.equals(i.probes)
                && relocations.equals(i.relocations) && lines.equals(i.lines) && budget.equals(i.budget);
    }

    @Override
    public int hashCode() {
        return Objects.hash(abiVersion, Arrays.hashCode(text), Arrays.hashCode(rodata), data, probes, relocations, lines, budget);
    }

    @Override
    public String toString() {
        return "ProbeImage[abi " + abiVersion + ", text " + text.length + " bytes, rodata " + rodata.length + " bytes, "
                + probes.size() + " probes, " + lines.size() + " lines, " + budget + "]";
    }
}
