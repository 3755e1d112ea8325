// At least 2,000 random programs per run on both engines (-Dvp.campaign=N for a longer campaign).
package dev.vp.x64.native_;

import dev.vp.compiler.interp.GuestState;
import dev.vp.compiler.interp.PageTableBuilder;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.IrVerifier;
import dev.vp.compiler.lang.Builtin;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each program runs against one guest: 4 MB of RAM with 4 KB pages (two, then a hole), a 2 MB page, a 1 GB page
 * larger than RAM, random bytes and strings, and a frame-pointer chain; then a dozen firings on two vCPUs and the
 * host with random arguments. DualEngine compares every firing. The seed of a failing program is in the message.
 */
class RandomProgramTest {
    @Test
    void randomProgramsAgreeWithTheInterpreter() {
        int count = Math.max(2000, Integer.getInteger("vp.campaign", 0));
        long base = Long.getLong("vp.seed", 1);
        int fired = 0;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment ram = DualEngine.newRam(arena, 4 << 20);
            var tables = new PageTableBuilder(ram, (4 << 20) - (256 << 10), 4 << 20);
            tables.map(0x400000, 0x10000, 0x2000, PageTableBuilder.PageSize.K4);
            tables.map(0x600000, 0x200000, 0x200000, PageTableBuilder.PageSize.M2);
            tables.map(0x80000000L, 0, 0x40000000, PageTableBuilder.PageSize.G1);
            var fill = new Random(99);
            for (long at = 0x10000; at < 0x12000; at++) ram.set(ValueLayout.JAVA_BYTE, at, (byte) (fill.nextInt(5) == 0 ? 0 : 32 + fill.nextInt(90)));
            for (long at = 0x200000; at < 0x201000; at++) ram.set(ValueLayout.JAVA_BYTE, at, (byte) fill.nextInt(256));
            ram.set(ValueLayout.JAVA_LONG_UNALIGNED, 0x10100, 0x400200);
            ram.set(ValueLayout.JAVA_LONG_UNALIGNED, 0x10108, 0xffffffff81000100L);
            ram.set(ValueLayout.JAVA_LONG_UNALIGNED, 0x10200, 0x401ff8);
            ram.set(ValueLayout.JAVA_LONG_UNALIGNED, 0x10208, 0xffffffff81000200L);
            for (int n = 0; n < count; n++) {
                long seed = base + n;
                var gen = new RandomPrograms(seed);
                IrProgram program = gen.program();
                assertEquals(List.of(), IrVerifier.verify(program), "seed " + seed);
                GuestState guest = DualEngine.newGuest(ram);
                guest.set(Builtin.CR3, tables.cr3()).set(Builtin.RBP, 0x400100).set(Builtin.RIP, 0xffffffff81000000L)
                     .set(Builtin.CSAR, 0xa09b).set(Builtin.CS, 0x10).set(Builtin.TSC, 1000).setHostMicros(123456);
                var rnd = new Random(seed);
                try (var engines = new DualEngine(program, 2, arena, ram, guest)) {
                    for (int f = 0; f < 12; f++) {
                        for (int a = 0; a < 3; a++) guest.set(Builtin.values()[Builtin.ARG0.ordinal() + a], rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextInt(40));
                        guest.set(Builtin.TSC, 1000 + f * (rnd.nextBoolean() ? 1 : -1) + 50);
                        int vcpu = rnd.nextInt(3) - 1;
                        engines.fire(rnd.nextInt(program.probes().size()), vcpu, "seed " + seed + " firing " + f);
                        fired++;
                    }
                    engines.report();
                } catch (AssertionError e) {
                    System.out.println(dev.vp.compiler.ir.text.IrPrinter.print(program));
                    if (Boolean.getBoolean("vp.listing")) System.out.println(dev.vp.x64.gen.NativeCompiler.compile(program).listing());
                    throw e;
                }
            }
        }
        System.out.println("random programs: " + count + " programs, " + fired + " firings, all equal");
    }
}
