package dev.vp.compiler.parse.emmett;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.parse.SpanMap;
import dev.vp.compiler.source.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the lexer's, parser's and builder's diagnostics keyed by their offset in the preprocessed text,
 * so that they reach the caller in source order although the phases find them at different times.
 */
final class Reporter {
    private record Entry(int offset, Diagnostic diagnostic) {}

    private final SpanMap map;
    private final List<Entry> entries = new ArrayList<>();

    Reporter(SpanMap map) { this.map = map; }

    Span span(int start, int end) { return map.span(start, Math.max(start, end)); }

    Diagnostic error(Code code, int start, int end, String message) {
        return add(start, new Diagnostic(code, message, span(start, end)));
    }

    Diagnostic add(int offset, Diagnostic d) {
        // Garbage input can produce millions of errors; more than the sink keeps would only cost memory.
        if (entries.size() <= Diagnostics.LIMIT) entries.add(new Entry(offset, d));
        return d;
    }

    /** Whether a diagnostic was reported at this offset, e.g. by the lexer about the literal that starts there. */
    boolean reportedAt(int offset) {
        return entries.stream().anyMatch(e -> e.offset() == offset);
    }

    void flushTo(Diagnostics out) {
        entries.sort(Comparator.comparingInt(Entry::offset));
        for (Entry e : entries) out.add(e.diagnostic());
    }
}
