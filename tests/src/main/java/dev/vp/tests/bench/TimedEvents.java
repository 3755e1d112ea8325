// Probe events passed on to the dispatcher, with HV_Exit on vCPU 0 timed: what an exit costs the harness's probe layer.
package dev.vp.tests.bench;

import dev.vp.vmm.probes.ProbeEvents;

/** Every event is delegated; only {@link #exit} on vCPU 0 is timed (it includes the dispatcher's table lookup and exit fields). */
public final class TimedEvents implements ProbeEvents {
    private final ProbeEvents inner;
    private final SampleRing exits = new SampleRing(1 << 16);

    public TimedEvents(ProbeEvents inner) { this.inner = inner; }

    public SampleRing exits() { return exits; }

    @Override
    public void exit(int vcpu, int kvmExitReason) {
        if (vcpu != 0) {
            inner.exit(vcpu, kvmExitReason);
            return;
        }
        long t0 = System.nanoTime();
        inner.exit(vcpu, kvmExitReason);
        exits.record(System.nanoTime() - t0);
    }

    @Override public void resume(int vcpu) { inner.resume(vcpu); }
    @Override public void io(int vcpu, int direction, int port, int size, int count) { inner.io(vcpu, direction, port, size, count); }
    @Override public void irq(int vcpu, int vector) { inner.irq(vcpu, vector); }
    @Override public void tripleFault(int vcpu) { inner.tripleFault(vcpu); }

    @Override
    public void diskStart(int vcpu, long adapterType, long controller, long drive, long read, long requestId, long startSector,
                          long sectorCount, long scatterGatherEntries) {
        inner.diskStart(vcpu, adapterType, controller, drive, read, requestId, startSector, sectorCount, scatterGatherEntries);
    }

    @Override
    public void diskFinish(int vcpu, long adapterType, long controller, long drive, long read, long requestId, long startSector,
                           long sectorCount, long scatterGatherEntries) {
        inner.diskFinish(vcpu, adapterType, controller, drive, read, requestId, startSector, sectorCount, scatterGatherEntries);
    }

    @Override public void macSend(int vcpu, int adapter) { inner.macSend(vcpu, adapter); }
    @Override public void macReceive(int vcpu, int adapter) { inner.macReceive(vcpu, adapter); }
    @Override public void mmio(int vcpu, boolean write, long address, int size, long value) { inner.mmio(vcpu, write, address, size, value); }
    @Override public void guestEntry(int vcpu, long siteAddress) { inner.guestEntry(vcpu, siteAddress); }
    @Override public void guestReturn(int vcpu, long siteAddress, long returnAddress) { inner.guestReturn(vcpu, siteAddress, returnAddress); }
    @Override public void guestWrite(int vcpu, long address, int size, long value) { inner.guestWrite(vcpu, address, size, value); }
    @Override public void service(int vcpu) { inner.service(vcpu); }
}
