// An image placed in the arena: where each context, ring and data block lives, its entries and its counters.
package dev.vp.runtime;

import dev.vp.compiler.output.AggregatePrinter;
import dev.vp.compiler.output.AggregateTable;
import dev.vp.compiler.output.FormatSpec;
import dev.vp.runtime.arena.NativeArena;
import dev.vp.x64.abi.Abi;
import dev.vp.x64.image.ProbeImage;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * Built completely, and checked against the arena, before the running image is touched: if the constructor
 * throws ImageRefusedException nothing has changed. The data area is laid out as: runtime scratch, the caller's
 * firing blocks (both fixed, outside any image), then for each context (vCPU 0..n-1 then the host) its context
 * block followed by its per-vCPU data block (at Abi.vcpuData), the host's zeroed register files, the table of
 * context block addresses (Abi.CTX_CONTEXTS), rings, the global block, the shared block, rodata; every piece 64-byte aligned so contexts do not share cache lines.
 */
final class LoadedImage {
    static final int SCRATCH = 0, SCRATCH_BYTES = 64;
    /** After the scratch line, the caller's firing blocks ({@link Runtime#firingBlocks}); then the image's data. */
    static final int FIRING_BLOCKS = SCRATCH_BYTES, FIRING_BLOCKS_BYTES = 1024, IMAGE_DATA = FIRING_BLOCKS + FIRING_BLOCKS_BYTES;
    /** kvm_regs (144 bytes) at 0 and kvm_sregs (312 bytes) at 256 of the host's zeroed register area. */
    static final int HOST_REGS_BYTES = 1024, HOST_SREGS = 256;
    /**
     * {@link #lanes}: per context, LANE_STRIDE longs (so that two contexts never share a cache line) holding the
     * busy flag, the context block's offset in the data area and its absolute address: what a firing needs, in one line.
     */
    static final int LANE_STRIDE = 16, LANE_BUSY = 0, LANE_CTX_OFFSET = 1, LANE_CTX_ADDRESS = 2;

    final ProbeImage image;
    final GuestBinding binding;
    final int vcpus, contexts;
    final long ringCapacity;
    final long[] ctxOffset, ringOffset, blockOffset;
    final long hostRegsOffset, contextTableOffset, globalOffset, sharedOffset, rodataOffset, dataBytes;
    final int stubOffset;
    /** Each clause's entry, for NativeArena.UNGUARDED_CALL. */
    final MemorySegment[] entries;
    final ContextCounters[] counters;
    final int[] lineOffsets;
    final FormatSpec[] formats;
    final long[] lanes;
    /** Per aggregate: the text of its latest logaggr (consumer thread), and how it prints with no entries. */
    final String[] lastLogged;
    final String[] printedEmpty;

    LoadedImage(ProbeImage image, GuestBinding binding, RuntimeConfig config, NativeArena arena, int stubBytes)
            throws ImageRefusedException {
        this.image = image;
        this.binding = binding;
        this.vcpus = binding.vcpus().size();
        this.contexts = vcpus + 1;
        for (int i = 0; i < image.probes().size(); i++) {
            ProbeImage.Probe p = image.probes().get(i);
            if (p.stackNeed() > config.nativeStackBytes()) {
                throw new ImageRefusedException(String.format(Locale.ROOT, "probe %d (%s) needs %,d bytes of native stack, the runtime allows %,d",
                        i, p.spec(), p.stackNeed(), config.nativeStackBytes()));
            }
        }
        stubOffset = align(image.text().length, 16);
        long textNeed = (long) stubOffset + stubBytes;
        if (textNeed > arena.textSize()) {
            throw new ImageRefusedException(String.format(Locale.ROOT, "code needs %,d bytes (image %,d + runtime %,d), the arena has %,d",
                    textNeed, image.text().length, textNeed - image.text().length, arena.textSize()));
        }
        ProbeImage.Data d = image.data();
        Placement placed = Placement.of(image, contexts, config.ringBytes(), arena.data().byteSize());
        String refusal = placed.refusal(arena.data().byteSize());
        if (refusal != null) throw new ImageRefusedException(refusal);
        ringCapacity = placed.ringBytes();
        ctxOffset = placed.ctx();
        blockOffset = placed.block();
        hostRegsOffset = placed.hostRegs();
        contextTableOffset = placed.contextTable();
        ringOffset = placed.ring();
        globalOffset = placed.global();
        sharedOffset = placed.shared();
        rodataOffset = placed.rodata();
        dataBytes = placed.total();
        long base = arena.data().address();
        counters = new ContextCounters[contexts];
        for (int c = 0; c < contexts; c++) {
            counters[c] = new ContextCounters(image.probes().size());
        }
        entries = new MemorySegment[image.probes().size()];
        for (int i = 0; i < entries.length; i++) entries[i] = arena.entryAddress(image.probes().get(i).entryOffset());
        lineOffsets = new int[image.lines().size()];
        for (int i = 0; i < lineOffsets.length; i++) lineOffsets[i] = image.lines().get(i).codeOffset();
        formats = new FormatSpec[d.formats().size()];
        for (int i = 0; i < formats.length; i++) formats[i] = (FormatSpec) FormatSpec.parse(image.formatText(i));
        lanes = new long[contexts * LANE_STRIDE];
        for (int c = 0; c < contexts; c++) {
            lanes[c * LANE_STRIDE + LANE_CTX_OFFSET] = ctxOffset[c];
            lanes[c * LANE_STRIDE + LANE_CTX_ADDRESS] = base + ctxOffset[c];
        }
        lastLogged = new String[d.aggregates().size()];
        printedEmpty = new String[lastLogged.length];
        for (int i = 0; i < printedEmpty.length; i++) {
            ProbeImage.Aggregate a = d.aggregates().get(i);
            var empty = new java.util.ArrayList<AggregateTable>();
            for (int c = 0; c < contexts; c++) empty.add(new AggregateTable(a.intKeys(), a.strKeys(), a.capacity()));
            printedEmpty[i] = AggregatePrinter.print(a.name(), empty);
        }
    }

    /**
     * Where an image's data goes in the data area for this many contexts (the order of the class comment), and
     * the total the arena must hold. Loading places an image with it, and {@link RuntimeConfig#measured} checks a
     * script against it before any image exists, so both refuse the same scripts with the same figures.
     */
    record Placement(ProbeImage image, long ringBytes, long[] ctx, long[] block, long hostRegs, long contextTable,
                     long[] ring, long global, long shared, long rodata, long total) {
        /**
         * The placement in an arena of have data bytes with the biggest rings it holds, from twice the image's
         * largest logaggr record (every context's table full; twice, so that the record fits an empty ring
         * wherever its head is) down to minRing: a logaggr of full tables then reaches the host as it does on the
         * interpreter, where the arena has room.
         */
        static Placement of(ProbeImage image, int contexts, long minRing, long have) {
            long wanted = 0;
            for (ProbeImage.Aggregate a : image.data().aggregates()) {
                wanted = Math.max(wanted, 2 * Abi.logaggrRecordBytes(contexts, a.capacity(), OutputConsumer.entryBytes(a)));
            }
            long ring = minRing;
            while (ring < wanted) ring <<= 1;
            Placement p = at(image, contexts, ring);
            while (p.total() > have && p.ringBytes() > minRing) p = at(image, contexts, p.ringBytes() >> 1);
            return p;
        }

        private static Placement at(ProbeImage image, int contexts, long ringBytes) {
            ProbeImage.Data d = image.data();
            long at = IMAGE_DATA;
            long[] ctx = new long[contexts], block = new long[contexts], ring = new long[contexts];
            // Each context's per-vCPU data block right after its context block (Abi.vcpuData).
            for (int c = 0; c < contexts; c++) {
                ctx[c] = at;
                block[c] = at + Abi.vcpuData(image.probes().size());
                at = align(block[c] + d.vcpuBlockBytes(), 64);
            }
            long hostRegs = at;
            at += HOST_REGS_BYTES;
            long contextTable = at;
            at += align(8L * contexts, 64);
            for (int c = 0; c < contexts; c++) { ring[c] = at; at += Abi.RING_DATA + ringBytes; }
            long global = at;
            at = align(at + d.globalBlockBytes(), 64);
            long shared = at;
            at = align(at + d.sharedBlockBytes(), 64);
            long rodata = at;
            at = align(at + image.rodata().length, 64);
            return new Placement(image, ringBytes, ctx, block, hostRegs, contextTable, ring, global, shared, rodata, at);
        }

        /** Why an arena of have data bytes cannot hold this, with the parts that add up to the total; null when it can. */
        String refusal(long have) {
            if (total <= have) return null;
            // the parts add up to the total: padding is counted with the piece it follows
            ProbeImage.Data d = image.data();
            int contexts = ctx.length;
            long ctxBytes = Abi.vcpuData(image.probes().size()), vcpuBytes = align(ctxBytes + d.vcpuBlockBytes(), 64) - ctxBytes;
            long ringTotal = Abi.RING_DATA + ringBytes;
            return String.format(Locale.ROOT,
                    "data needs %,d bytes, the arena has %,d: %d contexts of %,d bytes (context block %,d, per-vCPU data %,d, "
                            + "ring %,d), global %,d, shared %,d, rodata %,d, runtime %,d",
                    total, have, contexts, ctxBytes + vcpuBytes + ringTotal, ctxBytes, vcpuBytes, ringTotal,
                    align(d.globalBlockBytes(), 64), align(d.sharedBlockBytes(), 64), align(image.rodata().length, 64),
                    IMAGE_DATA + HOST_REGS_BYTES + align(8L * contexts, 64));
        }
    }

    /** The context index of a vCPU or Runtime.HOST. */
    int context(int vcpu) {
        if (vcpu == Runtime.HOST) return vcpus;
        if (vcpu < 0 || vcpu >= vcpus) throw new IllegalArgumentException("no vCPU " + vcpu + ": the image is bound to " + vcpus + " (or HOST)");
        return vcpu;
    }

    /** The vCPU a context index stands for (HOST for the last). */
    int vcpuOf(int context) {
        return context == vcpus ? Runtime.HOST : context;
    }

    /** The line-table index covering a text offset, or -1. */
    int lineIndex(long textOffset) {
        int lo = 0, hi = lineOffsets.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (lineOffsets[mid] <= textOffset) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    static int align(int value, int to) { return (value + to - 1) & -to; }

    static long align(long value, long to) { return (value + to - 1) & -to; }
}
