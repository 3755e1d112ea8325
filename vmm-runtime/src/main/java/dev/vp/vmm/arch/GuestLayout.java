// Where the monitor puts its structures in guest-physical memory (below 1 MB) and where guest images go.
package dev.vp.vmm.arch;

public final class GuestLayout {
    public static final long GDT = 0x1000, IDT = 0x2000;
    public static final long PML4 = 0x3000, PDPT = 0x4000, PD = 0x5000, PT = 0x6000;
    /** One 4 KB interrupt stack per vCPU (TSS.RSP0 = its top). */
    public static final long INTERRUPT_STACKS = 0x8000;
    /** One TSS per vCPU, each 0x68 bytes plus an all-zero 8 KB I/O permission bitmap and its 0xFF terminator. */
    public static final long TSS = 0x10000, TSS_STRIDE = 0x3000, TSS_LIMIT = 0x68 + 0x2000;
    /** A page the monitor owns inside the guest, for return-probe trampolines. */
    public static final long TRAMPOLINE_PAGE = 0x20000;
    /**
     * The 2 MB window of memory-mapped device registers, at the top of the first guest GB; guest RAM must end
     * below it. The page tables map it like RAM, but no memory slot backs it, so every access is an MMIO exit.
     */
    public static final long MMIO_BASE = 0x3FE0_0000L;
    /** Guest images must load at or above this address. */
    public static final long IMAGE_BASE = 0x100000;
    public static final int MAX_VCPUS = 4;

    public static final int KERNEL_CS = 0x08, KERNEL_DS = 0x10, USER_DS = 0x18 | 3, USER_CS = 0x20 | 3;

    private GuestLayout() {}

    public static int tssSelector(int vcpu) { return (5 + 2 * vcpu) * 8; }
    public static long tss(int vcpu) { return TSS + TSS_STRIDE * vcpu; }
    public static long interruptStackTop(int vcpu) { return INTERRUPT_STACKS + 0x1000L * (vcpu + 1); }
}
