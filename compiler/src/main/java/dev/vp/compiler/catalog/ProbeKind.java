// The kinds of probe point other than a named static probe, as a catalog says whether its target supports them.
package dev.vp.compiler.catalog;

import dev.vp.compiler.ast.ProbeSpec;

/**
 * Dynamic and periodic probe kinds. OFFSET covers every execution probe at an address (`ADDR`, `SYM`,
 * `OFFSET:SYM:N`): for a monitor they are the same mechanism.
 */
public enum ProbeKind {
    ENTER, EXIT, OFFSET, READ, WRITE, TIMER, PROFILE;

    /** The catalog kind of a probe specification, or null for a static probe. */
    public static ProbeKind of(ProbeSpec.Kind kind) {
        return switch (kind) {
            case STATIC -> null;
            case ADDRESS, SYMBOL, OFFSET -> OFFSET;
            case ENTER -> ENTER;
            case EXIT -> EXIT;
            case READ -> READ;
            case WRITE -> WRITE;
            case TIMER -> TIMER;
            case PROFILE -> PROFILE;
        };
    }

    /** Guest execution kinds: they need an instruction site in the guest. */
    public boolean isExecution() { return this == ENTER || this == EXIT || this == OFFSET; }
}
