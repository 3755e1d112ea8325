// Flattens a script's AST into its nodes in source order, so each handler can look for the kinds it needs.
package dev.vp.lsp;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.Node;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.ast.TypeRef;
import java.util.ArrayList;
import java.util.List;

/** Pre-order: a node comes before its children, children in source order. The tree is bounded in depth by the parser. */
final class AstNodes {
    private final List<Node> out = new ArrayList<>();

    private AstNodes() {}

    static List<Node> of(Script script) {
        AstNodes a = new AstNodes();
        if (script != null) for (Decl d : script.items()) a.decl(d);
        return a.out;
    }

    static List<Node> of(Decl decl) {
        AstNodes a = new AstNodes();
        a.decl(decl);
        return a.out;
    }

    private void decl(Decl d) {
        out.add(d);
        switch (d) {
            case Decl.Var v -> { type(v.type()); expr(v.init()); }
            case Decl.TypeDef t -> type(t.type());
            case Decl.Typedef t -> type(t.type());
            case Decl.Function f -> { type(f.returnType()); f.params().forEach(this::param); stmt(f.body()); }
            case Decl.Probe p -> { out.add(p.spec()); p.params().forEach(this::param); stmt(p.body()); }
            case Decl.Aggr a -> { }
            case Decl.Bag b -> { }
            case Decl.MemModel m -> { }
            case Decl.Version v -> { }
        }
    }

    private void param(Decl.Param p) {
        out.add(p);
        type(p.type());
    }

    private void type(TypeRef t) {
        if (t == null) return;
        out.add(t);
        switch (t) {
            case TypeRef.Pointer p -> type(p.target());
            case TypeRef.Array a -> { type(a.element()); expr(a.length()); }
            case TypeRef.Struct s -> {
                if (s.fields() != null) for (TypeRef.Field f : s.fields()) { out.add(f); type(f.type()); expr(f.pinnedOffset()); }
            }
            case TypeRef.Enum e -> {
                if (e.values() != null) for (TypeRef.Enumerator v : e.values()) { out.add(v); expr(v.value()); }
            }
            case TypeRef.Primitive p -> { }
            case TypeRef.Named n -> { }
        }
    }

    private void stmt(Stmt s) {
        if (s == null) return;
        out.add(s);
        switch (s) {
            case Stmt.Block b -> b.stmts().forEach(this::stmt);
            case Stmt.Local l -> decl(l.var());
            case Stmt.ExprStmt e -> expr(e.expr());
            case Stmt.If i -> { expr(i.cond()); stmt(i.then()); stmt(i.otherwise()); }
            case Stmt.While w -> { expr(w.cond()); stmt(w.body()); }
            case Stmt.For f -> { stmt(f.init()); expr(f.cond()); expr(f.step()); stmt(f.body()); }
            case Stmt.Return r -> expr(r.value());
            case Stmt.Try t -> { stmt(t.body()); stmt(t.handler()); }
            case Stmt.Insert i -> { expr(i.target()); expr(i.value()); }
            case Stmt.Break b -> { }
            case Stmt.Continue c -> { }
            case Stmt.Empty e -> { }
        }
    }

    private void expr(Expr e) {
        if (e == null) return;
        out.add(e);
        switch (e) {
            case Expr.Unary u -> expr(u.operand());
            case Expr.IncDec i -> expr(i.target());
            case Expr.Binary b -> { expr(b.left()); expr(b.right()); }
            case Expr.Assign a -> { expr(a.target()); expr(a.value()); }
            case Expr.Conditional c -> { expr(c.cond()); expr(c.then()); expr(c.otherwise()); }
            case Expr.Call c -> c.args().forEach(this::expr);
            case Expr.Index i -> { expr(i.base()); i.indices().forEach(this::expr); }
            case Expr.Member m -> expr(m.base());
            case Expr.Cast c -> { type(c.type()); expr(c.operand()); }
            case Expr.SizeofType s -> type(s.type());
            case Expr.SizeofExpr s -> expr(s.operand());
            case Expr.IntLit i -> { }
            case Expr.StrLit s -> { }
            case Expr.Name n -> { }
            case Expr.Error x -> { }
        }
    }
}
