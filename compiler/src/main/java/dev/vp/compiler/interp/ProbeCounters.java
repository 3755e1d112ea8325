// Per-probe figures for the unload report: firings, exits and cancellations by cause and location.
package dev.vp.compiler.interp;

import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.Loc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Counts for one probe clause. Cancellation sites are kept in the order they first happened. */
public final class ProbeCounters {
    private long firings;
    private long exits;
    private final Map<Site, long[]> counts = new LinkedHashMap<>();
    private final Map<Site, String> lastDescription = new LinkedHashMap<>();

    private record Site(Cause cause, Loc loc) {}

    /** One place that cancelled: how often, and the description of the latest cancellation there. */
    public record CancelSite(Cause cause, Loc loc, long count, String description) {}

    void fired() { firings++; }

    void exited() { exits++; }

    void cancelled(Cause cause, Loc loc, String description) {
        Site site = new Site(cause, loc);
        counts.computeIfAbsent(site, s -> new long[1])[0]++;
        lastDescription.put(site, description);
    }

    public long firings() { return firings; }

    public long exits() { return exits; }

    public long cancellations() {
        long n = 0;
        for (long[] c : counts.values()) n += c[0];
        return n;
    }

    public long cancellations(Cause cause) {
        long n = 0;
        for (var e : counts.entrySet()) if (e.getKey().cause() == cause) n += e.getValue()[0];
        return n;
    }

    public List<CancelSite> sites() {
        var out = new ArrayList<CancelSite>();
        for (var e : counts.entrySet()) {
            out.add(new CancelSite(e.getKey().cause(), e.getKey().loc(), e.getValue()[0], lastDescription.get(e.getKey())));
        }
        return out;
    }
}
