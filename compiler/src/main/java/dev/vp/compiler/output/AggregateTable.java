// One vCPU's table of one aggregate: a fixed number of keyed entries, with drops counted when it is full.
package dev.vp.compiler.output;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * A fixed-capacity aggregate table (one per vCPU per aggregate). Each entry keeps count, sum, min, max and
 * latest; values are unsigned 64-bit, so min and max compare unsigned and sum wraps. An update with a new
 * key when the table holds capacity entries is dropped and counted.
 */
public final class AggregateTable {
    private final int intKeys;
    private final int strKeys;
    private final int capacity;
    private final Map<Key, Entry> entries = new HashMap<>();
    private long dropped;

    public AggregateTable(int intKeys, int strKeys, int capacity) {
        if (intKeys < 0 || strKeys < 0 || capacity < 1) {
            throw new IllegalArgumentException("aggregate table needs key counts >= 0 and capacity >= 1, got ["
                    + intKeys + "][" + strKeys + "] capacity " + capacity);
        }
        this.intKeys = intKeys;
        this.strKeys = strKeys;
        this.capacity = capacity;
    }

    /** The keys of an entry: integer keys then string keys. */
    public record Key(long[] ints, String[] strs) {
        @Override public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(ints, k.ints) && Arrays.equals(strs, k.strs);
        }
        @Override public int hashCode() { return 31 * Arrays.hashCode(ints) + Arrays.hashCode(strs); }
        @Override public String toString() { return Arrays.toString(ints) + Arrays.toString(strs); }
    }

    /** An entry's figures. time is when latest was set (the firing's TSC), so merged tables keep the newest. */
    public static final class Entry {
        long count, sum, min, max, latest, time;

        public long count() { return count; }
        public long sum() { return sum; }
        public long min() { return min; }
        public long max() { return max; }
        public long latest() { return latest; }
        public long time() { return time; }

        void add(long value, long at) {
            if (count == 0) { min = value; max = value; }
            else {
                if (Long.compareUnsigned(value, min) < 0) min = value;
                if (Long.compareUnsigned(value, max) > 0) max = value;
            }
            count++;
            sum += value;
            latest = value;
            time = at;
        }

        void merge(Entry other) {
            if (other.count == 0) return;
            if (count == 0) { min = other.min; max = other.max; }
            else {
                if (Long.compareUnsigned(other.min, min) < 0) min = other.min;
                if (Long.compareUnsigned(other.max, max) > 0) max = other.max;
            }
            if (count == 0 || Long.compareUnsigned(other.time, time) > 0) { latest = other.latest; time = other.time; }
            count += other.count;
            sum += other.sum;
        }
    }

    /**
     * Adds value under the keys at time (the firing's TSC). Returns false when the update was dropped.
     * The arrays are kept when a new entry is created: pass fresh ones.
     */
    public boolean add(long[] ints, String[] strs, long value, long time) {
        Entry e = entryFor(ints, strs);
        if (e == null) return false;
        e.add(value, time);
        return true;
    }

    /** The entry for these keys, created when new; null (and one more drop counted) when the table is full. */
    private Entry entryFor(long[] ints, String[] strs) {
        if (ints.length != intKeys || strs.length != strKeys) {
            throw new IllegalArgumentException("aggregate takes " + intKeys + " integer and " + strKeys
                    + " string keys, got " + ints.length + " and " + strs.length);
        }
        Key key = new Key(ints, strs);
        Entry e = entries.get(key);
        if (e == null) {
            if (entries.size() >= capacity) { dropped++; return null; }
            e = new Entry();
            entries.put(key, e);
        }
        return e;
    }

    /** Counts updates that were dropped where the figures were kept (a native table read by the host). */
    public void addDropped(long updates) { dropped += updates; }

    /**
     * Merges an entry with the given figures under the keys, as a native table's entry arrives at the host;
     * a new key in a full table is dropped and counted like {@link #add}. Pass fresh arrays.
     */
    public boolean addEntry(long[] ints, String[] strs, long count, long sum, long min, long max, long latest, long time) {
        Entry e = entryFor(ints, strs);
        if (e == null) return false;
        Entry other = new Entry();
        other.count = count; other.sum = sum; other.min = min; other.max = max; other.latest = latest; other.time = time;
        e.merge(other);
        return true;
    }

    /** Empties the table and its drop count. */
    public void clear() { entries.clear(); dropped = 0; }

    public int intKeys() { return intKeys; }
    public int strKeys() { return strKeys; }
    public int capacity() { return capacity; }
    public long dropped() { return dropped; }
    public int size() { return entries.size(); }

    public Map<Key, Entry> entries() { return Collections.unmodifiableMap(entries); }

    /** Adds every entry of other into the merged map (for printing: not bounded by capacity). */
    static void mergeInto(Map<Key, Entry> merged, Collection<Map.Entry<Key, Entry>> other) {
        for (var kv : other) merged.computeIfAbsent(kv.getKey(), k -> new Entry()).merge(kv.getValue());
    }
}
