// Evaluates the integer constant expression of an #if or #elif, as C does.
package dev.vp.compiler.pp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tokenizes the directive's text, replaces {@code defined NAME} and {@code defined(NAME)} by 1 or 0, expands
 * macros (a macro is not expanded inside its own expansion), treats names left over as 0, and evaluates with
 * C's operators and precedence in 64-bit signed arithmetic. Operands that C does not evaluate ({@code 0 && x},
 * the untaken side of {@code ?:}) cannot raise errors such as division by zero.
 */
final class ConditionEvaluator {
    /** Why an expression has no value; {@code from}/{@code to} index the directive line's content. */
    static final class Failure extends Exception {
        final int from;
        final int to;

        Failure(String message, int from, int to) {
            super(message, null, false, false);
            this.from = from;
            this.to = to;
        }
    }

    private enum Kind { NUMBER, NAME, OPERATOR, END }

    /** A token; tokens that came from a macro carry the position of the macro's use. */
    private record Token(Kind kind, String text, long value, int from, int to) {}

    /** Bounds macro recursion inside an #if the same way text expansion is bounded. */
    private static final int MAX_DEPTH = 128;
    private static final int MAX_NESTING = 256;

    private final Map<String, Preprocessor.Macro> macros;
    private List<Token> tokens;
    private int pos;
    private int nesting;

    ConditionEvaluator(Map<String, Preprocessor.Macro> macros) { this.macros = macros; }

    /** The value of content characters [from, end) of a directive line. */
    long evaluate(DirectiveLine line, int from) throws Failure {
        List<Token> raw = tokenize(line.text(), from, -1, -1);
        tokens = new ArrayList<>();
        expand(raw, new HashSet<>(), 0);
        int end = raw.isEmpty() ? from : raw.getLast().to;
        tokens.add(new Token(Kind.END, "", 0, end, end));
        pos = 0;
        nesting = 0;
        if (tokens.size() == 1) throw new Failure("#if needs an expression", from, end);
        long v = conditional(true);
        Token t = peek();
        if (t.kind != Kind.END) throw new Failure("unexpected `" + t.text + "` after the expression", t.from, t.to);
        return v;
    }

    /** Tokens of {@code s} from {@code from}; with {@code useFrom >= 0} every token gets that use-site position. */
    private static List<Token> tokenize(String s, int from, int useFrom, int useTo) throws Failure {
        List<Token> out = new ArrayList<>();
        int i = from;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            Kind kind;
            long value = 0;
            if (Lexing.isIdentStart(c)) {
                i = Lexing.identEnd(s, i);
                kind = Kind.NAME;
            } else if (Lexing.isDigit(c)) {
                i = Lexing.numberEnd(s, i);
                kind = Kind.NUMBER;
                value = number(s.substring(start, i), pos(useFrom, start), pos(useTo, i));
            } else if (c == '\'') {
                i = Lexing.literalEnd(s, i);
                kind = Kind.NUMBER;
                value = character(s.substring(start, i), pos(useFrom, start), pos(useTo, i));
            } else {
                int length = operatorLength(c, i + 1 < n ? s.charAt(i + 1) : 0);
                if (length == 0) {
                    String what = c == '"' ? "a string" : "`" + c + "`";
                    throw new Failure(what + " cannot appear in an #if expression", pos(useFrom, i), pos(useTo, i + 1));
                }
                i += length;
                kind = Kind.OPERATOR;
            }
            out.add(new Token(kind, s.substring(start, i), value, pos(useFrom, start), pos(useTo, i)));
        }
        return out;
    }

    /** Length of the C operator starting with {@code c} then {@code d}, or 0 if there is none. */
    private static int operatorLength(char c, char d) {
        return switch (c) {
            case '<', '>' -> d == c || d == '=' ? 2 : 1;
            case '=' -> d == '=' ? 2 : 0;
            case '!' -> d == '=' ? 2 : 1;
            case '&', '|' -> d == c ? 2 : 1;
            case '+', '-', '*', '/', '%', '^', '~', '?', ':', '(', ')' -> 1;
            default -> 0;
        };
    }

    private static int pos(int use, int own) { return use >= 0 ? use : own; }

    /** Replaces {@code defined} forms by 1/0 and expands macros into {@link #tokens}. */
    private void expand(List<Token> in, Set<String> disabled, int depth) throws Failure {
        for (int i = 0; i < in.size(); i++) {
            Token t = in.get(i);
            if (t.kind != Kind.NAME) {
                tokens.add(t);
            } else if (t.text.equals("defined")) {
                boolean paren = i + 1 < in.size() && in.get(i + 1).text.equals("(");
                int k = paren ? i + 2 : i + 1;
                if (k >= in.size() || in.get(k).kind != Kind.NAME) {
                    throw new Failure("`defined` needs a macro name, as in `defined(NAME)`", t.from, t.to);
                }
                if (paren && (k + 1 >= in.size() || !in.get(k + 1).text.equals(")"))) {
                    throw new Failure("missing `)` after `defined(" + in.get(k).text + "`", t.from, in.get(k).to);
                }
                Token last = in.get(paren ? k + 1 : k);
                tokens.add(new Token(Kind.NUMBER, "defined", macros.containsKey(in.get(k).text) ? 1 : 0, t.from, last.to));
                i = paren ? k + 1 : k;
            } else if (macros.containsKey(t.text) && !disabled.contains(t.text)) {
                if (depth >= MAX_DEPTH) throw new Failure("macros nested more than " + MAX_DEPTH + " deep", t.from, t.to);
                disabled.add(t.text);
                expand(tokenize(macros.get(t.text).body(), 0, t.from, t.to), disabled, depth + 1);
                disabled.remove(t.text);
            } else {
                tokens.add(new Token(Kind.NUMBER, t.text, 0, t.from, t.to));
            }
        }
    }

    private static long number(String text, int from, int to) throws Failure {
        String digits = text;
        while (!digits.isEmpty() && "uUlL".indexOf(digits.charAt(digits.length() - 1)) >= 0) digits = digits.substring(0, digits.length() - 1);
        int radix = 10;
        if (digits.length() > 2 && (digits.startsWith("0x") || digits.startsWith("0X"))) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        try {
            return Long.parseUnsignedLong(digits, radix);
        } catch (NumberFormatException e) {
            int base = radix;
            boolean valid = !digits.isEmpty() && digits.chars().allMatch(ch -> Character.digit(ch, base) >= 0);
            throw new Failure(valid ? "integer `" + text + "` does not fit in 64 bits" : "`" + text + "` is not an integer", from, to);
        }
    }

    private static long character(String text, int from, int to) throws Failure {
        if (text.length() < 3 || text.charAt(text.length() - 1) != '\'') throw new Failure("unterminated character literal", from, to);
        String body = text.substring(1, text.length() - 1);
        if (body.length() == 1 && body.charAt(0) != '\\') return body.charAt(0);
        if (body.length() == 2 && body.charAt(0) == '\\') {
            char e = body.charAt(1);
            return switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                case '0' -> 0;
                default -> e;
            };
        }
        if (body.length() == 4 && body.startsWith("\\x") && Character.digit(body.charAt(2), 16) >= 0 && Character.digit(body.charAt(3), 16) >= 0) {
            return Integer.parseInt(body.substring(2), 16);
        }
        throw new Failure("`" + text + "` is not a single character", from, to);
    }

    private Token peek() { return tokens.get(pos); }

    private boolean accept(String op) {
        Token t = peek();
        if (t.kind == Kind.OPERATOR && t.text.equals(op)) {
            pos++;
            return true;
        }
        return false;
    }

    /** Guards the recursion: a line of ten thousand `(` is an error, not a stack overflow. */
    private void enter() throws Failure {
        if (++nesting > MAX_NESTING) {
            Token t = peek();
            throw new Failure("expression nested more than " + MAX_NESTING + " deep", t.from, t.to);
        }
    }

    private long conditional(boolean live) throws Failure {
        enter();
        try {
            return conditionalBody(live);
        } finally {
            nesting--;
        }
    }

    private long conditionalBody(boolean live) throws Failure {
        long c = binary(0, live);
        if (!accept("?")) return c;
        long a = conditional(live && c != 0);
        if (!accept(":")) {
            Token t = peek();
            throw new Failure("expected `:` of `?:`", t.from, t.to);
        }
        long b = conditional(live && c == 0);
        return c != 0 ? a : b;
    }

    /** C's binary operators, loosest first; -1 for anything else. */
    private static int precedence(Token t) {
        if (t.kind != Kind.OPERATOR) return -1;
        return switch (t.text) {
            case "||" -> 0;
            case "&&" -> 1;
            case "|" -> 2;
            case "^" -> 3;
            case "&" -> 4;
            case "==", "!=" -> 5;
            case "<", ">", "<=", ">=" -> 6;
            case "<<", ">>" -> 7;
            case "+", "-" -> 8;
            case "*", "/", "%" -> 9;
            default -> -1;
        };
    }

    /** Precedence climbing: operators of at least {@code min}, left-associative. */
    private long binary(int min, boolean live) throws Failure {
        long left = unary(live);
        while (true) {
            Token op = peek();
            int p = precedence(op);
            if (p < min) return left;
            pos++;
            boolean rightLive = live && switch (op.text) {
                case "||" -> left == 0;
                case "&&" -> left != 0;
                default -> true;
            };
            long right = binary(p + 1, rightLive);
            left = apply(op, left, right, live);
        }
    }

    private static long apply(Token op, long l, long r, boolean live) throws Failure {
        return switch (op.text) {
            case "||" -> (l != 0 || r != 0) ? 1 : 0;
            case "&&" -> (l != 0 && r != 0) ? 1 : 0;
            case "|" -> l | r;
            case "^" -> l ^ r;
            case "&" -> l & r;
            case "==" -> l == r ? 1 : 0;
            case "!=" -> l != r ? 1 : 0;
            case "<" -> l < r ? 1 : 0;
            case ">" -> l > r ? 1 : 0;
            case "<=" -> l <= r ? 1 : 0;
            case ">=" -> l >= r ? 1 : 0;
            case "<<", ">>" -> {
                if (r < 0 || r > 63) {
                    if (live) throw new Failure("shift by " + r + " is out of range 0..63", op.from, op.to);
                    yield 0;
                }
                yield op.text.equals("<<") ? l << r : l >> r;
            }
            case "+" -> l + r;
            case "-" -> l - r;
            case "*" -> l * r;
            default -> {
                if (r == 0) {
                    if (live) throw new Failure("division by zero in #if", op.from, op.to);
                    yield 0;
                }
                yield op.text.equals("/") ? l / r : l % r;
            }
        };
    }

    private long unary(boolean live) throws Failure {
        enter();
        try {
            return unaryBody(live);
        } finally {
            nesting--;
        }
    }

    private long unaryBody(boolean live) throws Failure {
        if (accept("-")) return -unary(live);
        if (accept("+")) return unary(live);
        if (accept("~")) return ~unary(live);
        if (accept("!")) return unary(live) == 0 ? 1 : 0;
        Token t = peek();
        if (accept("(")) {
            long v = conditional(live);
            if (!accept(")")) {
                Token u = peek();
                throw new Failure("missing `)` to close the `(` here", t.from, u.kind == Kind.END ? u.to : u.from);
            }
            return v;
        }
        if (t.kind == Kind.NUMBER) {
            pos++;
            return t.value;
        }
        throw new Failure(t.kind == Kind.END ? "expression ends too early" : "unexpected `" + t.text + "`", t.from, t.to);
    }
}
