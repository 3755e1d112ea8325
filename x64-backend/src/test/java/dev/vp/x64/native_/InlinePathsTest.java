// The inline fast paths of generated code (aggregate updates, guest reads, printf records) against their helpers.
package dev.vp.x64.native_;

import static dev.vp.x64.abi.Abi.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.interp.GuestState;
import dev.vp.compiler.interp.PageTableBuilder;
import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.gen.NativeCompiler;
import dev.vp.x64.helpers.HelperLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The differential tests compare what a program prints, and the host merges a table's entries by key, so an
 * inline path that put an entry in another slot than the helper would (a duplicate, a wrong used count) could
 * go unnoticed there. Here every native aggregate table must equal, byte for byte, a model of the helper's
 * table (open addressing from the golden-ratio hash's slot, linear probing, lazy clearing by generation) after
 * every firing, while inline hits and inserts, helper collisions, full-table drops and stale generations mix on
 * the same tables; and both engines must print the same. The guest-read and printf tests aim at the inline
 * paths' edges: reads that cross from or into a cached page, cache aliasing, the RAM's end; a ring that is
 * full or must wrap; and the firing's first timestamp taken on an inline path's cold stub.
 */
class InlinePathsTest {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private static final String AGGREGATES = """
            limits stack 4096 fuel 100000 string 256
            aggr $five[1][0] capacity 5
            aggr $pairs[2][0] capacity 4
            aggr $one[1][0] capacity 1
            aggr $none[0][0] capacity 3
            format fmt0 = "%d %d\\n" (int, int)
            function @add0() -> void regs 3 slots 0 {
            b0:
                v0 = builtin ARG0
                v2 = builtin ARG2
                aggradd $five[v0], v2
                ret
            }
            function @add1() -> void regs 3 slots 0 {
            b0:
                v0 = builtin ARG0
                v1 = builtin ARG1
                v2 = builtin ARG2
                aggradd $pairs[v0, v1], v2
                ret
            }
            function @add2() -> void regs 3 slots 0 {
            b0:
                v0 = builtin ARG0
                v2 = builtin ARG2
                aggradd $one[v0], v2
                ret
            }
            function @add3() -> void regs 3 slots 0 {
            b0:
                v2 = builtin ARG2
                aggradd $none[], v2
                ret
            }
            function @clear() -> void regs 1 slots 0 {
            b0:
                v0 = builtin ARG0
                clearaggr $five
                clearaggr $pairs
                clearaggr $one
                clearaggr $none
                ret
            }
            function @log() -> void regs 0 slots 0 {
            b0:
                logaggr $five
                logaggr $pairs
                logaggr $one
                logaggr $none
                ret
            }
            function @addThenPrint() -> void regs 3 slots 0 {
            b0:
                v0 = builtin ARG0
                v2 = builtin ARG2
                aggradd $five[v0], v2
                printf fmt0(v0, v2)
                ret
            }
            function @printThenAdd() -> void regs 3 slots 0 {
            b0:
                v0 = builtin ARG0
                v2 = builtin ARG2
                printf fmt0(v0, v2)
                aggradd $pairs[v0, v2], v2
                ret
            }
            probe "add0" VMM point "HV_Exit" symbol - address 0x0 period 0 @add0
            probe "add1" VMM point "HV_Exit" symbol - address 0x0 period 0 @add1
            probe "add2" VMM point "HV_Exit" symbol - address 0x0 period 0 @add2
            probe "add3" VMM point "HV_Exit" symbol - address 0x0 period 0 @add3
            probe "clear" VMM point "HV_Exit" symbol - address 0x0 period 0 @clear
            probe "log" VMM point "HV_Exit" symbol - address 0x0 period 0 @log
            probe "addThenPrint" VMM point "HV_Exit" symbol - address 0x0 period 0 @addThenPrint
            probe "printThenAdd" VMM point "HV_Exit" symbol - address 0x0 period 0 @printThenAdd
            """;
    private static final int CLEAR = 4, LOG = 5, ADD_THEN_PRINT = 6, PRINT_THEN_ADD = 7;

    /** The helper's table: per context, slots of {hash, keys..., count, sum, min, max, latest, time}. */
    private static final class ModelTable {
        final IrProgram.Aggr def;
        long used, dropped, generation;
        final long[][] slots;

        ModelTable(IrProgram.Aggr def) {
            this.def = def;
            slots = new long[def.capacity()][];
        }

        void syncWith(long shared) {
            if (generation == shared) return;
            generation = shared;
            used = 0;
            dropped = 0;
            Arrays.fill(slots, null);
        }

        /** Returns whether the entry was found away from its first slot (a collision the inline code hands over). */
        boolean add(long[] keys, long value, long time) {
            long hash = HelperLibrary.HASH_SEED;
            for (long k : keys) hash = (hash ^ k) * HelperLibrary.HASH_MULTIPLIER;
            hash |= 1;
            int first = (int) Math.unsignedMultiplyHigh(hash, def.capacity());
            for (int n = 0, s = first; n < def.capacity(); n++, s = (s + 1) % def.capacity()) {
                long[] e = slots[s];
                if (e == null) {
                    if (used >= def.capacity()) break;
                    used++;
                    e = new long[1 + keys.length + 6];
                    e[0] = hash;
                    System.arraycopy(keys, 0, e, 1, keys.length);
                    int f = 1 + keys.length;
                    e[f] = 1; e[f + 1] = value; e[f + 2] = value; e[f + 3] = value; e[f + 4] = value; e[f + 5] = time;
                    slots[s] = e;
                    return s != first;
                }
                if (e[0] == hash && Arrays.equals(e, 1, 1 + keys.length, keys, 0, keys.length)) {
                    int f = 1 + keys.length;
                    e[f]++;
                    e[f + 1] += value;
                    if (Long.compareUnsigned(value, e[f + 2]) < 0) e[f + 2] = value;
                    if (Long.compareUnsigned(value, e[f + 3]) > 0) e[f + 3] = value;
                    e[f + 4] = value;
                    e[f + 5] = time;
                    return s != first;
                }
            }
            dropped++;
            return false;
        }

        /** The native table must hold exactly this. */
        void assertEqualTo(MemorySegment table, String where) {
            assertEquals(used, table.get(LONG, AGGR_USED), where + ": used");
            assertEquals(dropped, table.get(LONG, AGGR_DROPPED), where + ": dropped");
            assertEquals(generation, table.get(LONG, AGGR_GENERATION), where + ": generation");
            long size = DataLayout.aggrEntryBytes(def);
            for (int s = 0; s < def.capacity(); s++) {
                long at = AGGR_ENTRIES + s * size;
                long[] e = slots[s];
                assertEquals(e == null ? 0 : e[0], table.get(LONG, at + ENTRY_HASH), where + ": slot " + s + " hash");
                if (e == null) continue;
                for (int k = 0; k < def.intKeys(); k++) assertEquals(e[1 + k], table.get(LONG, at + ENTRY_KEYS + 8L * k), where + ": slot " + s + " key " + k);
                int f = 1 + def.intKeys();
                int[] fields = {ENTRY_COUNT, ENTRY_SUM, ENTRY_MIN, ENTRY_MAX, ENTRY_LATEST, ENTRY_TIME};
                for (int i = 0; i < fields.length; i++) assertEquals(e[f + i], table.get(LONG, at + fields[i]), where + ": slot " + s + " field " + fields[i]);
            }
        }
    }

    private static MemorySegment vcpuData(NativeRunner runner, int vcpu, NativeProgram code) {
        long address = runner.contextBlock(vcpu).address() + dev.vp.x64.abi.Abi.vcpuData(code.probes().size());
        return MemorySegment.ofAddress(address).reinterpret(code.layout().perVcpuBytes());
    }

    private static MemorySegment sharedBlock(NativeRunner runner, NativeProgram code) {
        return MemorySegment.ofAddress(runner.contextBlock(0).get(LONG, CTX_SHARED)).reinterpret(code.layout().sharedBytes());
    }

    @Test
    void aggregateTablesAreTheHelpersTablesWhateverPathUpdatedThem() {
        IrProgram program = IrParser.parse(AGGREGATES, "inline.ir");
        int vcpus = 2, contexts = vcpus + 1, aggrs = 4;
        var rnd = new Random(7);
        int collisions = 0, drops = 0, stale = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = DualEngine.newRam(arena, 1 << 20);
            GuestState guest = DualEngine.newGuest(ram);
            try (var engines = new DualEngine(program, vcpus, arena, ram, guest)) {
                NativeRunner runner = engines.nativeRunner();
                ModelTable[][] model = new ModelTable[contexts][aggrs];
                for (int c = 0; c < contexts; c++) for (int a = 0; a < aggrs; a++) model[c][a] = new ModelTable(program.aggrs().get(a));
                long[] shared = new long[aggrs];
                for (int f = 0; f < 3000; f++) {
                    int vcpu = rnd.nextInt(contexts) - 1, c = vcpu < 0 ? vcpus : vcpu;
                    int roll = rnd.nextInt(100);
                    int probe = roll < 2 ? CLEAR : roll < 4 ? LOG : rnd.nextInt(aggrs);
                    long k0 = rnd.nextInt(12), k1 = rnd.nextInt(3);
                    long value = switch (rnd.nextInt(4)) { case 0 -> 0; case 1 -> -1 - rnd.nextInt(3); default -> rnd.nextInt(100); };
                    long tsc = 1000 + f;
                    guest.set(Builtin.ARG0, k0).set(Builtin.ARG1, k1).set(Builtin.ARG2, value).set(Builtin.TSC, tsc);
                    engines.fire(probe, vcpu, "firing " + f);
                    if (probe == CLEAR) {
                        for (int a = 0; a < aggrs; a++) { shared[a]++; model[c][a].syncWith(shared[a]); }
                    } else if (probe == LOG) {
                        for (int a = 0; a < aggrs; a++) model[c][a].syncWith(shared[a]);
                    } else {
                        ModelTable t = model[c][probe];
                        if (t.generation != shared[probe]) stale++;
                        t.syncWith(shared[probe]);
                        long before = t.dropped;
                        long[] keys = switch (probe) { case 0, 2 -> new long[] {k0}; case 1 -> new long[] {k0, k1}; default -> new long[0]; };
                        if (t.add(keys, value, tsc)) collisions++;
                        if (t.dropped > before) drops++;
                    }
                    MemorySegment sharedNative = sharedBlock(runner, engines.code);
                    for (int a = 0; a < aggrs; a++) {
                        assertEquals(shared[a], sharedNative.get(LONG, engines.code.layout().generationOffset(a)), "firing " + f + ": generation word");
                        for (int v = -1; v < vcpus; v++) {
                            MemorySegment table = vcpuData(runner, v, engines.code).asSlice(engines.code.layout().aggrTableOffset(a));
                            model[v < 0 ? vcpus : v][a].assertEqualTo(table, "firing " + f + " aggregate " + a + " context " + v);
                        }
                    }
                }
            }
        }
        assertTrue(collisions > 50 && drops > 50 && stale > 20, "collisions " + collisions + ", drops " + drops + ", stale " + stale);
    }

    @Test
    void theFiringsFirstTimestampTakenOnAnInlinePathIsTheOneItsRecordsGet() {
        IrProgram program = IrParser.parse(AGGREGATES, "inline.ir");
        NativeProgram code = NativeCompiler.compile(program);
        var records = new ArrayList<OutputRecord>();
        try (Arena arena = Arena.ofConfined();
             var runner = new NativeRunner(program, code, 1, DualEngine.newRam(arena, 1 << 20), 1 << 16, records::add)) {
            GuestState guest = DualEngine.newGuest(DualEngine.newRam(arena, 4096)).set(Builtin.TSC, 0); // 0: the live counter
            ModelTable five = new ModelTable(program.aggrs().get(0)), pairs = new ModelTable(program.aggrs().get(1));
            for (int f = 0; f < 40; f++) {
                long key = f % 7, value = 3 * f;
                guest.set(Builtin.ARG0, key).set(Builtin.ARG2, value);
                runner.prepare(0, guest);
                int probe = f % 2 == 0 ? ADD_THEN_PRINT : PRINT_THEN_ADD;
                assertEquals("completed", runner.fire(probe, 0).toString());
                OutputRecord r = records.getLast();
                assertEquals(key + " " + value + "\n", r.text(), "firing " + f);
                assertNotEquals(0, r.timestamp());
                if (probe == ADD_THEN_PRINT) five.add(new long[] {key}, value, r.timestamp());
                else pairs.add(new long[] {key, value}, value, r.timestamp());
                five.assertEqualTo(vcpuData(runner, 0, code).asSlice(code.layout().aggrTableOffset(0)), "firing " + f);
                pairs.assertEqualTo(vcpuData(runner, 0, code).asSlice(code.layout().aggrTableOffset(1)), "firing " + f);
            }
            assertEquals(40, records.size());
        }
    }

    @Test
    void printfRecordsGoInlineOnlyWhenTheyFitWithoutWrapping() {
        IrProgram program = IrParser.parse(AGGREGATES, "inline.ir");
        NativeProgram code = NativeCompiler.compile(program);
        var out = new StringBuilder();
        try (Arena arena = Arena.ofConfined();
             var runner = new NativeRunner(program, code, 1, DualEngine.newRam(arena, 1 << 20), 128, r -> out.append(r.text()))) {
            GuestState guest = DualEngine.newGuest(DualEngine.newRam(arena, 4096)).set(Builtin.TSC, 5);
            MemorySegment ring = MemorySegment.ofAddress(runner.contextBlock(0).get(LONG, CTX_RING)).reinterpret(RING_DATA + 128);
            // 40-byte records in a 128-byte ring: three fit, the fourth would wrap with a pad and is dropped
            for (int n = 1; n <= 4; n++) fireRecord(runner, guest, n);
            assertEquals(1, ring.get(LONG, RING_DROPPED));
            runner.drain(0);
            assertEquals("1 1\n2 2\n3 3\n", out.toString());
            for (int n = 4; n <= 9; n++) { fireRecord(runner, guest, n); runner.drain(0); } // 4 and 7 wrap (a pad at 120)
            assertEquals("1 1\n2 2\n3 3\n4 4\n5 5\n6 6\n7 7\n8 8\n9 9\n", out.toString());
            assertEquals(1, ring.get(LONG, RING_DROPPED));
            assertEquals(9, ring.get(LONG, RING_EMITTED));
            assertEquals(120 + 8 + 6 * 40 + 8, ring.get(LONG, RING_HEAD)); // 7 wrapped too
        }
    }

    private static void fireRecord(NativeRunner runner, GuestState guest, long n) {
        guest.set(Builtin.ARG0, n).set(Builtin.ARG2, n);
        runner.prepare(0, guest);
        runner.fireRaw(ADD_THEN_PRINT, 0);
    }

    private static final String READS = """
            limits stack 4096 fuel 100000 string 256
            format fmt0 = "%x\\n" (int)
            function @walk() -> void regs 4 slots 0 {
            b0:
                v0 = builtin ARG0
            WALK
                ret
            }
            function @fault() -> void regs 4 slots 0 {
            b0:
                v0 = builtin ARG0
                v1 = builtin ARG1
                v2 = load.guest64 v0
                v3 = load.guest64 v1
                printf fmt0(v3)
                ret
            }
            function @phys() -> void regs 4 slots 0 {
            b0:
                v0 = builtin ARG0
                v1 = load.phys16s v0
                printf fmt0(v1)
                v1 = load.phys64 v0
                printf fmt0(v1)
                ret
            }
            probe "walk" VMM point "HV_Exit" symbol - address 0x0 period 0 @walk
            probe "fault" VMM point "HV_Exit" symbol - address 0x0 period 0 @fault
            probe "phys" VMM point "HV_Exit" symbol - address 0x0 period 0 @phys
            """;

    @Test
    void guestReadsAgreeAcrossCachedPagesTheirEdgesAndTheRamsEnd() {
        // linear pages 0..7 at 0x400000 map to scrambled physical pages, so a read that wrongly stays in one host
        // page reads other bytes than the guest's next page holds
        int[] frames = {3, 0, 5, 1, 4, 2, 7, 6};
        long base = 0x400000;
        var reads = new StringBuilder();
        String[] kinds = {"guest8", "guest8s", "guest16", "guest16s", "guest32", "guest32s", "guest64"};
        long[][] walk = {{1, 0x10}, {1, 0xff8}, {1, 0xffc}, {1, 0xfff}, {0, 0xffe}, {0, 0xffd}, {5, 0x20}, {1, 0x10}, {5, 0xffa},
                {6, 0}, {2, 0x800}, {2, 0xff9}, {3, 0}, {7, 0xff8}};
        var rnd = new Random(3);
        for (long[] w : walk) {
            String kind = kinds[rnd.nextInt(kinds.length)];
            reads.append("    v1 = const ").append(w[0] * 0x1000 + w[1]).append("\n    v2 = add v0, v1\n")
                 .append("    v3 = load.").append(kind).append(" v2\n    printf fmt0(v3)\n");
        }
        IrProgram program = IrParser.parse(READS.replace("WALK", reads), "reads.ir");
        try (Arena arena = Arena.ofConfined()) {
            long ramSize = 1 << 20;
            MemorySegment ram = DualEngine.newRam(arena, ramSize);
            var tables = new PageTableBuilder(ram, ramSize - (64 << 10), ramSize);
            for (int p = 0; p < frames.length; p++) tables.map(base + 0x1000L * p, 0x10000 + 0x1000L * frames[p], 0x1000, PageTableBuilder.PageSize.K4);
            var fill = new Random(11);
            for (long at = 0x10000; at < 0x18000; at++) ram.set(ValueLayout.JAVA_BYTE, at, (byte) fill.nextInt(256));
            for (long at = ramSize - (64 << 10) - 16; at < ramSize - (64 << 10); at++) ram.set(ValueLayout.JAVA_BYTE, at, (byte) fill.nextInt(256));
            GuestState guest = DualEngine.newGuest(ram).set(Builtin.CR3, tables.cr3()).set(Builtin.TSC, 9);
            try (var engines = new DualEngine(program, 1, arena, ram, guest)) {
                guest.set(Builtin.ARG0, base);
                String walked = engines.fire(0, 0, "walk");
                assertEquals(walk.length, walked.lines().count(), walked);
                // {a page the first read caches, the 8-byte read}: from page 7 into unmapped page 8, with and without
                // page 7 cached; from page 4 into cached page 5; unmapped page 9, whose entry holds page 1; non-canonical
                long[][] faults = {{base, base + 0x7ffc}, {base + 0x7000, base + 0x7ffc}, {base + 0x5000, base + 0x4ffc},
                        {base + 0x1000, base + 0x9000}, {base + 0x1000, 0x8000_0000_0000L + 0x1000}};
                for (long[] f : faults) {
                    guest.set(Builtin.ARG0, f[0]).set(Builtin.ARG1, f[1]);
                    engines.fire(1, 0, "fault " + Long.toHexString(f[1]));
                }
                for (long addr : new long[] {0, ramSize - 8, ramSize - 7, ramSize - 2, ramSize - 1, -8, -1}) {
                    guest.set(Builtin.ARG0, addr);
                    engines.fire(2, 0, "phys " + Long.toHexString(addr));
                }
                String report = engines.report();
                assertTrue(report.contains("# probe 1: firings 5 exits 0 cancellations 4\n"), report);
                assertTrue(report.contains("# probe 2: firings 7 exits 0 cancellations 5\n"), report);
            }
        }
    }

    @Test
    void aTranslationCachedInOneFiringIsNotUsedByTheNext() {
        try (Arena arena = Arena.ofConfined()) {
            long ramSize = 1 << 20;
            MemorySegment ram = DualEngine.newRam(arena, ramSize);
            var tables = new PageTableBuilder(ram, ramSize - (64 << 10), ramSize);
            ram.set(ValueLayout.JAVA_LONG, 0x10010, 0x1111);
            ram.set(ValueLayout.JAVA_LONG, 0x20010, 0x2222);
            GuestState guest = DualEngine.newGuest(ram).set(Builtin.CR3, tables.cr3()).set(Builtin.TSC, 9);
            IrProgram program = IrParser.parse(READS.replace("WALK", "    v2 = load.guest64 v0\n    printf fmt0(v2)\n"), "reads.ir");
            try (var engines = new DualEngine(program, 1, arena, ram, guest)) {
                // a fresh context's cache holds zeros: linear page 0, unmapped, must fault rather than hit
                guest.set(Builtin.ARG0, 0x10);
                assertTrue(engines.fire(0, 0, "page 0 before any mapping").startsWith("! cancelled guest-fault"));
                tables.map(0x400000, 0x10000, 0x1000, PageTableBuilder.PageSize.K4);
                guest.set(Builtin.ARG0, 0x400010);
                assertEquals("1111\n", engines.fire(0, 0, "first mapping"));
                tables.map(0x400000, 0x20000, 0x1000, PageTableBuilder.PageSize.K4); // the guest remaps the page
                assertEquals("2222\n", engines.fire(0, 0, "after the remap"));
                engines.fire(2, 0, "a firing without linear reads in between");
                tables.map(0x400000, 0x10000, 0x1000, PageTableBuilder.PageSize.K4);
                assertEquals("1111\n", engines.fire(0, 0, "remapped back"));
            }
        }
    }
}
