// Reports VP diagnostics, stopping once the list is full so that megabytes of garbage stay cheap.
package dev.vp.compiler.parse.vp;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.Span;

/** A thin front over Diagnostics shared by the VP reader and builder. */
final class Reporter {
    private final Diagnostics diags;

    Reporter(Diagnostics diags) { this.diags = diags; }

    void error(Code code, Span span, String message) {
        // Past the cap Diagnostics drops the entry anyway; once an error is counted, more add nothing.
        if (diags.all().size() >= Diagnostics.LIMIT && diags.hasErrors()) return;
        diags.error(code, span, message);
    }

    void warning(Code code, Span span, String message) {
        if (diags.all().size() >= Diagnostics.LIMIT) return;
        diags.warning(code, span, message);
    }

    /** Source text quoted in a message, cut short so that a megabyte token does not make a megabyte message. */
    static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
