// The host side of the output rings: drains every context's ring, merges by TSC, formats, and feeds the sinks.
package dev.vp.runtime;

import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.output.AggregatePrinter;
import dev.vp.compiler.output.AggregateTable;
import dev.vp.compiler.output.FormatSpec;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.compiler.output.OutputSink;
import dev.vp.compiler.output.PrintfFormatter;
import dev.vp.x64.abi.Abi;
import dev.vp.x64.image.ProbeImage;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Single consumer of every ring (Abi: the producer publishes RING_HEAD with a release store, we read it with an
 * acquire load, read the records, then publish RING_TAIL with a release store so the producer may reuse the
 * space). Records are merged across rings by TSC, each ring's own order kept, ties in context order. printf
 * records are formatted with the host PrintfFormatter; logaggr records carry every context's table as the call
 * found it and print, merged, with AggregatePrinter. A record that
 * cannot be decoded is counted as malformed and the rest of its ring is skipped (its framing is lost).
 */
final class OutputConsumer {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private long malformed;
    private long delivered;

    long malformed() { return malformed; }

    /** Records handed to sinks since the runtime started. */
    long delivered() { return delivered; }

    /** Delivers every record the rings hold now; returns how many. */
    int drain(LoadedImage l, MemorySegment data, List<OutputSink> sinks) {
        int n = l.contexts;
        long[] pos = new long[n], end = new long[n];
        for (int c = 0; c < n; c++) {
            long ring = l.ringOffset[c];
            end[c] = (long) LONG.getAcquire(data, ring + Abi.RING_HEAD);
            pos[c] = data.get(ValueLayout.JAVA_LONG, ring + Abi.RING_TAIL);
            if (end[c] - pos[c] < 0 || end[c] - pos[c] > l.ringCapacity) {
                malformed++;
                release(data, l, c, end[c]);
                pos[c] = end[c];
            }
        }
        int count = 0;
        while (true) {
            int best = -1;
            long bestTsc = 0;
            for (int c = 0; c < n; c++) {
                skipPads(data, l, c, pos, end);
                if (pos[c] == end[c]) continue;
                long tsc = data.get(U64, record(l, c, pos[c]) + Abi.REC_TSC);
                if (best < 0 || Long.compareUnsigned(tsc, bestTsc) < 0) { best = c; bestTsc = tsc; }
            }
            if (best < 0) return count;
            long at = record(l, best, pos[best]);
            int length = data.get(U32, at + Abi.REC_LENGTH);
            String text = decode(l, data, best, at, length);
            if (text == null) {
                malformed++;
                pos[best] = end[best];
            } else {
                pos[best] += length;
                var out = new OutputRecord(l.vcpuOf(best), bestTsc, text);
                for (OutputSink sink : sinks) sink.accept(out);
                delivered++;
                count++;
            }
            release(data, l, best, pos[best]);
        }
    }

    /** Advances past PAD records and stops at a record whose framing is wrong (counting it, skipping the ring). */
    private void skipPads(MemorySegment data, LoadedImage l, int c, long[] pos, long[] end) {
        while (pos[c] != end[c]) {
            long capacity = l.ringCapacity;
            long offset = pos[c] & (capacity - 1);
            long at = record(l, c, pos[c]);
            int length = data.get(U32, at + Abi.REC_LENGTH);
            int type = data.get(U32, at + Abi.REC_TYPE);
            boolean framed = length >= 8 && length % 8 == 0 && length <= capacity - offset && length <= end[c] - pos[c]
                    && (type == Abi.REC_PAD || length >= Abi.REC_ARGS);
            if (!framed) {
                malformed++;
                pos[c] = end[c];
                release(data, l, c, pos[c]);
                return;
            }
            if (type != Abi.REC_PAD) return;
            pos[c] += length;
            release(data, l, c, pos[c]);
        }
    }

    private static long record(LoadedImage l, int c, long pos) {
        return l.ringOffset[c] + Abi.RING_DATA + (pos & (l.ringCapacity - 1));
    }

    private static void release(MemorySegment data, LoadedImage l, int c, long tail) {
        LONG.setRelease(data, l.ringOffset[c] + Abi.RING_TAIL, tail);
    }

    /** The record's text, or null when it does not decode. */
    private String decode(LoadedImage l, MemorySegment data, int context, long at, int length) {
        int type = data.get(U32, at + Abi.REC_TYPE);
        int id = data.get(U32, at + Abi.REC_ID);
        int count = data.get(U32, at + Abi.REC_ARGC);
        long body = at + Abi.REC_ARGS, limit = at + length;
        return switch (type) {
            case Abi.REC_PRINTF -> printf(l, data, id, count, body, limit);
            case Abi.REC_LOGAGGR -> logaggr(l, data, id, count, body, limit);
            default -> null;
        };
    }

    private static String printf(LoadedImage l, MemorySegment data, int id, int count, long at, long limit) {
        if (id < 0 || id >= l.formats.length) return null;
        FormatSpec spec = l.formats[id];
        List<FormatSpec.Conversion> conversions = spec.conversions();
        if (count != conversions.size()) return null;
        var args = new ArrayList<PrintfFormatter.Arg>(count);
        for (FormatSpec.Conversion c : conversions) {
            if (limit - at < 8) return null;
            long word = data.get(U64, at);
            at += 8;
            if (c.takesString()) {
                if (word < 0 || word >= 256 || limit - at < word) return null;
                byte[] bytes = new byte[(int) word];
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, bytes, 0, bytes.length);
                args.add(PrintfFormatter.of(new String(bytes, StandardCharsets.ISO_8859_1)));
                at += (word + 7) & -8L;
            } else {
                args.add(PrintfFormatter.of(word));
            }
        }
        return at == limit ? PrintfFormatter.format(spec, args) : null;
    }

    /** A REC_LOGAGGR record: every context's table as the call found it, merged in context order. */
    private static String logaggr(LoadedImage l, MemorySegment data, int id, int contexts, long at, long limit) {
        List<ProbeImage.Aggregate> aggregates = l.image.data().aggregates();
        if (id < 0 || id >= aggregates.size() || contexts != l.contexts) return null;
        ProbeImage.Aggregate a = aggregates.get(id);
        long entryBytes = entryBytes(a);
        var tables = new ArrayList<AggregateTable>(contexts);
        try {
            for (int c = 0; c < contexts; c++) {
                if (at + 16 > limit) return null;
                long n = data.get(U64, at), dropped = data.get(U64, at + 8);
                at += 16;
                if (n < 0 || n > a.capacity() || at + n * entryBytes > limit) return null;
                var table = new AggregateTable(a.intKeys(), a.strKeys(), a.capacity());
                table.addDropped(dropped);
                for (int e = 0; e < n; e++) putEntry(table, a, data, at + e * entryBytes);
                at += n * entryBytes;
                tables.add(table);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        String text = AggregatePrinter.print(a.name(), tables);
        l.lastLogged[id] = text;
        return text;
    }

    /** Aggregate id as a logaggr would print it now: every context's live table of the current generation. */
    String printLive(LoadedImage l, MemorySegment data, int id) {
        ProbeImage.Aggregate a = l.image.data().aggregates().get(id);
        long generation = data.get(ValueLayout.JAVA_LONG, l.sharedOffset + a.generationOffset());
        var tables = new ArrayList<AggregateTable>(l.contexts);
        for (int c = 0; c < l.contexts; c++) {
            var table = new AggregateTable(a.intKeys(), a.strKeys(), a.capacity());
            long t = l.blockOffset[c] + a.tableOffset();
            if (data.get(ValueLayout.JAVA_LONG, t + Abi.AGGR_GENERATION) == generation) readLive(table, a, data, t);
            tables.add(table);
        }
        return AggregatePrinter.print(a.name(), tables);
    }

    /** Every entry of a context's live table, and its drops (entries being written, count still 0, are skipped). */
    static void readLive(AggregateTable table, ProbeImage.Aggregate a, MemorySegment data, long tableAt) {
        table.addDropped(data.get(ValueLayout.JAVA_LONG, tableAt + Abi.AGGR_DROPPED));
        long entryBytes = entryBytes(a);
        for (int e = 0; e < a.capacity(); e++) {
            long entry = tableAt + Abi.AGGR_ENTRIES + e * entryBytes;
            if (data.get(ValueLayout.JAVA_LONG, entry + Abi.ENTRY_HASH) != 0) putEntry(table, a, data, entry);
        }
    }

    private static void putEntry(AggregateTable table, ProbeImage.Aggregate a, MemorySegment data, long entry) {
        long count = data.get(U64, entry + Abi.ENTRY_COUNT);
        if (count == 0) return;
        long[] ints = new long[a.intKeys()];
        for (int k = 0; k < ints.length; k++) ints[k] = data.get(U64, entry + Abi.ENTRY_KEYS + 8L * k);
        String[] strs = new String[a.strKeys()];
        long strings = entry + Abi.ENTRY_KEYS + 8L * a.intKeys();
        for (int k = 0; k < strs.length; k++) strs[k] = cString(data, strings + 256L * k, 256);
        table.addEntry(ints, strs, count, data.get(U64, entry + Abi.ENTRY_SUM), data.get(U64, entry + Abi.ENTRY_MIN),
                data.get(U64, entry + Abi.ENTRY_MAX), data.get(U64, entry + Abi.ENTRY_LATEST), data.get(U64, entry + Abi.ENTRY_TIME));
    }

    static long entryBytes(ProbeImage.Aggregate a) {
        return DataLayout.aggrEntryBytes(a.intKeys(), a.strKeys());
    }

    /** A NUL-terminated byte string of at most max bytes (one char per byte). */
    static String cString(MemorySegment data, long at, int max) {
        int n = 0;
        while (n < max - 1 && data.get(ValueLayout.JAVA_BYTE, at + n) != 0) n++;
        byte[] bytes = new byte[n];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, bytes, 0, n);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
