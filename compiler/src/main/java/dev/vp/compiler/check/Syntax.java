package dev.vp.compiler.check;

import dev.vp.compiler.ast.Script;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;

/**
 * The language a diagnostic speaks: that of the file it points at, as that file was read ({@link Checked#syntax}),
 * so a VP script's messages and fixes show VP forms while an Emmett preload's show Emmett, and a header speaks the
 * language of the script that includes it. A message that shows code takes that code from here: {@link #pick} for
 * a one-off snippet, the methods below for snippets several messages share.
 */
public enum Syntax {
    EMMETT, VP;

    static Syntax of(Script.Language language) { return language == Script.Language.VP ? VP : EMMETT; }

    /** By the file's name alone, for a file no script read: `.vp` is VP (SourceFile.isVp), anything else Emmett. */
    static Syntax byName(SourceFile file) { return SourceFile.isVp(file.path()) ? VP : EMMETT; }

    /** A snippet in this language. */
    public String pick(String emmett, String vp) { return this == VP ? vp : emmett; }

    /** A bag declaration: `bag b[N];`, `(defbag b N)`. */
    public String bagDecl(String name, String size) { return pick("bag " + name + "[" + size + "];", "(defbag " + name + " " + size + ")"); }

    /** A declaration of a global of the type (an int, a string or a pointer), with a storage class when not null. */
    public String varDecl(Type t, String name, String storage) {
        String s = storage == null ? "" : storage + " ";
        if (this == EMMETT) {
            return s + switch (t) {
                case Type.Str x -> "string " + name;
                case Type.Pointer p -> p.target() + " *" + name;
                default -> "int " + name;
            } + ";";
        }
        return switch (t) {
            case Type.Str x -> "(defstring " + s + name + ")";
            case Type.Pointer p -> "(defvar " + s + vpType(p) + " " + name + ")";
            default -> "(definteger " + s + name + ")";
        };
    }

    /** A type as VP writes it: uint64, (* (struct task)), (array char 16). */
    static String vpType(Type t) {
        return switch (t) {
            case Type.Int i -> i.name().replace("unsigned ", "u").replace(" ", "");
            case Type.Pointer p -> "(* " + vpType(p.target()) + ")";
            case Type.Array a -> "(array " + vpType(a.element()) + " " + a.length() + ")";
            case Type.Struct st -> "(" + (st.union ? "union " : "struct ") + (st.tag == null ? "()" : st.tag) + ")";
            default -> t.toString();
        };
    }

    /** In VP, the head of the form the span starts with (`setint` of `(setint x 1)`); null when there is none. */
    static String head(Span form) {
        String text = form.text();
        int i = 0;
        if (i >= text.length() || text.charAt(i) != '(') return null;
        i++;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        int start = i;
        while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '(' && text.charAt(i) != ')') i++;
        return i > start ? text.substring(start, i) : null;
    }
}
