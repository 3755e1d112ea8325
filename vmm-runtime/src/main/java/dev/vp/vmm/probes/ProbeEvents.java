// The harness's probe points as calls: the probe runtime implements this; the harness calls it allocation-free.
package dev.vp.vmm.probes;

/**
 * Every method runs on the thread of vCPU {@code vcpu}, with the guest stopped, in the order LANGUAGE.md section
 * 12 gives: {@link #exit}, then the exit's own events, then {@link #resume} before re-entry. Exits the harness
 * causes for its own mechanisms (probe ports, kicks) report only the event they implement. Implementations
 * must not block for long: the vCPU waits.
 */
public interface ProbeEvents {
    int IO_IN = 0, IO_OUT = 1;

    /** HV_Exit: a guest exit, before the harness handles it ({@code kvmExitReason} is kvm_run.exit_reason). */
    default void exit(int vcpu, int kvmExitReason) {}

    /** HV_Resume: right before the vCPU re-enters the guest. */
    default void resume(int vcpu) {}

    /** In / Out: a guest port access ({@code direction} {@link #IO_IN} or {@link #IO_OUT}, size in bytes, rep count). */
    default void io(int vcpu, int direction, int port, int size, int count) {}

    /** Guest_IRQ: the harness is about to inject {@code vector}. */
    default void irq(int vcpu, int vector) {}

    /** Guest_TripleFault: the guest shut down. */
    default void tripleFault(int vcpu) {}

    /** Disk_IOStart, with VProbes' argument layout. */
    default void diskStart(int vcpu, long adapterType, long controller, long drive, long read, long requestId,
                           long startSector, long sectorCount, long scatterGatherEntries) {}

    /** Disk_IOFinish, with VProbes' argument layout. */
    default void diskFinish(int vcpu, long adapterType, long controller, long drive, long read, long requestId,
                            long startSector, long sectorCount, long scatterGatherEntries) {}

    default void macSend(int vcpu, int adapter) {}

    default void macReceive(int vcpu, int adapter) {}

    /** MMIO_Read / MMIO_Write: a guest access to a device register the harness handles. */
    default void mmio(int vcpu, boolean write, long address, int size, long value) {}

    /** A GUEST execution probe: the armed patchable entry at {@code siteAddress} was reached. */
    default void guestEntry(int vcpu, long siteAddress) {}

    /**
     * A GUEST:EXIT probe: the function whose entry is {@code siteAddress} returned to {@code returnAddress};
     * RAX holds its return value. RIP has already been set back to the return address.
     */
    default void guestReturn(int vcpu, long siteAddress, long returnAddress) {}

    /** A GUEST:WRITE probe: the guest wrote {@code size} bytes of {@code value} at a watched guest-physical address. */
    default void guestWrite(int vcpu, long address, int size, long value) {}

    /**
     * Work the probe runtime asked for with {@code Harness.requestService} (periodic probes): runs on the vCPU's
     * thread while it is out of the guest, after a kick or while it idles. Not an exit: no HV_Exit.
     */
    default void service(int vcpu) {}

    /** The implementation that observes nothing. */
    ProbeEvents NONE = new ProbeEvents() {};
}
