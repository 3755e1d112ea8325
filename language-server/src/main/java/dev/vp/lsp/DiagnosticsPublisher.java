// Publishes a snapshot's diagnostics (exactly `vp check`'s codes and messages) and its budget figures.
package dev.vp.lsp;

import dev.vp.compiler.check.BudgetCheck;
import dev.vp.compiler.diag.Label;
import dev.vp.compiler.diag.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticRelatedInformation;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.PublishDiagnosticsParams;

/**
 * A diagnostic goes to the file it points into: an error in an included file shows in that file, with the
 * including document's compile as its source. A file can so receive diagnostics from several compiles (its
 * own, when it is open, and those of the open documents that include it): what is published for it is the
 * union of every compile's newest list for it, so one compile never hides or clears another's.
 */
final class DiagnosticsPublisher {
    static final String SOURCE = "vp";

    private final Supplier<VpLanguageClient> client;
    /** Each compiled document's newest diagnostics, by the file they point into; guarded by this. */
    private final Map<String, Map<String, List<Diagnostic>>> bySource = new LinkedHashMap<>();
    private final Map<String, Integer> versions = new HashMap<>();
    /**
     * Documents closed since they were last opened; guarded by this. A compile that finishes just after its
     * document closed must not publish again what {@link #clear} took away: nothing would ever clear it.
     */
    private final Set<String> closed = new java.util.HashSet<>();

    DiagnosticsPublisher(Supplier<VpLanguageClient> client) { this.client = client; }

    void publish(Snapshot s) {
        VpLanguageClient c = client.get();
        if (c == null) return;
        Map<String, List<Diagnostic>> byUri = new LinkedHashMap<>();
        byUri.put(s.uri, new ArrayList<>());
        for (dev.vp.compiler.diag.Diagnostic d : s.diagnostics()) byUri.computeIfAbsent(s.uriOf(d.span().file()), k -> new ArrayList<>()).add(convert(s, d));
        synchronized (this) {
            if (closed.contains(s.uri)) return;
            Map<String, List<Diagnostic>> before = bySource.remove(s.uri);
            bySource.put(s.uri, byUri);
            versions.put(s.uri, s.version);
            Set<String> touched = new LinkedHashSet<>(byUri.keySet());
            if (before != null) touched.addAll(before.keySet());
            for (String uri : touched) send(c, uri);
        }
        c.budget(budget(s));
    }

    /** The document is open (again): its compiles publish. */
    synchronized void opened(String uri) { closed.remove(uri); }

    /**
     * A closed document's own diagnostics disappear, and a compile of it that was still running publishes nothing;
     * what the compiles of documents including it say stays.
     */
    void clear(String uri) {
        VpLanguageClient c = client.get();
        synchronized (this) {
            closed.add(uri);
            Map<String, List<Diagnostic>> before = bySource.remove(uri);
            versions.remove(uri);
            if (c == null) return;
            Set<String> touched = new LinkedHashSet<>();
            touched.add(uri);
            if (before != null) touched.addAll(before.keySet());
            for (String u : touched) send(c, u);
        }
    }

    /** The union of every compile's diagnostics for one file: the file's own compile first, duplicates once. */
    private void send(VpLanguageClient c, String uri) {
        Set<Diagnostic> all = new LinkedHashSet<>();
        Map<String, List<Diagnostic>> own = bySource.get(uri);
        if (own != null) all.addAll(own.getOrDefault(uri, List.of()));
        for (Map<String, List<Diagnostic>> from : bySource.values()) all.addAll(from.getOrDefault(uri, List.of()));
        c.publishDiagnostics(new PublishDiagnosticsParams(uri, new ArrayList<>(all), versions.get(uri)));
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
        Long code = s.codeSizes.map(BudgetCheck.Measured::totalBytes).orElse(null);
        return new VpLanguageClient.BudgetReport(s.uri, code, b.code(), data, b.data());
    }
}
