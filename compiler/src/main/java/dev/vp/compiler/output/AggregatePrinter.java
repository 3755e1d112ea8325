// Renders an aggregate, merged over the vCPUs' tables, in VProbes' exact logaggr text.
package dev.vp.compiler.output;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * logaggr's text (LANGUAGE.md section 7): a header, one line per entry sorted by integer keys (unsigned)
 * then string keys (bytewise), and a drop line when updates were dropped. Every line ends with a newline.
 */
public final class AggregatePrinter {
    private AggregatePrinter() {}

    private static final Comparator<AggregateTable.Key> KEY_ORDER = (a, b) -> {
        int c = Arrays.compareUnsigned(a.ints(), b.ints());
        return c != 0 ? c : Arrays.compare(a.strs(), b.strs());
    };

    /** Merges the tables (one per vCPU, all of the same shape) and prints them under name. */
    public static String print(String name, List<AggregateTable> tables) {
        if (tables.isEmpty()) throw new IllegalArgumentException("aggregate " + name + " has no tables to print");
        AggregateTable first = tables.getFirst();
        var merged = new TreeMap<AggregateTable.Key, AggregateTable.Entry>(KEY_ORDER);
        long dropped = 0;
        for (AggregateTable t : tables) {
            if (t.intKeys() != first.intKeys() || t.strKeys() != first.strKeys()) {
                throw new IllegalArgumentException("aggregate " + name + ": tables of different shapes cannot merge");
            }
            AggregateTable.mergeInto(merged, t.entries().entrySet());
            dropped += t.dropped();
        }
        var out = new StringBuilder();
        out.append("aggr: ").append(name)
           .append(" (").append(first.intKeys()).append(first.intKeys() == 1 ? " integer key)" : " integer keys)")
           .append(" (").append(first.strKeys()).append(first.strKeys() == 1 ? " string key)" : " string keys)")
           .append('\n');
        for (Map.Entry<AggregateTable.Key, AggregateTable.Entry> kv : merged.entrySet()) {
            out.append(name);
            appendKeys(out, kv.getKey());
            AggregateTable.Entry e = kv.getValue();
            out.append(" == avg ").append(Long.toUnsignedString(Long.divideUnsigned(e.sum(), e.count())))
               .append(" count ").append(Long.toUnsignedString(e.count()))
               .append(" min ").append(Long.toUnsignedString(e.min()))
               .append(" max ").append(Long.toUnsignedString(e.max()))
               .append(" latest ").append(Long.toUnsignedString(e.latest()))
               .append('\n');
        }
        if (dropped != 0) {
            out.append(name).append(": ").append(Long.toUnsignedString(dropped))
               .append(" updates dropped (capacity ").append(first.capacity()).append(")\n");
        }
        return out.toString();
    }

    private static void appendKeys(StringBuilder out, AggregateTable.Key key) {
        if (key.ints().length + key.strs().length == 0) return;
        out.append('[');
        String sep = "";
        for (long k : key.ints()) { out.append(sep).append("0x").append(Long.toHexString(k)); sep = ", "; }
        for (String s : key.strs()) { out.append(sep).append('"').append(s).append('"'); sep = ", "; }
        out.append(']');
    }
}
