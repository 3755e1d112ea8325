// One context's firing counts, written only by the thread firing on that context, with no allocation.
package dev.vp.runtime;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Exits and cancellations per clause (the entry code counts firings in the context block), and cancellations per site (clause, line-table entry, cause) in a
 * fixed open-addressing table with the latest description at each site. A cancellation at a new site when the
 * table is full is still counted for its clause, as unattributed, so the totals stay exact. The host reads these
 * arrays without synchronisation: figures may lag a running firing by one; after disarm they are exact.
 */
final class ContextCounters {
    static final int SITES = 256, DESCRIPTION_BYTES = 256;

    final long[] exits, cancellations, unattributed;
    final long[] siteKey = new long[SITES];
    final long[] siteCount = new long[SITES];
    /** System.nanoTime() of each site's latest cancellation: the report shows the latest description over all contexts. */
    final long[] siteTime = new long[SITES];
    final byte[] siteDescription = new byte[SITES * DESCRIPTION_BYTES];

    ContextCounters(int clauses) {
        exits = new long[clauses];
        cancellations = new long[clauses];
        unattributed = new long[clauses];
    }

    /** A non-zero key for a site; line is a line-table index or -1. */
    static long key(int clause, int line, int cause) {
        return Long.MIN_VALUE | (long) clause << 40 | (long) (line + 1) << 4 | cause;
    }

    static int clause(long key) { return (int) ((key >>> 40) & 0x7F_FFFF); }

    static int line(long key) { return (int) ((key >>> 4) & 0xF_FFFF_FFFFL) - 1; }

    static int cause(long key) { return (int) (key & 0xF); }

    void cancelled(int clause, int line, int cause, MemorySegment data, long descriptionOffset) {
        cancellations[clause]++;
        long key = key(clause, line, cause);
        int i = (int) (mix(key) & (SITES - 1));
        for (int probes = 0; probes < SITES; probes++, i = (i + 1) & (SITES - 1)) {
            if (siteKey[i] == key || siteKey[i] == 0) {
                siteKey[i] = key;
                siteCount[i]++;
                siteTime[i] = System.nanoTime();
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, descriptionOffset, siteDescription, i * DESCRIPTION_BYTES, DESCRIPTION_BYTES);
                return;
            }
        }
        unattributed[clause]++;
    }

    private static long mix(long key) {
        key *= 0x9E3779B97F4A7C15L;
        return key ^ (key >>> 29);
    }
}
