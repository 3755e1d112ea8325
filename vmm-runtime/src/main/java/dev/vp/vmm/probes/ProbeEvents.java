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

    /** A GUEST execution probe: the armed patchable entry at {@code siteAddress} was reached. */
    default void guestEntry(int vcpu, long siteAddress) {}

    /** The implementation that observes nothing. */
    ProbeEvents NONE = new ProbeEvents() {};
}
