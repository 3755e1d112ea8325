package dev.vp.compiler.diag;

import dev.vp.compiler.source.Span;
import java.util.List;

/** One finding about a script: a stable code, a severity, a message, where, and optional notes and fixes. */
public record Diagnostic(Code code, Severity severity, String message, Span span, List<Label> labels, List<Fix> fixes) {
    public Diagnostic {
        labels = List.copyOf(labels);
        fixes = List.copyOf(fixes);
    }

    public Diagnostic(Code code, String message, Span span) {
        this(code, code.severity(), message, span, List.of(), List.of());
    }

    public Diagnostic withLabel(Span s, String note) {
        var l = new java.util.ArrayList<>(labels);
        l.add(new Label(s, note));
        return new Diagnostic(code, severity, message, span, l, fixes);
    }

    public Diagnostic withFix(Fix fix) {
        var f = new java.util.ArrayList<>(fixes);
        f.add(fix);
        return new Diagnostic(code, severity, message, span, labels, f);
    }

    public boolean isError() { return severity == Severity.ERROR; }
}
