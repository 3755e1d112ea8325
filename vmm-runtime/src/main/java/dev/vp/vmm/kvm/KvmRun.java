// The shared kvm_run page of one vCPU: exit information and KVM_CAP_SYNC_REGS registers, read without ioctls.
package dev.vp.vmm.kvm;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Offsets measured on the running kernel (KVM-NOTES.md), not taken from the installed (older) headers;
 * {@code KvmRunLayoutTest} checks them against KVM_GET_REGS/KVM_GET_SREGS on a live vCPU.
 */
public final class KvmRun {
    public static final long REQUEST_INTERRUPT_WINDOW = 0, IMMEDIATE_EXIT = 1, EXIT_REASON = 8;
    public static final long READY_FOR_INTERRUPT_INJECTION = 12, IF_FLAG = 13;
    public static final long IO_DIRECTION = 32, IO_SIZE = 33, IO_PORT = 34, IO_COUNT = 36, IO_DATA_OFFSET = 40;
    public static final long MMIO_PHYS_ADDR = 32, MMIO_DATA = 40, MMIO_LEN = 48, MMIO_IS_WRITE = 52;
    public static final long VALID_REGS = 288, DIRTY_REGS = 296, SYNC_REGS = 304, SYNC_SREGS = 448, SYNC_EVENTS = 760;
    public static final long SYNC_X86_REGS = 1, SYNC_X86_SREGS = 2;

    /** General registers in kvm_regs order; the index times 8 is the offset inside kvm_regs. */
    public enum Reg { RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP, R8, R9, R10, R11, R12, R13, R14, R15, RIP, RFLAGS }

    public static final int EXIT_IO = 2, EXIT_DEBUG = 4, EXIT_HLT = 5, EXIT_MMIO = 6, EXIT_IRQ_WINDOW_OPEN = 7,
            EXIT_SHUTDOWN = 8, EXIT_FAIL_ENTRY = 9, EXIT_INTR = 10, EXIT_INTERNAL_ERROR = 17;
    public static final int IO_IN = 0, IO_OUT = 1;

    private final MemorySegment page;

    KvmRun(MemorySegment page) { this.page = page; }

    /** The whole mapping (kvm_run plus the PIO data page), for the runtime's context block. */
    public MemorySegment segment() { return page; }

    public int exitReason() { return page.get(JAVA_INT, EXIT_REASON); }
    public boolean readyForInterruptInjection() { return page.get(JAVA_BYTE, READY_FOR_INTERRUPT_INJECTION) != 0; }
    public boolean interruptFlag() { return page.get(JAVA_BYTE, IF_FLAG) != 0; }
    public void requestInterruptWindow(boolean on) { page.set(JAVA_BYTE, REQUEST_INTERRUPT_WINDOW, (byte) (on ? 1 : 0)); }
    public void immediateExit(boolean on) { page.set(JAVA_BYTE, IMMEDIATE_EXIT, (byte) (on ? 1 : 0)); }

    public int ioDirection() { return page.get(JAVA_BYTE, IO_DIRECTION); }
    public int ioSize() { return page.get(JAVA_BYTE, IO_SIZE); }
    public int ioPort() { return Short.toUnsignedInt(page.get(JAVA_SHORT, IO_PORT)); }
    public int ioCount() { return page.get(JAVA_INT, IO_COUNT); }
    public long ioDataOffset() { return page.get(JAVA_LONG, IO_DATA_OFFSET); }

    public long mmioAddress() { return page.get(JAVA_LONG, MMIO_PHYS_ADDR); }
    public int mmioLength() { return page.get(JAVA_INT, MMIO_LEN); }
    public boolean mmioIsWrite() { return page.get(JAVA_BYTE, MMIO_IS_WRITE) != 0; }

    /** The little-endian value of an MMIO write (its first {@code mmioLength()} bytes, at most 8). */
    public long mmioData() {
        long value = 0;
        for (int i = Math.min(mmioLength(), 8) - 1; i >= 0; i--) value = value << 8 | Byte.toUnsignedInt(page.get(JAVA_BYTE, MMIO_DATA + i));
        return value;
    }

    /** The answer to an MMIO read: KVM completes the guest's load with it on the next KVM_RUN. */
    public void setMmioData(long value) { page.set(JAVA_LONG, MMIO_DATA, value); }

    /** Asks KVM to fill the sync area on every exit. */
    public void syncRegisters(long mask) { page.set(JAVA_LONG, VALID_REGS, mask); }

    public long reg(Reg r) { return page.get(JAVA_LONG, SYNC_REGS + 8L * r.ordinal()); }

    /** Writes a register back: KVM applies the whole kvm_regs block on the next KVM_RUN. */
    public void setReg(Reg r, long value) {
        page.set(JAVA_LONG, SYNC_REGS + 8L * r.ordinal(), value);
        page.set(JAVA_LONG, DIRTY_REGS, page.get(JAVA_LONG, DIRTY_REGS) | SYNC_X86_REGS);
    }

    /** A kvm_sregs field at {@code offset} inside kvm_sregs (see {@link Sregs}). */
    public long sreg(long offset) { return page.get(JAVA_LONG, SYNC_SREGS + offset); }
    public long cr3() { return sreg(Sregs.CR3); }
}
