// The VS Code extension's snippets, expanded as the editor inserts them with their defaults, compile clean.
package dev.vp.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.diag.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each snippet of vscode-extension/snippets, with every placeholder at its default (what Tab-Tab-Tab leaves), is a
 * whole script (a function alone may only be told it has no clause, W0501) or, for a statement snippet, the body
 * of a clause; either way it must compile with no other diagnostic (against `--target any`, so that a guest
 * symbol such as do_syscall needs no symbol file).
 */
class SnippetsTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{\\d+:([^}]*)}|\\$\\{\\d+}|\\$\\d+");

    @TestFactory
    Stream<DynamicTest> everySnippetCompilesClean() throws IOException {
        CompileOptions any = Pipeline.options("any");
        List<DynamicTest> tests = new ArrayList<>();
        for (var language : Map.of("emmett.json", ".emt", "vp.json", ".vp").entrySet()) {
            Path file = Pipeline.ROOT.resolve("vscode-extension/snippets").resolve(language.getKey());
            JsonObject snippets = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            assertFalse(snippets.isEmpty(), file + " has no snippets");
            for (var snippet : snippets.entrySet()) {
                String text = expand(snippet.getValue().getAsJsonObject().get("body"));
                String name = language.getKey() + ": " + snippet.getKey();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    String vpExt = language.getValue();
                    Compilation whole = Pipeline.compile("snippet" + vpExt, text, any);
                    // a declaration alone (a function) has no clause to run it: W0501 is all it may say
                    boolean declarations = !whole.diagnostics().isEmpty()
                            && whole.diagnostics().stream().allMatch(d -> d.code() == Code.W0501);
                    Compilation c = whole.diagnostics().isEmpty() || declarations ? whole
                            : Pipeline.compile("snippet" + vpExt, vpExt.equals(".vp") ? "(vprobe VMMLoad\n" + text + ")\n"
                                    : "VMMLoad {\nint i;\n" + text + "\n}\n", any);
                    assertEquals(List.of(), c.diagnostics().stream().filter(d -> !declarations || d.code() != Code.W0501)
                            .map(d -> d.code() + " " + d.message()).toList(), name + " expands to:\n" + text + "as a whole script it gets: "
                            + whole.diagnostics().stream().map(d -> d.code() + " " + d.message()).toList() + "\nin a clause");
                }));
            }
        }
        return tests.stream();
    }

    /** The body's lines joined, each placeholder replaced by its default text (none for a bare $1 or $0). */
    private static String expand(JsonElement body) {
        var lines = new ArrayList<String>();
        if (body.isJsonArray()) body.getAsJsonArray().forEach(l -> lines.add(l.getAsString()));
        else lines.add(body.getAsString());
        Matcher m = PLACEHOLDER.matcher(String.join("\n", lines));
        var out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) == null ? "" : m.group(1)));
        m.appendTail(out);
        return out.toString() + "\n";
    }
}
