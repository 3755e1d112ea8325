// textDocument/*: keeps documents in sync and routes each request to its handler over a snapshot.
package dev.vp.lsp;

import dev.vp.compiler.source.SourceFile;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.FoldingRange;
import org.eclipse.lsp4j.FoldingRangeRequestParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.PrepareRenameDefaultBehavior;
import org.eclipse.lsp4j.PrepareRenameParams;
import org.eclipse.lsp4j.PrepareRenameResult;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.SignatureHelp;
import org.eclipse.lsp4j.SignatureHelpParams;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.Either3;
import org.eclipse.lsp4j.services.TextDocumentService;

/**
 * Requests whose answer is tied to positions (hover, definition, symbols, lenses...) wait for the snapshot of
 * the current text, up to {@link #WAIT_SECONDS}, then use the newest one there is. Completion, signature help
 * and formatting never wait: they read the live text.
 */
final class VpTextDocumentService implements TextDocumentService {
    static final long WAIT_SECONDS = 2;

    private final VpLanguageServer server;
    private final Documents documents;

    VpTextDocumentService(VpLanguageServer server) {
        this.server = server;
        this.documents = server.documents;
    }

    // ---------------------------------------------------------------- synchronisation

    @Override
    public void didOpen(DidOpenTextDocumentParams p) {
        var d = p.getTextDocument();
        if (!isScript(d.getUri(), d.getLanguageId())) return;  // a client that syncs other files too (vp.json): not a script
        guard(() -> {
            server.publisher.opened(d.getUri());
            documents.open(d.getUri(), d.getLanguageId(), d.getText() == null ? "" : d.getText(), d.getVersion());
        });
    }

    static boolean isScript(String uri, String languageId) {
        return SourceFile.isScript(uri) || "emmett".equals(languageId) || "vp".equals(languageId);
    }

    @Override
    public void didChange(DidChangeTextDocumentParams p) {
        Documents.Doc d = documents.get(p.getTextDocument().getUri());
        if (d == null) return;
        guard(() -> {
            String text = d.text;
            for (TextDocumentContentChangeEvent c : p.getContentChanges()) {
                String replacement = c.getText() == null ? "" : c.getText();
                if (c.getRange() == null) { text = replacement; continue; }
                int a = Lsp.offset(text, c.getRange().getStart()), b = Lsp.offset(text, c.getRange().getEnd());
                if (b < a) { int t = a; a = b; b = t; }
                text = text.substring(0, a) + replacement + text.substring(b);
            }
            Integer v = p.getTextDocument().getVersion();
            documents.change(d, text, v == null ? d.version + 1 : v);
        });
    }

    @Override
    public void didClose(DidCloseTextDocumentParams p) {
        guard(() -> {
            documents.close(p.getTextDocument().getUri());
            server.publisher.clear(p.getTextDocument().getUri());
        });
    }

    @Override
    public void didSave(DidSaveTextDocumentParams p) {
        if (p.getTextDocument().getUri().endsWith("vp.json")) guard(documents::invalidateSetups);
    }

    // ---------------------------------------------------------------- requests over the live text

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams p) {
        return live(p.getTextDocument().getUri(), Either.forRight(new CompletionList(false, List.of())),
                d -> Either.forRight(CompletionHandler.complete(d.text, d.isVp(), Lsp.offset(d.text, p.getPosition()), d.latest, d.lastClean)));
    }

    @Override
    public CompletableFuture<SignatureHelp> signatureHelp(SignatureHelpParams p) {
        return live(p.getTextDocument().getUri(), null, d -> SignatureHelpHandler.help(d.text, Lsp.offset(d.text, p.getPosition()),
                CompletionHandler.usable(d.latest, d.lastClean)));
    }

    @Override
    public CompletableFuture<List<? extends TextEdit>> formatting(DocumentFormattingParams p) {
        return live(p.getTextDocument().getUri(), List.of(), d -> FormattingHandler.format(d.text, d.isVp()));
    }

    // ---------------------------------------------------------------- requests over the current snapshot

    @Override
    public CompletableFuture<Hover> hover(HoverParams p) {
        return current(p.getTextDocument().getUri(), null, s -> HoverHandler.hover(s, Lsp.offset(s.main.text(), p.getPosition())));
    }

    @Override
    public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(DefinitionParams p) {
        return current(p.getTextDocument().getUri(), Either.forLeft(List.of()),
                s -> Either.forLeft(DefinitionHandler.definition(s, Lsp.offset(s.main.text(), p.getPosition()))));
    }

    @Override
    public CompletableFuture<List<? extends Location>> references(ReferenceParams p) {
        boolean decl = p.getContext() == null || p.getContext().isIncludeDeclaration();
        return current(p.getTextDocument().getUri(), List.of(), s -> {
            int at = Lsp.offset(s.main.text(), p.getPosition());
            return ReferencesHandler.references(s, at, decl, documents.includersOf(s, at));
        });
    }

    @Override
    public CompletableFuture<Either3<Range, PrepareRenameResult, PrepareRenameDefaultBehavior>> prepareRename(PrepareRenameParams p) {
        return current(p.getTextDocument().getUri(), null, s -> {
            Range r = RenameHandler.prepare(s, Lsp.offset(s.main.text(), p.getPosition()));
            return r == null ? null : Either3.forFirst(r);
        });
    }

    @Override
    public CompletableFuture<WorkspaceEdit> rename(RenameParams p) {
        return current(p.getTextDocument().getUri(), null, s -> {
            int at = Lsp.offset(s.main.text(), p.getPosition());
            return RenameHandler.rename(s, at, p.getNewName(), documents.includersOf(s, at));
        });
    }

    @Override
    public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(DocumentSymbolParams p) {
        return current(p.getTextDocument().getUri(), List.of(),
                s -> DocumentSymbolHandler.symbols(s).stream().map(Either::<SymbolInformation, DocumentSymbol>forRight).toList());
    }

    @Override
    public CompletableFuture<List<FoldingRange>> foldingRange(FoldingRangeRequestParams p) {
        return current(p.getTextDocument().getUri(), List.of(), s -> FoldingRangeHandler.ranges(s, s.isVp()));
    }

    @Override
    public CompletableFuture<SemanticTokens> semanticTokensFull(SemanticTokensParams p) {
        return current(p.getTextDocument().getUri(), new SemanticTokens(List.of()), s -> SemanticTokensHandler.tokens(s, s.isVp()));
    }

    @Override
    public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(CodeActionParams p) {
        if (p.getRange() == null) return CompletableFuture.failedFuture(Lsp.invalidParams("textDocument/codeAction needs a range"));
        return current(p.getTextDocument().getUri(), List.of(), s -> CodeActionHandler.actions(s,
                Lsp.offset(s.main.text(), p.getRange().getStart()), Lsp.offset(s.main.text(), p.getRange().getEnd())));
    }

    @Override
    public CompletableFuture<List<? extends CodeLens>> codeLens(CodeLensParams p) {
        return current(p.getTextDocument().getUri(), List.of(), CodeLensHandler::lenses);
    }

    // ---------------------------------------------------------------- plumbing

    /** Runs a handler on the live document (text, newest snapshots) on the request pool. */
    private <T> CompletableFuture<T> live(String uri, T none, Function<Documents.Doc, T> handler) {
        Documents.Doc d = documents.get(uri);
        if (d == null) return CompletableFuture.completedFuture(none);
        return CompletableFuture.supplyAsync(() -> safely(() -> handler.apply(d), none), server.requests);
    }

    /** Runs a handler on the snapshot of the current text (or the newest one, after a wait). */
    private <T> CompletableFuture<T> current(String uri, T none, Function<Snapshot, T> handler) {
        Documents.Doc d = documents.get(uri);
        if (d == null) return CompletableFuture.completedFuture(none);
        return d.current().copy().completeOnTimeout(null, WAIT_SECONDS, TimeUnit.SECONDS).thenApplyAsync(s -> {
            Snapshot snap = s != null ? s : d.latest;
            return snap == null ? none : safely(() -> handler.apply(snap), none);
        }, server.requests);
    }

    private <T> T safely(Supplier<T> work, T none) {
        try {
            return work.get();
        } catch (ResponseErrorException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            server.internalError(e);
            return none;
        }
    }

    private void guard(Runnable r) {
        if (server.shutDown()) return;
        try {
            r.run();
        } catch (RuntimeException e) {
            server.internalError(e);
        }
    }
}
