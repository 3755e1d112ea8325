// What the runtime counted for an image: firings and cancellations per clause with source lines, and every drop.
package dev.vp.runtime;

import dev.vp.compiler.interp.ProbeCounters.CancelSite;
import java.util.List;

/**
 * A snapshot of the counts. ringDrops are output records lost to full rings, malformedRecords records the
 * consumer could not decode (a bug in the producer: reported, never silent); aggregate and bag drops are named.
 * pendingAggregates are the printed aggregates (as logaggr prints them) whose contents changed since their last
 * logaggr, or that were never logged and hold something.
 */
public record RuntimeReport(List<Clause> clauses, long ringDrops, long malformedRecords, List<Drops> aggregateDrops,
                            List<Drops> bagDrops, List<String> pendingAggregates) {
    public RuntimeReport {
        clauses = List.copyOf(clauses);
        aggregateDrops = List.copyOf(aggregateDrops);
        bagDrops = List.copyOf(bagDrops);
        pendingAggregates = List.copyOf(pendingAggregates);
    }

    /**
     * One clause: spec, where it is, its firings, exits and cancellations; sites say where and why (the
     * description of the latest cancellation there); unattributed cancellations happened at sites beyond the
     * runtime's site table and are counted only here.
     */
    public record Clause(String spec, String location, long firings, long exits, long cancellations, List<CancelSite> sites,
                         long unattributed) {
        public Clause { sites = List.copyOf(sites); }
    }

    /** Updates (aggregates) or inserts (bags) dropped because the table was full. */
    public record Drops(String name, long count) {}

    /** The summary `vp run` prints at unload. */
    public String text() {
        var out = new StringBuilder();
        for (Clause c : clauses) {
            out.append("probe ").append(c.spec()).append(" (").append(c.location()).append("): ")
               .append(c.firings()).append(c.firings() == 1 ? " firing" : " firings");
            if (c.exits() != 0) out.append(", ").append(c.exits()).append(c.exits() == 1 ? " exit" : " exits");
            if (c.cancellations() != 0) out.append(", ").append(c.cancellations()).append(" cancelled");
            out.append('\n');
            for (CancelSite s : c.sites()) {
                out.append("  ").append(s.count()).append(" x ").append(s.cause().shortName).append(" at ").append(s.loc());
                if (!s.description().isEmpty()) out.append(s.count() > 1 ? ", the latest: " : ": ").append(s.description());
                out.append('\n');
            }
            if (c.unattributed() != 0) out.append("  ").append(c.unattributed()).append(" x at sites not recorded (site table full)\n");
        }
        if (ringDrops != 0) out.append("output: ").append(ringDrops).append(" records dropped (ring full)\n");
        if (malformedRecords != 0) out.append("output: ").append(malformedRecords).append(" malformed records skipped\n");
        for (Drops d : aggregateDrops) if (d.count() != 0) out.append("aggregate ").append(d.name()).append(": ").append(d.count()).append(" updates dropped\n");
        for (Drops d : bagDrops) if (d.count() != 0) out.append("bag ").append(d.name()).append(": ").append(d.count()).append(" inserts dropped\n");
        for (String a : pendingAggregates) out.append(a.endsWith("\n") ? a : a + "\n");
        return out.toString();
    }
}
