// One KVM virtual machine: its memory slots and its vCPUs.
package dev.vp.vmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

public final class Vm implements AutoCloseable {
    static final long KVM_SET_USER_MEMORY_REGION = 0x4020AE46L, KVM_CREATE_VCPU = 0xAE41;
    public static final int MEM_READONLY = 2;

    private final Kvm kvm;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Libc.errnoSlot(arena);
    private boolean closed;

    Vm(Kvm kvm, int fd) {
        this.kvm = kvm;
        this.fd = fd;
    }

    /** Maps {@code host} at guest-physical {@code guestAddress} in {@code slot}; a size of 0 deletes the slot. */
    public synchronized void setMemoryRegion(int slot, int flags, long guestAddress, MemorySegment host) throws KvmException {
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment region = temp.allocate(32, 8);
            region.set(JAVA_INT, 0, slot);
            region.set(JAVA_INT, 4, flags);
            region.set(JAVA_LONG, 8, guestAddress);
            region.set(JAVA_LONG, 16, host.byteSize());
            region.set(JAVA_LONG, 24, host.address());
            if (Libc.ioctl(errno, fd, KVM_SET_USER_MEMORY_REGION, region.address()) != 0)
                throw KvmException.of("KVM_SET_USER_MEMORY_REGION (slot " + slot + ")", Libc.errno(errno));
        }
    }

    public synchronized Vcpu createVcpu(int id) throws KvmException {
        int vcpuFd = Libc.ioctl(errno, fd, KVM_CREATE_VCPU, id);
        if (vcpuFd < 0) throw KvmException.of("KVM_CREATE_VCPU " + id, Libc.errno(errno));
        try {
            return new Vcpu(id, vcpuFd, kvm.vcpuMmapSize(), kvm.cpuid());
        } catch (KvmException e) {
            Libc.close(vcpuFd);
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Libc.close(fd);
        arena.close();
    }
}
