package dev.vp.compiler.parse.emmett;

import org.antlr.v4.runtime.CommonToken;

/** A token that also carries its decoded literal value, so the AST builder never re-reads escapes or digits. */
final class EmmettToken extends CommonToken {
    /** The value of an INT_LIT or CHAR_LIT. */
    final long value;
    /** The decoded text of a STRING_LIT (escapes applied), else null. */
    final String decoded;
    /**
     * A lexical error touches this token (an unterminated string that swallowed its line, or stray characters
     * right before it): it was reported, so a syntax error at or just after this token is only its echo.
     */
    final boolean echo;

    EmmettToken(int type, String text, int start, int stop, int line, int column, long value, String decoded,
                boolean echo) {
        super(type, text);
        setStartIndex(start);
        setStopIndex(stop);
        setLine(line);
        setCharPositionInLine(column);
        this.value = value;
        this.decoded = decoded;
        this.echo = echo;
    }
}
