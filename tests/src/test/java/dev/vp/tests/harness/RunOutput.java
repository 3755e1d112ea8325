// Reads what `vp run` printed: aggregate entries (DTrace-style lines) and the unload report's per-clause counts.
package dev.vp.tests.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

record RunOutput(String text) {
    private static final Pattern ENTRY = Pattern.compile(
            "^(\\w+)\\[(.*)] == avg (\\d+) count (\\d+) min (\\d+) max (\\d+) latest (\\d+)$", Pattern.MULTILINE);
    private static final Pattern CLAUSE = Pattern.compile("^(\\S+) \\(.+:\\d+\\) +(\\d+) +(\\d+)$", Pattern.MULTILINE);

    /** One printed aggregate entry: its keys as printed ("0x1, \"read\""), and its five values. */
    record Entry(String aggregate, String keys, long avg, long count, long min, long max, long latest) {}

    /** Every entry of aggregate {@code name}, in output order (periodic logaggr blocks and the unload report). */
    List<Entry> entries(String name) { return entries(name, text); }

    private static List<Entry> entries(String name, String text) {
        List<Entry> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(text);
        while (m.find())
            if (m.group(1).equals(name))
                out.add(new Entry(name, m.group(2), Long.parseUnsignedLong(m.group(3)), Long.parseUnsignedLong(m.group(4)),
                        Long.parseUnsignedLong(m.group(5)), Long.parseUnsignedLong(m.group(6)), Long.parseUnsignedLong(m.group(7))));
        return out;
    }

    private int reportStart() {
        int at = text.lastIndexOf("\nclause ");
        if (at < 0) throw new AssertionError("no unload report in the output:\n" + text);
        return at;
    }

    /** Firings of the clause whose spec is {@code spec} in the unload report. */
    long firings(String spec) {
        Matcher m = CLAUSE.matcher(text.substring(reportStart()));
        while (m.find()) if (m.group(1).equals(spec)) return Long.parseLong(m.group(2));
        throw new AssertionError("no clause " + spec + " in the unload report:\n" + text.substring(reportStart()));
    }

    /** Cancellations of every clause in the unload report. */
    long cancellations() {
        long n = 0;
        Matcher m = CLAUSE.matcher(text.substring(reportStart()));
        while (m.find()) n += Long.parseLong(m.group(3));
        return n;
    }
}
