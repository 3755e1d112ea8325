// workspace/executeCommand: vp.compile, vp.deploy, vp.reset and vp.probes.
package dev.vp.lsp;

import dev.vp.compiler.check.BudgetCheck;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.diag.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/**
 * Commands take the document's URI as their first argument (a string, or an object with "uri"); vp.probes
 * takes an optional URI whose target catalog to list (else the default catalog). Results are plain JSON-able
 * records. Failures are JSON-RPC errors whose message says what to do.
 */
final class CommandHandler {
    static final String COMPILE = "vp.compile", DEPLOY = "vp.deploy", RESET = "vp.reset", PROBES = "vp.probes";
    static final List<String> ALL = List.of(COMPILE, DEPLOY, RESET, PROBES);
    static final String CODE_PENDING = "code size pending: this build has no x64 backend, so no .vpo is written and code bytes are unknown";

    /** What vp.compile returns. codeBytes and image are null until a backend measures code and writes the image. */
    record CompileResult(String uri, boolean ok, int errors, int warnings, List<String> messages, Long codeBytes, long codeLimit,
                         Long dataBytes, long dataLimit, int probeCount, long probeLimit, long stackBytes, long stackLimit,
                         List<ProbeSize> probes, String image, String note) {}

    record ProbeSize(String spec, int line, long dataBytes, long stackBytes, Long codeBytes) {}

    record ProbeEntry(String name, String domain, String description, List<TargetCatalog.Argument> arguments, boolean exitProbe) {}

    private final Documents documents;
    /**
     * Calls that wait on the network, on one long-lived thread of their own: not the common pool (one worker on 2
     * CPUs, which other waits starve), and not short-lived threads (the response is written on the thread that
     * completes the call, and a piped stream fails its reader once that writer thread has ended).
     */
    private static final java.util.concurrent.Executor NETWORK = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon(true).name("vp-lsp-network").unstarted(r));

    private final DeployClient deployer;
    private final java.util.function.Supplier<Settings> settings;
    private final Consumer<String> output;

    CommandHandler(Documents documents, DeployClient deployer, java.util.function.Supplier<Settings> settings, Consumer<String> output) {
        this.documents = documents;
        this.deployer = deployer;
        this.settings = settings;
        this.output = output;
    }

    CompletableFuture<Object> execute(String command, List<Object> arguments) {
        String uri = uriArgument(arguments);
        return switch (command) {
            case COMPILE -> compile(need(uri, command)).thenApply(CommandHandler::result);
            case DEPLOY -> compile(need(uri, command)).thenApplyAsync(this::deploy, NETWORK);  // not on the compile thread
            case RESET -> CompletableFuture.supplyAsync(this::reset, NETWORK);
            case PROBES -> (uri == null || documents.get(uri) == null ? CompletableFuture.completedFuture((Snapshot) null) : documents.get(uri).current())
                    .thenApply(s -> probes(s == null ? TargetCatalog.defaultCatalog() : HoverHandler.catalog(s)));
            default -> CompletableFuture.failedFuture(error("unknown command `" + command + "`; this server runs " + String.join(", ", ALL)));
        };
    }

    private CompletableFuture<Snapshot> compile(String uri) {
        Documents.Doc d = documents.get(uri);
        if (d == null) {
            java.nio.file.Path p = Lsp.path(uri);
            String text;
            try {
                text = java.nio.file.Files.readString(p);
            } catch (java.io.IOException | RuntimeException e) {
                return CompletableFuture.failedFuture(error("cannot compile " + uri + ": it is not open and cannot be read (" + e.getMessage() + ")"));
            }
            d = new Documents.Doc(uri, text, 0);
        }
        return documents.compileNow(d);
    }

    static CompileResult result(Snapshot s) {
        List<Diagnostic> all = s.diagnostics();
        int errors = (int) all.stream().filter(Diagnostic::isError).count();
        List<String> messages = new ArrayList<>();
        for (Diagnostic d : all) messages.add(d.span() + ": " + d.severity().label() + "[" + d.code().name() + "]: " + d.message());
        var b = s.compilation != null ? s.compilation.budgets() : dev.vp.compiler.project.Budgets.DEFAULTS;
        var usage = s.compilation != null ? s.compilation.usage() : dev.vp.compiler.Compilation.BudgetUsage.NONE;
        boolean lowered = s.compilation != null && s.compilation.ir() != null;
        List<ProbeSize> probes = ProbeFigures.of(s).stream()
                .map(f -> new ProbeSize(f.spec(), f.span().line(), f.dataBytes(), f.recursive() ? -1 : f.stackBytes(), f.codeBytes())).toList();
        Long code = s.codeSizes.map(BudgetCheck.Measured::totalBytes).orElse(null);
        String note = !lowered ? "the script has errors: no sizes" : code == null ? CODE_PENDING : "exact code sizes from the backend";
        return new CompileResult(s.uri, errors == 0 && s.compilation != null, errors, all.size() - errors, messages, code, b.code(),
                lowered ? usage.dataBytes() : null, b.data(), usage.clauses(), b.probes(), usage.stackBytes(), b.stack(), probes, null, note);
    }

    private Object deploy(Snapshot s) {
        CompileResult r = result(s);
        if (!r.ok()) throw error("cannot deploy: the script has " + r.errors() + " error(s); the first is " + (r.messages().isEmpty() ? "unknown" : r.messages().get(0)));
        Settings st = settings.get();
        try {
            return deployer.deploy(s.compilation, st.vmmAddress(), st.tokenFile(), output);
        } catch (DeployClient.DeployException e) {
            throw error(e.getMessage());
        }
    }

    private Object reset() {
        Settings st = settings.get();
        try {
            return deployer.reset(st.vmmAddress(), st.tokenFile());
        } catch (DeployClient.DeployException e) {
            throw error(e.getMessage());
        }
    }

    static List<ProbeEntry> probes(TargetCatalog catalog) {
        return catalog.probes().stream().map(p -> new ProbeEntry(p.name(), p.domain().name(), p.description(), p.arguments(), p.exitProbe())).toList();
    }

    private static String uriArgument(List<Object> args) {
        if (args == null || args.isEmpty()) return null;
        Object a = args.get(0);
        if (a instanceof String s) return s;
        if (a instanceof JsonElement e && e.isJsonPrimitive()) return e.getAsString();
        if (a instanceof JsonObject o && o.has("uri") && o.get("uri").isJsonPrimitive()) return o.get("uri").getAsString();
        return null;
    }

    private static String need(String uri, String command) {
        if (uri == null) throw error(command + " needs the document's URI as its first argument");
        return uri;
    }

    static ResponseErrorException error(String message) {
        return new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams, message, null));
    }
}
