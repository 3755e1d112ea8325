// The language server: lifecycle and capabilities, wiring documents, compile jobs and one handler per feature.
package dev.vp.lsp;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionOptions;
import org.eclipse.lsp4j.CodeLensOptions;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.DidChangeWatchedFilesRegistrationOptions;
import org.eclipse.lsp4j.ExecuteCommandOptions;
import org.eclipse.lsp4j.FileSystemWatcher;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Registration;
import org.eclipse.lsp4j.RegistrationParams;
import org.eclipse.lsp4j.RenameOptions;
import org.eclipse.lsp4j.SemanticTokensWithRegistrationOptions;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.SignatureHelpOptions;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * Edits are applied on the protocol thread; compiles run on the compile thread ({@link Documents}); requests
 * run on a small pool and read immutable snapshots, so a slow request never delays typing or another request.
 * An unexpected exception in a handler is logged to the client as an error and the request answers empty:
 * the server keeps serving.
 */
public final class VpLanguageServer implements LanguageServer, LanguageClientAware {
    private volatile VpLanguageClient client;
    private volatile Settings settings = Settings.NONE;
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private volatile boolean shutdownRequested;
    private volatile boolean canWatchFiles;
    private final AtomicInteger internalErrors = new AtomicInteger();
    final ExecutorService requests = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "vp-request");
        t.setDaemon(true);
        return t;
    });
    final DiagnosticsPublisher publisher = new DiagnosticsPublisher(() -> client);
    final Documents documents;
    final CommandHandler commands;
    private final VpTextDocumentService textService;
    private final VpWorkspaceService workspaceService;

    public VpLanguageServer() { this(CodeSizer.NONE, DeployClient.UNAVAILABLE); }

    /** sizer measures code (the x64 backend's, once it exists); deployer reaches `vp vmm`. */
    public VpLanguageServer(CodeSizer sizer, DeployClient deployer) {
        documents = new Documents(sizer, publisher::publish, this::internalError);
        commands = new CommandHandler(documents, deployer, () -> settings, text -> {
            VpLanguageClient c = client;
            if (c != null) c.output(new VpLanguageClient.Output(text));
        });
        textService = new VpTextDocumentService(this);
        workspaceService = new VpWorkspaceService(this);
    }

    @Override
    public void connect(LanguageClient c) { client = (VpLanguageClient) c; }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        settings = Settings.read(params.getInitializationOptions(), settings);
        var ws = params.getCapabilities() == null ? null : params.getCapabilities().getWorkspace();
        canWatchFiles = ws != null && ws.getDidChangeWatchedFiles() != null && Boolean.TRUE.equals(ws.getDidChangeWatchedFiles().getDynamicRegistration());
        ServerCapabilities caps = new ServerCapabilities();
        caps.setTextDocumentSync(TextDocumentSyncKind.Incremental);
        caps.setCompletionProvider(new CompletionOptions(false, List.of(".", ">", ":", "%", "#")));
        caps.setHoverProvider(true);
        caps.setSignatureHelpProvider(new SignatureHelpOptions(List.of("(", ",")));
        caps.setDefinitionProvider(true);
        caps.setReferencesProvider(true);
        caps.setRenameProvider(new RenameOptions(true));
        caps.setDocumentSymbolProvider(true);
        caps.setFoldingRangeProvider(true);
        caps.setSemanticTokensProvider(new SemanticTokensWithRegistrationOptions(SemanticTokensHandler.LEGEND, true));
        caps.setDocumentFormattingProvider(true);
        caps.setCodeActionProvider(new CodeActionOptions(List.of(CodeActionKind.QuickFix)));
        caps.setCodeLensProvider(new CodeLensOptions(false));
        caps.setExecuteCommandProvider(new ExecuteCommandOptions(CommandHandler.ALL));
        return CompletableFuture.completedFuture(new InitializeResult(caps, new ServerInfo("vp", dev.vp.lsp.LspMain.VERSION)));
    }

    /**
     * The files a script's setup and includes are read from (includes as scripts or, as in C, `.h` files; guest
     * images included: a rebuild moves their symbols); a client only reports the changes it was asked to watch.
     */
    static final List<String> WATCHED = List.of("**/*.json", "**/*.emt", "**/*.vp", "**/*.h", "**/System.map*", "**/*kallsyms*", "**/*.elf", "**/vmlinux*");

    /**
     * Asks the client to report changes to project files, catalogs, symbol files and includes on disk: without
     * this, editing vp.json or a catalog left every open script on its old setup until the server restarted.
     */
    @Override
    public void initialized(InitializedParams params) {
        VpLanguageClient c = client;
        if (!canWatchFiles || c == null) return;
        var watchers = WATCHED.stream().map(g -> new FileSystemWatcher(Either.forLeft(g))).toList();
        c.registerCapability(new RegistrationParams(List.of(new Registration("vp-watched-files", "workspace/didChangeWatchedFiles",
                new DidChangeWatchedFilesRegistrationOptions(watchers))))).exceptionally(e -> null);
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdownRequested = true;
        documents.shutdown();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        documents.shutdown();
        requests.shutdownNow();
        exited.complete(shutdownRequested ? 0 : 1);
    }

    @Override public TextDocumentService getTextDocumentService() { return textService; }

    @Override public WorkspaceService getWorkspaceService() { return workspaceService; }

    /** Completes with the exit code once the client sent `exit`: 0 after `shutdown`, 1 without (LSP's rule). */
    public CompletableFuture<Integer> exited() { return exited; }

    /** How many unexpected exceptions handlers and compile jobs hit (tests assert none). */
    public int internalErrors() { return internalErrors.get(); }

    /** After `shutdown` the compile thread is gone: LSP says notifications other than `exit` are then ignored. */
    boolean shutDown() { return shutdownRequested; }

    Settings settings() { return settings; }

    void settings(Settings s) { settings = s; }

    void internalError(Throwable e) {
        internalErrors.incrementAndGet();
        VpLanguageClient c = client;
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        if (c != null) c.logMessage(new MessageParams(MessageType.Error, "vp language server: internal error (please report): " + w));
    }
}
