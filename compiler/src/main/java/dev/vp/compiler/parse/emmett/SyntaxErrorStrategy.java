package dev.vp.compiler.parse.emmett;

import static dev.vp.compiler.parse.emmett.EmmettSyntax.*;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Fix;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.atn.ATNConfig;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Error handling for the second (LL) parse: one readable message per syntax error ("expected `)`, found
 * `{`") and panic-mode recovery at statement and top-level item boundaries (`;` and `}`), so that one typo
 * does not hide the diagnostics of the rest of the file.
 */
final class SyntaxErrorStrategy extends DefaultErrorStrategy {
    private static final IntervalSet EXPR_START = IntervalSet.of(IDENT, FLOAT_LIT);
    private static final IntervalSet TYPE_START = IntervalSet.of(KW_VOID, KW_FLOAT);
    private static final IntervalSet ITEM_ONLY = IntervalSet.of(TYPEDEF, BAG);
    private static final IntervalSet ITEM_START = IntervalSet.of(TYPEDEF, BAG);
    /** The grammar's strayToken rule: tokens that cannot start a statement. */
    private static final IntervalSet STRAY = new IntervalSet();
    /** Tokens that may be conjured when missing: never a name, so that no fake declaration appears. */
    private static final int[] INSERTABLE = {SEMI, RPAREN, RBRACK, RBRACE, COLON};

    static {
        EXPR_START.addAll(IntervalSet.of(LPAREN));
        for (int t : new int[] {PLUS, MINUS, BANG, TILDE, STAR, AMP, INC, DEC}) EXPR_START.add(t);
        TYPE_START.addAll(IntervalSet.of(STRUCT, ENUM));
        TYPE_START.addAll(IntervalSet.of(PERTHREAD, VOLATILE));
        TYPE_START.add(TYPE_NAME);
        ITEM_START.addAll(TYPE_START);
        ITEM_START.add(IDENT);
        for (int t : new int[] {RPAREN, RBRACK, COMMA, COLON, QUESTION, DOT, ARROW, AT, SLASH, PERCENT, PIPE, CARET,
                SHL, SHR, LT, GT, LE, GE, EQ, NE, ANDAND, OROR, LARROW, ASSIGN, ADD_ASSIGN, SUB_ASSIGN, MUL_ASSIGN,
                DIV_ASSIGN, MOD_ASSIGN, AND_ASSIGN, OR_ASSIGN, XOR_ASSIGN, SHL_ASSIGN, SHR_ASSIGN, ELSE, CATCH, UNIT,
                TYPEDEF, MEMMODEL, AGGR, BAG}) {
            STRAY.add(t);
        }
    }

    private final Reporter report;
    private final List<Token> tokens;
    private boolean reportedAtEof;

    /** tokens: the list the parser reads, so that a token's index finds its neighbours. */
    SyntaxErrorStrategy(Reporter report, List<Token> tokens) {
        this.report = report;
        this.tokens = tokens;
    }

    /** Errors surface where a token is matched or an alternative predicted; recover() then resynchronises. */
    @Override public void sync(Parser recognizer) { }

    @Override public void reportError(Parser recognizer, RecognitionException e) {
        if (inErrorRecoveryMode(recognizer)) return;
        beginErrorCondition(recognizer);
        Token found = e.getOffendingToken() != null ? e.getOffendingToken() : recognizer.getCurrentToken();
        IntervalSet expected = e.getExpectedTokens();
        if (found.getType() == EmmettSyntax.LARROW) {
            insertOperator(found);
            return;
        }
        if (found.getTokenIndex() != recognizer.getInputStream().LT(1).getTokenIndex()) {
            // Prediction looked ahead and failed later: what was expected there comes from the configurations
            // still alive at that token, not from the decision's start.
            expected = null;
            if (e instanceof NoViableAltException nva && nva.getDeadEndConfigs() != null) {
                expected = new IntervalSet();
                for (ATNConfig cfg : nva.getDeadEndConfigs()) {
                    expected.addAll(recognizer.getATN().nextTokens(cfg.state));
                }
            }
        }
        String body = missingBody(recognizer.getContext(), found);
        if (body != null) syntaxError(found, "expected " + body + ", found " + shown(found));
        else syntaxError(found, expected);
    }

    /**
     * "`{` after the probe name `VMMLoad`", "a statement as the body of `for`": what belongs where a statement
     * that is the body of a clause or a loop cannot start; null elsewhere.
     */
    private static String missingBody(ParserRuleContext ctx, Token found) {
        // Right after the probe name the clause itself decides between a parameter list and the body.
        if (ctx instanceof ProbeClauseContext p && p.probeSpec() != null && p.probeSpec().stop.getTokenIndex() + 1 == found.getTokenIndex())
            return probeBody(p);
        if (!(ctx instanceof StatementContext) || ctx.start != found) return null;
        return switch (ctx.getParent()) {
            case ProbeClauseContext p -> probeBody(p);
            case IfStmtContext s -> "a statement as the body of `" + (s.statement(0) == ctx ? "if" : "else") + "`";
            case WhileStmtContext s -> "a statement as the body of `while`";
            case ForStmtContext s -> "a statement as the body of `for`";
            case null, default -> null;
        };
    }

    private static String probeBody(ProbeClauseContext p) {
        return "`{` after " + (p.RPAREN() != null ? "the parameters of probe `" : "the probe name `") + p.probeSpec().getText() + "`";
    }

    @Override protected void reportUnwantedToken(Parser recognizer) {
        if (inErrorRecoveryMode(recognizer)) return;
        beginErrorCondition(recognizer);
        Token found = recognizer.getCurrentToken();
        if (found.getType() == EmmettSyntax.LARROW) insertOperator(found);
        else syntaxError(found, getExpectedTokens(recognizer));
    }

    @Override protected void reportMissingToken(Parser recognizer) {
        if (inErrorRecoveryMode(recognizer)) return;
        beginErrorCondition(recognizer);
        Token found = recognizer.getCurrentToken();
        if (found.getType() == EmmettSyntax.LARROW) {
            insertOperator(found);
            return;
        }
        Token previous = recognizer.getInputStream().LT(-1);
        if (echoOfLexicalError(found)) return;
        int missing = insertable(getExpectedTokens(recognizer));
        // The caret goes right after the last good token: that is where the `;` or `)` belongs.
        Token at = previous != null ? previous : found;
        int offset = previous != null ? previous.getStopIndex() + 1 : found.getStartIndex();
        if (found.getType() == Token.EOF) {
            if (reportedAtEof) return;
            reportedAtEof = true;
        }
        report.error(Code.E0100, offset, offset, "expected " + EmmettLexer.describe(missing) + " after "
                + shown(at) + ", found " + shown(found));
    }

    /**
     * Conjures a missing `;` or `)` only before a token that can really go on: the grammar accepts stray
     * tokens as statements (to report them), and `if (x<-1)` must not become `if (x) <-1`.
     */
    @Override protected boolean singleTokenInsertion(Parser recognizer) {
        return insertable(getExpectedTokens(recognizer)) != 0
                && !STRAY.contains(recognizer.getInputStream().LA(1))
                && super.singleTokenInsertion(recognizer);
    }

    @Override protected Token getMissingSymbol(Parser recognizer) {
        int type = insertable(getExpectedTokens(recognizer));
        Token previous = recognizer.getInputStream().LT(-1);
        int at = previous != null ? previous.getStopIndex() + 1 : recognizer.getCurrentToken().getStartIndex();
        return new EmmettToken(type, EmmettLexer.describe(type), at, at - 1, 0, 0, 0, null, false);
    }

    /** The lexer already reported the problem at or right before this token. */
    private boolean echoOfLexicalError(Token found) {
        int before = found.getTokenIndex() - 1;
        return (found instanceof EmmettToken t && t.echo)
                || (before >= 0 && tokens.get(before) instanceof EmmettToken p && p.echo);
    }

    private static int insertable(IntervalSet expected) {
        for (int t : INSERTABLE) if (expected.contains(t)) return t;
        return 0;
    }

    /**
     * Statements and top-level items absorb errors: the rules inside them pass the exception up, and the
     * boundary skips to the `;` that ends it or the `}` that closes a block opened inside it.
     */
    @Override public void recover(Parser recognizer, RecognitionException e) throws RecognitionException {
        ParserRuleContext ctx = recognizer.getContext();
        boolean item = ctx instanceof ItemContext;
        if (!item && !(ctx instanceof StatementContext)) throw e;
        TokenStream in = recognizer.getInputStream();
        int depth = 0;
        for (int i = ctx.start.getTokenIndex(); i < in.index(); i++) {
            int t = in.get(i).getType();
            if (t == LBRACE) depth++;
            else if (t == RBRACE) depth = Math.max(0, depth - 1);
        }
        while (true) {
            int t = in.LA(1);
            if (t == Token.EOF) break;
            // `int x` followed by a probe on the next line: the item ended where the line did.
            if (item && depth == 0 && in.index() > ctx.start.getTokenIndex() && ITEM_START.contains(t)
                    && in.LT(-1).getLine() < in.LT(1).getLine()) {
                break;
            }
            if (t == RBRACE) {
                if (depth == 0) {
                    if (item) recognizer.consume(); // no enclosing block at the top level: a stray `}`
                    break;
                }
                recognizer.consume();
                if (--depth == 0) break;
                continue;
            }
            if (t == LBRACE) depth++;
            recognizer.consume();
            if (t == SEMI && depth == 0) break;
        }
        endErrorCondition(recognizer);
    }

    private void insertOperator(Token found) {
        int start = found.getStartIndex();
        Diagnostic d = new Diagnostic(Code.E0108, "`<-` is the insert operator (`bag[k] <- v;`) and cannot appear"
                + " inside an expression; to compare with a negative number, write `< -`", report.span(start, start + 2))
                .withFix(Fix.replace("write `< -`", report.span(start, start + 2), "< -"));
        report.add(start, d);
    }

    private void syntaxError(Token found, IntervalSet expected) {
        String wanted = expected == null ? null : describe(expected);
        syntaxError(found, wanted == null ? "unexpected " + shown(found) : "expected " + wanted + ", found " + shown(found));
    }

    private void syntaxError(Token found, String message) {
        if (echoOfLexicalError(found)) return;
        if (found.getType() == Token.EOF) {
            if (reportedAtEof) return;
            reportedAtEof = true;
        }
        report.error(Code.E0100, found.getStartIndex(), found.getStopIndex() + 1, message);
    }

    /** "a statement or `}`", "an expression", "`;`": categories first, then at most four single tokens. */
    static String describe(IntervalSet expected) {
        IntervalSet rest = new IntervalSet(expected);
        rest.remove(Token.EPSILON);
        List<String> parts = new ArrayList<>();
        if (rest.contains(IF)) {
            // Before TYPEDEF: a statement may be a stray `typedef`, `)` or `:` (reported as such), never expected.
            parts.add("a statement");
            IntervalSet keep = new IntervalSet();
            if (rest.contains(RBRACE)) keep.add(RBRACE);
            rest = keep;
        } else if (rest.contains(TYPEDEF)) {
            parts.add("a declaration or a probe clause");
            rest = rest.subtract(ITEM_ONLY).subtract(TYPE_START);
            rest.remove(IDENT);
            rest.remove(SEMI);
        } else if (rest.contains(IDENT) && rest.contains(INT_LIT)) {
            parts.add("an expression");
            rest = rest.subtract(EXPR_START);
            for (int t : new int[] {INT_LIT, CHAR_LIT, STRING_LIT, SIZEOF}) rest.remove(t);
        } else if (rest.contains(KW_INT)) {
            parts.add("a type");
            rest = rest.subtract(TYPE_START);
        }
        List<Integer> tokens = rest.toList();
        if (tokens.size() > 4) {
            // After an expression almost every operator could follow; only the closers are worth naming.
            tokens = tokens.stream().filter(t -> t == SEMI || t == RPAREN || t == RBRACK || t == RBRACE
                    || t == COMMA || t == COLON).toList();
            if (tokens.size() > 4) tokens = tokens.subList(0, 4);
        }
        for (int t : tokens) parts.add(EmmettLexer.describe(t));
        if (parts.isEmpty()) return null;
        if (parts.size() == 1) return parts.getFirst();
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " or " + parts.getLast();
    }

    static String shown(Token t) {
        if (t.getType() == Token.EOF) return "end of file";
        String text = t.getText();
        if (text.length() > 30) text = text.substring(0, 27) + "...";
        return "`" + text + "`";
    }
}
