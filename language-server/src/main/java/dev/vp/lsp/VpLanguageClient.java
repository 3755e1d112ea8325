// The client side of vp's protocol: standard LSP plus the budget meter and probe output notifications.
package dev.vp.lsp;

import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.services.LanguageClient;

/** What the server sends beyond LSP; the VS Code extension's status bar and output channel listen. */
public interface VpLanguageClient extends LanguageClient {

    /** After each compile of an open document. codeBytes is null while the build has no backend to measure code. */
    record BudgetReport(String uri, Long codeBytes, long codeLimit, Long dataBytes, long dataLimit) {}

    /** Text a deployed probe printed. */
    record Output(String text) {}

    @JsonNotification("vp/budget")
    void budget(BudgetReport report);

    @JsonNotification("vp/output")
    void output(Output output);
}
