package dev.vp.compiler.parse.emmett;

import org.antlr.v4.runtime.CommonToken;

/** A token that also carries its decoded literal value, so the AST builder never re-reads escapes or digits. */
final class EmmettToken extends CommonToken {
    /** The value of an INT_LIT or CHAR_LIT. */
    final long value;
    /** The decoded text of a STRING_LIT (escapes applied), else null. */
    final String decoded;
    /** An unterminated string: it was reported, and what it swallowed must not be reported again. */
    final boolean unterminated;

    EmmettToken(int type, String text, int start, int stop, int line, int column, long value, String decoded,
                boolean unterminated) {
        super(type, text);
        setStartIndex(start);
        setStopIndex(stop);
        setLine(line);
        setCharPositionInLine(column);
        this.value = value;
        this.decoded = decoded;
        this.unterminated = unterminated;
    }
}
