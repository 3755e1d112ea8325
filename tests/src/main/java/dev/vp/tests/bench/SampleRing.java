// Durations recorded by one thread into a fixed ring, summarised by another without stopping the writer.
package dev.vp.tests.bench;

import java.util.Arrays;

/**
 * The vCPU thread calls {@link #record} (no allocation, no lock); the benchmark thread takes a {@link #mark} before
 * a measurement window and a {@link #since} summary after it. Only the most recent {@code capacity} samples of a
 * window are kept, which is plenty for a minimum and a median.
 */
public final class SampleRing {
    private final long[] samples;
    private volatile long written;

    public SampleRing(int capacity) {
        if (Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
        samples = new long[capacity];
    }

    /** Single writer. */
    public void record(long nanos) {
        long n = written;
        samples[(int) (n & (samples.length - 1))] = nanos;
        written = n + 1;
    }

    public long mark() { return written; }

    /** Minimum, median, 99th percentile and count of the samples recorded after {@code mark}. */
    public Summary since(long mark) {
        long end = written, start = Math.max(mark, end - samples.length);
        long[] s = new long[(int) (end - start)];
        for (long i = start; i < end; i++) s[(int) (i - start)] = samples[(int) (i & (samples.length - 1))];
        return Summary.of(s, end - mark);
    }

    /** Figures over a set of durations in nanoseconds; {@code total} counts every event, also those not kept. */
    public record Summary(long total, long min, long median, long p99) {
        public static Summary of(long[] values, long total) {
            if (values.length == 0) return new Summary(total, 0, 0, 0);
            long[] s = values.clone();
            Arrays.sort(s);
            return new Summary(total, s[0], s[s.length / 2], s[(int) Math.min(s.length - 1, (long) s.length * 99 / 100)]);
        }

        @Override public String toString() { return "min " + min + " / median " + median + " / p99 " + p99 + " ns (" + total + " firings)"; }
    }
}
