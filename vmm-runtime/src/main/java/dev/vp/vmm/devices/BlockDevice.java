// A RAM-backed block device: the guest OUTs the address of a request descriptor, the device completes it at once.
package dev.vp.vmm.devices;

import dev.vp.vmm.memory.GuestMemory;
import dev.vp.vmm.probes.ProbeEvents;

/**
 * Descriptor (32 bytes, guests/minios/minios.h struct blk_req): u32 op (0 read, 1 write), u32 id, u64 sector,
 * u32 count, u32 status (written here: 0 ok, 1 bad descriptor, 2 sectors out of range, 3 buffer outside RAM),
 * u64 buffer address. Guest memory is identity-mapped, so addresses are guest-physical.
 */
public final class BlockDevice {
    public static final int SECTOR = 512;
    /** Disk_IO* ARG0: the adapter type this device reports. */
    public static final long ADAPTER_TYPE = 1;
    public static final int OK = 0, BAD_DESCRIPTOR = 1, OUT_OF_RANGE = 2, BAD_BUFFER = 3;

    private final GuestMemory memory;
    private final ProbeEvents probes;
    private final byte[] disk;
    private long requests;

    public BlockDevice(GuestMemory memory, ProbeEvents probes, int sectors) {
        this.memory = memory;
        this.probes = probes;
        this.disk = new byte[Math.multiplyExact(sectors, SECTOR)];
    }

    public long sectors() { return disk.length / SECTOR; }

    /** Handles a doorbell; the status lands in the descriptor when it is readable at all. */
    public void doorbell(int vcpu, long descriptor) {
        if (!memory.contains(descriptor, 32)) return;
        long op = memory.read32(descriptor), id = memory.read32(descriptor + 4);
        long sector = memory.read64(descriptor + 8), count = memory.read32(descriptor + 16);
        long buffer = memory.read64(descriptor + 24);
        long read = op == 0 ? 1 : 0;
        probes.diskStart(vcpu, ADAPTER_TYPE, 0, 0, read, id, sector, count, 1);
        int status;
        if (op > 1) status = BAD_DESCRIPTOR;
        else if (sector < 0 || count > sectors() || sector > sectors() - count) status = OUT_OF_RANGE;
        else if (!memory.contains(buffer, count * SECTOR)) status = BAD_BUFFER;
        else {
            int at = (int) (sector * SECTOR), length = (int) (count * SECTOR);
            if (op == 0) memory.write(buffer, disk, at, length);
            else memory.read(buffer, disk, at, length);
            status = OK;
        }
        memory.write32(descriptor + 20, status);
        synchronized (this) { requests++; }
        probes.diskFinish(vcpu, ADAPTER_TYPE, 0, 0, read, id, sector, count, 1);
    }

    public synchronized long requests() { return requests; }
}
