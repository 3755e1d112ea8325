// The KVM memory slots over guest RAM: one writable slot, split around the pages that WRITE probes watch.
package dev.vp.vmm.memory;

import dev.vp.vmm.kvm.KvmException;
import dev.vp.vmm.kvm.Vm;
import java.util.Arrays;

/**
 * A watched page sits in a read-only slot of its own (KVM_MEM_READONLY over the same host memory), so every
 * guest write to it arrives as an MMIO exit that the harness applies and reports (KVM-NOTES.md: debug-register
 * watchpoints do not work here). KVM cannot resize a slot, so a new set of pages deletes every slot and lays
 * them out again: call {@link #watch} only while every vCPU is out of the guest.
 */
public final class MemorySlots {
    public static final long PAGE = 4096;

    private final Vm vm;
    private final GuestMemory memory;
    private int slotsInUse;
    /** Sorted page addresses; replaced as a whole so that vCPU threads read it without locks. */
    private volatile long[] readOnly = new long[0];

    /** Maps all of RAM writable in slot 0. */
    public MemorySlots(Vm vm, GuestMemory memory) throws KvmException {
        this.vm = vm;
        this.memory = memory;
        vm.setMemoryRegion(0, 0, 0, memory.segment());
        slotsInUse = 1;
    }

    /** Makes exactly {@code pages} (page-aligned guest-physical addresses inside RAM) read-only. */
    public synchronized void watch(long[] pages) throws KvmException {
        long[] sorted = Arrays.stream(pages).distinct().sorted().toArray();
        for (long p : sorted)
            if (p % PAGE != 0 || !memory.contains(p, PAGE))
                throw new IllegalArgumentException("0x" + Long.toHexString(p) + " is not a page of guest RAM");
        if (Arrays.equals(sorted, readOnly)) return;
        for (int slot = 0; slot < slotsInUse; slot++) vm.setMemoryRegion(slot, 0, 0, memory.segment().asSlice(0, 0));
        int slot = 0;
        long at = 0;
        for (long page : sorted) {
            if (page > at) vm.setMemoryRegion(slot++, 0, at, memory.slice(at, page - at));
            vm.setMemoryRegion(slot++, Vm.MEM_READONLY, page, memory.slice(page, PAGE));
            at = page + PAGE;
        }
        if (at < memory.size()) vm.setMemoryRegion(slot++, 0, at, memory.slice(at, memory.size() - at));
        slotsInUse = slot;
        readOnly = sorted;
    }

    /** Whether guest-physical {@code address} lies in a watched (read-only) page. */
    public boolean isWatched(long address) {
        return Arrays.binarySearch(readOnly, address & -PAGE) >= 0;
    }
}
