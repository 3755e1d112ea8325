package dev.vp.compiler.parse.emmett;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.ast.TypeRef;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A compact, one-line-per-item S-expression form of the AST, for parse tests and snapshots:
 * `(probe VMM1Hz [] {(call printf "tick\n");})`. Spans are not printed.
 */
public final class AstPrinter {
    private AstPrinter() { }

    public static String print(Script script) {
        return script.items().stream().map(AstPrinter::decl).collect(Collectors.joining("\n"));
    }

    public static String decl(Decl d) {
        return switch (d) {
            case Decl.Var v -> "(var " + (v.storage() == Decl.Storage.DEFAULT ? "" : lower(v.storage()) + " ")
                    + type(v.type()) + " " + v.name() + (v.init() == null ? "" : " = " + expr(v.init())) + ")";
            case Decl.Aggr a -> "(aggr " + a.name() + " " + a.intKeys() + " " + a.strKeys() + (a.capacity() != null ? " " + a.capacity() : "") + ")";
            case Decl.Bag b -> "(bag " + b.name() + " " + b.size() + ")";
            case Decl.TypeDef t -> "(type " + type(t.type()) + ")";
            case Decl.Typedef t -> "(typedef " + type(t.type()) + " " + t.name() + ")";
            case Decl.MemModel m -> "(memmodel " + m.model() + ")";
            case Decl.Function f -> "(fn " + type(f.returnType()) + " " + f.name() + " " + params(f.params()) + " "
                    + (f.body() == null ? ";" : stmt(f.body())) + ")";
            case Decl.Probe p -> "(probe " + spec(p.spec()) + " " + params(p.params()) + " " + stmt(p.body()) + ")";
            case Decl.Version v -> "(version " + quote(v.version()) + ")";
        };
    }

    public static String spec(ProbeSpec s) {
        return s.text() + (s.legacy() == null ? "" : "{legacy " + s.legacy() + "}");
    }

    private static String params(List<Decl.Param> params) {
        return params.stream().map(p -> type(p.type()) + (p.name() == null ? "" : " " + p.name()))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    public static String type(TypeRef t) {
        return switch (t) {
            case TypeRef.Primitive p -> lower(p.kind());
            case TypeRef.Named n -> n.name();
            case TypeRef.Pointer p -> "(* " + type(p.target()) + ")";
            case TypeRef.Array a -> "(array " + type(a.element()) + " " + expr(a.length()) + ")";
            case TypeRef.Struct s -> {
                String head = (s.union() ? "union" : "struct") + (s.tag() == null ? "" : " " + s.tag());
                yield s.fields() == null ? head : "(" + head + " " + join(s.fields(), f -> "(field " + type(f.type())
                        + " " + f.name() + (f.pinnedOffset() == null ? "" : " @" + expr(f.pinnedOffset())) + ")") + ")";
            }
            case TypeRef.Enum e -> {
                String head = "enum" + (e.tag() == null ? "" : " " + e.tag());
                yield e.values() == null ? head : "(" + head + " " + join(e.values(),
                        v -> v.value() == null ? v.name() : "(" + v.name() + " " + expr(v.value()) + ")") + ")";
            }
        };
    }

    public static String stmt(Stmt s) {
        return switch (s) {
            case Stmt.Block b -> "{" + b.stmts().stream().map(AstPrinter::stmt).collect(Collectors.joining(" ")) + "}";
            case Stmt.Local l -> "(local " + decl(l.var()) + ")";
            case Stmt.ExprStmt e -> expr(e.expr()) + ";";
            case Stmt.If i -> "(if " + expr(i.cond()) + " " + stmt(i.then())
                    + (i.otherwise() == null ? "" : " " + stmt(i.otherwise())) + ")";
            case Stmt.While w -> "(while " + expr(w.cond()) + " " + stmt(w.body()) + ")";
            case Stmt.For f -> "(for " + (f.init() == null ? "_" : stmt(f.init())) + " "
                    + (f.cond() == null ? "_" : expr(f.cond())) + " " + (f.step() == null ? "_" : expr(f.step())) + " "
                    + stmt(f.body()) + ")";
            case Stmt.Break b -> "break;";
            case Stmt.Continue c -> "continue;";
            case Stmt.Return r -> r.value() == null ? "return;" : "(return " + expr(r.value()) + ")";
            case Stmt.Try t -> "(try " + stmt(t.body()) + " " + stmt(t.handler()) + ")";
            case Stmt.Insert i -> "(<- " + expr(i.target()) + " " + expr(i.value()) + ")";
            case Stmt.Empty e -> ";";
        };
    }

    public static String expr(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> Long.toUnsignedString(i.value());
            case Expr.StrLit s -> quote(s.value());
            case Expr.Name n -> n.name();
            case Expr.Unary u -> "(" + switch (u.op()) {
                case NEG -> "-";
                case PLUS -> "+";
                case NOT -> "!";
                case BITNOT -> "~";
                case DEREF -> "*";
                case ADDR -> "&";
            } + " " + expr(u.operand()) + ")";
            case Expr.IncDec i -> "(" + (i.prefix() ? "pre" : "post") + (i.increment() ? "++ " : "-- ")
                    + expr(i.target()) + ")";
            case Expr.Binary b -> "(" + b.op().symbol + " " + expr(b.left()) + " " + expr(b.right()) + ")";
            case Expr.Assign a -> "(" + (a.op() == null ? "" : a.op().symbol) + "= " + expr(a.target()) + " "
                    + expr(a.value()) + ")";
            case Expr.Conditional c -> "(? " + expr(c.cond()) + " " + expr(c.then()) + " " + expr(c.otherwise()) + ")";
            case Expr.Call c -> "(call " + c.name() + (c.args().isEmpty() ? "" : " " + join(c.args(), AstPrinter::expr)) + ")";
            case Expr.Index i -> "(index " + expr(i.base()) + " " + join(i.indices(), AstPrinter::expr) + ")";
            case Expr.Member m -> "(" + (m.arrow() ? "->" : ".") + " " + expr(m.base()) + " " + m.field() + ")";
            case Expr.Cast c -> "(cast " + type(c.type()) + " " + expr(c.operand()) + ")";
            case Expr.SizeofType s -> "(sizeof-type " + type(s.type()) + ")";
            case Expr.SizeofExpr s -> "(sizeof " + expr(s.operand()) + ")";
            case Expr.Error x -> "<error>";
        };
    }

    private static <T> String join(List<T> list, Function<T, String> f) {
        return list.stream().map(f).collect(Collectors.joining(" "));
    }

    private static String lower(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT); }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) b.append(String.format("\\x%02x", (int) c)); else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
