package dev.vp.compiler.parse.emmett;

import static dev.vp.compiler.parse.emmett.EmmettSyntax.*;

import dev.vp.compiler.diag.Code;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.Token;

/**
 * Removes top-level items nested deeper than the parser should recurse (brackets, or runs of prefix
 * operators such as `- - - x`), with one "nesting too deep" error each, before ANTLR sees the tokens.
 */
final class NestingGuard {
    static final int LIMIT = 256;

    private NestingGuard() { }

    static List<Token> apply(List<Token> tokens, Reporter report) {
        List<Token> out = null; // allocated only when something is cut
        int depth = 0;
        int prefixRun = 0;
        int itemStart = 0;
        for (int i = 0; i < tokens.size(); i++) {
            int type = tokens.get(i).getType();
            switch (type) {
                case LPAREN, LBRACK, LBRACE -> depth++;
                case RPAREN, RBRACK, RBRACE -> depth = Math.max(0, depth - 1);
                default -> { }
            }
            prefixRun = isPrefix(type) ? prefixRun + 1 : 0;
            if (depth > LIMIT || prefixRun > LIMIT) {
                Token at = tokens.get(i);
                report.error(Code.E0109, at.getStartIndex(), at.getStopIndex() + 1, depth > LIMIT
                        ? "nesting too deep: more than " + LIMIT + " nested brackets; this declaration or probe is skipped"
                        : "nesting too deep: more than " + LIMIT + " prefix operators in a row; this declaration or"
                                + " probe is skipped");
                int end = endOfItem(tokens, i, depth);
                if (out == null) out = new ArrayList<>(tokens.subList(0, itemStart));
                else out.subList(out.size() - (i - itemStart), out.size()).clear();
                i = end;
                depth = 0;
                prefixRun = 0;
                itemStart = end + 1;
                continue;
            }
            if (out != null) out.add(tokens.get(i));
            if ((type == SEMI || type == RBRACE) && depth == 0) itemStart = i + 1;
        }
        return out == null ? tokens : out;
    }

    /** Index of the `;` or `}` that ends the item containing token i, or of the token before EOF. */
    private static int endOfItem(List<Token> tokens, int i, int depth) {
        int last = tokens.size() - 2; // keep EOF
        for (int j = i + 1; j <= last; j++) {
            switch (tokens.get(j).getType()) {
                case LPAREN, LBRACK, LBRACE -> depth++;
                case RPAREN, RBRACK -> depth = Math.max(0, depth - 1);
                case RBRACE -> {
                    depth = Math.max(0, depth - 1);
                    if (depth == 0) return j;
                }
                case SEMI -> {
                    if (depth == 0) return j;
                }
                default -> { }
            }
        }
        return last;
    }

    private static boolean isPrefix(int type) {
        return switch (type) {
            case MINUS, PLUS, BANG, TILDE, STAR, AMP, INC, DEC -> true;
            default -> false;
        };
    }
}
