// Page walks and page table building, checked directly (the IR file tests cover reads through probes).
package dev.vp.compiler.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vp.compiler.ir.text.IrParser;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class GuestMemoryTest {
    @Test
    void translatesThroughEachPageSizeInNativeMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(8 << 20, 4096);
            var tables = new PageTableBuilder(ram, 0x7f0000, 0x800000)
                    .map(0xffff800000001000L, 0x5000, 0x1000, PageTableBuilder.PageSize.K4)
                    .map(0x40200000, 0x400000, 0x200000, PageTableBuilder.PageSize.M2)
                    .map(0x7f_c000_0000L, 0, 0x4000_0000, PageTableBuilder.PageSize.G1);
            var mem = new GuestMemory(ram);
            long cr3 = tables.cr3();
            assertEquals(0x5123, mem.translate(cr3, 0xffff800000001123L, 0, 1));
            assertEquals(0x412345, mem.translate(cr3, 0x40212345, 0, 1));
            assertEquals(0x123456, mem.translate(cr3, 0x7f_c012_3456L, 0, 1));
            var fault = assertThrows(GuestFault.class, () -> mem.readLinear(cr3, 0xffff800000002000L, 4));
            assertEquals("guest-fault: cannot read 4 bytes at 0xffff800000002000", fault.getMessage());
        }
    }

    @Test
    void builderRefusesMisuse() {
        MemorySegment ram = MemorySegment.ofArray(new byte[1 << 20]);
        var e = assertThrows(IllegalArgumentException.class, () -> new PageTableBuilder(ram, 0x100, 0x2000));
        assertEquals("page table region [0x100, 0x2000) must be 4 KB aligned and inside RAM of 0x100000 bytes", e.getMessage());
        var tables = new PageTableBuilder(ram, 0xf0000, 0xf3000);
        e = assertThrows(IllegalArgumentException.class, () -> tables.map(0x1000, 0x1001, 0x1000, PageTableBuilder.PageSize.K4));
        assertEquals("map 0x1000 -> 0x1001 length 0x1000: all three must be multiples of 4096", e.getMessage());
        tables.map(0, 0, 0x200000, PageTableBuilder.PageSize.M2);
        e = assertThrows(IllegalArgumentException.class, () -> tables.map(0x1000, 0x1000, 0x1000, PageTableBuilder.PageSize.K4));
        assertEquals("0x1000 is already inside a large page", e.getMessage());
        var full = assertThrows(IllegalStateException.class, () -> tables.map(1L << 39, 0, 0x1000, PageTableBuilder.PageSize.K4));
        assertEquals("page table region is full at 0xf3000: give it more room", full.getMessage());
    }

    @Test
    void interpreterRefusesAMalformedProgram() {
        var p = IrParser.parse("function @f() -> void regs 0 slots 0 {\nb0:\n    v0 = const 1\n    ret\n}", "t.ir");
        var e = assertThrows(IllegalArgumentException.class, () -> new Interpreter(p, 1, r -> {}));
        assertEquals("the IR program is not well formed:\n  @f b0 `v0 = const 1`: register v0 out of range (the function has 0)", e.getMessage());
    }
}
