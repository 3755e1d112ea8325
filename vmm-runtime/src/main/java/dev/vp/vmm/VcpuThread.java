// The exit loop of one vCPU on its own platform thread: inject interrupts, run, classify and handle each exit.
package dev.vp.vmm;

import dev.vp.vmm.devices.Ports;
import dev.vp.vmm.kvm.KvmRun;
import dev.vp.vmm.kvm.Libc;
import dev.vp.vmm.kvm.Vcpu;
import dev.vp.vmm.probes.ProbeEvents;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Nothing on this loop allocates: the probe runtime runs inside it. Interrupts are injected from userspace
 * (KVM_INTERRUPT, or an interrupt window when the guest cannot take one yet) so that every injection is seen.
 */
final class VcpuThread {
    /** Pending vectors are bits of {@link #pending}, bit i standing for vector VECTOR_BASE + i. */
    static final int VECTOR_BASE = 0x20;

    private final Harness harness;
    private final Vcpu vcpu;
    private final KvmRun run;
    private final ProbeEvents probes;
    private final int id;
    private final AtomicLong pending = new AtomicLong();
    final Thread thread;
    /** Set around KVM_RUN (and the injection decision before it): a raise must then kick. */
    private volatile boolean inGuest;
    private volatile boolean idle;
    /** The probe runtime asked for {@link ProbeEvents#service} on this vCPU ({@link #requestService}). */
    private volatile boolean service;
    volatile long exits, injected, kicks, idleWaits, entryHits, returnHits, watchHits;

    VcpuThread(Harness harness, Vcpu vcpu, ProbeEvents probes) {
        this.harness = harness;
        this.vcpu = vcpu;
        this.run = vcpu.kvmRun();
        this.probes = probes;
        this.id = vcpu.id();
        this.thread = Thread.ofPlatform().name("vp-vcpu-" + id).unstarted(this::loop);
    }

    Vcpu vcpu() { return vcpu; }

    /** Marks {@code vector} pending and makes sure the vCPU notices soon. Any thread. */
    void raise(int vector) {
        long mask = 1L << (vector - VECTOR_BASE), bits;
        do bits = pending.get(); while (!pending.compareAndSet(bits, bits | mask));
        if (idle) harness.wakeIdle();
        else if (inGuest) vcpu.kick();
    }

    /** Asks for a {@link ProbeEvents#service} call on this vCPU's thread soon: kicks it out of the guest or wakes it. Any thread. */
    void requestService() {
        service = true;
        if (idle) harness.wakeIdle();
        else if (inGuest) vcpu.kick();
    }

    boolean serviceRequested() { return service; }

    boolean interruptPending() { return pending.get() != 0; }

    private void runService() {
        service = false;
        probes.service(id);
    }

    private void loop() {
        vcpu.bindToCurrentThread();
        boolean resumeVisible = true;
        try {
            while (harness.checkpoint()) {
                if (service) runService();
                inGuest = true;
                if (service) { // asked for after the check above, before a kick could be sent: serve it first
                    inGuest = false;
                    continue;
                }
                if (!deliverInterrupts()) return;
                if (resumeVisible) {
                    probes.resume(id);
                    resumeVisible = false;
                }
                int error = vcpu.run();
                inGuest = false;
                run.immediateExit(false);
                if (error == Libc.EINTR || error == Libc.EAGAIN) {
                    kicks++;
                    continue;
                }
                if (error != 0) {
                    harness.fault(new GuestFault(id, GuestFault.Kind.KVM_ERROR, rip(), "KVM_RUN failed: " + Libc.describe(error)));
                    return;
                }
                exits++;
                resumeVisible = handleExit(run.exitReason());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            harness.fault(new GuestFault(id, GuestFault.Kind.UNHANDLED_EXIT, rip(), "harness error: " + e));
        } finally {
            inGuest = false;
            vcpu.unbindCurrentThread();
            harness.vcpuFinished();
        }
    }

    private long rip() { return run.reg(KvmRun.Reg.RIP); }

    /** Injects the lowest pending vector if the guest can take it now, else asks for an interrupt window. */
    private boolean deliverInterrupts() {
        long bits = pending.get();
        if (bits == 0) {
            run.requestInterruptWindow(false);
            return true;
        }
        if (!run.readyForInterruptInjection() || !run.interruptFlag()) {
            run.requestInterruptWindow(true);
            return true;
        }
        int bit = Long.numberOfTrailingZeros(bits);
        long mask = 1L << bit;
        do bits = pending.get(); while (!pending.compareAndSet(bits, bits & ~mask));
        int vector = VECTOR_BASE + bit;
        probes.irq(id, vector);
        int error = vcpu.interrupt(vector);
        if (error != 0) {
            harness.fault(new GuestFault(id, GuestFault.Kind.KVM_ERROR, rip(), "KVM_INTERRUPT " + vector + " failed: " + Libc.describe(error)));
            return false;
        }
        injected++;
        run.requestInterruptWindow(pending.get() != 0);
        return true;
    }

    /** Handles one exit; returns whether the guest saw it as an exit (then HV_Resume fires before re-entry). */
    private boolean handleExit(int reason) throws InterruptedException {
        if (reason == KvmRun.EXIT_IO) return handleIo();
        if (reason == KvmRun.EXIT_INTR) return false;
        if (reason == KvmRun.EXIT_MMIO) return handleMmio();
        probes.exit(id, reason);
        switch (reason) {
            case KvmRun.EXIT_IRQ_WINDOW_OPEN -> { }
            case KvmRun.EXIT_HLT -> waitForInterrupt();
            case KvmRun.EXIT_SHUTDOWN -> {
                probes.tripleFault(id);
                harness.fault(new GuestFault(id, GuestFault.Kind.TRIPLE_FAULT, rip(), "the guest shut down (triple fault)"));
            }
            default -> harness.fault(new GuestFault(id, GuestFault.Kind.UNHANDLED_EXIT, rip(),
                    "KVM exit reason " + reason + " is not handled by the harness"));
        }
        return true;
    }

    private boolean handleIo() throws InterruptedException {
        int direction = run.ioDirection(), port = run.ioPort(), size = run.ioSize(), count = run.ioCount();
        if (port == Ports.PROBE_ENTRY && direction == KvmRun.IO_OUT) {
            long site = harness.entryProbes().siteAt(rip());
            if (site >= 0) {
                entryHits++;
                probes.guestEntry(id, site); // first, so that an ENTER clause still sees the real return address
                if (harness.entryProbes().hooksReturn(site)) harness.returnProbes().hook(run, site);
                return false;
            }
        }
        if (port == Ports.PROBE_RETURN && direction == KvmRun.IO_OUT) {
            if (harness.returnProbes().unhook(id, run)) {
                returnHits++;
                probes.guestReturn(id, harness.returnProbes().lastSite(id), harness.returnProbes().lastReturn(id));
                return false;
            }
            harness.fault(new GuestFault(id, GuestFault.Kind.UNHANDLED_EXIT, rip(),
                    "the guest reached the return trampoline without a pending return at RSP-8"));
            return false;
        }
        probes.exit(id, KvmRun.EXIT_IO);
        probes.io(id, direction, port, size, count);
        MemorySegment page = run.segment();
        long data = run.ioDataOffset(), length = (long) size * count;
        if (data < 0 || length < 0 || data > page.byteSize() - length) {
            harness.fault(new GuestFault(id, GuestFault.Kind.KVM_ERROR, rip(), "I/O exit data lies outside the kvm_run mapping"));
            return true;
        }
        if (direction == KvmRun.IO_IN) {
            // Only the serial line status answers; other ports read as an open bus.
            page.asSlice(data, length).fill((byte) (port == Ports.SERIAL_LSR ? Ports.SERIAL_READY : 0xff));
            return true;
        }
        long value = 0;
        for (int i = Math.min(size, 4) - 1; i >= 0; i--) value = value << 8 | Byte.toUnsignedInt(page.get(JAVA_BYTE, data + i));
        switch (port) {
            case Ports.SERIAL -> harness.serial().write(page, data, (int) length);
            case Ports.IDLE -> waitForInterrupt();
            case Ports.BLOCK -> harness.block().doorbell(id, value);
            case Ports.NET_TX -> harness.net().transmit(id, value);
            case Ports.NET_RX -> harness.net().receive(id, value);
            case Ports.PANIC -> harness.fault(new GuestFault(id, GuestFault.Kind.PANIC, rip(),
                    "guest panic: " + (harness.memory().contains(value, 1) ? harness.memory().readCString(value, 200) : "(bad message address)")));
            default -> { } // writes to ports nobody decodes are dropped, as on a real bus
        }
        return true;
    }

    /**
     * A write to a watched (read-only) page is applied here and reported as GUEST:WRITE only; any other MMIO exit
     * is a device access (HV_Exit, MMIO_Read/MMIO_Write). Reads outside any device see an open bus.
     */
    private boolean handleMmio() {
        long address = run.mmioAddress();
        int length = run.mmioLength();
        boolean write = run.mmioIsWrite();
        if (write && harness.memorySlots().isWatched(address)) {
            if (length < 1 || length > 8 || !harness.memory().contains(address, length)) {
                harness.fault(new GuestFault(id, GuestFault.Kind.KVM_ERROR, rip(), "MMIO write of " + length + " bytes at 0x"
                        + Long.toHexString(address) + " does not fit guest RAM"));
                return false;
            }
            long value = run.mmioData();
            MemorySegment.copy(run.segment(), KvmRun.MMIO_DATA, harness.memory().segment(), address, length);
            watchHits++;
            probes.guestWrite(id, address, length, value);
            return false;
        }
        probes.exit(id, KvmRun.EXIT_MMIO);
        long value = write ? run.mmioData() : 0;
        if (harness.mmioClock().contains(address)) {
            if (write) harness.mmioClock().write(address, value);
            else value = harness.mmioClock().read(address);
        } else if (!write) value = -1; // no device: an open bus
        if (!write) run.setMmioData(value);
        if (harness.mmioClock().contains(address)) probes.mmio(id, write, address, length, value);
        return true;
    }

    /**
     * HLT semantics for the idle port: block until an interrupt is pending, or the harness pauses or stops.
     * Service requests are run here without re-entering the guest, so periodic probes do not make idle vCPUs exit.
     */
    private void waitForInterrupt() throws InterruptedException {
        idleWaits++;
        idle = true;
        try {
            while (true) {
                harness.awaitIdleWake(this);
                if (!service) return;
                runService();
            }
        } finally {
            idle = false;
        }
    }
}
