package dev.vp.compiler.ir;

import dev.vp.compiler.lang.Domain;
import java.util.List;

/**
 * A whole lowered script: its data (globals, aggregates, bags, constants, formats), its functions and its
 * probe clauses. Backends and the interpreter read only this.
 */
public record IrProgram(List<Global> globals, List<Aggr> aggrs, List<Bag> bags, List<String> strings,
                        List<Format> formats, List<IrFunction> functions, List<Probe> probes, Limits limits) {
    public IrProgram {
        globals = List.copyOf(globals); aggrs = List.copyOf(aggrs); bags = List.copyOf(bags);
        strings = List.copyOf(strings); formats = List.copyOf(formats); functions = List.copyOf(functions);
        probes = List.copyOf(probes);
    }

    /** A script variable. perVcpu: one copy per vCPU (perthread) or one for the VM (pervm). */
    public record Global(String name, boolean string, boolean perVcpu, long initInt, String initString) {}

    /** capacity: entries per vCPU table. */
    public record Aggr(String name, int intKeys, int strKeys, int capacity) {}

    public record Bag(String name, int capacity) {}

    /** A printf/sprintf/assert format, checked at compile time; args says which arguments are strings. */
    public record Format(String text, List<Boolean> stringArgs) {}

    /**
     * A probe clause. point is the resolved point name (a static probe, or GUEST:ENTER etc.); symbol and
     * address are for guest probes (address resolved at compile time when symbols are known, else 0);
     * function indexes into functions; readsVcpuState and needsIoctl drive what the runtime prepares.
     */
    public record Probe(String spec, Domain domain, String point, String symbol, long address, long periodNs,
                        int function, boolean readsVcpuState, boolean needsIoctl, Loc loc) {}

    /** The per-firing limits both engines enforce. */
    public record Limits(long stackBytes, long loopFuel, int stringBytes) {}
}
