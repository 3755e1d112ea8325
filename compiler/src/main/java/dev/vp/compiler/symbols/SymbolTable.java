// The guest symbols a script is checked against: lookup by name, nearest symbol by address, and patchable sites.
package dev.vp.compiler.symbols;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable set of guest symbols. Names resolve as {@code name} or {@code module!name}; addresses resolve to
 * the nearest symbol at or below them ({@code gueststack} prints "name+0x12").
 *
 * <p>One rule settles every name conflict: <b>a later entry wins</b>. Within one list that means the last line of a
 * file that defines a name; across {@link #merge merged} tables it means the later table, so the symbol files
 * given after the guest image (`-s FILE`, the project's "symbols") override the image's own symbols, as a
 * later command-line option overrides an earlier one. A plain {@code name} finds a symbol without a module
 * first, else the latest module symbol of that name.
 */
public final class SymbolTable {
    private static final SymbolTable EMPTY = new SymbolTable(List.of(), new long[0]);

    private final List<Symbol> symbols;
    private final Map<String, Symbol> plain = new HashMap<>();
    private final Map<String, Symbol> qualified = new HashMap<>();
    private final long[] addresses;       // sorted unsigned; parallel to atAddress
    private final Symbol[] atAddress;
    private final long[] patchable;       // sorted unsigned, no duplicates

    private SymbolTable(List<Symbol> entries, long[] patchableSites) {
        symbols = List.copyOf(entries);
        for (Symbol s : symbols) {
            if (s.module() != null) qualified.put(s.qualifiedName(), s);
            Symbol old = plain.get(s.name());
            if (s.module() == null || old == null || old.module() != null) plain.put(s.name(), s);
        }
        // At one address, the order puts the preferred symbol last (FUNC, then OBJECT, then OTHER), because
        // lookups take the last entry at or below an address.
        List<Symbol> placed = new ArrayList<>();
        for (Symbol s : symbols) if (s.address() != 0) placed.add(s);
        placed.sort((a, b) -> {
            int c = Long.compareUnsigned(a.address(), b.address());
            return c != 0 ? c : Integer.compare(b.kind().ordinal(), a.kind().ordinal());
        });
        addresses = new long[placed.size()];
        atAddress = placed.toArray(new Symbol[0]);
        for (int i = 0; i < atAddress.length; i++) addresses[i] = atAddress[i].address();
        patchable = sortedUnique(patchableSites);
    }

    public static SymbolTable empty() { return EMPTY; }

    /** A table from a list of entries (the ELF reader's symbols, say); later entries win. */
    public static SymbolTable of(List<Symbol> symbols) { return of(symbols, new long[0]); }

    /** A table with the addresses where execution probes can be armed (patchable function entries). */
    public static SymbolTable of(List<Symbol> symbols, long[] patchableSites) {
        return symbols.isEmpty() && patchableSites.length == 0 ? EMPTY : new SymbolTable(symbols, patchableSites.clone());
    }

    /** The union of several tables; for a name in several, the later table wins. Patchable sites are united. */
    public static SymbolTable merge(List<SymbolTable> tables) {
        List<Symbol> all = new ArrayList<>();
        long[] sites = new long[0];
        for (SymbolTable t : tables) {
            all.addAll(t.symbols);
            long[] more = Arrays.copyOf(sites, sites.length + t.patchable.length);
            System.arraycopy(t.patchable, 0, more, sites.length, t.patchable.length);
            sites = more;
        }
        return of(all, sites);
    }

    /** The symbol written as "name" or "module!name", or null. */
    public Symbol lookup(String name) {
        return name.indexOf('!') >= 0 ? qualified.get(name) : plain.get(name);
    }

    /**
     * The symbol that contains an address: the nearest at or below it, unless its size is known and the address
     * lies past its end. A symbol of unknown size reaches up to the next symbol. Null when none.
     */
    public Symbol symbolAt(long address) {
        int lo = 0, hi = addresses.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addresses[mid], address) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (found < 0) return null;
        Symbol s = atAddress[found];
        if (s.size() > 0 && Long.compareUnsigned(address - s.address(), s.size()) >= 0) return null;
        return s;
    }

    /** "name", "name+0x12" or "module!name+0x12" for an address inside a symbol, else "0x..." alone. */
    public String describe(long address) {
        Symbol s = symbolAt(address);
        if (s == null) return "0x" + Long.toHexString(address);
        long off = address - s.address();
        return off == 0 ? s.qualifiedName() : s.qualifiedName() + "+0x" + Long.toHexString(off);
    }

    /** Every name a script may write: plain names and "module!name" forms, sorted (for completion and hints). */
    public Set<String> names() {
        TreeSet<String> out = new TreeSet<>(plain.keySet());
        out.addAll(qualified.keySet());
        return Collections.unmodifiableSet(out);
    }

    /**
     * Every entry in the order given, including those a later one shadows by name: a shadowed symbol still
     * names its own addresses (kallsyms lists many static functions of the same name).
     */
    public List<Symbol> symbols() { return symbols; }

    public boolean isEmpty() { return symbols.isEmpty(); }

    /** A copy of the patchable sites, sorted (unsigned) without duplicates; empty when the source gave none. */
    public long[] patchableSites() { return patchable.clone(); }

    /** Whether the table knows the patchable sites at all (an ELF image does; kallsyms does not). */
    public boolean knowsPatchableSites() { return patchable.length > 0; }

    public boolean isPatchable(long address) {
        int lo = 0, hi = patchable.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(patchable[mid], address);
            if (c == 0) return true;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return false;
    }

    private static long[] sortedUnique(long[] sites) {
        // Sorting with the sign bit flipped orders the values as unsigned.
        long[] s = new long[sites.length];
        for (int i = 0; i < s.length; i++) s[i] = sites[i] ^ Long.MIN_VALUE;
        Arrays.sort(s);
        int n = 0;
        for (int i = 0; i < s.length; i++) if (n == 0 || s[i] != s[n - 1]) s[n++] = s[i];
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = s[i] ^ Long.MIN_VALUE;
        return out;
    }

    @Override public String toString() { return "SymbolTable(" + symbols.size() + " symbols, " + patchable.length + " patchable sites)"; }
}
