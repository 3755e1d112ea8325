// One KVM vCPU: its fd, its mapped kvm_run page, the run/interrupt ioctls, and the kick from another thread.
package dev.vp.vmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@link #run()} and {@link #interrupt(int)} belong to the vCPU's own thread (bound once with
 * {@link #bindToCurrentThread()}); {@link #kick()} may be called from any thread.
 */
public final class Vcpu implements AutoCloseable {
    static final long KVM_RUN = 0xAE80, KVM_GET_REGS = 0x8090AE81L, KVM_SET_REGS = 0x4090AE82L;
    static final long KVM_GET_SREGS = 0x8138AE83L, KVM_SET_SREGS = 0x4138AE84L, KVM_SET_CPUID2 = 0x4008AE90L;
    static final long KVM_INTERRUPT = 0x4004AE86L, KVM_GET_DEBUGREGS = 0x8080AEA1L, KVM_GET_MSRS = 0xC008AE88L;
    public static final int MSR_KERNEL_GS_BASE = 0xC0000102;
    private static final long DEBUGREGS_SIZE = 128, DEBUGREGS_DR6 = 32, DEBUGREGS_DR7 = 40;
    public static final int REGS_SIZE = 144;

    private final int id;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Libc.errnoSlot(arena);
    private final MemorySegment vector = arena.allocate(4, 4);
    /** For the registers outside the sync area (one ioctl each), preallocated: probes read them allocation-free. */
    private final MemorySegment debugRegs = arena.allocate(DEBUGREGS_SIZE, 8);
    private final MemorySegment msrs = arena.allocate(8 + 16, 8);
    private final long mmapAddress;
    private final long mmapSize;
    private final KvmRun run;
    /** The bound thread's pthread_t, 0 when none; guarded by {@link #kickLock} so that no signal targets an ended thread. */
    private long pthread;
    private final Object kickLock = new Object();
    private boolean closed;

    Vcpu(int id, int fd, int mmapSize, MemorySegment cpuid) throws KvmException {
        this.id = id;
        this.fd = fd;
        long address = Libc.mmap(errno, mmapSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
        if (address == -1) throw KvmException.of("mmap of the kvm_run page of vCPU " + id, Libc.errno(errno));
        this.mmapAddress = address;
        this.mmapSize = mmapSize;
        this.run = new KvmRun(MemorySegment.ofAddress(address).reinterpret(mmapSize));
        if (Libc.ioctl(errno, fd, KVM_SET_CPUID2, cpuid.address()) != 0) {
            int e = Libc.errno(errno);
            Libc.munmap(mmapAddress, mmapSize);
            throw KvmException.of("KVM_SET_CPUID2 on vCPU " + id, e);
        }
        run.syncRegisters(KvmRun.SYNC_X86_REGS | KvmRun.SYNC_X86_SREGS);
    }

    public int id() { return id; }
    public KvmRun kvmRun() { return run; }

    /** Records the calling thread as the one that runs this vCPU, so that {@link #kick()} can signal it. */
    public void bindToCurrentThread() {
        VcpuKicker.install();
        synchronized (kickLock) { pthread = Libc.pthreadSelf(); }
    }

    /**
     * Called by the bound thread as it ends: pthread_kill on a thread that has ended is undefined behaviour (it
     * crashed the JVM when a guest had faulted and the dispatcher then paused the stopped vCPUs).
     */
    public void unbindCurrentThread() {
        synchronized (kickLock) { pthread = 0; }
    }

    /** One KVM_RUN: 0 on an exit to handle, else the errno (EINTR after a kick). Never throws. */
    public int run() {
        return Libc.ioctl(errno, fd, KVM_RUN, 0) == 0 ? 0 : Libc.errno(errno);
    }

    /** KVM_INTERRUPT (userspace irqchip): 0 or the errno. */
    public int interrupt(int vectorNumber) {
        vector.set(JAVA_INT, 0, vectorNumber);
        return Libc.ioctl(errno, fd, KVM_INTERRUPT, vector.address()) == 0 ? 0 : Libc.errno(errno);
    }

    /** Makes the vCPU's thread leave KVM_RUN soon (or not enter it): immediate_exit, then a signal. */
    public void kick() {
        run.immediateExit(true);
        synchronized (kickLock) {
            if (pthread != 0) Libc.pthreadKill(pthread, VcpuKicker.signal());
        }
    }

    /** DR6 or DR7 through KVM_GET_DEBUGREGS (an ioctl: only probes that read them pay); 0 if the ioctl fails. */
    public long debugRegister(int n) {
        if (n != 6 && n != 7) throw new IllegalArgumentException("only DR6 and DR7 are readable, not DR" + n);
        if (Libc.ioctl(errno, fd, KVM_GET_DEBUGREGS, debugRegs.address()) != 0) return 0;
        return debugRegs.get(JAVA_LONG, n == 6 ? DEBUGREGS_DR6 : DEBUGREGS_DR7);
    }

    /** One MSR through KVM_GET_MSRS; 0 if the ioctl fails. */
    public long msr(int index) {
        msrs.fill((byte) 0);
        msrs.set(JAVA_INT, 0, 1);
        msrs.set(JAVA_INT, 8, index);
        if (Libc.ioctl(errno, fd, KVM_GET_MSRS, msrs.address()) != 1) return 0;
        return msrs.get(JAVA_LONG, 16);
    }

    public void getRegs(MemorySegment regs) throws KvmException { call("KVM_GET_REGS", KVM_GET_REGS, regs); }
    public void getSregs(MemorySegment sregs) throws KvmException { call("KVM_GET_SREGS", KVM_GET_SREGS, sregs); }

    /**
     * KVM_SET_REGS, and the same registers into kvm_run's sync area. KVM fills that area at each exit; before the
     * vCPU's first exit it would hold zeros, and a probe that fires then (a periodic one, served on the vCPU's
     * thread before it first enters the guest) would read RIP 0 or GS.base 0 and fault on a guest read.
     */
    public void setRegs(MemorySegment regs) throws KvmException {
        call("KVM_SET_REGS", KVM_SET_REGS, regs);
        MemorySegment.copy(regs, 0, run.segment(), KvmRun.SYNC_REGS, REGS_SIZE);
    }

    /** KVM_SET_SREGS, and the same into kvm_run's sync area (see {@link #setRegs}). */
    public void setSregs(MemorySegment sregs) throws KvmException {
        call("KVM_SET_SREGS", KVM_SET_SREGS, sregs);
        MemorySegment.copy(sregs, 0, run.segment(), KvmRun.SYNC_SREGS, Sregs.SIZE);
    }

    private void call(String name, long request, MemorySegment block) throws KvmException {
        if (Libc.ioctl(errno, fd, request, block.address()) != 0) throw KvmException.of(name + " on vCPU " + id, Libc.errno(errno));
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        unbindCurrentThread();
        Libc.munmap(mmapAddress, mmapSize);
        Libc.close(fd);
        arena.close();
    }
}
