// A memory-mapped clock: the guest reads host microseconds and posts a measured latency, each one MMIO exit.
package dev.vp.vmm.devices;

/**
 * Two 8-byte registers at {@link dev.vp.vmm.arch.GuestLayout#MMIO_BASE}, outside RAM so that every access
 * exits: {@link #NOW} (read: microseconds since the harness booted) and {@link #REPORT} (write: a value the
 * guest reports, e.g. a request latency; read: the last one). Other offsets read as all ones and ignore writes.
 */
public final class MmioClock {
    public static final long NOW = 0, REPORT = 8, SIZE = 4096;

    private final long base;
    private final long bootNanos = System.nanoTime();
    private volatile long report;

    public MmioClock(long base) { this.base = base; }

    public boolean contains(long address) { return address >= base && address < base + SIZE; }

    public long read(long address) {
        long offset = address - base;
        if (offset == NOW) return (System.nanoTime() - bootNanos) / 1000;
        if (offset == REPORT) return report;
        return -1;
    }

    public void write(long address, long value) {
        if (address - base == REPORT) report = value;
    }

    public long lastReport() { return report; }
}
