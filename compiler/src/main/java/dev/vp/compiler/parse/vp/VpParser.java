// Entry point of the VP front end: lexes, repairs parenthesis structure, parses with ANTLR and hands the tree to VpBuilder.
package dev.vp.compiler.parse.vp;

import dev.vp.compiler.ast.Script;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Parses preprocessed VP text into the shared AST. The token pre-pass runs before ANTLR so that the parser
 * only ever sees balanced, shallow lists: unbalanced parentheses are reported at the '(' and closed, a form
 * nested deeper than MAX_DEPTH is reported and dropped (ANTLR's recursive descent would overflow the stack),
 * and a '(' at the start of a line that opens a top-level form ends any form still open, so one missing ')'
 * does not swallow the rest of the file (a (definteger ...), (defstring ...) or (defvar ...) there only ends a
 * form that no ')' closes: in a body it declares a local).
 */
public final class VpParser {
    /**
     * Deeper than any real script, and shallow enough that the recursive phases (ANTLR, VpBuilder, VpPrinter)
     * fit in half of a default 1 MB thread stack even with the large frames of JIT-compiled code.
     */
    public static final int MAX_DEPTH = 128;

    /** The forms that only appear at the top level, used to resynchronise after a missing ')'. */
    public static final Set<String> TOP_LEVEL_FORMS = Set.of("version", "definteger", "defstring", "defvar", "defaggr",
            "defbag", "defun", "defproto", "vprobe", "deftype", "typedef", "memmodel");

    /** The top-level forms that also declare locals inside a body. */
    public static final Set<String> LOCAL_FORMS = Set.of("definteger", "defstring", "defvar");

    private final VpSpanMap map;
    private final Reporter report;

    private VpParser(VpSpanMap map, Diagnostics diags) {
        this.map = map;
        this.report = new Reporter(diags);
    }

    /** Parses text (already preprocessed; `;` comments are still in it) into a VP script; never throws. */
    public static Script parse(String text, VpSpanMap map, SourceFile main, Diagnostics diags) {
        VpParser p = new VpParser(map, diags);
        List<Sexp> forms = p.read(text);
        return new VpBuilder(map, p.report).build(main, forms);
    }

    private List<Sexp> read(String text) {
        VpSexpLexer lexer = new VpSexpLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        List<Token> tokens = balance(splitUnterminatedStrings(lexer.getAllTokens()));
        VpSexpParser parser = new VpSexpParser(new CommonTokenStream(new ListTokenSource(tokens)));
        parser.removeErrorListeners();
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> r, Object offending, int line, int col, String msg, RecognitionException e) {
                Token t = offending instanceof Token tok ? tok : null;
                Span at = t == null ? map.span(0, 0) : span(t);
                report.error(Code.E0200, at, "cannot read VP here: " + msg);
            }
        });
        List<Sexp> forms = new ArrayList<>();
        for (VpSexpParser.ItemContext item : parser.script().item()) {
            Sexp s = convert(item);
            if (s != null) forms.add(s);
        }
        return forms;
    }

    /**
     * An unterminated string runs to the end of its line, so the ')' that close its forms on that line are inside
     * it: `(printf "tick\n))` would leave two forms open and swallow the next lines into them. The string is
     * taken to end before the unescaped ')' (and blanks) that end its line (see {@link #unterminatedStringEnd}),
     * and those become ')' tokens, so the missing '"' is the only error (E0204, still reported at the string).
     */
    private static List<Token> splitUnterminatedStrings(List<? extends Token> in) {
        List<Token> out = new ArrayList<>(in.size());
        for (Token t : in) {
            String text = t.getText();
            int stringEnd = t.getType() == VpSexpLexer.UNTERMINATED_STRING ? unterminatedStringEnd(text, 0, text.length()) : text.length();
            if (stringEnd == text.length()) {
                out.add(t);
                continue;
            }
            out.add(piece(t, VpSexpLexer.UNTERMINATED_STRING, 0, stringEnd));
            for (int k = stringEnd; k < text.length(); k++) {
                if (text.charAt(k) == ')') out.add(piece(t, VpSexpLexer.RPAREN, k, k + 1));
            }
        }
        return out;
    }

    /**
     * Where an unterminated string ends, the one rule for the parser and for the formatter (SourceTokens): the
     * characters [start, end) are what the lexer reads as the string (its '"' up to the end of its line, without
     * the line break); the string ends before the unescaped ')' and the blanks that end them, and before the
     * whitespace ahead of the first of those ')'. What follows the result up to end is only ')' and whitespace.
     * Returns end when no unescaped ')' ends the line.
     */
    public static int unterminatedStringEnd(CharSequence text, int start, int end) {
        int firstParen = -1;
        for (int i = end; i > start + 1; i--) {
            char c = text.charAt(i - 1);
            if (c == ')' && !escaped(text, start, i - 1)) firstParen = i - 1;
            else if (c != ' ' && c != '\t' && c != '\f') break;
        }
        if (firstParen < 0) return end;
        int stringEnd = firstParen;
        while (stringEnd > start + 1 && Character.isWhitespace(text.charAt(stringEnd - 1))) stringEnd--;
        return stringEnd;
    }

    /** Whether the character at i of a string that starts (its '"') at start follows an odd number of backslashes. */
    private static boolean escaped(CharSequence text, int start, int i) {
        int n = 0;
        while (i - 1 - n > start && text.charAt(i - 1 - n) == '\\') n++;
        return n % 2 == 1;
    }

    /** The token for characters [from, to) of t's text (t lies on one line). */
    private static Token piece(Token t, int type, int from, int to) {
        CommonToken p = new CommonToken(type, t.getText().substring(from, to));
        p.setStartIndex(t.getStartIndex() + from);
        p.setStopIndex(t.getStartIndex() + to - 1);
        p.setLine(t.getLine());
        p.setCharPositionInLine(t.getCharPositionInLine() + from);
        return p;
    }

    /** Reports and repairs bad characters and unbalanced or too deep parentheses (see the class comment). */
    private List<Token> balance(List<Token> in) {
        List<Token> out = new ArrayList<>(in.size());
        Deque<Token> open = new ArrayDeque<>();
        int formStart = 0;
        int skipDepth = 0;
        boolean[] unclosed = unclosedParentheses(in);
        int outermost = -1; // index in `in` of the '(' of the top-level form being read
        for (int i = 0; i < in.size(); i++) {
            Token t = in.get(i);
            switch (t.getType()) {
                case VpSexpLexer.BAD_CHARS -> badCharacters(t);
                case VpSexpLexer.LPAREN -> {
                    int depth = skipDepth > 0 ? skipDepth : open.size();
                    if (depth == 0) outermost = i;
                    // (definteger x) at the start of a line in a body whose ')' is there is a local, not the
                    // next top-level form.
                    if (depth > 0 && t.getCharPositionInLine() == 0 && opensTopLevelForm(in, i)
                            && (unclosed[outermost] || !LOCAL_FORMS.contains(in.get(i + 1).getText()))) {
                        outermost = i;
                        if (skipDepth > 0) skipDepth = 0;
                        else closeAll(open, out, "before the next top-level form on line " + span(t).line());
                    }
                    if (skipDepth > 0) {
                        skipDepth++;
                    } else if (open.size() == MAX_DEPTH) {
                        report.error(Code.E0203, span(t), "forms are nested more than " + MAX_DEPTH
                                + " deep here; the whole top-level form is skipped: split it into smaller forms");
                        out.subList(formStart, out.size()).clear();
                        skipDepth = open.size() + 1;
                        open.clear();
                    } else {
                        if (open.isEmpty()) formStart = out.size();
                        open.push(t);
                        out.add(t);
                    }
                }
                case VpSexpLexer.RPAREN -> {
                    if (skipDepth > 0) {
                        skipDepth--;
                    } else if (open.isEmpty()) {
                        report.error(Code.E0202, span(t), "this ')' closes nothing: remove it, or add the '(' it was meant to close");
                    } else {
                        open.pop();
                        out.add(t);
                    }
                }
                default -> {
                    if (skipDepth == 0) out.add(t);
                }
            }
        }
        closeAll(open, out, "before the end of the file");
        return out;
    }

    /** Marks each '(' that no ')' closes, matching them as written (before any repair). */
    private static boolean[] unclosedParentheses(List<Token> in) {
        return unclosedParentheses(in.size(), i -> in.get(i).getType() == VpSexpLexer.LPAREN, i -> in.get(i).getType() == VpSexpLexer.RPAREN);
    }

    /**
     * Marks each of count tokens that opens a form no later token closes, matched as written (before any repair):
     * the one rule for the parser and for the formatter, which decide with it whether a column-0 local form
     * ((definteger x)) ends the form it is in.
     */
    public static boolean[] unclosedParentheses(int count, IntPredicate opens, IntPredicate closes) {
        boolean[] unclosed = new boolean[count];
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            if (opens.test(i)) open.push(i);
            else if (closes.test(i) && !open.isEmpty()) open.pop();
        }
        for (int i : open) unclosed[i] = true;
        return unclosed;
    }

    private boolean opensTopLevelForm(List<Token> in, int i) {
        return i + 1 < in.size() && in.get(i + 1).getType() == VpSexpLexer.SYMBOL
                && TOP_LEVEL_FORMS.contains(in.get(i + 1).getText());
    }

    /** Reports the outermost unclosed '(' and appends the missing ')' tokens, empty, where the form stopped. */
    private void closeAll(Deque<Token> open, List<Token> out, String where) {
        if (open.isEmpty()) return;
        Token outermost = open.getLast();
        int n = open.size();
        String name = formName(out, outermost);
        report.error(Code.E0201, span(outermost), "this '(' " + name + "is never closed: " + n + " ')' missing "
                + where);
        Token last = out.getLast();
        int at = last.getStopIndex() + 1;
        for (int k = 0; k < n; k++) {
            CommonToken close = new CommonToken(VpSexpLexer.RPAREN, ")");
            close.setStartIndex(at);
            close.setStopIndex(at - 1);
            close.setLine(last.getLine());
            out.add(close);
        }
        open.clear();
    }

    private static String formName(List<Token> out, Token paren) {
        int i = out.lastIndexOf(paren);
        if (i >= 0 && i + 1 < out.size() && out.get(i + 1).getType() == VpSexpLexer.SYMBOL) {
            return "of (" + out.get(i + 1).getText() + " ...) ";
        }
        return "";
    }

    private void badCharacters(Token t) {
        String text = t.getText();
        int cp = text.codePointAt(0);
        int count = text.codePointCount(0, text.length());
        String what = count == 1 ? "character " : count + " characters starting with ";
        report.error(Code.E0205, span(t), what + String.format("U+%04X", cp)
                + " cannot appear outside a string in VP: names, numbers and operators are ASCII; remove "
                + (count == 1 ? "it" : "them"));
    }

    private Sexp convert(VpSexpParser.ItemContext item) {
        if (item.atom() != null) return atom(item.atom());
        VpSexpParser.ListContext list = item.list();
        if (list == null) return null;
        List<Sexp> items = new ArrayList<>();
        for (VpSexpParser.ItemContext child : list.item()) {
            Sexp s = convert(child);
            if (s != null) items.add(s);
        }
        Token open = list.LPAREN().getSymbol();
        TerminalNode closeNode = list.RPAREN();
        // balance() guarantees a ')' (possibly an empty repair token); the fallback only guards ANTLR's own recovery.
        int end = closeNode != null ? closeNode.getSymbol().getStopIndex() + 1 : open.getStopIndex() + 1;
        end = Math.max(end, open.getStartIndex() + 1);
        return new Sexp.ListForm(map.span(open.getStartIndex(), end), span(open), items);
    }

    private Sexp atom(VpSexpParser.AtomContext a) {
        Token t = a.getStart();
        Sexp.AtomKind kind = switch (t.getType()) {
            case VpSexpLexer.NUMBER -> Sexp.AtomKind.NUMBER;
            case VpSexpLexer.STRING -> Sexp.AtomKind.STRING;
            case VpSexpLexer.UNTERMINATED_STRING -> {
                report.error(Code.E0204, span(t), "this string is never closed: add '\"' before the end of the line "
                        + "(a VP string cannot span lines; write \\n for a newline)");
                yield Sexp.AtomKind.UNTERMINATED_STRING;
            }
            default -> Sexp.AtomKind.SYMBOL;
        };
        return new Sexp.Atom(span(t), kind, t.getText(), t.getStartIndex());
    }

    private Span span(Token t) {
        int start = Math.max(0, t.getStartIndex());
        return map.span(start, Math.max(start, t.getStopIndex() + 1));
    }
}
