// textDocument/codeAction: the fixes the compiler's diagnostics carry, as quick fixes.
package dev.vp.lsp;

import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Fix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/** Every diagnostic of the main file whose span touches [start, end] offers each of its fixes. */
final class CodeActionHandler {
    private CodeActionHandler() {}

    static List<Either<Command, CodeAction>> actions(Snapshot s, int start, int end) {
        List<Either<Command, CodeAction>> out = new ArrayList<>();
        for (Diagnostic d : s.diagnostics()) {
            if (d.fixes().isEmpty() || d.span().file() != s.main || d.span().end() < start || d.span().start() > end) continue;
            for (Fix fix : d.fixes()) {
                Map<String, List<TextEdit>> changes = new LinkedHashMap<>();
                for (dev.vp.compiler.diag.TextEdit e : fix.edits())
                    changes.computeIfAbsent(s.uriOf(e.span().file()), k -> new ArrayList<>()).add(new TextEdit(Lsp.range(e.span()), e.replacement()));
                CodeAction a = new CodeAction(fix.title());
                a.setKind(CodeActionKind.QuickFix);
                a.setDiagnostics(List.of(DiagnosticsPublisher.convert(s, d)));
                a.setEdit(new WorkspaceEdit(changes));
                if (d.fixes().size() == 1) a.setIsPreferred(true);
                out.add(Either.forRight(a));
            }
        }
        return out;
    }
}
