// How one firing ended: normally, through exit(), or cancelled with a cause, a location and a description.
package dev.vp.compiler.interp;

import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.Loc;

/** cause, loc and description are set only for CANCELLED. */
public record FiringResult(Outcome outcome, Cause cause, Loc loc, String description) {
    public enum Outcome { COMPLETED, EXITED, CANCELLED }

    public static final FiringResult COMPLETED = new FiringResult(Outcome.COMPLETED, null, null, null);
    public static final FiringResult EXITED = new FiringResult(Outcome.EXITED, null, null, null);

    public static FiringResult cancelled(Cause cause, Loc loc, String description) {
        return new FiringResult(Outcome.CANCELLED, cause, loc, description);
    }

    @Override public String toString() {
        return outcome == Outcome.CANCELLED ? "cancelled " + cause.shortName + " at " + loc + ": " + description
                : outcome.name().toLowerCase(java.util.Locale.ROOT);
    }
}
