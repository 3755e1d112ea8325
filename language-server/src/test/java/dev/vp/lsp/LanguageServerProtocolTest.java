// Every feature of `vp lsp`, driven through LSP4J's client side over JSON-RPC streams.
package dev.vp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.ScriptSetup;
import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.format.ScriptFormatter;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.source.SourceFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.FileEvent;
import org.eclipse.lsp4j.FoldingRange;
import org.eclipse.lsp4j.FoldingRangeRequestParams;
import org.eclipse.lsp4j.FormattingOptions;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PrepareRenameParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ReferenceContext;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.SignatureHelp;
import org.eclipse.lsp4j.SignatureHelpParams;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LanguageServerProtocolTest {
    static final String SCRIPT = """
            struct pair {
                int a;
                long b;
            };
            typedef struct pair pair_t;
            pair_t *pp;
            int count;
            aggr exits[1][0];

            int bump(int by)
            {
                count = count + by;
                return count;
            }

            HV_Exit {
                exits[VMCS_EXIT_REASON]++;
                bump(1);
                printf("exit %d %d\\n", count, pp->b);
            }

            VMM1Hz {
                if (VCPUID == 0) {
                    logaggr(exits);
                }
            }
            """;

    ServerHarness h;

    @BeforeEach void start() throws Exception { h = new ServerHarness(JsonParser.parseString("{\"vp\":{\"vmm\":{\"address\":\"127.0.0.1:7070\"}}}")); }

    @AfterEach void stop() {
        assertEquals(List.of(), h.client.errors(), "the server logged internal errors");
        h.close();
    }

    /** What `vp check` computes for a file: the same setup and compiler, on the disk. */
    static List<String> checkOutput(Path file) throws Exception {
        var loader = new FileSystemSourceLoader();
        Diagnostics problems = new Diagnostics();
        CompileOptions o = ScriptSetup.resolve(file, ScriptSetup.Flags.NONE, loader, problems);
        Compilation c = Compiler.compile(loader.loadReporting(file, problems).orElseThrow(), o, loader);
        return c.diagnostics().stream().map(d -> d.code().name() + " " + d.span().line() + ":" + d.span().column() + " " + d.message()).toList();
    }

    static List<String> published(PublishDiagnosticsParams p) {
        return p.getDiagnostics().stream().map(d -> d.getCode().getLeft() + " " + (d.getRange().getStart().getLine() + 1) + ":"
                + (d.getRange().getStart().getCharacter() + 1) + " " + d.getMessage()).toList();
    }

    @Test void diagnosticsMatchVpCheckAndBudgetIsReported() throws Exception {
        String bad = SCRIPT.replace("bump(1);", "bump(1);\n    countt = 2;\n    #legacy comment") + "VMMUnload prinf(\"x\");\n";
        h.write("bad.emt", bad);
        PublishDiagnosticsParams p = h.open("bad.emt", bad);
        List<String> expected = checkOutput(h.dir.resolve("bad.emt"));
        assertFalse(expected.isEmpty());
        assertEquals(expected, published(p));
        assertTrue(p.getDiagnostics().stream().allMatch(d -> "vp".equals(d.getSource())));

        PublishDiagnosticsParams good = h.open("good.emt", SCRIPT);
        assertEquals(List.of(), published(good));
        VpLanguageClient.BudgetReport r = waitBudget(h.uri("good.emt"));
        assertNull(r.codeBytes(), "no backend in this build: code bytes are unknown, not invented");
        assertEquals(65536, r.codeLimit());
        assertTrue(r.dataBytes() > 0 && r.dataLimit() == 1048576, r.toString());
    }

    @Test void aBufferThatIsNotTextGetsVpChecksOneError() throws Exception {
        // Pasted terminal output: an escape character, then a NUL.
        String text = "int count;\nVMM1Hz {\n    count = 1; \u001b[0m \u0000\n}\n";
        h.write("bin.emt", text);
        var loader = new FileSystemSourceLoader();
        Diagnostics problems = new Diagnostics();
        assertTrue(loader.loadReporting(h.dir.resolve("bin.emt"), problems).isEmpty());
        List<String> check = problems.all().stream().map(d -> d.code().name() + " " + d.span().line() + ":" + d.span().column()).toList();
        assertEquals(List.of("E0002 3:16"), check);
        List<String> server = published(h.open("bin.emt", text)).stream().map(s -> s.substring(0, s.indexOf(' ', 6))).toList();
        assertEquals(check, server);
    }

    VpLanguageClient.BudgetReport waitBudget(String uri) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            var r = h.client.budgets.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && r.uri().equals(uri) && r.dataBytes() != null) return r;
        }
        throw new AssertionError("no vp/budget for " + uri);
    }

    @Test void budgetWarningsAsTheCompilerReportsThem() {
        String script = "#pragma budget data 100\nint a; int b; int c; string s;\nVMM1Hz { a = b + c; s = \"x\"; }\n";
        PublishDiagnosticsParams p = h.open("budget.emt", script);
        assertTrue(published(p).stream().anyMatch(s -> s.startsWith("E0700 ")), published(p).toString());
    }

    @Test void includesSeeOpenBuffersAndEditsRecompileTheIncluder() throws Exception {
        h.write("lib/defs.emt", "int shared;\n");
        String main = "#include \"lib/defs.emt\"\nVMM1Hz { shared = helper_value; }\n";
        h.write("main.emt", main);
        PublishDiagnosticsParams first = h.open("main.emt", main);
        assertTrue(published(first).stream().anyMatch(s -> s.contains("helper_value")), published(first).toString());
        // The include's unsaved buffer declares the name: the includer recompiles clean.
        h.open("lib/defs.emt", "int shared;\nint helper_value;\n");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!h.client.lastDiagnostics.get(h.uri("main.emt")).getDiagnostics().isEmpty()) {
            assertTrue(System.nanoTime() < end, "the includer was not recompiled");
            Thread.sleep(20);
        }
        // Definition on the include's file name opens it.
        List<? extends Location> file = ServerHarness.get(h.remote.getTextDocumentService().definition(
                new DefinitionParams(h.doc("main.emt"), h.at("main.emt", "defs.emt", 2)))).getLeft();
        assertEquals(List.of(new Location(h.uri("lib/defs.emt"), new Range(new Position(0, 0), new Position(0, 0)))), file);
        // Definition of a name declared in the include goes to the include.
        List<? extends Location> def = ServerHarness.get(h.remote.getTextDocumentService().definition(
                new DefinitionParams(h.doc("main.emt"), h.at("main.emt", "shared =", 1)))).getLeft();
        assertEquals(h.uri("lib/defs.emt"), def.get(0).getUri());
    }

    @Test void anOpenIncludeKeepsItsOwnDiagnosticsBesideThoseOfItsIncluder() throws Exception {
        String defs = "int shared;\nint helper(int a)\n{\n    return a + shared;\n}\n";
        h.write("lib/defs.emt", defs);
        List<String> own = published(h.open("lib/defs.emt", defs));
        assertEquals(List.of("W0501"), own.stream().map(d -> d.split(" ")[0]).toList());
        // The includer declares `shared` first: its compile reports errors inside the include.
        String main = "string shared;\n#include \"lib/defs.emt\"\nVMM1Hz {\n    helper(2);\n}\n";
        h.write("main.emt", main);
        h.open("main.emt", main);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (published(h.client.lastDiagnostics.get(h.uri("lib/defs.emt"))).stream().noneMatch(d -> d.startsWith("E0301 "))) {
            assertTrue(System.nanoTime() < end, "the includer's errors in the include were not published");
            Thread.sleep(20);
        }
        assertTrue(published(h.client.lastDiagnostics.get(h.uri("lib/defs.emt"))).containsAll(own), "the include's own warning was replaced");
        // Once the includer is fixed its errors go, and the include's own warning stays.
        int v = h.replace("main.emt", main.replace("string shared;\n", ""));
        assertEquals(List.of(), published(h.awaitDiagnostics(h.uri("main.emt"), v)));
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (published(h.client.lastDiagnostics.get(h.uri("lib/defs.emt"))).stream().anyMatch(d -> d.startsWith("E0301 "))) {
            assertTrue(System.nanoTime() < end, "the includer's old errors stayed");
            Thread.sleep(20);
        }
        assertEquals(own, published(h.client.lastDiagnostics.get(h.uri("lib/defs.emt"))));
        // Closing the includer does not clear the include's own diagnostics either.
        h.remote.getTextDocumentService().didClose(new org.eclipse.lsp4j.DidCloseTextDocumentParams(h.doc("main.emt")));
        v = h.edit("lib/defs.emt", 0, 0, "\n");
        PublishDiagnosticsParams after = h.awaitDiagnostics(h.uri("lib/defs.emt"), v);
        assertEquals(1, after.getDiagnostics().size(), published(after).toString());
        assertEquals("W0501", after.getDiagnostics().get(0).getCode().getLeft());
    }

    @Test void referencesAndRenameInAnIncludeReachItsOpenIncluders() throws Exception {
        String defs = "int shared;\nint helper(int a)\n{\n    return a + shared;\n}\n";
        String main = "#include \"lib/defs.emt\"\nVMM1Hz {\n    shared = helper(shared);\n}\n";
        h.write("lib/defs.emt", defs);
        h.write("main.emt", main);
        h.open("main.emt", main);
        h.open("lib/defs.emt", defs);
        var td = h.remote.getTextDocumentService();
        List<? extends Location> refs = ServerHarness.get(td.references(new ReferenceParams(h.doc("lib/defs.emt"), h.at("lib/defs.emt", "shared;", 1), new ReferenceContext(true))));
        assertEquals(4, refs.size(), refs.toString());
        assertEquals(2, refs.stream().filter(l -> l.getUri().equals(h.uri("main.emt"))).count(), refs.toString());
        WorkspaceEdit edit = ServerHarness.get(td.rename(new RenameParams(h.doc("lib/defs.emt"), h.at("lib/defs.emt", "shared;", 1), "common")));
        assertEquals(2, edit.getChanges().get(h.uri("lib/defs.emt")).size(), edit.toString());
        assertEquals(2, edit.getChanges().get(h.uri("main.emt")).size(), edit.toString());
        String renamed = apply(h.text("main.emt"), edit.getChanges().get(h.uri("main.emt")));
        assertEquals(main.replace("shared", "common"), renamed);
        // The includer can refuse: it declares the new name itself.
        int v = h.replace("main.emt", main.replace("VMM1Hz", "int other;\nVMM1Hz"));
        h.awaitDiagnostics(h.uri("main.emt"), v);
        assertTrue(String.valueOf(renameRefusal("lib/defs.emt", h.at("lib/defs.emt", "shared;", 1), "other")).contains("already declared"));
    }

    @Test void crlfLinesKeepTheirTerminatorWhenAnEditPositionIsPastTheLineEnd() {
        String text = "int count;\r\nVMM1Hz {\r\n    count = 1;\r\n}\r\n";
        h.open("crlf.emt", text);
        // LSP: a character past the line's length means the line's end, which is before "\r\n".
        var e = new org.eclipse.lsp4j.TextDocumentContentChangeEvent(new Range(new Position(2, 999), new Position(2, 999)), " count = nope;");
        h.remote.getTextDocumentService().didChange(new org.eclipse.lsp4j.DidChangeTextDocumentParams(
                new org.eclipse.lsp4j.VersionedTextDocumentIdentifier(h.uri("crlf.emt"), 2), List.of(e)));
        PublishDiagnosticsParams p = h.awaitDiagnostics(h.uri("crlf.emt"), 2);
        assertEquals(List.of("E0300 3:24 unknown name `nope`: it is never declared or assigned"), published(p));
        assertEquals(new Range(new Position(2, 23), new Position(2, 27)), p.getDiagnostics().get(0).getRange());
    }

    @Test void rapidEditsCoalesceAndOnlyTheNewestVersionIsPublishedLast() {
        h.open("burst.emt", SCRIPT);
        int before = h.client.diagnostics.size();
        int v = 0;
        for (int i = 0; i < 30; i++) v = h.edit("burst.emt", 0, 0, "\n");
        PublishDiagnosticsParams p = h.awaitDiagnostics(h.uri("burst.emt"), v);
        assertEquals(v, (int) p.getVersion());
        long published = h.client.diagnostics.stream().skip(before).filter(d -> d.getUri().equals(h.uri("burst.emt"))).count();
        assertTrue(published < 30, "30 edits in a burst compiled " + published + " times");
    }

    List<CompletionItem> complete(String name, Position at) {
        return ServerHarness.get(h.remote.getTextDocumentService().completion(new CompletionParams(h.doc(name), at))).getRight().getItems();
    }

    static List<String> labels(List<CompletionItem> items) { return items.stream().map(CompletionItem::getLabel).toList(); }

    @Test void completionOffersKeywordsNamesBuiltinsProbesSymbolsFieldsAndFormats() throws Exception {
        h.open("c.emt", SCRIPT);
        List<CompletionItem> body = complete("c.emt", h.at("c.emt", "bump(1);", 0));
        List<String> l = labels(body);
        for (String want : List.of("if", "while", "int", "count", "bump", "exits", "pp", "VCPUID", "printf", "logaggr"))
            assertTrue(l.contains(want), want + " missing from " + l);
        CompletionItem printf = body.stream().filter(i -> i.getLabel().equals("printf")).findFirst().orElseThrow();
        assertEquals("void printf(string fmt, ...)", printf.getDetail());
        assertNotNull(printf.getDocumentation());
        CompletionItem rip = body.stream().filter(i -> i.getLabel().equals("RIP")).findFirst().orElseThrow();
        assertTrue(rip.getDocumentation().getRight().getValue().contains("instruction pointer"));

        // Top level: probe points with their arguments.
        h.replace("c.emt", SCRIPT + "\nHV_");
        List<CompletionItem> top = complete("c.emt", Lsp.position(h.text("c.emt"), h.text("c.emt").length()));
        assertTrue(labels(top).contains("HV_Exit") && labels(top).contains("GUEST:"), labels(top).toString());

        // After GUEST:ENTER: the guest's symbols.
        var target = (CatalogTarget) ScriptSetup.resolve(h.dir.resolve("c.emt"), ScriptSetup.Flags.NONE, new FileSystemSourceLoader(), new Diagnostics()).target();
        String symbol = target.symbols().names().iterator().next();
        h.replace("c.emt", SCRIPT + "\nGUEST:ENTER:" + symbol.substring(0, 1));
        List<String> syms = labels(complete("c.emt", Lsp.position(h.text("c.emt"), h.text("c.emt").length())));
        assertTrue(syms.contains(symbol), symbol + " missing from " + syms);
        assertFalse(syms.contains("if"));

        // Struct fields after -> while the document has a syntax error (falls back to the last clean snapshot).
        h.awaitDiagnostics(h.uri("c.emt"), 1);
        String broken = SCRIPT.replace("bump(1);", "bump(1);\n    pp->");
        int v = h.replace("c.emt", broken);
        h.awaitDiagnostics(h.uri("c.emt"), v);
        List<CompletionItem> fields = complete("c.emt", h.at("c.emt", "pp->\n", 4));
        assertEquals(List.of("a", "b"), labels(fields));
        assertTrue(fields.get(1).getDetail().contains("offset 8"), fields.get(1).getDetail());

        // printf conversions inside a format string.
        String fmt = SCRIPT.replace("printf(\"exit %d", "printf(\"exit %");
        h.replace("c.emt", fmt);
        List<String> conv = labels(complete("c.emt", h.at("c.emt", "exit %", 6)));
        assertTrue(conv.contains("%d") && conv.contains("%s") && conv.contains("%x"), conv.toString());

        // Nothing inside a comment.
        h.replace("c.emt", "// a comment\n" + SCRIPT);
        assertEquals(List.of(), complete("c.emt", new Position(0, 5)));
    }

    @Test void fieldsCompleteAfterAnIndexedMember() {
        String s = """
                struct in { int x; long y; };
                struct out { struct in arr[2]; struct in *ptrs[4]; };
                struct out *o;
                VMM1Hz {
                    o->arr[0].x = 1;
                }
                """;
        h.open("f.emt", s);
        for (String chain : List.of("o->arr[1].", "o->arr[o->arr[0].x ].", "o->ptrs[2]->", "o[0].arr [1] . ")) {
            int v = h.replace("f.emt", s.replace("o->arr[0].x = 1;", "o->arr[0].x = " + chain + "\n"));
            h.awaitDiagnostics(h.uri("f.emt"), v);
            assertEquals(List.of("x", "y"), labels(complete("f.emt", h.at("f.emt", chain + "\n", chain.length()))), chain);
        }
    }

    @Test void memoryModelsAndStructTagsCompleteAfterTheirKeyword() {
        h.open("k.emt", SCRIPT);
        // At the top level, where `memmodel` and struct declarations are written.
        h.replace("k.emt", "memmodel \n" + SCRIPT);
        assertEquals(CompletionHandler.MEMMODELS, labels(complete("k.emt", new Position(0, 9))));
        int v = h.replace("k.emt", SCRIPT + "struct ");
        h.awaitDiagnostics(h.uri("k.emt"), v);
        assertEquals(List.of("pair"), labels(complete("k.emt", Lsp.position(h.text("k.emt"), h.text("k.emt").length()))));
        // In a clause.
        v = h.replace("k.emt", SCRIPT.replace("bump(1);", "struct p"));
        h.awaitDiagnostics(h.uri("k.emt"), v);
        assertEquals(List.of("pair"), labels(complete("k.emt", h.at("k.emt", "struct p", 8))));
    }

    @Test void directiveNamesCompleteWhileTheNameIsTyped() {
        h.open("p.emt", SCRIPT);
        // `#` and `#inc` are not directives yet (the scanner reads them as legacy `#` comments), and are where
        // the names are wanted: `#` is a trigger character.
        for (String typed : List.of("#", "#inc", "  # i")) {
            h.replace("p.emt", typed + "\n" + SCRIPT);
            List<String> l = labels(complete("p.emt", new Position(0, typed.length())));
            assertTrue(l.contains("include") && l.contains("define") && l.contains("pragma budget"), typed + ": " + l);
        }
        // Past the name, and in a comment's text, nothing.
        h.replace("p.emt", "# a legacy comment\n" + SCRIPT);
        assertEquals(List.of(), complete("p.emt", new Position(0, 18)));
        h.replace("p.emt", "#include \"x\n" + SCRIPT);
        assertEquals(List.of(), complete("p.emt", new Position(0, 11)));
    }

    Hover hover(String name, Position at) {
        return ServerHarness.get(h.remote.getTextDocumentService().hover(new HoverParams(h.doc(name), at)));
    }

    @Test void hoverShowsTypesLayoutsBuiltinDocsAndProbeArguments() {
        h.open("h.emt", SCRIPT + "Out logint(ARG0);\n");
        String field = hover("h.emt", h.at("h.emt", "pp->b", 4)).getContents().getRight().getValue();
        assertTrue(field.contains("long b") && field.contains("offset 8") && field.contains("struct pair"), field);
        assertTrue(field.contains("0x0008"), "layout with offsets: " + field);
        String global = hover("h.emt", h.at("h.emt", "count = count", 0)).getContents().getRight().getValue();
        assertTrue(global.contains("int count") && global.contains("global"), global);
        String builtin = hover("h.emt", h.at("h.emt", "VCPUID", 1)).getContents().getRight().getValue();
        assertTrue(builtin.contains("VCPUID"), builtin);
        String fn = hover("h.emt", h.at("h.emt", "logaggr(", 1)).getContents().getRight().getValue();
        assertTrue(fn.contains("void logaggr(aggr a)") && fn.contains("Prints an aggregate"), fn);
        String probe = hover("h.emt", h.at("h.emt", "HV_Exit", 2)).getContents().getRight().getValue();
        assertTrue(probe.contains("HV_Exit") && probe.contains("VMCS_EXIT_"), probe);
        assertTrue(probe.contains("code: pending backend"), probe);
        String out = hover("h.emt", h.at("h.emt", "Out logint", 1)).getContents().getRight().getValue();
        assertTrue(out.contains("`ARG0` port: the I/O port"), out);
        assertNull(hover("h.emt", new Position(8, 0)));
    }

    @Test void hoverSaysNothingAboutAnExpressionTheCheckerRejected() {
        h.open("r.emt", SCRIPT.replace("bump(1);", "bump(undefined_fn(2));"));
        Hover unknown = hover("r.emt", h.at("r.emt", "undefined_fn", 3));
        assertTrue(unknown == null || !unknown.getContents().getRight().getValue().contains("<error>"), unknown.toString());
        // The enclosing call still has a type.
        assertTrue(hover("r.emt", h.at("r.emt", "bump(undefined", 1)).getContents().getRight().getValue().contains("int bump(int by)"));
    }

    @Test void signatureHelpForBuiltinsAndScriptFunctions() {
        String s = SCRIPT.replace("bump(1);", "printf(\"%d\", ");
        h.open("s.emt", s);
        SignatureHelp help = ServerHarness.get(h.remote.getTextDocumentService().signatureHelp(new SignatureHelpParams(h.doc("s.emt"), h.at("s.emt", "\"%d\", ", 6))));
        assertEquals("void printf(string fmt, ...)", help.getSignatures().get(0).getLabel());
        assertEquals(1, (int) help.getActiveParameter());
        h.replace("s.emt", SCRIPT.replace("bump(1);", "bump("));
        help = ServerHarness.get(h.remote.getTextDocumentService().signatureHelp(new SignatureHelpParams(h.doc("s.emt"), h.at("s.emt", "bump(\n", 5))));
        assertEquals("int bump(int by)", help.getSignatures().get(0).getLabel());
    }

    @Test void signatureHelpSkipsParenthesesInLiteralsAndComments() {
        String s = SCRIPT.replace("bump(1);", "bump(')' + \"(\" /* ( */ + 1, ");
        h.open("t.emt", s);
        SignatureHelp help = ServerHarness.get(h.remote.getTextDocumentService().signatureHelp(new SignatureHelpParams(h.doc("t.emt"), h.at("t.emt", "1, ", 3))));
        assertNotNull(help, "no signature help after a `)` character literal");
        assertEquals("int bump(int by)", help.getSignatures().get(0).getLabel());
        assertEquals(1, (int) help.getActiveParameter());
        // Typing in a comment inside the call: no help.
        assertNull(ServerHarness.get(h.remote.getTextDocumentService().signatureHelp(new SignatureHelpParams(h.doc("t.emt"), h.at("t.emt", "( */", 1)))));
    }

    @Test void definitionReferencesAndRename() {
        h.open("n.emt", SCRIPT);
        var td = h.remote.getTextDocumentService();
        List<? extends Location> def = ServerHarness.get(td.definition(new DefinitionParams(h.doc("n.emt"), h.at("n.emt", "bump(1)", 1)))).getLeft();
        assertEquals(h.at("n.emt", "bump(int", 0), def.get(0).getRange().getStart());
        List<? extends Location> refs = ServerHarness.get(td.references(new ReferenceParams(h.doc("n.emt"), h.at("n.emt", "int count", 5), new ReferenceContext(true))));
        assertEquals(5, refs.size(), refs.toString());
        List<? extends Location> fieldRefs = ServerHarness.get(td.references(new ReferenceParams(h.doc("n.emt"), h.at("n.emt", "long b", 5), new ReferenceContext(true))));
        assertEquals(2, fieldRefs.size(), fieldRefs.toString());

        assertNotNull(ServerHarness.get(td.prepareRename(new PrepareRenameParams(h.doc("n.emt"), h.at("n.emt", "count;", 0)))));
        assertNull(ServerHarness.get(td.prepareRename(new PrepareRenameParams(h.doc("n.emt"), h.at("n.emt", "VCPUID", 0)))));
        WorkspaceEdit edit = ServerHarness.get(td.rename(new RenameParams(h.doc("n.emt"), h.at("n.emt", "count;", 0), "hits")));
        List<TextEdit> edits = edit.getChanges().get(h.uri("n.emt"));
        assertEquals(5, edits.size());
        String renamed = apply(h.text("n.emt"), edits);
        assertFalse(renamed.contains("count"));
        int v = h.replace("n.emt", renamed);
        assertEquals(List.of(), published(h.awaitDiagnostics(h.uri("n.emt"), v)));

        ExecutionException bad = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> td.rename(new RenameParams(h.doc("n.emt"), h.at("n.emt", "hits;", 0), "HITS")).get(10, TimeUnit.SECONDS));
        assertTrue(bad.getCause() instanceof ResponseErrorException e && e.getMessage().contains("capitals"), bad.getCause().toString());
    }

    String renameRefusal(String name, Position at, String newName) {
        try {
            h.remote.getTextDocumentService().rename(new RenameParams(h.doc(name), at, newName)).get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test void renameRefusesNamesThatCollideOrChangeWhatANameMeans() {
        h.open("q.emt", SCRIPT.replace("VMM1Hz {", "VMM1Hz {\n    int tmp;\n    tmp = count;"));
        // Variables, functions and aggregates share a namespace.
        assertTrue(String.valueOf(renameRefusal("q.emt", h.at("q.emt", "int count", 5), "bump")).contains("already declared"));
        assertTrue(String.valueOf(renameRefusal("q.emt", h.at("q.emt", "int count", 5), "exits")).contains("already declared"));
        assertTrue(String.valueOf(renameRefusal("q.emt", h.at("q.emt", "int count", 5), "printf")).contains("built-in function"));
        // The global would be hidden by a local where it is used, or the renamed parameter would hide it.
        assertTrue(String.valueOf(renameRefusal("q.emt", h.at("q.emt", "int count", 5), "tmp")).contains("would hide"));
        assertTrue(String.valueOf(renameRefusal("q.emt", h.at("q.emt", "int by", 5), "count")).contains("would hide"));
        assertTrue(String.valueOf(renameRefusal("q.emt", h.at("q.emt", "int tmp", 5), "count")).contains("would hide"));
        // A name that is free in the scope is fine, also when another function has a local of that name.
        assertNull(renameRefusal("q.emt", h.at("q.emt", "int by", 5), "amount"));
        assertNull(renameRefusal("q.emt", h.at("q.emt", "int by", 5), "tmp"));
        assertNull(renameRefusal("q.emt", h.at("q.emt", "int count", 5), "hits"));
    }

    @Test void renameRefusesATypedefNameForAVariableAndTheOtherWayRound() {
        // A typedef name is read as a type: `int pair_t;` or `pair_t = 1;` no longer parses.
        h.open("y.emt", SCRIPT.replace("VMM1Hz {", "VMM1Hz {\n    int tmp;\n    tmp = count;"));
        assertTrue(String.valueOf(renameRefusal("y.emt", h.at("y.emt", "int count", 5), "pair_t")).contains("typedef"));
        assertTrue(String.valueOf(renameRefusal("y.emt", h.at("y.emt", "int tmp", 5), "pair_t")).contains("typedef"));
        assertTrue(String.valueOf(renameRefusal("y.emt", h.at("y.emt", "int bump", 5), "pair_t")).contains("typedef"));
        assertTrue(String.valueOf(renameRefusal("y.emt", h.at("y.emt", "pair_t;", 0), "count")).contains("already declared"));
        // A field may share a typedef's name: it is only ever read after `.` or `->`.
        assertNull(renameRefusal("y.emt", h.at("y.emt", "int a;", 4), "pair_t"));
    }

    @Test void renameRefusesTheNameOfAGuestSymbolTheScriptUses() throws Exception {
        var target = (CatalogTarget) ScriptSetup.resolve(h.dir.resolve("g.emt"), ScriptSetup.Flags.NONE, new FileSystemSourceLoader(), new Diagnostics()).target();
        String symbol = target.symbols().names().stream().filter(n -> n.matches("[a-z_][a-z0-9_]*")).findFirst().orElseThrow();
        String text = "int count;\nint other(int n) { return n; }\nVMM1Hz {\n    int k;\n    k = 1;\n    count = other(k);\n    printf(\"%d\\n\", &" + symbol + ");\n}\n";
        assertEquals(List.of(), published(h.open("g.emt", text)));
        // A global or function of that name would make `&sym` the address of the script's own name.
        assertTrue(String.valueOf(renameRefusal("g.emt", h.at("g.emt", "int count", 5), symbol)).contains("guest symbol"));
        assertTrue(String.valueOf(renameRefusal("g.emt", h.at("g.emt", "int other", 5), symbol)).contains("guest symbol"));
        // So would a local of the clause that uses it; a parameter of another function may take the name.
        assertTrue(String.valueOf(renameRefusal("g.emt", h.at("g.emt", "int k", 5), symbol)).contains("guest symbol"));
        assertNull(renameRefusal("g.emt", h.at("g.emt", "int n", 5), symbol));
    }

    static String apply(String text, List<TextEdit> edits) {
        List<TextEdit> sorted = new java.util.ArrayList<>(edits);
        sorted.sort((a, b) -> Integer.compare(Lsp.offset(text, b.getRange().getStart()), Lsp.offset(text, a.getRange().getStart())));
        String out = text;
        for (TextEdit e : sorted) out = out.substring(0, Lsp.offset(out, e.getRange().getStart())) + e.getNewText() + out.substring(Lsp.offset(out, e.getRange().getEnd()));
        return out;
    }

    @Test void documentSymbolsFoldingSemanticTokensAndFormatting() {
        String messy = SCRIPT.replace("    count = count + by;", "count = count + by;   ").replace("/*", "") + "\n\n\n/* a\n   comment */\n";
        h.open("d.emt", messy);
        var td = h.remote.getTextDocumentService();
        List<String> names = ServerHarness.get(td.documentSymbol(new DocumentSymbolParams(h.doc("d.emt")))).stream().map(e -> e.getRight().getName()).toList();
        assertEquals(List.of("struct pair", "pair_t", "pp", "count", "exits", "bump", "HV_Exit", "VMM1Hz"), names);
        DocumentSymbol struct = ServerHarness.get(td.documentSymbol(new DocumentSymbolParams(h.doc("d.emt")))).get(0).getRight();
        assertEquals(List.of("a", "b"), struct.getChildren().stream().map(DocumentSymbol::getName).toList());

        List<FoldingRange> folds = ServerHarness.get(td.foldingRange(new FoldingRangeRequestParams(h.doc("d.emt"))));
        assertTrue(folds.stream().anyMatch(f -> f.getStartLine() == 15), "HV_Exit's body folds: " + folds);
        assertTrue(folds.stream().anyMatch(f -> "comment".equals(f.getKind())), folds.toString());

        SemanticTokens tokens = ServerHarness.get(td.semanticTokensFull(new SemanticTokensParams(h.doc("d.emt"))));
        List<Integer> data = tokens.getData();
        assertEquals(0, data.size() % 5);
        // The first token is `struct` (a keyword) at 0:0; find `bump`'s declaration as a function with the declaration modifier.
        assertEquals(List.of(0, 0, 6, SemanticTokensHandler.TYPES.indexOf("keyword"), 0), data.subList(0, 5));
        assertTrue(decode(data).contains("9:4 function 1"), decode(data).toString());

        List<? extends TextEdit> fmt = ServerHarness.get(td.formatting(new DocumentFormattingParams(h.doc("d.emt"), new FormattingOptions(4, true))));
        assertEquals(1, fmt.size());
        assertEquals(ScriptFormatter.format(messy, false), fmt.get(0).getNewText());
        assertTrue(fmt.get(0).getNewText().contains("\n    count = count + by;\n"));
        int v = h.replace("d.emt", fmt.get(0).getNewText());
        h.awaitDiagnostics(h.uri("d.emt"), v);
        assertEquals(List.of(), ServerHarness.get(td.formatting(new DocumentFormattingParams(h.doc("d.emt"), new FormattingOptions(4, true)))));
    }

    @Test void semanticTokensOfACrlfFileEndBeforeTheLineTerminator() {
        String text = "// a comment\r\nint count; /* a block\r\n   comment */\r\nVMM1Hz { count = 1; }\r\n";
        h.open("tok.emt", text);
        List<Integer> data = ServerHarness.get(h.remote.getTextDocumentService().semanticTokensFull(new SemanticTokensParams(h.doc("tok.emt")))).getData();
        String[] lines = text.split("\r\n");
        int line = 0, col = 0;
        for (int i = 0; i < data.size(); i += 5) {
            line += data.get(i);
            col = data.get(i) == 0 ? col + data.get(i + 1) : data.get(i + 1);
            assertTrue(col + data.get(i + 2) <= lines[line].length(), "token " + line + ":" + col + " length " + data.get(i + 2) + " runs past `" + lines[line] + "`");
        }
        assertEquals("0:0 comment 0", decode(data).get(0));
    }

    /** "line:col type modifiers" for each token. */
    static List<String> decode(List<Integer> data) {
        List<String> out = new java.util.ArrayList<>();
        int line = 0, col = 0;
        for (int i = 0; i < data.size(); i += 5) {
            line += data.get(i);
            col = data.get(i) == 0 ? col + data.get(i + 1) : data.get(i + 1);
            out.add(line + ":" + col + " " + SemanticTokensHandler.TYPES.get(data.get(i + 3)) + " " + data.get(i + 4));
        }
        return out;
    }

    @Test void codeActionsApplyTheFixesDiagnosticsCarry() {
        String s = SCRIPT.replace("int count;", "int count;\n# old style comment");
        PublishDiagnosticsParams p = h.open("a.emt", s);
        Diagnostic w = p.getDiagnostics().stream().filter(d -> d.getCode().getLeft().equals("W0001")).findFirst().orElseThrow();
        List<CodeAction> actions = ServerHarness.get(h.remote.getTextDocumentService().codeAction(new CodeActionParams(h.doc("a.emt"), w.getRange(),
                new CodeActionContext(List.of(w))))).stream().map(e -> e.getRight()).toList();
        assertEquals(1, actions.size());
        assertEquals("quickfix", actions.get(0).getKind());
        String fixed = apply(h.text("a.emt"), actions.get(0).getEdit().getChanges().get(h.uri("a.emt")));
        assertTrue(fixed.contains("\n// old style comment"), fixed);
        int v = h.replace("a.emt", fixed);
        assertEquals(List.of(), published(h.awaitDiagnostics(h.uri("a.emt"), v)));
    }

    @Test void codeLensesShowDataAndStackAndSayCodeIsPending() {
        h.open("l.emt", SCRIPT);
        List<? extends CodeLens> lenses = ServerHarness.get(h.remote.getTextDocumentService().codeLens(new CodeLensParams(h.doc("l.emt"))));
        assertEquals(2, lenses.size());
        assertEquals(h.at("l.emt", "HV_Exit", 0).getLine(), lenses.get(0).getRange().getStart().getLine());
        String title = lenses.get(0).getCommand().getTitle();
        assertTrue(title.matches("data [\\d.]+ (B|KiB) · stack \\d+ B · code: pending backend"), title);
        assertFalse(title.contains("data 0 B"), title);
    }

    Object command(String name, Object... args) {
        return ServerHarness.get(h.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(name, List.of(args))));
    }

    String commandError(String name, Object... args) {
        try {
            h.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(name, List.of(args))).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError(name + " did not fail");
    }

    @Test void commandsCompileDeployResetAndProbes() {
        h.open("x.emt", SCRIPT);
        JsonObject r = new Gson().toJsonTree(command("vp.compile", h.uri("x.emt"))).getAsJsonObject();
        assertTrue(r.get("ok").getAsBoolean(), r.toString());
        assertTrue(r.get("dataBytes").getAsLong() > 0);
        assertFalse(r.has("codeBytes") && !r.get("codeBytes").isJsonNull(), "code bytes must not be invented: " + r);
        assertTrue(r.get("note").getAsString().contains("pending"), r.toString());
        assertEquals(2, r.getAsJsonArray("probes").size());

        assertTrue(commandError("vp.deploy", h.uri("x.emt")).contains("no deploy client in this build"));
        assertTrue(commandError("vp.reset").contains("no deploy client in this build"));
        assertTrue(commandError("vp.compile").contains("needs the document's URI"));
        assertTrue(commandError("vp.nope").contains("unknown command"));
        h.replace("x.emt", SCRIPT + "VMM1Hz { nope = undefined_name; }\n");
        assertTrue(commandError("vp.deploy", h.uri("x.emt")).contains("error"));

        String probes = new Gson().toJson(command("vp.probes"));
        assertTrue(probes.contains("HV_Exit") && probes.contains("VMM1Hz") && probes.contains("meaning"), probes);
    }

    @Test void aDeployWaitingOnTheMonitorDoesNotHoldUpDiagnostics() throws Exception {
        var release = new java.util.concurrent.CountDownLatch(1);
        var entered = new java.util.concurrent.CountDownLatch(1);
        DeployClient slow = new DeployClient() {
            @Override public String deploy(Compilation c, String address, String tokenFile, java.util.function.Consumer<String> output) {
                entered.countDown();
                try { release.await(30, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                return "deployed";
            }
            @Override public String reset(String address, String tokenFile) { return "reset"; }
        };
        h.close();
        h = new ServerHarness(null, new VpLanguageServer(CodeSizer.NONE, slow));
        h.open("y.emt", SCRIPT);
        var deployed = h.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams("vp.deploy", List.of(h.uri("y.emt"))));
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the deploy did not start");
        try {
            // While the monitor has not answered, typing still gets diagnostics.
            int v = h.replace("y.emt", SCRIPT + "VMM1Hz { nope = undefined_name; }\n");
            assertFalse(published(h.awaitDiagnostics(h.uri("y.emt"), v)).isEmpty());
        } finally {
            release.countDown();
        }
        assertEquals("deployed", ServerHarness.get(deployed));
    }

    @Test void notificationsAfterShutdownAreIgnoredQuietly() throws Exception {
        h.write("lib/defs.emt", "int shared;\n");
        h.open("main.emt", "#include \"lib/defs.emt\"\nVMM1Hz { shared = 1; }\n");
        h.open("lib/defs.emt", "int shared;\n");
        ServerHarness.get(h.remote.shutdown());
        // A client closing its editors while it stops the server.
        h.replace("main.emt", "VMM1Hz { x = 1; }\n");
        h.remote.getTextDocumentService().didClose(new org.eclipse.lsp4j.DidCloseTextDocumentParams(h.doc("lib/defs.emt")));
        h.remote.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(List.of(new FileEvent(h.uri("vp.json"), FileChangeType.Changed))));
        // A request after them is answered in order, so they have been handled.
        ServerHarness.get(h.remote.getTextDocumentService().completion(new CompletionParams(h.doc("main.emt"), new Position(0, 0))));
        assertEquals(List.of(), h.client.errors());
    }

    @Test void aRequestWithoutItsPositionIsTheClientsErrorNotAnInternalOne() throws Exception {
        h.open("i.emt", SCRIPT);
        var td = h.remote.getTextDocumentService();
        // As a broken client sends them: the required position (a range for code actions) left out.
        var hover = new HoverParams();
        hover.setTextDocument(h.doc("i.emt"));
        var completion = new CompletionParams();
        completion.setTextDocument(h.doc("i.emt"));
        var definition = new DefinitionParams();
        definition.setTextDocument(h.doc("i.emt"));
        var action = new CodeActionParams();
        action.setTextDocument(h.doc("i.emt"));
        action.setContext(new CodeActionContext(List.of()));
        List<CompletableFuture<?>> calls = List.of(td.hover(hover), td.completion(completion), td.definition(definition), td.codeAction(action));
        for (CompletableFuture<?> call : calls) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof ResponseErrorException r && r.getResponseError().getCode() == org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode.InvalidParams.getValue(),
                    e.getCause().toString());
        }
        // @AfterEach: nothing was logged as an internal error.
    }

    @Test void settingsFromInitializationOptionsAndConfigurationChanges() throws Exception {
        assertEquals("127.0.0.1:7070", h.server.settings().vmmAddress());
        h.remote.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(JsonParser.parseString("{\"vp.vmm.tokenFile\":\"/tmp/token\"}")));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (h.server.settings().tokenFile() == null && System.nanoTime() < end) Thread.sleep(10);
        assertEquals(new Settings("127.0.0.1:7070", "/tmp/token"), h.server.settings());
    }

    @Test void anUntitledBufferIsCheckedInTheLanguageTheEditorGaveIt() {
        String vp = "(version \"1.0\")\n(definteger n)\n(vprobe VMM1Hz\n  (setint n (+ n 1)))\n";
        var td = h.remote.getTextDocumentService();
        td.didOpen(new org.eclipse.lsp4j.DidOpenTextDocumentParams(new org.eclipse.lsp4j.TextDocumentItem("untitled:Untitled-1", "vp", 1, vp)));
        assertEquals(List.of(), published(h.awaitDiagnostics("untitled:Untitled-1", 1)));
        var doc = new org.eclipse.lsp4j.TextDocumentIdentifier("untitled:Untitled-1");
        assertEquals(List.of(2), ServerHarness.get(td.foldingRange(new FoldingRangeRequestParams(doc))).stream().map(FoldingRange::getStartLine).toList());
        // A client that syncs every file: vp.json is not a script.
        td.didOpen(new org.eclipse.lsp4j.DidOpenTextDocumentParams(new org.eclipse.lsp4j.TextDocumentItem(h.uri("vp.json"), "json", 1, "{\"target\": \"catalog.json\"}\n")));
        String emmett = "int n;\nVMM1Hz { n = n + 1; }\n";
        td.didOpen(new org.eclipse.lsp4j.DidOpenTextDocumentParams(new org.eclipse.lsp4j.TextDocumentItem("untitled:Untitled-2", "emmett", 1, emmett)));
        assertEquals(List.of(), published(h.awaitDiagnostics("untitled:Untitled-2", 1)));
        assertNull(h.client.lastDiagnostics.get(h.uri("vp.json")), "vp.json was compiled as a script");
    }

    @Test void projectFileChangesOnDiskReachOpenScripts() throws Exception {
        // The server asks the client to watch the files a setup is read from (VS Code's client watches nothing
        // on its own), then recompiles what is open when one changes.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (h.client.registrations.isEmpty() && System.nanoTime() < end) Thread.sleep(10);
        var reg = h.client.registrations.stream().filter(r -> r.getMethod().equals("workspace/didChangeWatchedFiles")).findFirst().orElseThrow();
        List<String> globs = new Gson().toJsonTree(reg.getRegisterOptions()).getAsJsonObject().getAsJsonArray("watchers").asList().stream()
                .map(w -> w.getAsJsonObject().get("globPattern").getAsString()).toList();
        for (String file : List.of("vp.json", "catalog.json", "lib/defs.emt", "lib/defs.h", "x.vp", "guests/linux/vmlinux", "minios.elf"))
            assertTrue(globs.stream().anyMatch(g -> java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g).matches(Path.of("/w/" + file))), file + ": " + globs);

        h.write("lib/defs.emt", "int shared;\n");
        h.open("j.emt", "#include \"lib/defs.emt\"\nVMM1Hz { shared = helper_value; }\n");
        h.write("lib/defs.emt", "int shared;\nint helper_value;\n");
        h.remote.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(List.of(new FileEvent(h.uri("lib/defs.emt"), FileChangeType.Changed))));
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!h.client.lastDiagnostics.get(h.uri("j.emt")).getDiagnostics().isEmpty()) {
            assertTrue(System.nanoTime() < end, "the include's change on disk was not seen");
            Thread.sleep(20);
        }
        // An include named as in C (the usual `#include "x.h"`) is seen too.
        h.write("lib/more.h", "int shared2;\n");
        h.open("k.emt", "#include \"lib/more.h\"\nVMM1Hz { shared2 = helper2; }\n");
        h.write("lib/more.h", "int shared2;\nint helper2;\n");
        h.remote.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(List.of(new FileEvent(h.uri("lib/more.h"), FileChangeType.Changed))));
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.client.lastDiagnostics.get(h.uri("k.emt")) == null || !h.client.lastDiagnostics.get(h.uri("k.emt")).getDiagnostics().isEmpty()) {
            assertTrue(System.nanoTime() < end, "the .h include's change on disk was not seen");
            Thread.sleep(20);
        }
        h.write("vp.json", "{\"target\": \"catalog.json\", \"budgets\": {\"data\": 8}}\n");
        h.remote.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(List.of(new FileEvent(h.uri("vp.json"), FileChangeType.Changed))));
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The budget error points at the biggest variable, declared in the include.
        while (h.client.lastDiagnostics.get(h.uri("lib/defs.emt")) == null
                || published(h.client.lastDiagnostics.get(h.uri("lib/defs.emt"))).stream().noneMatch(s -> s.startsWith("E0700 "))) {
            assertTrue(System.nanoTime() < end, "the new data budget was not applied");
            Thread.sleep(20);
        }
    }

    @Test void vpDocumentsCompileAndComplete() {
        String vp = "(version \"1.0\")\n(definteger n)\n(vprobe VMM1Hz (setint n (+ n 1)))\n";
        PublishDiagnosticsParams p = h.open("v.vp", vp);
        assertEquals(List.of(), published(p));
        assertTrue(labels(complete("v.vp", h.at("v.vp", "(setint", 1))).contains("setint"));
        PublishDiagnosticsParams bad = h.open("w.vp", "(vprobe VMM1Hz (setint m 1)");
        assertFalse(bad.getDiagnostics().isEmpty());
    }
}
