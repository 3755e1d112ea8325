package dev.vp.compiler.diag;

import dev.vp.compiler.source.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Collects the diagnostics of one compilation, in the order they are found. */
public final class Diagnostics {
    /** A hard cap so that garbage input cannot produce an unbounded list. */
    public static final int LIMIT = 1000;

    private final List<Diagnostic> list = new ArrayList<>();
    private int errors;
    private boolean truncated;

    public Diagnostic add(Diagnostic d) {
        if (d.isError()) errors++;
        if (list.size() < LIMIT) list.add(d); else truncated = true;
        return d;
    }

    public Diagnostic error(Code code, Span span, String message) { return add(new Diagnostic(code, Severity.ERROR, message, span, List.of(), List.of())); }
    public Diagnostic warning(Code code, Span span, String message) { return add(new Diagnostic(code, Severity.WARNING, message, span, List.of(), List.of())); }
    public Diagnostic report(Code code, Span span, String message) { return add(new Diagnostic(code, message, span)); }

    public List<Diagnostic> all() { return Collections.unmodifiableList(list); }
    public boolean hasErrors() { return errors > 0; }
    public int errorCount() { return errors; }
    public boolean truncated() { return truncated; }
    public void addAll(Diagnostics other) { other.list.forEach(this::add); }
}
