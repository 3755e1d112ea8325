// A loopback network adapter: every frame the guest sends comes back to it, through a bounded preallocated ring.
package dev.vp.vmm.devices;

import dev.vp.vmm.memory.GuestMemory;
import dev.vp.vmm.probes.ProbeEvents;

/**
 * Descriptor (16 bytes, struct net_desc): u64 buffer, u32 length, u32 status. TX sends {@code length} bytes
 * (status 0 sent, 1 dropped: too long, bad buffer or ring full). RX copies the oldest queued frame if it fits
 * in {@code length} (then length = frame size, status 1), else status 0.
 */
public final class NetDevice {
    public static final int MTU = 1514, RING = 32, ADAPTER = 0;

    private final GuestMemory memory;
    private final ProbeEvents probes;
    private final byte[][] frames = new byte[RING][MTU];
    private final int[] lengths = new int[RING];
    private int head, count;
    private long sent, received, dropped;

    public NetDevice(GuestMemory memory, ProbeEvents probes) {
        this.memory = memory;
        this.probes = probes;
    }

    public void transmit(int vcpu, long descriptor) {
        if (!memory.contains(descriptor, 16)) return;
        long buffer = memory.read64(descriptor);
        long length = memory.read32(descriptor + 8);
        boolean ok;
        synchronized (this) {
            ok = length <= MTU && memory.contains(buffer, length) && count < RING;
            if (ok) {
                int slot = (head + count) % RING;
                memory.read(buffer, frames[slot], 0, (int) length);
                lengths[slot] = (int) length;
                count++;
                sent++;
            } else dropped++;
        }
        memory.write32(descriptor + 12, ok ? 0 : 1);
        if (ok) probes.macSend(vcpu, ADAPTER);
    }

    public void receive(int vcpu, long descriptor) {
        if (!memory.contains(descriptor, 16)) return;
        long buffer = memory.read64(descriptor);
        long room = memory.read32(descriptor + 8);
        boolean delivered = false;
        synchronized (this) {
            if (count > 0 && lengths[head] <= room && memory.contains(buffer, lengths[head])) {
                memory.write(buffer, frames[head], 0, lengths[head]);
                memory.write32(descriptor + 8, lengths[head]);
                head = (head + 1) % RING;
                count--;
                received++;
                delivered = true;
            }
        }
        memory.write32(descriptor + 12, delivered ? 1 : 0);
        if (delivered) probes.macReceive(vcpu, ADAPTER);
    }

    public synchronized long sent() { return sent; }
    public synchronized long received() { return received; }
    public synchronized long dropped() { return dropped; }
}
