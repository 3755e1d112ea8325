// A JSON tree whose every value keeps its source span, so that project and catalog files get precise diagnostics.
package dev.vp.compiler.project;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The values of RFC 8259 JSON, each with the span it was read from. Gson writes our JSON formats, but its
 * reader exposes no source offsets; a diagnostic on `$.probes[3].domain` must point at that value in the
 * file (editor squiggle, `file:line:col` in CI), so reading goes through this small parser instead.
 */
public sealed interface Json {
    Span span();

    record Member(String key, Span keySpan, Json value) {}

    record Obj(Span span, List<Member> members) implements Json {}

    record Arr(Span span, List<Json> items) implements Json {}

    record Str(Span span, String value) implements Json {}

    record Num(Span span, BigDecimal value) implements Json {}

    record Bool(Span span, boolean value) implements Json {}

    record Null(Span span) implements Json {}

    /** The JSON type name used in messages ("an object", "a string"...). */
    default String describe() {
        return switch (this) {
            case Obj o -> "an object";
            case Arr a -> "an array";
            case Str s -> "a string";
            case Num n -> "a number";
            case Bool b -> "a boolean";
            case Null n -> "null";
        };
    }

    /** Parses a whole file; a syntax error is reported as {@link Code#E0801} at its position and yields null. */
    static Json parse(SourceFile file, Diagnostics diags) {
        try {
            return new Parser(file).document();
        } catch (Parser.SyntaxError e) {
            diags.report(Code.E0801, Span.at(file, e.offset), "malformed JSON in " + file.path() + ": " + e.getMessage());
            return null;
        }
    }

    /** Recursive descent over the text; nesting is bounded so that hostile input cannot overflow the stack. */
    final class Parser {
        private static final int MAX_DEPTH = 64;

        static final class SyntaxError extends Exception {
            final int offset;

            SyntaxError(int offset, String message) {
                super(message, null, false, false);
                this.offset = offset;
            }
        }

        private final SourceFile file;
        private final String s;
        private int pos;

        private Parser(SourceFile file) {
            this.file = file;
            this.s = file.text();
        }

        Json document() throws SyntaxError {
            if (!s.isEmpty() && s.charAt(0) == '\uFEFF') pos = 1;
            skipSpace();
            if (pos >= s.length()) throw new SyntaxError(pos, "the file is empty; expected a JSON object");
            Json v = value(0);
            skipSpace();
            if (pos < s.length()) throw new SyntaxError(pos, "unexpected text after the end of the JSON value");
            return v;
        }

        private Json value(int depth) throws SyntaxError {
            if (depth > MAX_DEPTH) throw new SyntaxError(pos, "nested more than " + MAX_DEPTH + " levels deep");
            if (pos >= s.length()) throw new SyntaxError(pos, "unexpected end of file; expected a value");
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> { int start = pos; String v = string(); yield new Str(span(start), v); }
                case 't' -> literal("true", new Bool(new Span(file, pos, pos + 4), true));
                case 'f' -> literal("false", new Bool(new Span(file, pos, pos + 5), false));
                case 'n' -> literal("null", new Null(new Span(file, pos, pos + 4)));
                default -> {
                    if (c == '-' || c >= '0' && c <= '9') yield number();
                    throw new SyntaxError(pos, "unexpected " + quote(c) + "; expected a value"
                            + (c == '\'' ? " (JSON strings use double quotes)" : ""));
                }
            };
        }

        private Json object(int depth) throws SyntaxError {
            int start = pos++;
            List<Member> members = new ArrayList<>();
            skipSpace();
            if (peek() == '}') { pos++; return new Obj(span(start), members); }
            while (true) {
                skipSpace();
                if (peek() != '"')
                    throw new SyntaxError(pos, peek() == '}' ? "trailing comma before `}`" : atEnd() + "expected a key in double quotes");
                int keyStart = pos;
                String key = string();
                Span keySpan = span(keyStart);
                skipSpace();
                expect(':', "after the key \"" + key + "\"");
                skipSpace();
                members.add(new Member(key, keySpan, value(depth + 1)));
                skipSpace();
                char c = peek();
                pos++;
                if (c == '}') return new Obj(span(start), members);
                if (c != ',') { pos--; throw new SyntaxError(pos, atEnd() + "expected `,` or `}` after the value of \"" + key + "\""); }
            }
        }

        private Json array(int depth) throws SyntaxError {
            int start = pos++;
            List<Json> items = new ArrayList<>();
            skipSpace();
            if (peek() == ']') { pos++; return new Arr(span(start), items); }
            while (true) {
                skipSpace();
                if (peek() == ']') throw new SyntaxError(pos, "trailing comma before `]`");
                items.add(value(depth + 1));
                skipSpace();
                char c = peek();
                pos++;
                if (c == ']') return new Arr(span(start), items);
                if (c != ',') { pos--; throw new SyntaxError(pos, atEnd() + "expected `,` or `]` after an array element"); }
            }
        }

        private String string() throws SyntaxError {
            int start = pos++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) throw new SyntaxError(start, "unterminated string");
                char c = s.charAt(pos++);
                if (c == '"') return b.toString();
                if (c < 0x20) throw new SyntaxError(pos - 1, "control character in a string (write it as an escape such as \\n)");
                if (c != '\\') { b.append(c); continue; }
                if (pos >= s.length()) throw new SyntaxError(start, "unterminated string");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw new SyntaxError(pos - 2, "incomplete \\u escape");
                        try {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException x) {
                            throw new SyntaxError(pos - 2, "bad \\u escape: expected four hex digits");
                        }
                        pos += 4;
                    }
                    default -> throw new SyntaxError(pos - 2, "unknown escape \\" + e + " in a string");
                }
            }
        }

        private Json number() throws SyntaxError {
            int start = pos;
            if (peek() == '-') pos++;
            if (peek() == '0') pos++;
            else if (!digits()) throw new SyntaxError(pos, "expected a digit in a number");
            if (peek() == '.') { pos++; if (!digits()) throw new SyntaxError(pos, "expected a digit after `.`"); }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!digits()) throw new SyntaxError(pos, "expected a digit in the exponent");
            }
            if (Character.isLetterOrDigit(peek())) throw new SyntaxError(pos, "unexpected " + quote(peek()) + " in a number");
            String text = s.substring(start, pos);
            try {
                return new Num(span(start), new BigDecimal(text));
            } catch (NumberFormatException | ArithmeticException x) {
                throw new SyntaxError(start, "number out of range: " + text);
            }
        }

        private boolean digits() {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
            return pos > start;
        }

        private Json literal(String word, Json v) throws SyntaxError {
            if (!s.startsWith(word, pos)) {
                int end = pos;
                while (end < s.length() && Character.isLetterOrDigit(s.charAt(end))) end++;
                throw new SyntaxError(pos, "unexpected `" + s.substring(pos, Math.max(end, pos + 1)) + "`; expected a value");
            }
            pos += word.length();
            return v;
        }

        private void expect(char c, String where) throws SyntaxError {
            if (peek() != c) throw new SyntaxError(pos, atEnd() + "expected `" + c + "` " + where);
            pos++;
        }

        private String atEnd() { return pos >= s.length() ? "unexpected end of file; " : ""; }

        private char peek() { return pos < s.length() ? s.charAt(pos) : '\0'; }

        private void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                pos++;
            }
        }

        private Span span(int start) { return new Span(file, start, pos); }

        private String quote(char c) {
            return c == '\0' && pos >= s.length() ? "end of file" : c < 0x20 ? String.format("character U+%04X", (int) c) : "`" + c + "`";
        }
    }
}
