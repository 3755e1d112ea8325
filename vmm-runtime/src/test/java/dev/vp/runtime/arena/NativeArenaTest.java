// Runs assembled code in the arena and checks W^X through the kernel's own view of the mapping.
package dev.vp.runtime.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.x64.asm.Assembler;
import dev.vp.x64.asm.Mem;
import dev.vp.x64.asm.Reg;
import dev.vp.x64.asm.Size;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NativeArenaTest {
    private static final long PAGE = 4096;

    /** {@code mov qword [rdi+8], value; ret}. */
    private static byte[] store(long value) {
        var a = new Assembler();
        a.mov(Size.QWORD, Mem.of(Reg.RDI, 8), value);
        a.ret();
        return a.finish();
    }

    @Test
    void assembledCodeRunsAndWritesIntoData() throws Throwable {
        for (var linkage : NativeArena.Linkage.values()) {
            try (var arena = new NativeArena(PAGE, 4 * PAGE)) {
                arena.installText(store(42));
                var ctx = arena.data().asSlice(64, 64);
                arena.entry(0, linkage).invokeExact(ctx);
                assertEquals(42, arena.data().get(ValueLayout.JAVA_LONG, 72), linkage.name());
                // A new image replaces the old one in place.
                arena.installText(store(-7));
                arena.entry(0, linkage).invokeExact(ctx);
                assertEquals(-7, arena.data().get(ValueLayout.JAVA_LONG, 72), linkage.name());
            }
        }
    }

    @Test
    void textIsExecutableNotWritableAndDataIsWritableNotExecutable() throws Exception {
        try (var arena = new NativeArena(2 * PAGE, PAGE)) {
            assertEquals("rw-", permissions(arena.textAddress()), "text before any code is installed");
            arena.installText(store(1));
            assertEquals("r-x", permissions(arena.textAddress()));
            assertEquals("r-x", permissions(arena.textAddress() + 2 * PAGE - 1));
            assertEquals("rw-", permissions(arena.data().address()));
        }
    }

    /** The rwx letters of the /proc/self/maps line that contains the address. */
    private static String permissions(long address) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] fields = line.split("\\s+");
            String[] range = fields[0].split("-");
            long start = Long.parseUnsignedLong(range[0], 16);
            long end = Long.parseUnsignedLong(range[1], 16);
            if (address >= start && address < end) {
                return fields[1].substring(0, 3);
            }
        }
        throw new AssertionError("no mapping contains 0x" + Long.toHexString(address));
    }

    @Test
    void runningBeforeInstallOrAfterCloseIsRefused() throws Throwable {
        var arena = new NativeArena(PAGE, PAGE);
        var entry = arena.entry(0, NativeArena.Linkage.CRITICAL);
        var ctx = java.lang.foreign.MemorySegment.ofAddress(arena.data().address());
        var early = assertThrows(IllegalStateException.class, () -> { entry.invokeExact(ctx); });
        assertTrue(early.getMessage().contains("no code is installed"), early.getMessage());
        arena.installText(store(5));
        entry.invokeExact(ctx);
        arena.close();
        var late = assertThrows(IllegalStateException.class, () -> { entry.invokeExact(ctx); });
        assertTrue(late.getMessage().contains("closed"), late.getMessage());
        assertThrows(IllegalStateException.class, () -> arena.data().get(ValueLayout.JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> arena.installText(store(6)));
        arena.close(); // closing twice is harmless
    }

    @Test
    void badSizesAndOversizedCodeAreClearErrors() {
        var unaligned = assertThrows(IllegalArgumentException.class, () -> new NativeArena(PAGE + 1, PAGE));
        assertTrue(unaligned.getMessage().contains("multiples of the page size"), unaligned.getMessage());
        // Larger than the whole 47-bit user address space: no kernel setting lets this map.
        var huge = assertThrows(IllegalStateException.class, () -> new NativeArena(1L << 47, PAGE));
        assertTrue(huge.getMessage().contains("mmap") && huge.getMessage().contains("errno"), huge.getMessage());
        try (var arena = new NativeArena(PAGE, PAGE)) {
            var tooBig = assertThrows(IllegalArgumentException.class, () -> arena.installText(new byte[(int) PAGE + 1]));
            assertTrue(tooBig.getMessage().contains("4097 bytes"), tooBig.getMessage());
            assertThrows(IllegalArgumentException.class, () -> arena.entry(PAGE, NativeArena.Linkage.NORMAL));
        }
    }

    @Test
    void unusedTextIsFilledWithInt3() {
        try (var arena = new NativeArena(PAGE, PAGE)) {
            byte[] code = store(3);
            arena.installText(code);
            var rest = new byte[16];
            java.lang.foreign.MemorySegment.copy(java.lang.foreign.MemorySegment.ofAddress(arena.textAddress() + code.length).reinterpret(16),
                    ValueLayout.JAVA_BYTE, 0, rest, 0, 16);
            assertEquals("cc".repeat(16), HexFormat.of().formatHex(rest));
        }
    }
}
