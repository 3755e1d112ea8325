package dev.vp.compiler.parse.emmett;

import static dev.vp.compiler.parse.emmett.EmmettSyntax.*;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.source.Span;
import dev.vp.compiler.util.ByteChars;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.Token;

/**
 * Turns preprocessed Emmett text into tokens (LANGUAGE.md section 3), decoding literals and reporting bad
 * ones, then applies C's "lexer hack": names declared by a top-level typedef become TYPE_NAME tokens.
 */
final class EmmettLexer {
    private static final Map<String, Integer> KEYWORDS = new HashMap<>();
    /** Punctuators, longest first so that the scan is maximal munch (`<-` is one token, as in Emmett). */
    private static final String[] PUNCT = {
        "<<=", ">>=", "<<", ">>", "<=", ">=", "<-", "->", "++", "--", "&&", "||", "==", "!=",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
        "(", ")", "[", "]", "{", "}", ";", ",", ":", "?", ".", "@", "!", "~", "+", "-", "*", "/", "%",
        "&", "|", "^", "<", ">", "=",
    };
    private static final int[] PUNCT_TYPES = {
        SHL_ASSIGN, SHR_ASSIGN, SHL, SHR, LE, GE, LARROW, ARROW, INC, DEC, ANDAND, OROR, EQ, NE,
        ADD_ASSIGN, SUB_ASSIGN, MUL_ASSIGN, DIV_ASSIGN, MOD_ASSIGN, AND_ASSIGN, OR_ASSIGN, XOR_ASSIGN,
        LPAREN, RPAREN, LBRACK, RBRACK, LBRACE, RBRACE, SEMI, COMMA, COLON, QUESTION, DOT, AT, BANG, TILDE, PLUS,
        MINUS, STAR, SLASH, PERCENT, AMP, PIPE, CARET, LT, GT, ASSIGN,
    };
    private static final Set<String> UNITS = Set.of("sec", "msec", "usec");

    static {
        Object[] kw = {
            "void", KW_VOID, "string", KW_STRING, "char", KW_CHAR, "short", KW_SHORT, "int", KW_INT,
            "long", KW_LONG, "signed", KW_SIGNED, "unsigned", KW_UNSIGNED, "float", KW_FLOAT, "double", KW_FLOAT,
            "struct", STRUCT, "union", UNION, "enum", ENUM, "typedef", TYPEDEF, "memmodel", MEMMODEL,
            "aggr", AGGR, "bag", BAG, "perthread", PERTHREAD, "pervm", PERVM, "perhost", PERHOST,
            "static", STATIC, "extern", EXTERN, "register", REGISTER, "volatile", VOLATILE,
            "if", IF, "else", ELSE, "while", WHILE, "for", FOR, "break", BREAK, "continue", CONTINUE,
            "return", RETURN, "try", TRY, "catch", CATCH, "sizeof", SIZEOF, "switch", SWITCH, "case", CASE,
            "default", DEFAULT, "goto", GOTO, "do", DO,
        };
        for (int i = 0; i < kw.length; i += 2) KEYWORDS.put((String) kw[i], (Integer) kw[i + 1]);
        for (String s : new String[] {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}) {
            KEYWORDS.put(s, KW_SIZED);
        }
    }

    private final String text;
    private final Reporter report;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;
    private int lineStart;
    private boolean afterGarbage;

    private EmmettLexer(String text, Reporter report) {
        this.text = text;
        this.report = report;
    }

    /** All tokens of the text, ending with EOF, with typeNames (typedefs of earlier scripts) known from the start; never throws. */
    static List<Token> lex(String text, Reporter report, Set<String> typeNames) {
        EmmettLexer lexer = new EmmettLexer(text, report);
        lexer.run();
        retype(lexer.tokens, typeNames);
        return lexer.tokens;
    }

    /** How a token type reads in a message: "`;`", "a name", "end of file". */
    static String describe(int type) {
        for (int i = 0; i < PUNCT.length; i++) if (PUNCT_TYPES[i] == type) return "`" + PUNCT[i] + "`";
        return switch (type) {
            case Token.EOF -> "end of file";
            case IDENT -> "a name";
            case TYPE_NAME -> "a type name";
            case INT_LIT -> "a number";
            case CHAR_LIT -> "a character literal";
            case STRING_LIT -> "a string";
            case FLOAT_LIT -> "a floating point number";
            case UNIT -> "a time unit";
            case KW_SIZED -> "`int32`";
            case KW_FLOAT -> "`float`";
            default -> {
                for (var e : KEYWORDS.entrySet()) if (e.getValue() == type) yield "`" + e.getKey() + "`";
                yield "a token";
            }
        };
    }

    private void run() {
        int n = text.length();
        int badStart = -1;
        int badEnd = -1;
        while (pos < n) {
            char c = text.charAt(pos);
            boolean bad = false;
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0b) {
                pos++;
            } else if (c == '/' && peek(1) == '/') {
                while (pos < n && text.charAt(pos) != '\n') pos++;
            } else if (c == '/' && peek(1) == '*') {
                blockComment();
            } else if (isIdentStart(c)) {
                identifier();
            } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
                number();
            } else if (c == '"') {
                string();
            } else if (c == '\'') {
                character();
            } else if (!punctuator()) {
                bad = true;
                if (badStart < 0) badStart = pos;
                badEnd = ++pos;
            }
            if (!bad && badStart >= 0) {
                unexpected(badStart, badEnd);
                badStart = -1;
            }
        }
        if (badStart >= 0) unexpected(badStart, badEnd);
        tokens.add(new EmmettToken(Token.EOF, "<EOF>", n, n - 1, line, n - lineStart, 0, null, false));
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < text.length() ? text.charAt(i) : '\0';
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }
    private static boolean isIdentStart(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
    private static boolean isIdentPart(char c) { return isIdentStart(c) || isDigit(c); }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * A run of characters that start no token (binary data, `#` mid-line, non-ASCII letters) is one error. It
     * names the first character by its code point (an emoji is U+1F600, one character) and says why it cannot
     * be here; a run that a macro's expansion produced also names the macro, since the caret is on its use.
     */
    private void unexpected(int start, int end) {
        int c = text.codePointAt(start);
        int count = text.codePointCount(start, end);
        String shown = c >= 0x20 && c < 0x7f ? "`" + (char) c + "`" : String.format("U+%04X", c);
        String what = count == 1 ? "unexpected character " + shown
                : "unexpected characters starting with " + shown + " (" + count + " characters)";
        String why = c == '\\' ? "a backslash belongs only in a string, in a character literal, or at the very end of a directive line to continue it"
                : c == '#' ? "`#` starts a directive or a comment only at the beginning of a line"
                : c < 0x80 ? "no Emmett token starts with it (it can appear in strings and comments)"
                : "Emmett source is ASCII outside strings and comments";
        Span at = report.span(start, end);
        if (!at.text().equals(text.substring(start, end))) {
            int name = 0;
            while (name < at.text().length() && isIdentPart(at.text().charAt(name))) name++;
            why += name > 0 ? "; it comes from the expansion of macro " + at.text().substring(0, name) : "; it comes from a macro";
        }
        report.error(Code.E0106, start, end, what + ": " + why);
        afterGarbage = true;
    }

    private void emit(int type, int start, long value, String decoded) {
        emit(type, start, value, decoded, false);
    }

    private void emit(int type, int start, long value, String decoded, boolean unterminated) {
        tokens.add(new EmmettToken(type, text.substring(start, pos), start, pos - 1, line, start - lineStart,
                value, decoded, unterminated || afterGarbage));
        afterGarbage = false;
    }

    private void blockComment() {
        int start = pos;
        List<Integer> open = new ArrayList<>();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '/' && peek(1) == '*') {
                open.add(pos);
                pos += 2;
            } else if (c == '*' && peek(1) == '/') {
                open.removeLast();
                pos += 2;
                if (open.isEmpty()) return;
            } else {
                if (c == '\n') {
                    line++;
                    lineStart = pos + 1;
                }
                pos++;
            }
        }
        Diagnostic d = new Diagnostic(Code.E0101,
                "unterminated comment: this `/*` is never closed by `*/`"
                        + (open.size() > 1 ? " (comments nest, and " + open.size() + " are still open)" : ""),
                report.span(start, start + 2));
        if (open.size() > 1) d = d.withLabel(report.span(open.getLast(), open.getLast() + 2), "innermost open comment");
        report.add(start, d);
    }

    private void identifier() {
        int start = pos;
        while (pos < text.length() && isIdentPart(text.charAt(pos))) pos++;
        Integer kw = KEYWORDS.get(text.substring(start, pos));
        emit(kw == null ? IDENT : kw, start, 0, null);
    }

    private void number() {
        int start = pos;
        long value = 0;
        if (text.charAt(pos) == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
            pos += 2;
            int digits = pos;
            while (pos < text.length() && isHex(text.charAt(pos))) pos++;
            if (pos == digits) {
                report.error(Code.E0107, start, pos, "`" + text.substring(start, pos)
                        + "` is not a number: a hex literal needs at least one digit after `0x`");
            } else {
                value = parse(start, text.substring(digits, pos), 16);
            }
        } else {
            while (pos < text.length() && isDigit(text.charAt(pos))) pos++;
            if (isFloatTail()) {
                floatLiteral(start);
                return;
            }
            String digits = text.substring(start, pos);
            if (digits.length() > 1 && digits.charAt(0) == '0') {
                int badDigit = digits.indexOf('8') >= 0 ? digits.indexOf('8') : digits.indexOf('9');
                if (digits.indexOf('9') >= 0 && (badDigit < 0 || digits.indexOf('9') < badDigit)) badDigit = digits.indexOf('9');
                if (badDigit >= 0) {
                    report.error(Code.E0107, start, pos, "invalid digit `" + digits.charAt(badDigit)
                            + "` in octal literal `" + digits + "` (a leading 0 means octal; drop it for decimal)");
                } else {
                    value = parse(start, digits, 8);
                }
            } else {
                value = parse(start, digits, 10);
            }
        }
        // C's suffixes (10u, 0xffUL) are harmless here; `10usec` is a number and a unit, so a suffix must end the word.
        int suffix = pos;
        while (suffix < text.length() && "uUlL".indexOf(text.charAt(suffix)) >= 0) suffix++;
        if (suffix > pos && (suffix == text.length() || !isIdentPart(text.charAt(suffix)))) pos = suffix;
        emit(INT_LIT, start, value, null);
    }

    private long parse(int start, String digits, int radix) {
        try {
            return Long.parseUnsignedLong(digits, radix);
        } catch (NumberFormatException tooLarge) {
            report.error(Code.E0104, start, pos, "integer literal `" + text.substring(start, pos)
                    + "` does not fit in 64 bits (the largest is 0xffffffffffffffff)");
            return 0;
        }
    }

    private boolean isFloatTail() {
        char c = peek(0);
        if (c == '.') return true;
        if (c == 'e' || c == 'E') {
            char d = peek(1);
            return isDigit(d) || ((d == '+' || d == '-') && isDigit(peek(2)));
        }
        return false;
    }

    /** Scanned whole so that `1.5` is one token and one error (E0113, reported by the builder). */
    private void floatLiteral(int start) {
        if (peek(0) == '.') {
            pos++;
            while (pos < text.length() && isDigit(text.charAt(pos))) pos++;
        }
        if ((peek(0) == 'e' || peek(0) == 'E')
                && (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
            pos += 2;
            while (pos < text.length() && isDigit(text.charAt(pos))) pos++;
        }
        if ("fFlL".indexOf(peek(0)) >= 0 && peek(0) != '\0') pos++;
        emit(FLOAT_LIT, start, 0, null);
    }

    private void string() {
        int start = pos++;
        StringBuilder value = new StringBuilder();
        boolean unterminated = false;
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                report.error(Code.E0102, start, pos,
                        "unterminated string literal: add the closing `\"` before the end of the line");
                unterminated = true;
                break;
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                break;
            }
            if (c == '\\') escape(value); else pos += ByteChars.appendUtf8(value, text, pos);
        }
        emit(STRING_LIT, start, 0, value.toString(), unterminated);
    }

    private void character() {
        int start = pos++;
        StringBuilder value = new StringBuilder();
        boolean closed = false;
        int nonAscii = -1; // the first non-ASCII character written as itself, whose UTF-8 is more than one byte
        while (pos < text.length() && text.charAt(pos) != '\n') {
            char c = text.charAt(pos);
            if (c == '\'') {
                pos++;
                closed = true;
                break;
            }
            if (c == '\\') escape(value); else {
                if (c >= 0x80 && nonAscii < 0) nonAscii = pos;
                pos += ByteChars.appendUtf8(value, text, pos);
            }
            // `'a;`: the writer forgot the quote after one character, so the rest of the line is still code.
            if (peek(0) != '\'' && unclosedChar(pos)) break;
        }
        if (!closed) {
            report.error(Code.E0103, start, pos,
                    "unterminated character literal: add the closing `'` (for a string, use double quotes)");
        } else if (value.isEmpty()) {
            report.error(Code.E0105, start, pos, "empty character literal `''`: write a character, e.g. `'a'` or `'\\0'`");
        } else if (nonAscii >= 0) {
            String bytes = ByteChars.utf8(Character.toString(text.codePointAt(nonAscii)));
            report.error(Code.E0105, start, pos, String.format("character literal `%s` holds U+%04X, which is %d bytes in UTF-8 (`%s`), "
                    + "but a character literal is one byte: write a byte as an escape, e.g. `'%s'`, or use the string `\"%s\"`",
                    text.substring(start, pos), text.codePointAt(nonAscii), bytes.length(), ByteChars.escapes(bytes),
                    ByteChars.escapes(bytes.substring(0, 1)), text.substring(start + 1, pos - 1)));
        } else if (value.length() > 1) {
            report.error(Code.E0105, start, pos, "character literal `" + text.substring(start, pos)
                    + "` holds " + value.length() + " characters; use double quotes for a string");
        }
        emit(CHAR_LIT, start, value.isEmpty() ? 0 : value.charAt(0) & 0xff, null);
    }

    private boolean unclosedChar(int from) {
        for (int i = from; i < text.length() && text.charAt(i) != '\n'; i++) if (text.charAt(i) == '\'') return false;
        return true;
    }

    /** Decodes one escape at pos (which is at the backslash); unknown escapes keep the character, as VP does. */
    private void escape(StringBuilder out) {
        int start = pos;
        char c = peek(1);
        if (c == '\n' || pos + 1 >= text.length()) {
            pos++;
            return;
        }
        pos += 2;
        if (Character.isHighSurrogate(c) && Character.isLowSurrogate(peek(0))) pos++;
        switch (c) {
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case '\\', '"', '\'' -> out.append(c);
            case '0' -> out.append('\0');
            case 'x' -> {
                int digits = pos;
                while (pos < text.length() && pos < digits + 2 && isHex(text.charAt(pos))) pos++;
                if (pos > digits) out.append((char) Integer.parseInt(text.substring(digits, pos), 16));
                else badEscape(start, out, c, "`\\x` needs one or two hex digits after it, as in `\\x41`: the backslash is dropped");
            }
            default -> unknownEscape(start, out, c);
        }
    }

    private void unknownEscape(int start, StringBuilder out, char c) {
        String shown = c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("U+%04X", text.codePointAt(start + 1));
        badEscape(start, out, c, "unknown escape `\\" + shown
                + "`: the backslash is dropped (known escapes: \\n \\t \\\\ \\\" \\0 \\xHH)");
    }

    /** Keeps the escaped character c (its UTF-8 bytes), without its backslash, and warns with message. */
    private void badEscape(int start, StringBuilder out, char c, String message) {
        if (c < 0x80) out.append(c); else ByteChars.appendUtf8(out, text, start + 1);
        report.add(start, new Diagnostic(Code.W0100, Code.W0100.severity(), message, report.span(start, pos), List.of(), List.of()));
    }

    private boolean punctuator() {
        for (int i = 0; i < PUNCT.length; i++) {
            if (text.startsWith(PUNCT[i], pos)) {
                int start = pos;
                pos += PUNCT[i].length();
                emit(PUNCT_TYPES[i], start, 0, null);
                return true;
            }
        }
        return false;
    }

    /**
     * Marks time units (`TIMER:10msec`, `TIMER:10 msec`) and typedef names. A name is a type from the end of
     * the top-level typedef that declares it, except where C would read it as a declarator or a member.
     */
    private static void retype(List<Token> tokens, Set<String> typeNames) {
        Set<String> typedefs = new HashSet<>(typeNames);
        List<String> pending = new ArrayList<>();
        int braces = 0;
        int typedefNesting = -1; // bracket depth inside the typedef being scanned, -1 outside one
        for (int i = 0; i < tokens.size(); i++) {
            EmmettToken t = (EmmettToken) tokens.get(i);
            int prev = i > 0 ? tokens.get(i - 1).getType() : -1;
            switch (t.getType()) {
                case IDENT -> {
                    Token p = i > 0 ? tokens.get(i - 1) : null;
                    if (prev == INT_LIT && (p.getStopIndex() + 1 == t.getStartIndex() || UNITS.contains(t.getText()))) {
                        t.setType(UNIT);
                    } else if (typedefs.contains(t.getText()) && !declaresName(prev)) {
                        t.setType(TYPE_NAME);
                    } else if (typedefNesting == 0 && prev != STRUCT && prev != UNION && prev != ENUM) {
                        pending.add(t.getText());
                    }
                }
                case TYPEDEF -> {
                    if (braces == 0) {
                        typedefNesting = 0;
                        pending.clear();
                    }
                }
                case LBRACE, LPAREN, LBRACK -> {
                    if (t.getType() == LBRACE) braces++;
                    if (typedefNesting >= 0) typedefNesting++;
                }
                case RBRACE, RPAREN, RBRACK -> {
                    if (t.getType() == RBRACE) braces = Math.max(0, braces - 1);
                    if (typedefNesting > 0) typedefNesting--;
                }
                case SEMI -> {
                    if (typedefNesting == 0) {
                        typedefs.addAll(pending);
                        typedefNesting = -1;
                    }
                }
                default -> { }
            }
        }
    }

    /** After these a typedef name is a declarator, tag, member or symbol: `int pid;`, `p->pid`, `ENTER:f`. */
    private static boolean declaresName(int prev) {
        return switch (prev) {
            case KW_VOID, KW_STRING, KW_CHAR, KW_SHORT, KW_INT, KW_LONG, KW_SIGNED, KW_UNSIGNED, KW_SIZED, KW_FLOAT,
                 TYPE_NAME, STRUCT, UNION, ENUM, DOT, ARROW, COLON, BANG, GOTO -> true;
            default -> false;
        };
    }
}
