// Builds 64-bit long mode for CPL-3 guests in guest memory (page tables, GDT, TSS, IDT) and the vCPU's SREGS.
package dev.vp.vmm.arch;

import dev.vp.vmm.kvm.Sregs;
import dev.vp.vmm.memory.GuestMemory;
import java.lang.foreign.MemorySegment;

import static dev.vp.vmm.arch.GuestLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Identity-maps guest RAM with the U/S bit at every level (4 KB pages for the first 2 MB with page 0 absent,
 * so that null pointers fault; 2 MB pages above), and sets up the segments that CPL-3 code with port I/O and
 * ring-0 interrupt entry needs (KVM-NOTES.md: IOPL alone is not enough, the TSS I/O bitmap must allow the ports).
 */
public final class LongMode {
    private static final long P = 1, RW = 2, US = 4, PCD = 0x10, PS = 0x80;
    public static final long CR0 = 0x80010033L, CR4 = 0x620, EFER = 0xD00;
    /**
     * IF = 1 and IOPL = 0: IOPL 3 does not let CPL-3 code use cli/sti/OUT on every KVM backend (KVM-NOTES.md),
     * so guests mask interrupts in software and get port access from the TSS I/O bitmap.
     */
    public static final long INITIAL_RFLAGS = 0x202;

    private LongMode() {}

    /** Writes the page tables, GDT, TSSs and IDT; {@code vectors[v]} is the handler address for vector v, or 0. */
    public static void writeTables(GuestMemory memory, int vcpus, long[] vectors) {
        long ram = memory.size();
        if (ram % (2 << 20) != 0 || ram > MMIO_BASE)
            throw new IllegalArgumentException("guest RAM must be a multiple of 2 MB and at most 0x" + Long.toHexString(MMIO_BASE)
                    + " bytes (the MMIO window follows), was " + ram);
        memory.write64(PML4, PDPT | P | RW | US);
        memory.write64(PDPT, PD | P | RW | US);
        memory.write64(PD, PT | P | RW | US);
        for (long page = 1; page < 512; page++) memory.write64(PT + 8 * page, (page << 12) | P | RW | US);
        for (long big = 1; big < ram >> 21; big++) memory.write64(PD + 8 * big, (big << 21) | P | RW | US | PS);
        memory.write64(PD + 8 * (MMIO_BASE >> 21), MMIO_BASE | P | RW | US | PS | PCD);

        memory.write64(GDT + KERNEL_CS, 0x00AF9A000000FFFFL);
        memory.write64(GDT + KERNEL_DS, 0x00CF92000000FFFFL);
        memory.write64(GDT + (USER_DS & ~3), 0x00CFF2000000FFFFL);
        memory.write64(GDT + (USER_CS & ~3), 0x00AFFA000000FFFFL);
        for (int v = 0; v < vcpus; v++) {
            long tss = tss(v);
            memory.write64(tss + 4, interruptStackTop(v));         // RSP0
            memory.write16(tss + 102, 0x68);                        // I/O map base: the bitmap follows the TSS
            memory.write8(tss + TSS_LIMIT, 0xff);                   // bitmap terminator; the bitmap itself stays zero
            long descriptor = GDT + tssSelector(v);
            memory.write64(descriptor, (TSS_LIMIT & 0xffff) | ((tss & 0xffffff) << 16) | (0x89L << 40)
                    | ((TSS_LIMIT >> 16 & 0xf) << 48) | ((tss >> 24 & 0xff) << 56));
            memory.write64(descriptor + 8, tss >>> 32);
        }
        for (int vector = 0; vector < vectors.length; vector++) {
            long handler = vectors[vector];
            if (handler == 0) continue;
            long gate = IDT + 16L * vector;
            memory.write64(gate, (handler & 0xffff) | ((long) KERNEL_CS << 16) | (0x8EL << 40) | ((handler >> 16 & 0xffff) << 48));
            memory.write64(gate + 8, handler >>> 32);
        }
    }

    /** Fills {@code sregs} (as read by KVM_GET_SREGS) for vCPU {@code vcpu} starting at CPL 3 with GS.base {@code gsBase}. */
    public static void configureSregs(MemorySegment sregs, int vcpu, long gsBase) {
        var code = new Sregs.Segment(0, 0xfffff, USER_CS, 11, true, 3, false, true, true, true);
        var data = new Sregs.Segment(0, 0xfffff, USER_DS, 3, true, 3, true, true, false, true);
        code.writeTo(sregs, Sregs.CS);
        for (long at : new long[] {Sregs.DS, Sregs.ES, Sregs.FS, Sregs.SS}) data.writeTo(sregs, at);
        new Sregs.Segment(gsBase, 0xfffff, USER_DS, 3, true, 3, true, true, false, true).writeTo(sregs, Sregs.GS);
        new Sregs.Segment(tss(vcpu), (int) TSS_LIMIT, tssSelector(vcpu), 11, true, 0, false, false, false, false)
                .writeTo(sregs, Sregs.TR);
        Sregs.writeTable(sregs, Sregs.GDT, GDT, tssSelector(MAX_VCPUS) - 1);
        Sregs.writeTable(sregs, Sregs.IDT, IDT, 256 * 16 - 1);
        sregs.set(JAVA_LONG, Sregs.CR0, CR0);
        sregs.set(JAVA_LONG, Sregs.CR3, PML4);
        sregs.set(JAVA_LONG, Sregs.CR4, CR4);
        sregs.set(JAVA_LONG, Sregs.EFER, EFER);
    }
}
