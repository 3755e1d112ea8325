// workspace/*: commands, settings and changes to files the open scripts depend on.
package dev.vp.lsp;

import dev.vp.compiler.source.SourceFile;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.services.WorkspaceService;

/** A changed file on disk may be an include, a vp.json, a catalog or a symbol file: everything open recompiles. */
final class VpWorkspaceService implements WorkspaceService {
    private final VpLanguageServer server;

    VpWorkspaceService(VpLanguageServer server) { this.server = server; }

    @Override
    public CompletableFuture<Object> executeCommand(ExecuteCommandParams p) {
        try {
            return server.commands.execute(p.getCommand(), p.getArguments());
        } catch (ResponseErrorException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            server.internalError(e);
            return CompletableFuture.failedFuture(CommandHandler.error("internal error running " + p.getCommand() + ": " + e));
        }
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams p) {
        server.settings(Settings.read(p.getSettings(), server.settings()));
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams p) {
        // A changed script can only be an include: the setups (catalog, symbol files) stay.
        if (server.shutDown()) return;
        boolean scriptsOnly = p.getChanges().stream().allMatch(e -> SourceFile.isScript(e.getUri()) || e.getUri().endsWith(".h"));
        if (scriptsOnly) server.documents.recompileAll();
        else server.documents.invalidateSetups();
    }
}
