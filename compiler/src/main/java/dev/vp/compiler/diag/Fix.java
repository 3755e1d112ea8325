package dev.vp.compiler.diag;

import java.util.List;

/** A machine-applicable repair a diagnostic offers (editor code actions apply it). */
public record Fix(String title, List<TextEdit> edits) {
    public Fix { edits = List.copyOf(edits); }

    public static Fix replace(String title, dev.vp.compiler.source.Span span, String text) {
        return new Fix(title, List.of(new TextEdit(span, text)));
    }
}
