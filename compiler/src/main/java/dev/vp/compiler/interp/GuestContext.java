// What a firing can see of its vCPU and host: built-in variables, host time and guest memory.
package dev.vp.compiler.interp;

import dev.vp.compiler.lang.Builtin;

/**
 * The interpreter's view of one firing's surroundings. The interpreter answers VCPUID and NUMVCPUS itself
 * and takes PROBENAME from the program; every other integer built-in (registers, ARG0-9, TSC, exit fields)
 * comes from {@link #read}. Linear guest reads translate through read(CR3).
 */
public interface GuestContext {
    long read(Builtin var);

    /** Host time in microseconds (getsystemtime()). */
    long hostMicros();

    GuestMemory memory();
}
