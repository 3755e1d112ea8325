// A layout-level scanner over raw script text that keeps comments and directives, for the formatter and editor colouring.
package dev.vp.compiler.format;

import dev.vp.compiler.parse.vp.VpParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits raw Emmett or VP text (before preprocessing) into tokens with their offsets. Unlike the parser's
 * lexer it keeps comments and directive lines and never reports anything: an unterminated string or comment
 * simply runs to the end of its line or of the text, so any input scans.
 */
public final class SourceTokens {
    private SourceTokens() {}

    public enum Kind { NAME, NUMBER, STRING, CHAR, COMMENT, DIRECTIVE, PUNCT }

    /** One token: [start, end) in the scanned text. */
    public record Token(Kind kind, int start, int end) {
        public String text(String source) { return source.substring(start, end); }
    }

    /** The preprocessor's directive names: `#` followed by one of these is a directive, by anything else a comment. */
    private static final Set<String> DIRECTIVES = Set.of("include", "define", "undef", "if", "ifdef", "ifndef", "elif",
            "else", "endif", "error", "pragma", "line", "warning", "include_next", "import", "ident", "sccs", "assert", "unassert");

    private static final String[] PUNCT = {"<<=", ">>=", "<<", ">>", "<=", ">=", "<-", "->", "++", "--", "&&", "||", "==", "!=",
            "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^="};

    /** Tokens of an Emmett script (vp == false) or a VP script. */
    public static List<Token> scan(String text, boolean vp) {
        return vp ? scanVp(text) : scanEmmett(text);
    }

    private static List<Token> scanEmmett(String s) {
        List<Token> out = new ArrayList<>();
        int n = s.length(), i = 0;
        boolean lineStart = true;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n') { lineStart = true; i++; continue; }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f') { i++; continue; }
            int start = i;
            if (c == '#' && lineStart) {
                int j = i + 1;
                while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) j++;
                int w = j;
                while (j < n && Character.isLetter(s.charAt(j))) j++;
                boolean directive = DIRECTIVES.contains(s.substring(w, j));
                i = directive ? directiveEnd(s, i) : lineEnd(s, i);
                out.add(new Token(directive ? Kind.DIRECTIVE : Kind.COMMENT, start, i));
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                i = lineEnd(s, i);
                out.add(new Token(Kind.COMMENT, start, i));
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                i = blockCommentEnd(s, i);
                out.add(new Token(Kind.COMMENT, start, i));
            } else if (c == '"' || c == '\'') {
                i = quotedEnd(s, i, c);
                out.add(new Token(c == '"' ? Kind.STRING : Kind.CHAR, start, i));
            } else if (Character.isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
                out.add(new Token(Kind.NUMBER, start, i));
            } else if (Character.isLetter(c) || c == '_') {
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
                out.add(new Token(Kind.NAME, start, i));
            } else {
                i += punctLength(s, i);
                out.add(new Token(Kind.PUNCT, start, i));
            }
            lineStart = false;
        }
        return out;
    }

    private static List<Token> scanVp(String s) {
        List<Token> out = new ArrayList<>();
        int n = s.length(), i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) { i++; continue; }
            int start = i;
            if (c == ';') {
                i = lineEnd(s, i);
                out.add(new Token(Kind.COMMENT, start, i));
            } else if (c == '"') {
                i = vpStringEnd(s, i);
                out.add(new Token(Kind.STRING, start, i));
            } else if (c == '(' || c == ')') {
                i++;
                out.add(new Token(Kind.PUNCT, start, i));
            } else {
                while (i < n && !Character.isWhitespace(s.charAt(i)) && "();\"".indexOf(s.charAt(i)) < 0) i++;
                boolean number = Character.isDigit(c) || (c == '-' && start + 1 < i && Character.isDigit(s.charAt(start + 1)));
                out.add(new Token(number ? Kind.NUMBER : Kind.NAME, start, i));
            }
        }
        return out;
    }

    /**
     * The end of the VP string that starts at i. An unterminated one ends where VpParser ends it, before the ')'
     * that end its line (VpParser.unterminatedStringEnd, the one rule for both): those ')' then scan as PUNCT, so
     * the formatter's nesting is the parser's.
     */
    private static int vpStringEnd(String s, int i) {
        int end = quotedEnd(s, i, '"');
        if (closed(s, i, end)) return end;
        // the lexer's unterminated string stops at a carriage return too
        int lineEnd = i + 1;
        while (lineEnd < end && s.charAt(lineEnd) != '\r') lineEnd += s.charAt(lineEnd) == '\\' && lineEnd + 1 < end && s.charAt(lineEnd + 1) != '\r' ? 2 : 1;
        int stringEnd = VpParser.unterminatedStringEnd(s, i, lineEnd);
        return stringEnd < lineEnd ? stringEnd : end;
    }

    /** Whether the quoted literal [start, end) ends in its unescaped closing quote. */
    private static boolean closed(String s, int start, int end) {
        if (end - start < 2 || s.charAt(end - 1) != s.charAt(start)) return false;
        int backslashes = 0;
        while (end - 2 - backslashes > start && s.charAt(end - 2 - backslashes) == '\\') backslashes++;
        return backslashes % 2 == 0;
    }

    private static int lineEnd(String s, int i) {
        int e = s.indexOf('\n', i);
        return e < 0 ? s.length() : e;
    }

    /** A directive runs to the end of its line, and on over lines that end in a backslash. */
    private static int directiveEnd(String s, int i) {
        int e = lineEnd(s, i);
        while (e < s.length() && continued(s, i, e)) e = lineEnd(s, e + 1);
        return e;
    }

    /** Whether the line that ends at e (a newline) ends in a backslash, before an optional carriage return. */
    private static boolean continued(String s, int lineStart, int e) {
        int k = e - 1;
        if (k > lineStart && s.charAt(k) == '\r') k--;
        return k > lineStart && s.charAt(k) == '\\';
    }

    /** Block comments nest (LANGUAGE.md section 3); an unclosed one runs to the end. */
    private static int blockCommentEnd(String s, int i) {
        int depth = 0, n = s.length();
        while (i < n) {
            if (s.startsWith("/*", i)) { depth++; i += 2; }
            else if (s.startsWith("*/", i)) { i += 2; if (--depth == 0) return i; }
            else i++;
        }
        return n;
    }

    /** A quoted literal ends at its closing quote or, unterminated, at the end of its line. */
    private static int quotedEnd(String s, int i, char quote) {
        int n = s.length();
        i++;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < n && s.charAt(i + 1) != '\n') { i += 2; continue; }
            if (c == quote) return i + 1;
            if (c == '\n') return i;
            i++;
        }
        return n;
    }

    private static int punctLength(String s, int i) {
        for (String p : PUNCT) if (s.startsWith(p, i)) return p.length();
        return 1;
    }
}
