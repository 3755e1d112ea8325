// Starts the server in-process and drives it through LSP4J's client side over real JSON-RPC streams.
package dev.vp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesCapabilities;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.Registration;
import org.eclipse.lsp4j.RegistrationParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.services.LanguageServer;

/** A client that records what the server sends; every wait has a timeout so a broken server fails, never hangs. */
final class ServerHarness implements AutoCloseable {

    /** The client end: notifications land in queues and lists the tests read. */
    static final class Client implements VpLanguageClient {
        final BlockingQueue<PublishDiagnosticsParams> diagnostics = new LinkedBlockingQueue<>();
        final Map<String, PublishDiagnosticsParams> lastDiagnostics = new ConcurrentHashMap<>();
        final BlockingQueue<BudgetReport> budgets = new LinkedBlockingQueue<>();
        final List<MessageParams> logs = new CopyOnWriteArrayList<>();
        final List<Output> outputs = new CopyOnWriteArrayList<>();
        final List<Registration> registrations = new CopyOnWriteArrayList<>();

        @Override public void telemetryEvent(Object object) { }
        @Override public void publishDiagnostics(PublishDiagnosticsParams p) { lastDiagnostics.put(p.getUri(), p); diagnostics.add(p); }
        @Override public void showMessage(MessageParams p) { logs.add(p); }
        @Override public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) { return CompletableFuture.completedFuture(null); }
        @Override public void logMessage(MessageParams p) { logs.add(p); }
        @Override public void budget(BudgetReport r) { budgets.add(r); }
        @Override public void output(Output o) { outputs.add(o); }
        @Override public CompletableFuture<Void> registerCapability(RegistrationParams p) { registrations.addAll(p.getRegistrations()); return CompletableFuture.completedFuture(null); }

        List<MessageParams> errors() { return logs.stream().filter(m -> m.getType() == MessageType.Error).toList(); }
    }

    final Client client = new Client();
    /** -Dvp.lsp.nativeSizes=true measures with the x64 backend's sizer, as `vp lsp` runs. */
    final VpLanguageServer server;
    final LanguageServer remote;
    final Path dir;
    private final Map<String, Integer> versions = new ConcurrentHashMap<>();
    private final Map<String, String> texts = new ConcurrentHashMap<>();

    ServerHarness() throws IOException {
        this(null);
    }

    ServerHarness(Object initializationOptions) throws IOException {
        this(initializationOptions, Boolean.getBoolean("vp.lsp.nativeSizes")
                ? new VpLanguageServer(new NativeCodeSizer(), DeployClient.UNAVAILABLE) : new VpLanguageServer());
    }

    ServerHarness(Object initializationOptions, VpLanguageServer server) throws IOException {
        this.server = server;
        dir = Files.createTempDirectory("vp-lsp-test").toRealPath();
        writeProject(dir);
        QueuePipe up = new QueuePipe(), down = new QueuePipe(); // see QueuePipe: shutdown interrupts a writer
        InputStream serverIn = up.in, clientIn = down.in;
        OutputStream toServer = up.out, toClient = down.out;
        Launcher<VpLanguageClient> serverSide = new Launcher.Builder<VpLanguageClient>().setLocalService(server)
                .setRemoteInterface(VpLanguageClient.class).setInput(serverIn).setOutput(toClient).create();
        server.connect(serverSide.getRemoteProxy());
        serverSide.startListening();
        Launcher<LanguageServer> clientSide = new Launcher.Builder<LanguageServer>().setLocalService(client)
                .setRemoteInterface(LanguageServer.class).setInput(clientIn).setOutput(toServer).create();
        remote = clientSide.getRemoteProxy();
        clientSide.startListening();
        InitializeParams init = new InitializeParams();
        // As VS Code's client: file watching is registered by the server, not configured by the client.
        var workspace = new WorkspaceClientCapabilities();
        workspace.setDidChangeWatchedFiles(new DidChangeWatchedFilesCapabilities(true));
        var capabilities = new ClientCapabilities();
        capabilities.setWorkspace(workspace);
        init.setCapabilities(capabilities);
        init.setInitializationOptions(initializationOptions);
        InitializeResult r = get(remote.initialize(init));
        assertNotNull(r.getCapabilities());
        remote.initialized(new InitializedParams());
    }

    /**
     * The default catalog without its preload: the harness's guest helper script is not on this module's class
     * path in every build, and the tests are about the server, not about that file.
     */
    static void writeProject(Path dir) throws IOException {
        var json = com.google.gson.JsonParser.parseString(dev.vp.compiler.catalog.TargetCatalog.defaultCatalog().toJson()).getAsJsonObject();
        json.add("preloads", new com.google.gson.JsonArray());
        Files.writeString(dir.resolve("catalog.json"), json.toString());
        Files.writeString(dir.resolve("vp.json"), "{\"target\": \"catalog.json\"}\n");
    }

    String uri(String name) { return Lsp.uri(dir.resolve(name)); }

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    /** Opens a document and waits for its first diagnostics. */
    PublishDiagnosticsParams open(String name, String text) {
        String uri = uri(name);
        versions.put(uri, 1);
        texts.put(uri, text);
        remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, name.endsWith(".vp") ? "vp" : "emmett", 1, text)));
        return awaitDiagnostics(uri, 1);
    }

    /** Replaces the whole text; returns the new version (does not wait). */
    int replace(String name, String text) {
        String uri = uri(name);
        int v = versions.merge(uri, 1, Integer::sum);
        texts.put(uri, text);
        var e = new TextDocumentContentChangeEvent(text);
        remote.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, v), List.of(e)));
        return v;
    }

    /** An incremental edit: replaces [from, to) of the current text; returns the new version (does not wait). */
    int edit(String name, int from, int to, String insert) {
        String uri = uri(name);
        String text = texts.get(uri);
        int v = versions.merge(uri, 1, Integer::sum);
        texts.put(uri, text.substring(0, from) + insert + text.substring(to));
        var e = new TextDocumentContentChangeEvent(new Range(Lsp.position(text, from), Lsp.position(text, to)), insert);
        remote.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, v), List.of(e)));
        return v;
    }

    String text(String name) { return texts.get(uri(name)); }

    /** Waits until the server published diagnostics for this version of the document (or a later one). */
    PublishDiagnosticsParams awaitDiagnostics(String uri, int version) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            PublishDiagnosticsParams p = client.lastDiagnostics.get(uri);
            if (p != null && p.getVersion() != null && p.getVersion() >= version) return p;
            if (System.nanoTime() > deadline) throw new AssertionError("no diagnostics for " + uri + " version " + version + " within 20 s");
            try {
                PublishDiagnosticsParams q = client.diagnostics.poll(50, TimeUnit.MILLISECONDS);
                if (q != null && q.getUri().equals(uri) && q.getVersion() != null && q.getVersion() >= version) return q;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    TextDocumentIdentifier doc(String name) { return new TextDocumentIdentifier(uri(name)); }

    /** The position of the first occurrence of needle (plus delta characters) in the document's text. */
    Position at(String name, String needle, int delta) {
        String t = texts.get(uri(name));
        int i = t.indexOf(needle);
        if (i < 0) throw new AssertionError("`" + needle + "` is not in " + name);
        return Lsp.position(t, i + delta);
    }

    static <T> T get(CompletableFuture<T> f) {
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("request failed: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            get(remote.shutdown());
            remote.exit();
            assertEquals(0, (int) server.exited().get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
