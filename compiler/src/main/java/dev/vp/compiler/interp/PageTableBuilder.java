// Builds x86-64 4-level page tables inside guest RAM, for tests and fake guests.
package dev.vp.compiler.interp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes page tables into a region of guest RAM: the PML4 first, then each lower table as it is needed.
 * Entries are present and writable; large pages set the PS bit.
 */
public final class PageTableBuilder {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long PRESENT_WRITABLE = 0x3, LARGE = 1 << 7;

    public enum PageSize {
        K4(1L << 12, 1), M2(1L << 21, 2), G1(1L << 30, 3);

        final long bytes;
        final int level; // 1 = PT, 2 = PD, 3 = PDPT: the table that holds the leaf entry

        PageSize(long bytes, int level) { this.bytes = bytes; this.level = level; }

        public long bytes() { return bytes; }
    }

    private final MemorySegment ram;
    private final long tablesEnd;
    private long next;
    private final long cr3;

    /** Tables are allocated from [tablesStart, tablesEnd) of ram; both must be 4 KB aligned. */
    public PageTableBuilder(MemorySegment ram, long tablesStart, long tablesEnd) {
        if ((tablesStart & 0xFFF) != 0 || (tablesEnd & 0xFFF) != 0 || tablesStart < 0 || tablesEnd > ram.byteSize()
                || tablesStart >= tablesEnd) {
            throw new IllegalArgumentException("page table region [0x" + Long.toHexString(tablesStart) + ", 0x"
                    + Long.toHexString(tablesEnd) + ") must be 4 KB aligned and inside RAM of 0x"
                    + Long.toHexString(ram.byteSize()) + " bytes");
        }
        this.ram = ram;
        this.next = tablesStart;
        this.tablesEnd = tablesEnd;
        this.cr3 = allocate();
    }

    /** The value for CR3: the PML4's physical address. */
    public long cr3() { return cr3; }

    /** Maps [linear, linear+length) to [phys, phys+length) with pages of the given size (all three aligned). */
    public PageTableBuilder map(long linear, long phys, long length, PageSize size) {
        if (((linear | phys | length) & (size.bytes - 1)) != 0) {
            throw new IllegalArgumentException("map 0x" + Long.toHexString(linear) + " -> 0x" + Long.toHexString(phys)
                    + " length 0x" + Long.toHexString(length) + ": all three must be multiples of " + size.bytes);
        }
        for (long off = 0; off < length; off += size.bytes) mapOne(linear + off, phys + off, size);
        return this;
    }

    private void mapOne(long linear, long phys, PageSize size) {
        long table = cr3;
        for (int level = 4; level > size.level; level--) {
            long at = table + ((linear >>> (12 + 9 * (level - 1))) & 511) * 8;
            long e = ram.get(LONG, at);
            if ((e & 1) == 0) {
                e = allocate() | PRESENT_WRITABLE;
                ram.set(LONG, at, e);
            } else if ((e & LARGE) != 0) {
                throw new IllegalArgumentException("0x" + Long.toHexString(linear) + " is already inside a large page");
            }
            table = e & 0x000F_FFFF_FFFF_F000L;
        }
        long at = table + ((linear >>> (12 + 9 * (size.level - 1))) & 511) * 8;
        ram.set(LONG, at, phys | PRESENT_WRITABLE | (size == PageSize.K4 ? 0 : LARGE));
    }

    private long allocate() {
        if (next + 4096 > tablesEnd) {
            throw new IllegalStateException("page table region is full at 0x" + Long.toHexString(next) + ": give it more room");
        }
        long table = next;
        next += 4096;
        ram.asSlice(table, 4096).fill((byte) 0);
        return table;
    }
}
