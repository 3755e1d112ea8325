// The few lexical rules the preprocessor shares with the language: identifiers, numbers, literals, comments.
package dev.vp.compiler.pp;

/** Character-level scanning helpers; every method returns an offset and never runs past the end of the text. */
final class Lexing {
    private Lexing() {}

    static boolean isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

    static boolean isIdentPart(char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }

    static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    static int identEnd(CharSequence s, int i) {
        int n = s.length();
        while (i < n && isIdentPart(s.charAt(i))) i++;
        return i;
    }

    /** A C preprocessing number: a digit then letters, digits, '_' and '.', so 0x1F's "x1F" is not a name. */
    static int numberEnd(CharSequence s, int i) {
        int n = s.length();
        while (i < n && (isIdentPart(s.charAt(i)) || s.charAt(i) == '.')) i++;
        return i;
    }

    /** End of the string or character literal opening at {@code i}: after its closing quote, or at the line's end. */
    static int literalEnd(CharSequence s, int i) {
        char quote = s.charAt(i);
        int n = s.length();
        i++;
        while (i < n) {
            char c = s.charAt(i);
            if (c == quote) return i + 1;
            if (c == '\n') return i;
            if (c == '\\' && i + 1 < n && s.charAt(i + 1) != '\n') i++;
            i++;
        }
        return n;
    }

    /** End of the nested block comment opening at {@code i}: after its matching close, or the end of the text. */
    static int blockCommentEnd(CharSequence s, int i) {
        int n = s.length();
        int depth = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (c == '*' && i + 1 < n && s.charAt(i + 1) == '/') {
                i += 2;
                if (--depth == 0) return i;
            } else {
                i++;
            }
        }
        return n;
    }

    /** End of the line comment at {@code i}: the newline (not consumed) or the end of the text. */
    static int lineEnd(String s, int i) {
        int k = s.indexOf('\n', i);
        return k < 0 ? s.length() : k;
    }

    /**
     * Whether two characters, once adjacent in the output, would lex as one token where the source had two
     * (a macro's "-1" after "-" must not become "--1"): the preprocessor then separates them with a space.
     */
    static boolean wouldPaste(char left, char right) {
        return (isIdentPart(left) && isIdentPart(right)) || (isOperator(left) && isOperator(right))
                || (left == '.' && isDigit(right)) || (isIdentPart(left) && right == '.');
    }

    private static boolean isOperator(char c) { return "+-*/%<>=!&|^.:?#".indexOf(c) >= 0; }
}
