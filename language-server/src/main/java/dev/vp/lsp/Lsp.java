// Conversions between the compiler's offsets and spans and LSP's positions, ranges, locations and URIs.
package dev.vp.lsp;

import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.net.URI;
import java.nio.file.Path;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * LSP counts columns in UTF-16 code units, as Java strings do, so a column is a char offset within the line.
 * Lines and columns are 0-based here and 1-based in {@link SourceFile}.
 */
final class Lsp {
    private Lsp() {}

    static Position position(SourceFile file, int offset) {
        return new Position(file.line(offset) - 1, file.column(offset) - 1);
    }

    /** The position of an offset in a text that has no SourceFile (the live text of a document). */
    static Position position(String text, int offset) {
        int o = Math.max(0, Math.min(offset, text.length())), line = 0, lineStart = 0;
        for (int i = text.indexOf('\n'); i >= 0 && i < o; i = text.indexOf('\n', i + 1)) { line++; lineStart = i + 1; }
        return new Position(line, o - lineStart);
    }

    static Range range(Span span) {
        return new Range(position(span.file(), span.start()), position(span.file(), span.end()));
    }

    static Location location(Span span) { return new Location(uri(span.file()), range(span)); }

    /** The offset of an LSP position, clamped to the text (a column past the line's end is its end, before the terminator). */
    static int offset(String text, Position p) {
        if (p == null) throw invalidParams("the request needs a position");
        int line = Math.max(0, p.getLine()), i = 0;
        for (int l = 0; l < line; l++) {
            int nl = text.indexOf('\n', i);
            if (nl < 0) return text.length();
            i = nl + 1;
        }
        int lineEnd = text.indexOf('\n', i);
        if (lineEnd < 0) lineEnd = text.length();
        else if (lineEnd > i && text.charAt(lineEnd - 1) == '\r') lineEnd--;  // a CRLF line's end is before its \r
        return Math.min(lineEnd, i + Math.max(0, p.getCharacter()));
    }

    /** A request the client got wrong: answered with LSP's InvalidParams error, not logged as the server's fault. */
    static org.eclipse.lsp4j.jsonrpc.ResponseErrorException invalidParams(String message) {
        return new org.eclipse.lsp4j.jsonrpc.ResponseErrorException(new org.eclipse.lsp4j.jsonrpc.messages.ResponseError(
                org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode.InvalidParams, message, null));
    }

    /** The path a file: URI names (documents of other schemes get a path that no file has). */
    static Path path(String uri) {
        try {
            URI u = URI.create(uri);
            if ("file".equals(u.getScheme())) return Path.of(u).normalize();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            // fall through: an unusual URI is still a document, just not one on disk
        }
        return Path.of("/nonexistent-vp-document", Integer.toHexString(uri.hashCode()), Path.of(uri.replaceAll("[^A-Za-z0-9._-]", "_")).getFileName().toString());
    }

    static String uri(SourceFile file) { return uri(Path.of(file.path())); }

    static String uri(Path path) { return path.toAbsolutePath().normalize().toUri().toString(); }

}
