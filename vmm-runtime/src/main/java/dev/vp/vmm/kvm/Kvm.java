// /dev/kvm: the API version check, capabilities, the supported CPUID, and VM creation.
package dev.vp.vmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;

public final class Kvm implements AutoCloseable {
    public static final Path DEVICE = Path.of("/dev/kvm");
    static final long KVM_GET_API_VERSION = 0xAE00, KVM_CREATE_VM = 0xAE01, KVM_CHECK_EXTENSION = 0xAE03;
    static final long KVM_GET_VCPU_MMAP_SIZE = 0xAE04, KVM_GET_SUPPORTED_CPUID = 0xC008AE05L;
    public static final int CAP_SYNC_REGS = 74;
    private static final int CPUID_ENTRY_SIZE = 40;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Libc.errnoSlot(arena);
    private final int fd;
    private final int vcpuMmapSize;
    private final MemorySegment cpuid;
    private boolean closed;

    private Kvm(int fd) throws KvmException {
        this.fd = fd;
        int version = Libc.ioctl(errno, fd, KVM_GET_API_VERSION, 0);
        if (version != 12) throw new KvmException("/dev/kvm speaks API version " + version + ", expected 12");
        long sync = KvmRun.SYNC_X86_REGS | KvmRun.SYNC_X86_SREGS;
        if ((checkExtension(CAP_SYNC_REGS) & sync) != sync)
            throw new KvmException("this KVM lacks KVM_CAP_SYNC_REGS for registers and sregs, which the harness needs");
        vcpuMmapSize = Libc.ioctl(errno, fd, KVM_GET_VCPU_MMAP_SIZE, 0);
        if (vcpuMmapSize < 4096) throw KvmException.of("KVM_GET_VCPU_MMAP_SIZE", Libc.errno(errno));
        cpuid = supportedCpuid();
    }

    /** True when /dev/kvm exists and this user may open it. */
    public static boolean available() {
        return Files.isReadable(DEVICE) && Files.isWritable(DEVICE);
    }

    public static Kvm open() throws KvmException {
        MemorySegment slot = Libc.errnoSlot(Arena.global());
        int fd = Libc.open(slot, DEVICE.toString(), Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0) throw KvmException.of("open(" + DEVICE + ")", Libc.errno(slot));
        try {
            return new Kvm(fd);
        } catch (KvmException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** KVM_CHECK_EXTENSION: 0 when absent, else a capability-specific positive value. */
    public int checkExtension(int capability) {
        return Math.max(0, Libc.ioctl(errno, fd, KVM_CHECK_EXTENSION, capability));
    }

    int vcpuMmapSize() { return vcpuMmapSize; }

    /** The kvm_cpuid2 block to pass to every vCPU (without it CPUID returns zeros). */
    MemorySegment cpuid() { return cpuid; }

    private MemorySegment supportedCpuid() throws KvmException {
        for (int entries = 64; entries <= 4096; entries *= 2) {
            MemorySegment block = arena.allocate(8 + (long) entries * CPUID_ENTRY_SIZE, 8);
            block.set(JAVA_INT, 0, entries);
            if (Libc.ioctl(errno, fd, KVM_GET_SUPPORTED_CPUID, block.address()) == 0) return block;
            if (Libc.errno(errno) != 7 /* E2BIG */) throw KvmException.of("KVM_GET_SUPPORTED_CPUID", Libc.errno(errno));
        }
        throw new KvmException("KVM_GET_SUPPORTED_CPUID wants more than 4096 entries");
    }

    public Vm createVm() throws KvmException {
        int vmFd = Libc.ioctl(errno, fd, KVM_CREATE_VM, 0);
        if (vmFd < 0) throw KvmException.of("KVM_CREATE_VM", Libc.errno(errno));
        return new Vm(this, vmFd);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Libc.close(fd);
        arena.close();
    }
}
