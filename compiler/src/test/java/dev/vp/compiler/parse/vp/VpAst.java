// Test helpers: parse VP with every span mapped to one fixed span, so trees compare with plain equals.
package dev.vp.compiler.parse.vp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.ast.TypeRef;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.util.List;

/** Span-free tree building and parsing for the VP tests. */
final class VpAst {
    static final SourceFile FILE = new SourceFile("test.vp", "");
    static final Span S = new Span(FILE, 0, 0);

    private VpAst() {}

    /** Parses text that must be free of diagnostics. */
    static Script parse(String text) {
        Diagnostics diags = new Diagnostics();
        Script script = VpParser.parse(text, (s, e) -> S, FILE, diags);
        assertEquals(List.of(), diags.all().stream().map(Diagnostic::message).toList(), "diagnostics of: " + text);
        return script;
    }

    static Decl decl(String text) {
        List<Decl> items = parse(text).items();
        assertEquals(1, items.size(), text);
        return items.getFirst();
    }

    /** The statements of a probe body. */
    static List<Stmt> stmts(String body) {
        return ((Stmt.Block) ((Decl.Probe) decl("(vprobe VMM1Hz " + body + ")")).body()).stmts();
    }

    static Stmt stmt(String body) {
        List<Stmt> s = stmts(body);
        assertEquals(1, s.size(), body);
        return s.getFirst();
    }

    static Expr expr(String text) {
        return ((Stmt.ExprStmt) stmt(text)).expr();
    }

    static Expr.Name n(String name) { return new Expr.Name(S, name); }
    static Expr.IntLit i(long v) { return new Expr.IntLit(S, v); }
    static Expr.StrLit str(String v) { return new Expr.StrLit(S, v); }
    static Expr.Binary bin(Expr.BinOp op, Expr l, Expr r) { return new Expr.Binary(S, op, l, r); }
    static Expr.Unary un(Expr.UnOp op, Expr e) { return new Expr.Unary(S, op, e); }
    static Expr.Call call(String name, Expr... args) { return new Expr.Call(S, name, S, List.of(args)); }
    static Expr.Index index(Expr base, Expr... keys) { return new Expr.Index(S, base, List.of(keys)); }
    static Expr.Assign assign(Expr t, Expr v) { return new Expr.Assign(S, null, t, v); }
    static Stmt.ExprStmt es(Expr e) { return new Stmt.ExprStmt(S, e); }
    static Stmt.Block block(Stmt... s) { return new Stmt.Block(S, List.of(s)); }
    static Stmt.Return ret(Expr e) { return new Stmt.Return(S, e); }
    static TypeRef.Primitive prim(TypeRef.Prim p) { return new TypeRef.Primitive(S, p); }
    static Decl.Param param(TypeRef.Prim p, String name) { return new Decl.Param(S, prim(p), name, S); }
    static Decl.Var var(TypeRef type, String name, Expr init) { return new Decl.Var(S, Decl.Storage.DEFAULT, type, name, S, init); }
}
