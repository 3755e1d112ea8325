package dev.vp.compiler.ast;

import dev.vp.compiler.source.Span;

/** Every AST node knows where it came from, in original-source coordinates (after the source map). */
public interface Node {
    Span span();
}
