// Golden outputs of the three diagnostic formats: text, JSON and SARIF.
package dev.vp.compiler.diag.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.Fix;
import dev.vp.compiler.diag.Severity;
import dev.vp.compiler.diag.TextEdit;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiagnosticRendererTest {
    private final SourceFile file = new SourceFile("probe.emt",
            "int count;\n\tint\tx = cnt + 1;\n# old comment\nint y;\n");

    private Span span(String text, int occurrence) {
        int at = -1;
        for (int i = 0; i <= occurrence; i++) at = file.text().indexOf(text, at + 1);
        return new Span(file, at, at + text.length());
    }

    /** An error with a note and a fix, a warning with a fix, in the usual order. */
    private Diagnostics sample() {
        var ds = new Diagnostics();
        ds.add(new Diagnostic(Code.E0300, "unknown name `cnt`", span("cnt", 0))
                .withLabel(span("count", 0), "a similar name is declared here")
                .withFix(Fix.replace("use the declared name", span("cnt", 0), "count")));
        Span hash = span("#", 0);
        ds.add(new Diagnostic(Code.W0001, "`#` comments are deprecated; use `//`", hash)
                .withFix(Fix.replace("use a `//` comment", hash, "//")));
        return ds;
    }

    @Test
    void textHasHeaderSnippetCaretNotesFixesAndSummary() {
        assertEquals("""
                probe.emt:2:10: error[E0300]: unknown name `cnt`
                  |
                2 |     int    x = cnt + 1;
                  |                ^^^
                note: probe.emt:1:5: a similar name is declared here
                  |
                1 | int count;
                  |     -----
                help: use the declared name: replace with `count`

                probe.emt:3:1: warning[W0001]: `#` comments are deprecated; use `//`
                  |
                3 | # old comment
                  | ^
                help: use a `//` comment: replace with `//`

                1 error, 1 warning
                """, DiagnosticRenderer.render(sample()));
    }

    @Test
    void emptySpansStillGetACaretAndEditsElsewhereSayWhere() {
        var d = new Diagnostic(Code.E0100, "expected `;`", Span.at(file, file.text().indexOf("\n")))
                .withFix(new Fix("add a semicolon and a blank line", List.of(
                        new TextEdit(Span.at(file, file.text().indexOf("\n")), ";"),
                        new TextEdit(span("int y;", 0), ""))))
                .withFix(Fix.replace("insert elsewhere", Span.at(file, 0), "\t// x\n"));
        assertEquals("""
                probe.emt:1:11: error[E0100]: expected `;`
                  |
                1 | int count;
                  |           ^
                help: add a semicolon and a blank line
                      probe.emt:1:11: insert `;`
                      probe.emt:4:1: delete `int y;`
                help: insert elsewhere: insert `\\t// x\\n` at probe.emt:1:1
                """, DiagnosticRenderer.render(d));
    }

    @Test
    void longLinesAreCutAroundTheSpan() {
        String line = "x".repeat(300) + " target " + "y".repeat(300);
        var f = new SourceFile("long.emt", line + "\n");
        int at = line.indexOf("target");
        String out = DiagnosticRenderer.render(new Diagnostic(Code.E0300, "unknown name", new Span(f, at, at + 6)));
        String[] lines = out.split("\n");
        assertEquals("long.emt:1:302: error[E0300]: unknown name", lines[0]);
        assertTrue(lines[2].startsWith("1 | ...xxx") && lines[2].endsWith("yyy..."), lines[2]);
        assertTrue(lines[2].length() < DiagnosticRenderer.MAX_WIDTH + 20, "cut line is " + lines[2].length() + " wide");
        assertEquals(lines[2].indexOf("target"), lines[3].indexOf('^'));
        assertEquals("^^^^^^", lines[3].strip().replace("|", "").strip());
    }

    @Test
    void multiLineSpansUnderlineToTheEndOfTheirFirstLine() {
        var d = new Diagnostic(Code.E0100, "bad", new Span(file, 0, file.text().indexOf("x")));
        assertTrue(DiagnosticRenderer.render(d).endsWith("1 | int count;\n  | ^^^^^^^^^^\n"));
    }

    @Test
    void summaryCountsAndPlurals() {
        assertEquals("no errors\n", DiagnosticRenderer.render(new Diagnostics()));
        var ds = new Diagnostics();
        ds.warning(Code.W0001, Span.at(file, 0), "w");
        assertTrue(DiagnosticRenderer.render(ds).endsWith("\n1 warning\n"));
        ds.error(Code.E0001, Span.at(file, 0), "a");
        ds.error(Code.E0001, Span.at(file, 0), "b");
        assertTrue(DiagnosticRenderer.render(ds).endsWith("\n2 errors, 1 warning\n"));
    }

    @Test
    void aFileThatCouldNotBeReadHasNoSnippet() {
        var d = new Diagnostic(Code.E0001, "cannot read gone.emt: no such file", Span.at(new SourceFile("gone.emt", ""), 0));
        assertEquals("gone.emt:1:1: error[E0001]: cannot read gone.emt: no such file\n", DiagnosticRenderer.render(d));
    }

    @Test
    void jsonGolden() {
        assertEquals("""
                {
                  "diagnostics": [
                    {
                      "code": "E0300",
                      "severity": "error",
                      "message": "unknown name `cnt`",
                      "file": "probe.emt",
                      "line": 2,
                      "column": 10,
                      "endLine": 2,
                      "endColumn": 13,
                      "labels": [
                        {
                          "message": "a similar name is declared here",
                          "file": "probe.emt",
                          "line": 1,
                          "column": 5,
                          "endLine": 1,
                          "endColumn": 10
                        }
                      ],
                      "fixes": [
                        {
                          "title": "use the declared name",
                          "edits": [
                            {
                              "file": "probe.emt",
                              "line": 2,
                              "column": 10,
                              "endLine": 2,
                              "endColumn": 13,
                              "replacement": "count"
                            }
                          ]
                        }
                      ]
                    },
                    {
                      "code": "W0001",
                      "severity": "warning",
                      "message": "`#` comments are deprecated; use `//`",
                      "file": "probe.emt",
                      "line": 3,
                      "column": 1,
                      "endLine": 3,
                      "endColumn": 2,
                      "labels": [],
                      "fixes": [
                        {
                          "title": "use a `//` comment",
                          "edits": [
                            {
                              "file": "probe.emt",
                              "line": 3,
                              "column": 1,
                              "endLine": 3,
                              "endColumn": 2,
                              "replacement": "//"
                            }
                          ]
                        }
                      ]
                    }
                  ],
                  "errors": 1,
                  "warnings": 1,
                  "truncated": false
                }
                """, JsonDiagnostics.render(sample()));
    }

    @Test
    void sarifHasTheRequiredStructure() {
        JsonObject log = JsonParser.parseString(SarifDiagnostics.render(sample())).getAsJsonObject();
        assertEquals("2.1.0", log.get("version").getAsString());
        assertTrue(log.has("$schema"));
        var run = log.getAsJsonArray("runs").get(0).getAsJsonObject();
        var driver = run.getAsJsonObject("tool").getAsJsonObject("driver");
        assertEquals("vp", driver.get("name").getAsString());
        var rules = driver.getAsJsonArray("rules");
        assertEquals(Code.values().length, rules.size());
        for (Code c : Code.values()) {
            var rule = rules.get(c.ordinal()).getAsJsonObject();
            assertEquals(c.name(), rule.get("id").getAsString());
            assertEquals(c.title(), rule.getAsJsonObject("shortDescription").get("text").getAsString());
            assertEquals(c.severity() == Severity.ERROR ? "error" : "warning",
                    rule.getAsJsonObject("defaultConfiguration").get("level").getAsString());
        }
        var results = run.getAsJsonArray("results");
        assertEquals(2, results.size());
        for (var r : results) {
            var o = r.getAsJsonObject();
            String id = o.get("ruleId").getAsString();
            assertEquals(id, rules.get(o.get("ruleIndex").getAsInt()).getAsJsonObject().get("id").getAsString());
            assertTrue(o.getAsJsonObject("message").has("text"));
            var physical = o.getAsJsonArray("locations").get(0).getAsJsonObject().getAsJsonObject("physicalLocation");
            assertEquals("probe.emt", physical.getAsJsonObject("artifactLocation").get("uri").getAsString());
            var region = physical.getAsJsonObject("region");
            for (String k : List.of("startLine", "startColumn", "endLine", "endColumn")) assertTrue(region.get(k).getAsInt() >= 1, k);
        }
        var first = results.get(0).getAsJsonObject();
        assertEquals("error", first.get("level").getAsString());
        assertEquals(2, first.getAsJsonArray("locations").get(0).getAsJsonObject()
                .getAsJsonObject("physicalLocation").getAsJsonObject("region").get("startLine").getAsInt());
        assertEquals("a similar name is declared here", first.getAsJsonArray("relatedLocations").get(0).getAsJsonObject()
                .getAsJsonObject("message").get("text").getAsString());
        var replacement = first.getAsJsonArray("fixes").get(0).getAsJsonObject().getAsJsonArray("artifactChanges").get(0)
                .getAsJsonObject().getAsJsonArray("replacements").get(0).getAsJsonObject();
        assertEquals("count", replacement.getAsJsonObject("insertedContent").get("text").getAsString());
        assertEquals(10, replacement.getAsJsonObject("deletedRegion").get("startColumn").getAsInt());
        assertEquals("warning", results.get(1).getAsJsonObject().get("level").getAsString());
    }

    @Test
    void sarifIsStableByteForByte() {
        assertEquals(SarifDiagnostics.render(sample()), SarifDiagnostics.render(sample()));
        String text = SarifDiagnostics.render(sample());
        assertTrue(text.startsWith("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\","), text);
        assertTrue(text.endsWith("}\n"));
    }

    @Test
    void sarifUrisAreRelativeReferencesOrFileUris() {
        assertEquals("dir/a%20b.emt", SarifDiagnostics.uri("dir/a b.emt"));
        assertTrue(SarifDiagnostics.uri("/tmp/x.emt").startsWith("file:///"));
    }
}
