package dev.vp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.junit.jupiter.api.Test;

/** What reaches the client when a document closes while one of its compiles is still running. */
class DiagnosticsPublisherTest {
    private final List<String> sent = new ArrayList<>();
    private final VpLanguageClient client = (VpLanguageClient) Proxy.newProxyInstance(VpLanguageClient.class.getClassLoader(),
            new Class<?>[] {VpLanguageClient.class}, (proxy, method, args) -> {
                if (method.getName().equals("publishDiagnostics")) {
                    PublishDiagnosticsParams p = (PublishDiagnosticsParams) args[0];
                    sent.add(p.getUri() + " " + p.getDiagnostics().size());
                }
                return null;
            });

    private static Snapshot withOneError(String uri) {
        SourceFile main = new SourceFile("/tmp/a.emt", "VMM1Hz x;\n");
        return new Snapshot(uri, 1, main, null, null, List.of(new Diagnostic(Code.E0100, "broken", Span.at(main, 0))), Optional.empty());
    }

    @Test void aCompileThatFinishesAfterItsDocumentClosedPublishesNothing() {
        var publisher = new DiagnosticsPublisher(() -> client);
        String uri = "file:///tmp/a.emt";
        publisher.publish(withOneError(uri));
        publisher.clear(uri);
        publisher.publish(withOneError(uri)); // the compile that was running when the editor closed the document
        assertEquals(List.of(uri + " 1", uri + " 0"), sent, "closed means empty, and it stays empty");
        publisher.opened(uri);
        publisher.publish(withOneError(uri));
        assertEquals(uri + " 1", sent.getLast(), "open again: compiles publish again");
    }
}
