package dev.vp.compiler.parse.emmett;

import dev.vp.compiler.ast.Script;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.parse.SpanMap;
import dev.vp.compiler.source.SourceFile;
import java.util.List;
import java.util.stream.Collectors;

/** Test helper: parses text through the identity span map and keeps the AST and the diagnostics. */
record Parsed(Script script, List<Diagnostic> diagnostics) {
    static Parsed of(String text) {
        SourceFile file = new SourceFile("test.emt", text);
        Diagnostics diags = new Diagnostics();
        Script script = EmmettParser.parse(text, SpanMap.identity(file), file, diags, java.util.Set.of());
        return new Parsed(script, List.copyOf(diags.all()));
    }

    String ast() { return AstPrinter.print(script); }

    /** One line per diagnostic: `line:col CODE message`. */
    String diags() {
        return diagnostics.stream().map(d -> d.span().line() + ":" + d.span().column() + " " + d.code() + " " + d.message())
                .collect(Collectors.joining("\n"));
    }
}
