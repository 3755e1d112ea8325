package dev.vp.compiler.ast;

import dev.vp.compiler.source.Span;
import java.util.List;

/** Expressions. Error stands where the parser recovered from a syntax error (the checker stays quiet on it). */
public sealed interface Expr extends Node {
    record IntLit(Span span, long value) implements Expr {}

    /** A string literal, escapes already decoded, adjacent literals already joined. */
    record StrLit(Span span, String value) implements Expr {}

    record Name(Span span, String name) implements Expr {}

    record Unary(Span span, UnOp op, Expr operand) implements Expr {}

    /** `x++`, `--x`. */
    record IncDec(Span span, Expr target, boolean increment, boolean prefix) implements Expr {}

    record Binary(Span span, BinOp op, Expr left, Expr right) implements Expr {}

    /** `target = value` when op is null, else `target op= value`. */
    record Assign(Span span, BinOp op, Expr target, Expr value) implements Expr {}

    record Conditional(Span span, Expr cond, Expr then, Expr otherwise) implements Expr {}

    record Call(Span span, String name, Span nameSpan, List<Expr> args) implements Expr {}

    /** `a[i]`, `aggr[k1, k2]`, `bag[k]`. */
    record Index(Span span, Expr base, List<Expr> indices) implements Expr {}

    record Member(Span span, Expr base, String field, Span fieldSpan, boolean arrow) implements Expr {}

    record Cast(Span span, TypeRef type, Expr operand) implements Expr {}

    record SizeofType(Span span, TypeRef type) implements Expr {}

    record SizeofExpr(Span span, Expr operand) implements Expr {}

    record Error(Span span) implements Expr {}

    enum UnOp { NEG, PLUS, NOT, BITNOT, DEREF, ADDR }

    enum BinOp {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), SHL("<<"), SHR(">>"), AND("&"), OR("|"), XOR("^"),
        LAND("&&"), LOR("||"), EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        public final String symbol;

        BinOp(String symbol) { this.symbol = symbol; }

        public boolean isComparison() { return ordinal() >= EQ.ordinal(); }
        public boolean isOrdering() { return ordinal() >= LT.ordinal(); }
    }
}
