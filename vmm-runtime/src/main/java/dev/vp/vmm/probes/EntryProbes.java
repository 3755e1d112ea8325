// GUEST execution probes: arming a patchable function entry writes `out %al, $port` over its two NOPs.
package dev.vp.vmm.probes;

import dev.vp.vmm.memory.GuestMemory;
import java.util.Arrays;
import java.util.List;

/**
 * The guest is built with {@code -fpatchable-function-entry=2}. An armed site is exactly one I/O exit that
 * changes no register. Callers patch only while every vCPU is out of the guest ({@code Harness.armEntry}).
 * At the exit, RIP points past the OUT on some KVM backends and at it on others: {@link #siteAt} matches both.
 */
public final class EntryProbes {
    public static final int OUT_IMM8_AL = 0xE6, NOP = 0x90;

    private final GuestMemory memory;
    private final long[] patchable;
    private final int port;
    /** Sorted armed sites, replaced as a whole so that readers on vCPU threads never see a partial update. */
    private volatile long[] armed = new long[0];

    public EntryProbes(GuestMemory memory, List<Long> patchableSites, int port) {
        if (port < 0 || port > 0xff) throw new IllegalArgumentException("the probe port must fit an imm8, was " + port);
        this.memory = memory;
        this.patchable = patchableSites.stream().mapToLong(Long::longValue).sorted().toArray();
        this.port = port;
    }

    public int port() { return port; }

    public boolean isPatchable(long site) { return Arrays.binarySearch(patchable, site) >= 0; }

    public boolean isArmed(long site) { return Arrays.binarySearch(armed, site) >= 0; }

    /** Writes {@code E6 port}; refuses a site that is not a patchable entry or whose bytes are not two NOPs. */
    public synchronized void arm(long site) {
        if (isArmed(site)) return;
        if (!isPatchable(site))
            throw new IllegalArgumentException("0x" + Long.toHexString(site) + " is not a patchable function entry of the guest");
        if (!memory.contains(site, 2) || memory.read8(site) != NOP || memory.read8(site + 1) != NOP)
            throw new IllegalStateException("the patchable entry at 0x" + Long.toHexString(site) + " does not hold two NOPs");
        memory.write8(site + 1, port);
        memory.write8(site, OUT_IMM8_AL);
        long[] next = Arrays.copyOf(armed, armed.length + 1);
        next[armed.length] = site;
        Arrays.sort(next);
        armed = next;
    }

    /** Restores the two NOPs. */
    public synchronized void disarm(long site) {
        if (!isArmed(site)) return;
        memory.write8(site, NOP);
        memory.write8(site + 1, NOP);
        armed = Arrays.stream(armed).filter(a -> a != site).toArray();
    }

    /** The armed site whose OUT caused an exit with this RIP, or -1 when none. */
    public long siteAt(long rip) {
        long[] sites = armed;
        if (Arrays.binarySearch(sites, rip - 2) >= 0) return rip - 2;
        if (Arrays.binarySearch(sites, rip) >= 0) return rip;
        return -1;
    }
}
