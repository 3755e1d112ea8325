// Renders diagnostics as JSON for tools and CI scripts.
package dev.vp.compiler.diag.render;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.Fix;
import dev.vp.compiler.diag.Label;
import dev.vp.compiler.diag.TextEdit;
import dev.vp.compiler.source.Span;

/**
 * {@code {"diagnostics": [...], "errors": N, "warnings": N, "truncated": bool}}. Each diagnostic has code,
 * severity, message, file, line, column, endLine, endColumn (1-based; columns count UTF-16 units and the end
 * is exclusive, as in LSP), labels and fixes with their edits. Members are written in a fixed order.
 */
public final class JsonDiagnostics {
    private JsonDiagnostics() {}

    public static String render(Diagnostics diagnostics) {
        var root = new JsonObject();
        var list = new JsonArray();
        for (Diagnostic d : diagnostics.all()) list.add(diagnostic(d));
        var summary = DiagnosticRenderer.Summary.of(diagnostics);
        root.add("diagnostics", list);
        root.addProperty("errors", summary.errors());
        root.addProperty("warnings", summary.warnings());
        root.addProperty("truncated", summary.truncated());
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
    }

    static JsonObject diagnostic(Diagnostic d) {
        var o = new JsonObject();
        o.addProperty("code", d.code().name());
        o.addProperty("severity", d.severity().label());
        o.addProperty("message", d.message());
        span(o, d.span());
        var labels = new JsonArray();
        for (Label l : d.labels()) {
            var lo = new JsonObject();
            lo.addProperty("message", l.message());
            span(lo, l.span());
            labels.add(lo);
        }
        o.add("labels", labels);
        var fixes = new JsonArray();
        for (Fix f : d.fixes()) {
            var fo = new JsonObject();
            fo.addProperty("title", f.title());
            var edits = new JsonArray();
            for (TextEdit e : f.edits()) {
                var eo = new JsonObject();
                span(eo, e.span());
                eo.addProperty("replacement", e.replacement());
                edits.add(eo);
            }
            fo.add("edits", edits);
            fixes.add(fo);
        }
        o.add("fixes", fixes);
        return o;
    }

    private static void span(JsonObject o, Span s) {
        o.addProperty("file", s.file().path());
        o.addProperty("line", s.line());
        o.addProperty("column", s.column());
        o.addProperty("endLine", s.endLine());
        o.addProperty("endColumn", s.endColumn());
    }
}
