package dev.vp.runtime.engine;

import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.util.ByteChars;
import java.util.List;

/**
 * What a script did while it was loaded, printed when it is unloaded (as DTrace prints aggregations at exit):
 * firings and cancellations per clause with their source lines, every kind of drop, and the aggregates that
 * were updated since their last logaggr. Every engine produces the same report.
 */
public record RunReport(List<Clause> clauses, List<Drop> drops, List<String> pendingAggregates) {

    public record Clause(String spec, Loc loc, long firings, long exits, List<Cancel> cancellations) {}

    public record Cancel(String cause, Loc loc, long count, String description) {}

    /** what: "output records", "aggregate lat", "bag starts"; count: how many were dropped. */
    public record Drop(String what, long count) {}

    /**
     * The summary as bytes, one char per byte like the script strings it quotes (aggregate keys): clause specs and
     * file names are written as their UTF-8, so that the whole text can be written byte for byte.
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        int width = 6;
        for (Clause c : clauses) width = Math.max(width, label(c).length());
        sb.append(String.format("%-" + width + "s %12s %12s%n", "clause", "firings", "cancelled"));
        for (Clause c : clauses) {
            long cancelled = c.cancellations().stream().mapToLong(Cancel::count).sum();
            sb.append(String.format("%-" + width + "s %12d %12d%n", label(c), c.firings(), cancelled));
            for (Cancel x : c.cancellations())
                sb.append("    ").append(x.count()).append(" x ").append(x.cause()).append(" at ").append(ByteChars.utf8(x.loc().toString()))
                        .append(x.count() > 1 ? ", the latest: " : ": ").append(x.description()).append('\n');
        }
        long dropped = drops.stream().mapToLong(Drop::count).sum();
        if (dropped == 0) sb.append("drops: none\n");
        else for (Drop d : drops) if (d.count() > 0) sb.append("dropped: ").append(d.count()).append(' ').append(d.what()).append('\n');
        for (String a : pendingAggregates) sb.append(a.endsWith("\n") ? a : a + "\n");
        return sb.toString();
    }

    private static String label(Clause c) { return ByteChars.utf8(c.spec() + " (" + c.loc() + ")"); }
}
