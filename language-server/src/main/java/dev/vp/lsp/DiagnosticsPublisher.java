// Publishes a snapshot's diagnostics (exactly `vp check`'s codes and messages) and its budget figures.
package dev.vp.lsp;

import dev.vp.compiler.diag.Label;
import dev.vp.compiler.diag.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticRelatedInformation;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.PublishDiagnosticsParams;

/**
 * A diagnostic goes to the file it points into: an error in an included file shows in that file, with the
 * including document's compile as its source. The URIs a document published to last time are cleared when
 * its diagnostics move away from them.
 */
final class DiagnosticsPublisher {
    static final String SOURCE = "vp";

    private final Supplier<VpLanguageClient> client;
    private final Map<String, Set<String>> publishedTo = new ConcurrentHashMap<>();

    DiagnosticsPublisher(Supplier<VpLanguageClient> client) { this.client = client; }

    void publish(Snapshot s) {
        VpLanguageClient c = client.get();
        if (c == null) return;
        Map<String, List<Diagnostic>> byUri = new LinkedHashMap<>();
        byUri.put(s.uri, new ArrayList<>());
        for (dev.vp.compiler.diag.Diagnostic d : s.diagnostics()) byUri.computeIfAbsent(s.uriOf(d.span().file()), k -> new ArrayList<>()).add(convert(s, d));
        Set<String> now = new HashSet<>(byUri.keySet());
        Set<String> before = publishedTo.put(s.uri, now);
        if (before != null) for (String u : before) if (!now.contains(u)) byUri.put(u, List.of());
        byUri.forEach((uri, list) -> c.publishDiagnostics(new PublishDiagnosticsParams(uri, list, uri.equals(s.uri) ? s.version : null)));
        c.budget(budget(s));
    }

    /** A closed document's diagnostics disappear. */
    void clear(String uri) {
        VpLanguageClient c = client.get();
        Set<String> before = publishedTo.remove(uri);
        if (c == null) return;
        c.publishDiagnostics(new PublishDiagnosticsParams(uri, List.of()));
        if (before != null) for (String u : before) if (!u.equals(uri)) c.publishDiagnostics(new PublishDiagnosticsParams(u, List.of()));
    }

    static Diagnostic convert(Snapshot s, dev.vp.compiler.diag.Diagnostic d) {
        Diagnostic out = new Diagnostic(Lsp.range(d.span()), d.message(), severity(d.severity()), SOURCE, d.code().name());
        if (!d.labels().isEmpty()) {
            List<DiagnosticRelatedInformation> related = new ArrayList<>();
            for (Label l : d.labels()) related.add(new DiagnosticRelatedInformation(s.location(l.span()), l.message()));
            out.setRelatedInformation(related);
        }
        return out;
    }

    static DiagnosticSeverity severity(Severity s) {
        return switch (s) {
            case ERROR -> DiagnosticSeverity.Error;
            case WARNING -> DiagnosticSeverity.Warning;
            case NOTE -> DiagnosticSeverity.Information;
        };
    }

    /** Data bytes are known once the script lowers (no errors); code bytes once a backend measures them. */
    static VpLanguageClient.BudgetReport budget(Snapshot s) {
        var b = s.compilation != null ? s.compilation.budgets() : s.options != null ? s.options.budgets() : dev.vp.compiler.project.Budgets.DEFAULTS;
        Long data = s.compilation != null && s.compilation.ir() != null ? s.compilation.usage().dataBytes() : null;
        Long code = s.codeSizes.map(CodeSizer.Sizes::totalBytes).orElse(null);
        return new VpLanguageClient.BudgetReport(s.uri, code, b.code(), data, b.data());
    }
}
