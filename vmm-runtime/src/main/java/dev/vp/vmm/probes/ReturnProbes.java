// GUEST:EXIT probes: a return trampoline that the monitor maps into the guest, and the table of pending returns.
package dev.vp.vmm.probes;

import dev.vp.vmm.kvm.KvmRun;
import dev.vp.vmm.memory.GuestMemory;

/**
 * At an armed entry whose return is observed, RSP points at the return address: {@link #hook} saves it, keyed
 * by the address of that stack slot (not by vCPU: a task may sleep in the function and return on another
 * vCPU), and writes the trampoline's address over it. The function's {@code ret} then jumps to the trampoline,
 * an {@code out %al, $port}; {@link #unhook} finds the slot at RSP-8, sets RIP back to the saved address through
 * kvm_dirty_regs and frees the entry. The table is bounded: when it is full a return is not observed and the
 * overflow is counted. Pending returns outlive the program that hooked them (the guest's stacks still hold the
 * trampoline address), so the harness handles the trampoline whether or not a program is loaded.
 */
public final class ReturnProbes {
    public static final int CAPACITY = 256;
    private static final int UD2_0 = 0x0F, UD2_1 = 0x0B;

    private final GuestMemory memory;
    private final long trampoline;
    private final long[] slots = new long[CAPACITY], returns = new long[CAPACITY], sites = new long[CAPACITY];
    private int count;
    private long hooked, overflows, unreadable;
    private final long[] lastSite, lastReturn;

    /** Writes the trampoline ({@code out %al, $port} then {@code ud2}) at {@code trampolinePage}. */
    public ReturnProbes(GuestMemory memory, long trampolinePage, int port, int vcpus) {
        if (port < 0 || port > 0xff) throw new IllegalArgumentException("the return port must fit an imm8, was " + port);
        this.memory = memory;
        this.trampoline = trampolinePage;
        memory.write8(trampolinePage, EntryProbes.OUT_IMM8_AL);
        memory.write8(trampolinePage + 1, port);
        memory.write8(trampolinePage + 2, UD2_0);
        memory.write8(trampolinePage + 3, UD2_1);
        lastSite = new long[vcpus];
        lastReturn = new long[vcpus];
    }

    public long trampoline() { return trampoline; }

    /** At the entry exit of {@code site}: replaces the return address at RSP; false when it cannot (counted). */
    public synchronized boolean hook(KvmRun run, long site) {
        long slot = run.reg(KvmRun.Reg.RSP);
        long physical = memory.translate(run.cr3(), slot);
        if (physical == GuestMemory.NOT_MAPPED || !memory.contains(physical, 8) || (slot & 7) != 0) {
            unreadable++;
            return false;
        }
        long returnAddress = memory.read64(physical);
        int at = find(slot);
        if (at < 0) {
            if (count == CAPACITY) {
                overflows++;
                return false;
            }
            at = count++;
        }
        slots[at] = slot;
        returns[at] = returnAddress;
        sites[at] = site;
        memory.write64(physical, trampoline);
        hooked++;
        return true;
    }

    /**
     * At an exit on the return port: when RIP is the trampoline's and the slot below RSP is pending, restores RIP to
     * the return address, records the site and return address for {@link #lastSite}/{@link #lastReturn}, and
     * returns true.
     */
    public boolean unhook(int vcpu, KvmRun run) {
        long rip = run.reg(KvmRun.Reg.RIP);
        if (rip != trampoline && rip != trampoline + 2) return false;
        long slot = run.reg(KvmRun.Reg.RSP) - 8, returnAddress, site;
        synchronized (this) {
            int at = find(slot);
            if (at < 0) return false;
            returnAddress = returns[at];
            site = sites[at];
            count--;
            slots[at] = slots[count];
            returns[at] = returns[count];
            sites[at] = sites[count];
        }
        run.setReg(KvmRun.Reg.RIP, returnAddress);
        lastSite[vcpu] = site;
        lastReturn[vcpu] = returnAddress;
        return true;
    }

    private int find(long slot) {
        for (int i = 0; i < count; i++) if (slots[i] == slot) return i;
        return -1;
    }

    /** The site of the last return {@link #unhook} handled on this vCPU. */
    public long lastSite(int vcpu) { return lastSite[vcpu]; }

    public long lastReturn(int vcpu) { return lastReturn[vcpu]; }

    public synchronized int pending() { return count; }

    /** Returns hooked since boot, returns not observed because the table was full, and unreadable stack slots. */
    public record Counts(long hooked, long overflows, long unreadable) {}

    public synchronized Counts counts() { return new Counts(hooked, overflows, unreadable); }
}
