// textDocument/formatting: the shared formatter (`vp fmt`'s) as one whole-document edit.
package dev.vp.lsp;

import dev.vp.compiler.format.ScriptFormatter;
import java.util.List;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;

final class FormattingHandler {
    private FormattingHandler() {}

    /** No edit when the text is already formatted. */
    static List<TextEdit> format(String text, boolean vp) {
        String formatted = ScriptFormatter.format(text, vp);
        if (formatted.equals(text)) return List.of();
        Position end = Lsp.position(text, text.length());
        return List.of(new TextEdit(new Range(new Position(0, 0), end), formatted));
    }
}
