package dev.vp.compiler.ast;

import dev.vp.compiler.source.Span;

/**
 * A probe specification as written (LANGUAGE.md section 2). Which fields are set depends on the kind:
 * STATIC uses name; ADDRESS uses number; SYMBOL, ENTER, EXIT, READ, WRITE use symbol (maybe "module!name",
 * or a number when symbol is null); OFFSET uses symbol and number; TIMER and PROFILE use number and unit.
 * domain is null when omitted. legacy is the deprecated spelling it was written in (USEC, GUEST_READ,
 * GUEST_WRITE), or null.
 */
public record ProbeSpec(Span span, String domain, Kind kind, String name, String symbol, long number, String unit,
                        String legacy) implements Node {

    public enum Kind { STATIC, ADDRESS, SYMBOL, OFFSET, ENTER, EXIT, READ, WRITE, TIMER, PROFILE }

    /** The spelling a user would write, normalised (used in messages, probe tables and PROBENAME). */
    public String text() {
        String d = domain == null ? "" : domain + ":";
        String target = symbol != null ? symbol : "0x" + Long.toHexString(number);
        return d + switch (kind) {
            case STATIC -> name;
            case ADDRESS, SYMBOL -> target;
            case OFFSET -> "OFFSET:" + symbol + ":" + Long.toUnsignedString(number);
            case ENTER -> "ENTER:" + target;
            case EXIT -> "EXIT:" + target;
            case READ -> "READ:" + target;
            case WRITE -> "WRITE:" + target;
            case TIMER -> "TIMER:" + Long.toUnsignedString(number) + unit;
            case PROFILE -> "PROFILE:" + Long.toUnsignedString(number) + unit;
        };
    }
}
