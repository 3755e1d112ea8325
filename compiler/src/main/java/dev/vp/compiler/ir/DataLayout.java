package dev.vp.compiler.ir;

/**
 * The sizes of a program's data as every engine lays it out: the data budget, the runtime's arena and the
 * native code all use these numbers. Per-vCPU storage is counted once per vCPU.
 */
public final class DataLayout {
    private DataLayout() {}

    public static final int STRING_BYTES = 256;
    /** A word of hash and state, count, sum, min, max, latest, and latest's TSC (merges keep the newest). */
    public static final int AGGR_ENTRY_HEADER = 56;
    /** key, value and a state word. */
    public static final int BAG_ENTRY = 24;
    /** Table headers: an aggregate's used/dropped/generation words, a bag's dropped word (see x64 Abi). */
    public static final int AGGR_TABLE_HEADER = 24, BAG_HEADER = 8;

    public static long globalBytes(IrProgram.Global g) { return g.string() ? STRING_BYTES : 8; }

    public static long aggrEntryBytes(IrProgram.Aggr a) { return aggrEntryBytes(a.intKeys(), a.strKeys()); }

    /** An entry of an aggregate with these keys, in every engine and in a .vpo image's tables. */
    public static long aggrEntryBytes(int intKeys, int strKeys) {
        return AGGR_ENTRY_HEADER + 8L * intKeys + (long) STRING_BYTES * strKeys;
    }

    public static long aggrTableBytes(IrProgram.Aggr a) { return AGGR_TABLE_HEADER + aggrEntryBytes(a) * a.capacity(); }

    public static long bagBytes(IrProgram.Bag b) { return BAG_HEADER + (long) BAG_ENTRY * b.capacity(); }

    /** All data of a program for a target with this many vCPUs. */
    public static long totalBytes(IrProgram p, int vcpus) {
        long total = 0;
        for (IrProgram.Global g : p.globals()) total += globalBytes(g) * (g.perVcpu() ? vcpus : 1);
        for (IrProgram.Aggr a : p.aggrs()) total += aggrTableBytes(a) * vcpus;
        for (IrProgram.Bag b : p.bags()) total += bagBytes(b);
        for (String s : p.strings()) total += s.length() + 1;
        for (IrProgram.Format f : p.formats()) total += f.text().length() + 1;
        return total;
    }
}
