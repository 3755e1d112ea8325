// The process-wide no-op handler for the kick signal (SIGRTMIN+6), installed once, refusing to steal a used signal.
package dev.vp.vmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A signal only interrupts KVM_RUN (EINTR); its handler must exist but do nothing. The handler is a single
 * {@code ret} in an executable page, so no Java upcall ever runs on a signal.
 */
final class VcpuKicker {
    private static final int SIGACTION_SIZE = 152;
    private static volatile int signal;

    private VcpuKicker() {}

    static int signal() { return signal; }

    static synchronized void install() {
        if (signal != 0) return;
        int sig = Libc.sigrtmin() + 6;
        MemorySegment errno = Libc.errnoSlot(Arena.global());
        long page = Libc.mmap(errno, 4096, Libc.PROT_READ | Libc.PROT_WRITE | Libc.PROT_EXEC,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        if (page == -1) throw new IllegalStateException("cannot map the kick handler page: " + Libc.describe(Libc.errno(errno)));
        MemorySegment.ofAddress(page).reinterpret(1).set(JAVA_BYTE, 0, (byte) 0xC3);
        MemorySegment act = Arena.global().allocate(SIGACTION_SIZE, 8);
        MemorySegment old = Arena.global().allocate(SIGACTION_SIZE, 8);
        act.set(JAVA_LONG, 0, page);
        if (Libc.sigaction(sig, MemorySegment.NULL, old) != 0 || old.get(JAVA_LONG, 0) != 0)
            throw new IllegalStateException("signal " + sig + " (SIGRTMIN+6) already has a handler; the vCPU kick needs it");
        if (Libc.sigaction(sig, act, MemorySegment.NULL) != 0)
            throw new IllegalStateException("sigaction(" + sig + ") failed");
        signal = sig;
    }
}
