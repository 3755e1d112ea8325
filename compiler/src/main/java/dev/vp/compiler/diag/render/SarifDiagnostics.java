// Renders diagnostics as a SARIF 2.1.0 log, the format code-scanning services import.
package dev.vp.compiler.diag.render;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.Fix;
import dev.vp.compiler.diag.Label;
import dev.vp.compiler.diag.Severity;
import dev.vp.compiler.diag.TextEdit;
import dev.vp.compiler.source.Span;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of tool "vp" whose rules are every {@link Code} (id, title, default level), and one result per
 * diagnostic: ruleId and ruleIndex, level, message, a physical location with a 1-based region (columns in
 * UTF-16 units, end exclusive), labels as related locations, and fixes as artifact changes.
 */
public final class SarifDiagnostics {
    public static final String VERSION = "2.1.0";
    public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    private SarifDiagnostics() {}

    public static String render(Diagnostics diagnostics) {
        var root = new JsonObject();
        root.addProperty("$schema", SCHEMA);
        root.addProperty("version", VERSION);
        var run = new JsonObject();
        var driver = new JsonObject();
        driver.addProperty("name", "vp");
        var rules = new JsonArray();
        for (Code c : Code.values()) {
            var r = new JsonObject();
            r.addProperty("id", c.name());
            r.add("shortDescription", text(c.title()));
            var config = new JsonObject();
            config.addProperty("level", level(c.severity()));
            r.add("defaultConfiguration", config);
            rules.add(r);
        }
        driver.add("rules", rules);
        var tool = new JsonObject();
        tool.add("driver", driver);
        run.add("tool", tool);
        run.addProperty("columnKind", "utf16CodeUnits");
        var results = new JsonArray();
        for (Diagnostic d : diagnostics.all()) results.add(result(d));
        run.add("results", results);
        var runs = new JsonArray();
        runs.add(run);
        root.add("runs", runs);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
    }

    private static JsonObject result(Diagnostic d) {
        var o = new JsonObject();
        o.addProperty("ruleId", d.code().name());
        o.addProperty("ruleIndex", d.code().ordinal());
        o.addProperty("level", level(d.severity()));
        o.add("message", text(d.message()));
        var locations = new JsonArray();
        var location = new JsonObject();
        location.add("physicalLocation", physical(d.span()));
        locations.add(location);
        o.add("locations", locations);
        if (!d.labels().isEmpty()) {
            var related = new JsonArray();
            int id = 0;
            for (Label l : d.labels()) {
                var r = new JsonObject();
                r.addProperty("id", id++);
                r.add("message", text(l.message()));
                r.add("physicalLocation", physical(l.span()));
                related.add(r);
            }
            o.add("relatedLocations", related);
        }
        if (!d.fixes().isEmpty()) {
            var fixes = new JsonArray();
            for (Fix f : d.fixes()) fixes.add(fix(f));
            o.add("fixes", fixes);
        }
        return o;
    }

    /** A fix's edits grouped by file, in the order the files first appear. */
    private static JsonObject fix(Fix f) {
        Map<String, JsonArray> byFile = new LinkedHashMap<>();
        for (TextEdit e : f.edits()) {
            var replacement = new JsonObject();
            replacement.add("deletedRegion", region(e.span()));
            replacement.add("insertedContent", text(e.replacement()));
            byFile.computeIfAbsent(e.span().file().path(), k -> new JsonArray()).add(replacement);
        }
        var changes = new JsonArray();
        byFile.forEach((file, replacements) -> {
            var change = new JsonObject();
            change.add("artifactLocation", artifact(file));
            change.add("replacements", replacements);
            changes.add(change);
        });
        var o = new JsonObject();
        o.add("description", text(f.title()));
        o.add("artifactChanges", changes);
        return o;
    }

    private static JsonObject physical(Span s) {
        var o = new JsonObject();
        o.add("artifactLocation", artifact(s.file().path()));
        o.add("region", region(s));
        return o;
    }

    private static JsonObject region(Span s) {
        var o = new JsonObject();
        o.addProperty("startLine", s.line());
        o.addProperty("startColumn", s.column());
        o.addProperty("endLine", s.endLine());
        o.addProperty("endColumn", s.endColumn());
        return o;
    }

    private static JsonObject artifact(String path) {
        var o = new JsonObject();
        o.addProperty("uri", uri(path));
        return o;
    }

    /** An absolute path becomes a file: URI; a relative one a relative reference with '/' separators. */
    static String uri(String path) {
        try {
            Path p = Path.of(path);
            if (p.isAbsolute()) return p.toUri().toASCIIString();
        } catch (InvalidPathException e) {
            // Not a path on this system (a name such as "<command line>"): encode it as a relative reference.
        }
        try {
            return new URI(null, null, path.replace('\\', '/'), null).toASCIIString();
        } catch (URISyntaxException e) {
            return path;
        }
    }

    private static JsonObject text(String s) {
        var o = new JsonObject();
        o.addProperty("text", s);
        return o;
    }

    private static String level(Severity s) {
        return switch (s) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case NOTE -> "note";
        };
    }
}
