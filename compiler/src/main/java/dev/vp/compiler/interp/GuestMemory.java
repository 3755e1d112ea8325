// Guest RAM as the probes see it: x86-64 4-level page walks from CR3 and bounds-checked little-endian reads.
package dev.vp.compiler.interp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Reads guest memory for probes. Physical addresses index the RAM segment directly (heap or native: the
 * native runtime uses the same layout). Linear addresses are translated by a 4-level walk from CR3 with
 * 4 KB, 2 MB and 1 GB pages; a non-canonical address, a clear present bit, or a table or page outside RAM is
 * a {@link GuestFault}. Access rights (R/W, U/S, NX) are not checked: probes only read.
 */
public final class GuestMemory {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long ADDR_MASK = 0x000F_FFFF_FFFF_F000L;
    private static final long PRESENT = 1, LARGE = 1 << 7;
    static final long PAGE = 4096;

    private final MemorySegment ram;

    public GuestMemory(MemorySegment ram) { this.ram = ram; }

    public MemorySegment ram() { return ram; }

    public long size() { return ram.byteSize(); }

    /** Translates a linear address to physical, or throws a fault reporting (faultAddr, faultSize). */
    public long translate(long cr3, long linear, long faultAddr, int faultSize) {
        if ((linear << 16 >> 16) != linear) throw new GuestFault(faultAddr, faultSize);
        long pml4e = entry(cr3 & ADDR_MASK, (linear >>> 39) & 511, faultAddr, faultSize);
        long pdpte = entry(pml4e & ADDR_MASK, (linear >>> 30) & 511, faultAddr, faultSize);
        if ((pdpte & LARGE) != 0) return (pdpte & 0x000F_FFFF_C000_0000L) | (linear & 0x3FFF_FFFFL);
        long pde = entry(pdpte & ADDR_MASK, (linear >>> 21) & 511, faultAddr, faultSize);
        if ((pde & LARGE) != 0) return (pde & 0x000F_FFFF_FFE0_0000L) | (linear & 0x1F_FFFFL);
        long pte = entry(pde & ADDR_MASK, (linear >>> 12) & 511, faultAddr, faultSize);
        return (pte & ADDR_MASK) | (linear & 0xFFF);
    }

    private long entry(long table, long index, long faultAddr, int faultSize) {
        long at = table + index * 8;
        if (!inRam(at, 8)) throw new GuestFault(faultAddr, faultSize);
        long e = ram.get(LONG, at);
        if ((e & PRESENT) == 0) throw new GuestFault(faultAddr, faultSize);
        return e;
    }

    private boolean inRam(long phys, long size) {
        return phys >= 0 && phys <= ram.byteSize() - size;
    }

    /** Reads size (1, 2, 4 or 8) bytes at a linear address, zero-extended; page-crossing reads walk each page. */
    public long readLinear(long cr3, long addr, int size) {
        if (((addr & (PAGE - 1)) + size) <= PAGE) return readPhysical(translate(cr3, addr, addr, size), size, addr);
        long value = 0;
        for (int i = 0; i < size; i++) {
            long phys = translate(cr3, addr + i, addr, size);
            if (!inRam(phys, 1)) throw new GuestFault(addr, size);
            value |= (ram.get(ValueLayout.JAVA_BYTE, phys) & 0xFFL) << (8 * i);
        }
        return value;
    }

    /** Reads size (1, 2, 4 or 8) bytes at a guest physical address, zero-extended. */
    public long readPhysical(long addr, int size) { return readPhysical(addr, size, addr); }

    private long readPhysical(long phys, int size, long faultAddr) {
        if (!inRam(phys, size)) throw new GuestFault(faultAddr, size);
        long value = 0;
        for (int i = 0; i < size; i++) value |= (ram.get(ValueLayout.JAVA_BYTE, phys + i) & 0xFFL) << (8 * i);
        return value;
    }

    /**
     * Reads a NUL-terminated string of at most maxLen bytes (one char per byte). A byte that cannot be read
     * faults with (its address, 1 byte).
     */
    public String readString(long cr3, long addr, int maxLen, boolean physical) {
        var out = new StringBuilder();
        long phys = 0;
        for (int i = 0; i < maxLen; i++) {
            long at = addr + i;
            if (physical) phys = at;
            else if (i == 0 || (at & (PAGE - 1)) == 0) phys = translate(cr3, at, at, 1);
            else phys++;
            if (!inRam(phys, 1)) throw new GuestFault(at, 1);
            byte b = ram.get(ValueLayout.JAVA_BYTE, phys);
            if (b == 0) break;
            out.append((char) (b & 0xFF));
        }
        return out.toString();
    }

    /** Frames gueststack() follows at most. */
    public static final int MAX_FRAMES = 16;

    /**
     * The frame-pointer walk: GUEST_0x{rip} then _0x{return address} per frame (return address at [rbp+8],
     * caller's rbp at [rbp]), at most MAX_FRAMES frames, stopping at a zero rbp or a frame that cannot be
     * read, truncated to maxLen characters. Never faults.
     */
    public String guestStack(long cr3, long rip, long rbp, int maxLen) {
        var out = new StringBuilder("GUEST_0x").append(Long.toHexString(rip));
        for (int frame = 0; frame < MAX_FRAMES && rbp != 0; frame++) {
            long ret, next;
            try {
                ret = readLinear(cr3, rbp + 8, 8);
                next = readLinear(cr3, rbp, 8);
            } catch (GuestFault stop) {
                break;
            }
            out.append("_0x").append(Long.toHexString(ret));
            rbp = next;
        }
        return out.length() > maxLen ? out.substring(0, maxLen) : out.toString();
    }
}
