// A plain, settable GuestContext: built-in values in an array, for tests and the fake guest.
package dev.vp.compiler.interp;

import dev.vp.compiler.lang.Builtin;

/** A mutable GuestContext whose built-ins are set by the caller (all 0 at first). */
public final class GuestState implements GuestContext {
    private final long[] values = new long[Builtin.values().length];
    private final GuestMemory memory;
    private long hostMicros;

    public GuestState(GuestMemory memory) { this.memory = memory; }

    public GuestState set(Builtin var, long value) { values[var.ordinal()] = value; return this; }

    public GuestState setHostMicros(long micros) { hostMicros = micros; return this; }

    @Override public long read(Builtin var) { return values[var.ordinal()]; }

    @Override public long hostMicros() { return hostMicros; }

    @Override public GuestMemory memory() { return memory; }
}
