// The raw S-expression tree of a VP text, before VpBuilder gives each form its meaning.
package dev.vp.compiler.parse.vp;

import dev.vp.compiler.source.Span;
import java.util.List;

/** A VP datum: an atom or a parenthesised list. */
sealed interface Sexp {
    Span span();

    enum AtomKind { NUMBER, SYMBOL, STRING, UNTERMINATED_STRING }

    /** text is the token as written (strings keep their quotes; VpLiterals decodes them). */
    record Atom(Span span, AtomKind kind, String text, int offset) implements Sexp {
        boolean isSymbol(String s) { return kind == AtomKind.SYMBOL && text.equals(s); }
    }

    /** open is the span of the '(' (where unbalanced-parenthesis errors point). */
    record ListForm(Span span, Span open, List<Sexp> items) implements Sexp {
        public ListForm { items = List.copyOf(items); }

        /** The head symbol, or null when the list is empty or starts with something else. */
        String head() {
            return !items.isEmpty() && items.getFirst() instanceof Atom a && a.kind() == AtomKind.SYMBOL ? a.text() : null;
        }

        /** The arguments after the head. */
        List<Sexp> args() { return items.isEmpty() ? items : items.subList(1, items.size()); }
    }
}
