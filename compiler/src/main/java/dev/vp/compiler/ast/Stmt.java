package dev.vp.compiler.ast;

import dev.vp.compiler.source.Span;
import java.util.List;

/** Statements of probe bodies and functions. */
public sealed interface Stmt extends Node {
    record Block(Span span, List<Stmt> stmts) implements Stmt {}

    /** A block-local declaration: a true local, fresh and zeroed on every entry. */
    record Local(Span span, Decl.Var var) implements Stmt {}

    record ExprStmt(Span span, Expr expr) implements Stmt {}

    record If(Span span, Expr cond, Stmt then, Stmt otherwise) implements Stmt {}

    record While(Span span, Expr cond, Stmt body) implements Stmt {}

    /** init, cond and step may each be null. */
    record For(Span span, Stmt init, Expr cond, Expr step, Stmt body) implements Stmt {}

    record Break(Span span) implements Stmt {}

    record Continue(Span span) implements Stmt {}

    record Return(Span span, Expr value) implements Stmt {}

    record Try(Span span, Block body, Block handler) implements Stmt {}

    /**
     * `target <- value;` adds a value to an aggregate entry or inserts a pair into a bag. bagOnly is set by VP's
     * `(baginsert B K V)`, which names a bag: the checker then refuses anything else (an undeclared name would
     * otherwise become an implicit aggregate).
     */
    record Insert(Span span, Expr target, Expr value, boolean bagOnly) implements Stmt {
        public Insert(Span span, Expr target, Expr value) { this(span, target, value, false); }
    }

    record Empty(Span span) implements Stmt {}
}
