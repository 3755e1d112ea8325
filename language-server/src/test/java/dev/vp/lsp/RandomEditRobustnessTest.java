// Ten thousand random edits to open documents: the server never throws, keeps publishing and answers every request.
package dev.vp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.FoldingRangeRequestParams;
import org.eclipse.lsp4j.FormattingOptions;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ReferenceContext;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.SignatureHelpParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.Test;

class RandomEditRobustnessTest {
    static final int EDITS = 10_000;

    /** Pieces of scripts, broken scripts and plain garbage that edits insert. */
    static final String[] PIECES = {
        "{", "}", "(", ")", ";", "->", ".", ":", "GUEST:ENTER:", "VMM1Hz ", "HV_Exit {", "printf(\"%d\\n\", ", "\"", "'", "/*", "*/", "//",
        "#include \"inc.emt\"\n", "#if 1\n", "#endif\n", "#define X 1\n", "#pragma budget data 10\n", "# legacy\n", "int x;", "struct s { int a; };",
        "pp->", "pp->b", "count++;", "aggr a[1][0];", "exits[VCPUID] <- 1;", "\n", "\t", "  ", "0x", "99999999999999999999", "\\", "\u00e9", "\u0000",
        "\ud83d\ude00", "\r\n", "if (", "else", "while (1) {", "try {", "} catch {", "sizeof(", "(string)", "memmodel guest32;", "typedef int t;",
        "bump(", "return", "bag b[0];", "(vprobe VMM1Hz", "))))", "((((", "@0x10", "USEC:10 ", "GUEST_WRITE:0x1000 ",
    };

    @Test void randomEditsNeverBreakTheServer() throws Exception {
        Random random = new Random(20240517);
        try (ServerHarness h = new ServerHarness()) {
            h.write("inc.emt", "int included_value;\n");
            h.open("inc.emt", "int included_value;\n");
            h.open("r.emt", LanguageServerProtocolTest.SCRIPT);
            h.open("r.vp", "(definteger n)\n(vprobe VMM1Hz (setint n (+ n 1)))\n");
            String[] names = {"r.emt", "r.emt", "r.emt", "inc.emt", "r.vp"};
            List<CompletableFuture<?>> pending = new ArrayList<>();
            int answered = 0;
            for (int i = 0; i < EDITS; i++) {
                String name = names[random.nextInt(names.length)];
                String text = h.text(name);
                int from = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
                int r = random.nextInt(100);
                if (r < 55) {
                    h.edit(name, from, from, PIECES[random.nextInt(PIECES.length)]);
                } else if (r < 85) {
                    h.edit(name, from, Math.min(text.length(), from + random.nextInt(20)), "");
                } else if (r < 95) {
                    h.edit(name, from, from, garbage(random, 1 + random.nextInt(40)));
                } else if (r < 98 && text.length() < 200_000) {
                    h.edit(name, from, from, LanguageServerProtocolTest.SCRIPT.repeat(1 + random.nextInt(40)));
                } else {
                    // A large deletion keeps documents from growing without bound.
                    h.edit(name, from / 2, Math.min(text.length(), from + text.length() / 2), "");
                }
                if (i % 7 == 0) pending.add(request(h, name, random));
                if (pending.size() >= 64 || i == EDITS - 1) {
                    for (CompletableFuture<?> f : pending) {
                        try {
                            f.get(30, TimeUnit.SECONDS);
                        } catch (ExecutionException e) {
                            assertTrue(e.getCause() instanceof ResponseErrorException re && re.getMessage().startsWith("cannot rename"),
                                    "request failed: " + e.getCause());
                        }
                        answered++;
                    }
                    pending.clear();
                }
                if (i % 1000 == 999) {
                    // Still publishing: the newest version of a document gets its diagnostics.
                    int v = h.edit(name, 0, 0, " ");
                    assertEquals(v, (int) h.awaitDiagnostics(h.uri(name), v).getVersion());
                }
            }
            for (String name : List.of("r.emt", "inc.emt", "r.vp")) {
                int v = h.edit(name, 0, 0, "\n");
                assertEquals(v, (int) h.awaitDiagnostics(h.uri(name), v).getVersion());
            }
            assertTrue(answered >= EDITS / 7, "answered " + answered);
            assertEquals(List.of(), h.client.errors(), "the server logged internal errors");
            assertEquals(0, h.server.internalErrors());
        }
    }

    private static String garbage(Random random, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x3000)));
        return b.toString();
    }

    /** One of every position-taking request, at a random position (sometimes past the end). */
    private static CompletableFuture<?> request(ServerHarness h, String name, Random random) {
        TextDocumentIdentifier doc = h.doc(name);
        String text = h.text(name);
        Position p = random.nextInt(10) == 0 ? new Position(random.nextInt(100000), random.nextInt(1000))
                : Lsp.position(text, random.nextInt(text.length() + 1));
        var td = h.remote.getTextDocumentService();
        return switch (random.nextInt(13)) {
            case 0, 1, 2 -> td.completion(new CompletionParams(doc, p));
            case 3 -> td.hover(new HoverParams(doc, p));
            case 4 -> td.signatureHelp(new SignatureHelpParams(doc, p));
            case 5 -> td.definition(new DefinitionParams(doc, p));
            case 6 -> td.references(new ReferenceParams(doc, p, new ReferenceContext(true)));
            case 7 -> td.rename(new RenameParams(doc, p, "renamed"));
            case 8 -> td.documentSymbol(new DocumentSymbolParams(doc));
            case 9 -> td.foldingRange(new FoldingRangeRequestParams(doc));
            case 10 -> td.semanticTokensFull(new SemanticTokensParams(doc));
            case 11 -> td.codeAction(new CodeActionParams(doc, new Range(p, p), new CodeActionContext(List.of())));
            default -> random.nextBoolean() ? td.codeLens(new CodeLensParams(doc)) : td.formatting(new DocumentFormattingParams(doc, new FormattingOptions(4, true)));
        };
    }
}
