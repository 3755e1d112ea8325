// GUEST execution probes: arming a patchable function entry writes `out %al, $port` over its two NOPs.
package dev.vp.vmm.probes;

import dev.vp.vmm.memory.GuestMemory;
import java.util.Arrays;
import java.util.List;

/**
 * The guest is built with {@code -fpatchable-function-entry=2}. An armed site is exactly one I/O exit that
 * changes no register. Callers patch only while every vCPU is out of the guest ({@code Harness.armEntry}).
 * At the exit, RIP points past the OUT on some KVM backends and at it on others: {@link #siteAt} matches both.
 * A site armed with {@code hookReturn} also gets its return observed by {@link ReturnProbes} (GUEST:EXIT).
 */
public final class EntryProbes {
    public static final int OUT_IMM8_AL = 0xE6, NOP = 0x90;

    private final GuestMemory memory;
    private final long[] patchable;
    private final int port;

    /** Sorted armed sites and whether each hooks its return; replaced as a whole, so readers never see a partial update. */
    private record Armed(long[] sites, boolean[] hookReturn) {}

    private volatile Armed armed = new Armed(new long[0], new boolean[0]);

    public EntryProbes(GuestMemory memory, List<Long> patchableSites, int port) {
        if (port < 0 || port > 0xff) throw new IllegalArgumentException("the probe port must fit an imm8, was " + port);
        this.memory = memory;
        this.patchable = patchableSites.stream().mapToLong(Long::longValue).sorted().toArray();
        this.port = port;
    }

    public int port() { return port; }

    public boolean isPatchable(long site) { return Arrays.binarySearch(patchable, site) >= 0; }

    public boolean isArmed(long site) { return Arrays.binarySearch(armed.sites, site) >= 0; }

    /**
     * Writes {@code E6 port}; refuses a site that is not a patchable entry or whose bytes are not two NOPs.
     * Arming an armed site only updates its return hook.
     */
    public synchronized void arm(long site, boolean hookReturn) {
        Armed a = armed;
        int at = Arrays.binarySearch(a.sites, site);
        if (at >= 0) {
            boolean[] hooks = a.hookReturn.clone();
            hooks[at] = hookReturn;
            armed = new Armed(a.sites, hooks);
            return;
        }
        if (!isPatchable(site))
            throw new IllegalArgumentException("0x" + Long.toHexString(site) + " is not a patchable function entry of the guest");
        if (!memory.contains(site, 2) || memory.read8(site) != NOP || memory.read8(site + 1) != NOP)
            throw new IllegalStateException("the patchable entry at 0x" + Long.toHexString(site) + " does not hold two NOPs");
        memory.write8(site + 1, port);
        memory.write8(site, OUT_IMM8_AL);
        int insert = -at - 1;
        long[] sites = new long[a.sites.length + 1];
        boolean[] hooks = new boolean[sites.length];
        System.arraycopy(a.sites, 0, sites, 0, insert);
        System.arraycopy(a.hookReturn, 0, hooks, 0, insert);
        sites[insert] = site;
        hooks[insert] = hookReturn;
        System.arraycopy(a.sites, insert, sites, insert + 1, a.sites.length - insert);
        System.arraycopy(a.hookReturn, insert, hooks, insert + 1, a.sites.length - insert);
        armed = new Armed(sites, hooks);
    }

    /** Restores the two NOPs. */
    public synchronized void disarm(long site) {
        Armed a = armed;
        int at = Arrays.binarySearch(a.sites, site);
        if (at < 0) return;
        memory.write8(site, NOP);
        memory.write8(site + 1, NOP);
        long[] sites = new long[a.sites.length - 1];
        boolean[] hooks = new boolean[sites.length];
        System.arraycopy(a.sites, 0, sites, 0, at);
        System.arraycopy(a.hookReturn, 0, hooks, 0, at);
        System.arraycopy(a.sites, at + 1, sites, at, sites.length - at);
        System.arraycopy(a.hookReturn, at + 1, hooks, at, sites.length - at);
        armed = new Armed(sites, hooks);
    }

    /** Restores every armed site. */
    public synchronized void disarmAll() {
        for (long site : armed.sites) disarm(site);
    }

    /** The armed site whose OUT caused an exit with this RIP, or -1 when none. */
    public long siteAt(long rip) {
        long[] sites = armed.sites;
        if (Arrays.binarySearch(sites, rip - 2) >= 0) return rip - 2;
        if (Arrays.binarySearch(sites, rip) >= 0) return rip;
        return -1;
    }

    /** Whether the armed {@code site} observes its function's return. */
    public boolean hooksReturn(long site) {
        Armed a = armed;
        int at = Arrays.binarySearch(a.sites, site);
        return at >= 0 && a.hookReturn[at];
    }
}
