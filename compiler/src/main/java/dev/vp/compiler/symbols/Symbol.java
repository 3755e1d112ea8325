// One guest symbol: a name, where it is, how big, what it is, and which module it belongs to.
package dev.vp.compiler.symbols;

/**
 * A guest symbol as the compiler sees it. Addresses are guest linear addresses, compared unsigned (kernel
 * addresses have the top bit set).
 *
 * @param size   bytes, 0 when the source does not say (kallsyms and System.map never do)
 * @param module the module from `[module]` in kallsyms or the one a feeder assigns, or null for none
 */
public record Symbol(String name, long address, long size, Kind kind, String module) {
    public enum Kind { FUNC, OBJECT, OTHER }

    public Symbol {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a symbol needs a name");
    }

    public Symbol(String name, long address, long size, Kind kind) { this(name, address, size, kind, null); }

    /** "module!name", or just the name when there is no module. */
    public String qualifiedName() { return module == null ? name : module + "!" + name; }
}
