// Guest RAM: one anonymous mmap at guest-physical 0, bounded accessors, and a 4-level page walk from a CR3.
package dev.vp.vmm.memory;

import dev.vp.vmm.kvm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Every access is bounds-checked against the RAM size: an out-of-range guest address is reported with
 * {@link GuestAddressException} (devices check {@link #contains} first and turn it into a device error).
 */
public final class GuestMemory implements AutoCloseable {
    public static final long NOT_MAPPED = -1;
    private static final long PRESENT = 1, PAGE_SIZE_BIT = 0x80, ADDRESS_MASK = 0x000F_FFFF_FFFF_F000L;

    private final long size;
    private final long address;
    private final MemorySegment ram;
    private boolean closed;

    /** A guest address outside RAM. */
    public static final class GuestAddressException extends RuntimeException {
        GuestAddressException(String message) { super(message); }
    }

    public GuestMemory(long size) {
        if (size <= 0 || size % 4096 != 0) throw new IllegalArgumentException("guest RAM size must be a positive multiple of 4096, was " + size);
        MemorySegment errno = Libc.errnoSlot(Arena.ofAuto());
        long at = Libc.mmap(errno, size, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
        if (at == -1) throw new IllegalStateException("cannot map " + size + " bytes of guest RAM: " + Libc.describe(Libc.errno(errno)));
        this.size = size;
        this.address = at;
        this.ram = MemorySegment.ofAddress(at).reinterpret(size);
    }

    public long size() { return size; }

    /** The host mapping, for KVM_SET_USER_MEMORY_REGION and for the runtime's context block. */
    public MemorySegment segment() { return ram; }

    public boolean contains(long guestPhysical, long length) {
        return guestPhysical >= 0 && length >= 0 && guestPhysical <= size && length <= size - guestPhysical;
    }

    private long check(long gpa, long length) {
        if (!contains(gpa, length))
            throw new GuestAddressException("guest-physical range 0x" + Long.toHexString(gpa) + "+" + length
                    + " lies outside guest RAM (0x" + Long.toHexString(size) + " bytes)");
        return gpa;
    }

    public int read8(long gpa) { return Byte.toUnsignedInt(ram.get(JAVA_BYTE, check(gpa, 1))); }
    public int read16(long gpa) { return Short.toUnsignedInt(ram.get(JAVA_SHORT_UNALIGNED, check(gpa, 2))); }
    public long read32(long gpa) { return Integer.toUnsignedLong(ram.get(JAVA_INT_UNALIGNED, check(gpa, 4))); }
    public long read64(long gpa) { return ram.get(JAVA_LONG_UNALIGNED, check(gpa, 8)); }
    public void write8(long gpa, int v) { ram.set(JAVA_BYTE, check(gpa, 1), (byte) v); }
    public void write16(long gpa, int v) { ram.set(JAVA_SHORT_UNALIGNED, check(gpa, 2), (short) v); }
    public void write32(long gpa, long v) { ram.set(JAVA_INT_UNALIGNED, check(gpa, 4), (int) v); }
    public void write64(long gpa, long v) { ram.set(JAVA_LONG_UNALIGNED, check(gpa, 8), v); }

    public void read(long gpa, byte[] into, int offset, int length) {
        MemorySegment.copy(ram, JAVA_BYTE, check(gpa, length), into, offset, length);
    }

    public void write(long gpa, byte[] from, int offset, int length) {
        MemorySegment.copy(from, offset, ram, JAVA_BYTE, check(gpa, length), length);
    }

    /** The bytes [gpa, gpa+length) as a slice of guest RAM (no copy). */
    public MemorySegment slice(long gpa, long length) { return ram.asSlice(check(gpa, length), length); }

    /** A NUL-terminated string of at most {@code max} bytes (shorter if RAM ends first). */
    public String readCString(long gpa, int max) {
        check(gpa, 0);
        int n = 0;
        while (n < max && gpa + n < size && ram.get(JAVA_BYTE, gpa + n) != 0) n++;
        byte[] bytes = new byte[n];
        read(gpa, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Translates a guest-virtual address through the 4-level page tables rooted at {@code cr3}
     * (1 GB and 2 MB pages included); {@link #NOT_MAPPED} when a level is not present or a table lies outside RAM.
     */
    public long translate(long cr3, long virtual) {
        long table = cr3 & ADDRESS_MASK;
        for (int level = 3; level >= 0; level--) {
            int index = (int) ((virtual >>> (12 + 9 * level)) & 0x1ff);
            long entryAddress = table + 8L * index;
            if (!contains(entryAddress, 8)) return NOT_MAPPED;
            long entry = ram.get(JAVA_LONG_UNALIGNED, entryAddress);
            if ((entry & PRESENT) == 0) return NOT_MAPPED;
            boolean large = level > 0 && level < 3 && (entry & PAGE_SIZE_BIT) != 0;
            if (large || level == 0) {
                long pageMask = (1L << (12 + 9 * level)) - 1;
                return ((entry & ADDRESS_MASK) & ~pageMask) | (virtual & pageMask);
            }
            table = entry & ADDRESS_MASK;
        }
        return NOT_MAPPED;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Libc.munmap(address, size);
    }
}
