// The one formatter of Emmett and VP scripts, shared by `vp fmt` and the language server's formatting request.
package dev.vp.compiler.format;

import dev.vp.compiler.parse.vp.VpParser;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Re-lays out a script without touching what it says: each line is re-indented by its nesting (four spaces
 * per `{` in Emmett, plus one level inside open parentheses; two spaces per `(` in VP), directives start at
 * column 0, trailing blanks go (except after a final backslash: a directive line continues only when the
 * backslash ends it, so those blanks decide what the directive holds), runs of blank lines shrink to one, and
 * the text ends with one newline.
 * Comments keep their content and lines inside a block comment or a continued directive stay as written.
 * Tokens within a line are never respaced, so the result always means what the input meant; formatting is
 * idempotent. Any text formats, including text with syntax errors (unbalanced braces clamp at depth 0).
 * Braces in conditional code count as if only one branch of each `#if` were there (see {@link #conditional}).
 * In VP, a top-level form such as `(vprobe` that starts in column 0 stays there even when a `)` is missing
 * before it, because that is where the parser recovers (see {@link #opensTopLevelForm}); a `(definteger` there
 * inside a form that its `)` closes is a local and is indented as one.
 */
public final class ScriptFormatter {
    private ScriptFormatter() {}

    /** The formatted text of a script; vp selects VP's layout rules, else Emmett's. */
    public static String format(String text, boolean vp) {
        List<SourceTokens.Token> tokens = SourceTokens.scan(text, vp);
        StringBuilder out = new StringBuilder(text.length() + 64);
        int t = 0, braces = 0, parens = 0, blankRun = 0;
        boolean any = false;
        Deque<Conditional> conditionals = new ArrayDeque<>();
        int pos = 0, n = text.length();
        SourceTokens.Token last = null;
        boolean[] unclosed = vp ? unclosedParentheses(text, tokens) : null;
        int outermost = -1; // the token of the '(' that opened the top-level form being read (VP)
        while (pos <= n) {
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? n : nl;
            // Tokens that started before this line decide its depth; the last of them, if it is still open here,
            // is a multi-line token (a block comment or a continued directive) that may span many lines.
            while (t < tokens.size() && tokens.get(t).start() < pos) {
                SourceTokens.Token tok = last = tokens.get(t);
                if (tok.kind() == SourceTokens.Kind.DIRECTIVE) {
                    int[] nesting = conditional(directiveName(text, tok), conditionals, braces, parens);
                    braces = nesting[0];
                    parens = nesting[1];
                } else if (tok.kind() == SourceTokens.Kind.PUNCT) {
                    switch (text.charAt(tok.start())) {
                        case '{' -> braces++;
                        case '}' -> braces = Math.max(0, braces - 1);
                        case '(', '[' -> { if (parens++ == 0) outermost = t; }
                        case ')', ']' -> parens = Math.max(0, parens - 1);
                        default -> { }
                    }
                }
                t++;
            }
            SourceTokens.Token spanning = last != null && last.end() > pos ? last : null;
            if (vp && parens > 0 && opensTopLevelForm(text, tokens, t, pos, outermost >= 0 && unclosed[outermost])) parens = 0;
            String line = stripTrailing(text.substring(pos, end));
            if (spanning != null) {
                out.append(spanning.kind() == SourceTokens.Kind.DIRECTIVE ? text.substring(pos, end).replace("\r", "") : line).append('\n');
                any = true;
                blankRun = 0;
            } else if (line.isBlank()) {
                blankRun++;
            } else {
                if (any && blankRun > 0) out.append('\n');
                blankRun = 0;
                String body = line.stripLeading();
                out.append(" ".repeat(indent(body, vp, braces, parens))).append(body).append('\n');
                any = true;
            }
            if (nl < 0) break;
            pos = nl + 1;
        }
        return out.toString();
    }

    /**
     * Whether the line at pos starts, in its first column, a form that only appears at the top level: VpParser
     * closes every form still open there, so the line keeps column 0 and the nesting starts again from it. A
     * missing `)` then does not indent the rest of the file, and the formatted text parses as the input did.
     */
    private static boolean opensTopLevelForm(String text, List<SourceTokens.Token> tokens, int t, int pos, boolean openFormUnclosed) {
        if (t >= tokens.size() || tokens.get(t).start() != pos || text.charAt(pos) != '(') return false;
        for (int k = t + 1; k < tokens.size(); k++) {
            SourceTokens.Token tok = tokens.get(k);
            if (tok.kind() != SourceTokens.Kind.COMMENT) {
                if (tok.kind() != SourceTokens.Kind.NAME || !VpParser.TOP_LEVEL_FORMS.contains(tok.text(text))) return false;
                // as in VpParser: (definteger ...) and the like declare a local in a body that its ')' closes
                return openFormUnclosed || !VpParser.LOCAL_FORMS.contains(tok.text(text));
            }
        }
        return false;
    }

    /** Marks each '(' token that no ')' closes, as the parser does (VpParser.unclosedParentheses). */
    private static boolean[] unclosedParentheses(String text, List<SourceTokens.Token> tokens) {
        return VpParser.unclosedParentheses(tokens.size(), i -> isPunct(text, tokens.get(i), '('), i -> isPunct(text, tokens.get(i), ')'));
    }

    private static boolean isPunct(String text, SourceTokens.Token tok, char c) {
        return tok.kind() == SourceTokens.Kind.PUNCT && text.charAt(tok.start()) == c;
    }

    /** An open `#if`: the nesting at its start, the nesting its first branch ended with, whether all branches agree. */
    private static final class Conditional {
        final int braces, parens;
        int endBraces = -1, endParens;
        boolean agree = true, hasElse;

        Conditional(int braces, int parens) { this.braces = braces; this.parens = parens; }

        void branchEnds(int b, int p) {
            if (endBraces < 0) { endBraces = b; endParens = p; }
            else agree &= b == endBraces && p == endParens;
        }
    }

    /**
     * The nesting after a directive. Only one branch of a conditional is compiled, so each `#elif`/`#else` branch
     * starts from the nesting at its `#if`; after `#endif` the nesting is the one every branch ends with, or the
     * one at the `#if` when they differ or there is no `#else` (a `{` in an `#if 0` region opens nothing).
     */
    private static int[] conditional(String name, Deque<Conditional> open, int braces, int parens) {
        switch (name) {
            case "if", "ifdef", "ifndef" -> open.push(new Conditional(braces, parens));
            case "elif", "else" -> {
                Conditional c = open.peek();
                if (c == null) break;
                c.branchEnds(braces, parens);
                c.hasElse |= name.equals("else");
                return new int[] {c.braces, c.parens};
            }
            case "endif" -> {
                Conditional c = open.poll();
                if (c == null) break;
                c.branchEnds(braces, parens);
                if (!c.hasElse || !c.agree) return new int[] {c.braces, c.parens};
            }
            default -> { }
        }
        return new int[] {braces, parens};
    }

    /** The name of the directive token tok: the word after its `#`. */
    private static String directiveName(String text, SourceTokens.Token tok) {
        int i = tok.start() + 1;
        while (i < tok.end() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
        int w = i;
        while (i < tok.end() && Character.isLetter(text.charAt(i))) i++;
        return text.substring(w, i);
    }

    private static int indent(String body, boolean vp, int braces, int parens) {
        char first = body.charAt(0);
        if (vp) return 2 * Math.max(0, first == ')' ? parens - 1 : parens);
        if (first == '#') return 0;
        int level = Math.max(0, first == '}' ? braces - 1 : braces);
        int open = first == ')' || first == ']' ? parens - 1 : parens;
        return 4 * level + (open > 0 ? 4 : 0);
    }

    /** The line without its trailing blanks, unless they follow a backslash (then only a CR of CRLF goes). */
    private static String stripTrailing(String s) {
        int e = s.length();
        while (e > 0 && Character.isWhitespace(s.charAt(e - 1))) e--;
        if (e > 0 && e < s.length() && s.charAt(e - 1) == '\\') return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        return s.substring(0, e);
    }
}
