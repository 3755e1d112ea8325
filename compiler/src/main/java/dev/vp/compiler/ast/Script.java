package dev.vp.compiler.ast;

import dev.vp.compiler.source.SourceFile;
import java.util.List;

/**
 * One parsed script: the top-level items of its main file and of everything it includes, in source order.
 * Emmett and VP both build this same tree.
 */
public record Script(SourceFile main, Language language, List<Decl> items) {
    public Script { items = List.copyOf(items); }

    public enum Language { EMMETT, VP }
}
