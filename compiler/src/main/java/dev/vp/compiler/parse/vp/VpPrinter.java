// Prints any script's AST as canonical VP text (`vp build --emit vp`); VpParser reads the text back to the same tree.
package dev.vp.compiler.parse.vp;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.ast.TypeRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes the VP forms documented in VpBuilder. Every Emmett construct has a form there, so nothing is lost;
 * where VP offers two spellings of one tree the printer picks by what the declarations show (setstr for a
 * string target, baginsert and bagremove for a declared bag, the string keys of an aggr split off when they
 * are visibly strings), which never changes the tree. The tree may change in ways that keep the meaning and
 * reach a fixed point after one round: a clause or loop body that was a single statement comes back as a
 * block, an Emmett legacy probe spelling comes back in its modern spelling, `;` (an empty statement) comes
 * back as (do), an expression statement that is a conditional comes back as a cond statement, and a script
 * without a (version ...) gains one. In a function that returns a value a statement ending a body would be
 * read back as the result, so the printer follows it with (do).
 */
public final class VpPrinter {
    private static final String INDENT = "  ";

    private final Set<String> bags = new HashSet<>();
    private final Set<String> stringGlobals = new HashSet<>();
    private final Set<String> stringFunctions = new HashSet<>(Set.of("excname", "excdesc"));
    /** String-typed names visible in the function or probe being printed (globals plus its params and locals). */
    private Set<String> strings = stringGlobals;

    private VpPrinter(Script script) {
        for (Decl d : script.items()) {
            switch (d) {
                case Decl.Bag b -> bags.add(b.name());
                case Decl.Var v when isString(v.type()) -> stringGlobals.add(v.name());
                case Decl.Function f when isString(f.returnType()) -> stringFunctions.add(f.name());
                default -> { }
            }
        }
    }

    /** The script as VP text, one top-level form per line or block, ending in a newline. */
    public static String print(Script script) {
        VpPrinter p = new VpPrinter(script);
        List<String> forms = new ArrayList<>();
        if (script.items().stream().noneMatch(d -> d instanceof Decl.Version)) forms.add("(version \"" + VpBuilder.VERSION + "\")");
        for (Decl d : script.items()) forms.add(p.decl(d));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < forms.size(); i++) {
            boolean block = forms.get(i).contains("\n") || i > 0 && forms.get(i - 1).contains("\n");
            if (i > 0 && block) out.append('\n');
            out.append(forms.get(i)).append('\n');
        }
        return out.toString();
    }

    // ---- declarations ----

    private String decl(Decl d) {
        return switch (d) {
            case Decl.Version v -> "(version " + VpLiterals.quote(v.version()) + ")";
            case Decl.Var v -> variable(v);
            case Decl.Aggr a -> "(defaggr " + a.name() + " " + a.intKeys() + " " + a.strKeys() + (a.capacity() != null ? " " + a.capacity() : "") + ")";
            case Decl.Bag b -> "(defbag " + b.name() + " " + b.size() + ")";
            case Decl.TypeDef t -> "(deftype " + type(t.type()) + ")";
            case Decl.Typedef t -> "(typedef " + type(t.type()) + " " + t.name() + ")";
            case Decl.MemModel m -> "(memmodel " + m.model() + ")";
            case Decl.Function f -> function(f);
            case Decl.Probe p -> probe(p);
        };
    }

    private String variable(Decl.Var v) {
        String storage = v.storage() == Decl.Storage.DEFAULT ? "" : v.storage().name().toLowerCase(Locale.ROOT) + " ";
        String init = v.init() != null ? " " + expr(v.init()) : "";
        if (isPrim(v.type(), TypeRef.Prim.INT)) return "(definteger " + storage + v.name() + init + ")";
        if (isString(v.type())) return "(defstring " + storage + v.name() + init + ")";
        return "(defvar " + storage + type(v.type()) + " " + v.name() + init + ")";
    }

    private String function(Decl.Function f) {
        strings = scopeStrings(f.params(), f.body());
        String sig = isPrim(f.returnType(), TypeRef.Prim.INT)
                ? f.name() : "(" + type(f.returnType()) + " " + f.name() + ")";
        String params = f.params().stream().map(this::param).collect(Collectors.joining(" ", "(", ")"));
        if (f.body() == null) return "(defproto " + sig + " " + params + ")";
        boolean value = !isPrim(f.returnType(), TypeRef.Prim.VOID);
        String text = "(defun " + sig + " " + params + body(f.body().stmts(), 1, value) + ")";
        strings = stringGlobals;
        return text;
    }

    private String probe(Decl.Probe p) {
        strings = scopeStrings(p.params(), p.body());
        String spec = p.spec().text();
        String head = p.params().isEmpty() ? spec
                : "(" + spec + " " + p.params().stream().map(this::param).collect(Collectors.joining(" ")) + ")";
        String text = "(vprobe " + head + body(items(p.body()), 1, false) + ")";
        strings = stringGlobals;
        return text;
    }

    private String param(Decl.Param p) {
        return isPrim(p.type(), TypeRef.Prim.INT) ? p.name() : "(" + type(p.type()) + " " + p.name() + ")";
    }

    private Set<String> scopeStrings(List<Decl.Param> params, Stmt body) {
        Set<String> s = new HashSet<>(stringGlobals);
        for (Decl.Param p : params) if (isString(p.type())) s.add(p.name());
        if (body != null) collectStringLocals(body, s);
        return s;
    }

    private static void collectStringLocals(Stmt st, Set<String> out) {
        switch (st) {
            case Stmt.Local l when isString(l.var().type()) -> out.add(l.var().name());
            case Stmt.Block b -> b.stmts().forEach(x -> collectStringLocals(x, out));
            case Stmt.If i -> {
                collectStringLocals(i.then(), out);
                if (i.otherwise() != null) collectStringLocals(i.otherwise(), out);
            }
            case Stmt.While w -> collectStringLocals(w.body(), out);
            case Stmt.For f -> {
                if (f.init() != null) collectStringLocals(f.init(), out);
                collectStringLocals(f.body(), out);
            }
            case Stmt.Try t -> {
                collectStringLocals(t.body(), out);
                collectStringLocals(t.handler(), out);
            }
            default -> { }
        }
    }

    // ---- statements ----

    /** Statements as the body of a form: each on its own line at the given depth. */
    private String body(List<Stmt> stmts, int depth, boolean valueTail) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < stmts.size(); i++) {
            for (String line : stmt(stmts.get(i), depth, valueTail && i == stmts.size() - 1)) {
                sb.append('\n').append(INDENT.repeat(depth)).append(line);
            }
        }
        return sb.toString();
    }

    /** A single statement as one or more forms (more only for a value-tail expression statement). */
    private List<String> stmt(Stmt s, int depth, boolean valueTail) {
        return switch (s) {
            case Stmt.ExprStmt e when e.expr() instanceof Expr.Conditional c -> stmt(asIf(c), depth, valueTail);
            case Stmt.ExprStmt e -> valueTail ? List.of(expr(e.expr()), "(do)") : List.of(expr(e.expr()));
            case Stmt.Block b -> List.of("(do" + body(b.stmts(), depth + 1, valueTail) + ")");
            case Stmt.Local l -> List.of(variable(l.var()));
            case Stmt.If i -> List.of(cond(i, depth, valueTail));
            case Stmt.While w -> List.of("(while " + expr(w.cond()) + body(items(w.body()), depth + 1, false) + ")");
            case Stmt.For f -> List.of("(for " + forInit(f.init()) + " " + optional(f.cond()) + " " + optional(f.step())
                    + body(items(f.body()), depth + 1, false) + ")");
            case Stmt.Break b -> List.of("(break)");
            case Stmt.Continue c -> List.of("(continue)");
            case Stmt.Return r -> List.of(r.value() == null ? "(return)" : "(return " + expr(r.value()) + ")");
            case Stmt.Try t -> List.of("(try" + body(t.body().stmts(), depth + 1, false) + "\n" + INDENT.repeat(depth + 1)
                    + "(catch" + body(t.handler().stmts(), depth + 2, false) + "))");
            case Stmt.Insert ins -> List.of(insert(ins));
            case Stmt.Empty e -> List.of("(do)");
        };
    }

    /** An expression statement `c ? a : b;` is the if chain it behaves as (VP reads a cond statement so). */
    private static Stmt asIf(Expr.Conditional c) {
        Stmt otherwise = c.otherwise() instanceof Expr.Conditional n ? asIf(n) : new Stmt.ExprStmt(c.otherwise().span(), c.otherwise());
        return new Stmt.If(c.span(), c.cond(), new Stmt.ExprStmt(c.then().span(), c.then()), otherwise);
    }

    private String cond(Stmt.If first, int depth, boolean valueTail) {
        StringBuilder sb = new StringBuilder("(cond");
        String clauseIndent = "\n" + INDENT.repeat(depth + 1);
        Stmt s = first;
        while (s instanceof Stmt.If i) {
            sb.append(clauseIndent).append('(').append(expr(i.cond())).append(body(items(i.then()), depth + 2, valueTail)).append(')');
            s = i.otherwise();
        }
        if (s != null) sb.append(clauseIndent).append("(else").append(body(items(s), depth + 2, valueTail)).append(')');
        return sb.append(')').toString();
    }

    /** The statements a body form holds: a block's own, or the single statement. */
    private static List<Stmt> items(Stmt s) {
        return s instanceof Stmt.Block b ? b.stmts() : List.of(s);
    }

    private String forInit(Stmt init) {
        return switch (init) {
            case null -> "()";
            case Stmt.ExprStmt e when !(e.expr() instanceof Expr.Conditional) -> expr(e.expr());
            case Stmt.Local l -> variable(l.var());
            default -> String.join(" ", stmt(init, 0, false));
        };
    }

    private String optional(Expr e) { return e == null ? "()" : expr(e); }

    private String insert(Stmt.Insert ins) {
        if (ins.target() instanceof Expr.Name n) return "(aggr " + n.name() + " () () " + expr(ins.value()) + ")";
        if (ins.target() instanceof Expr.Index ix && ix.base() instanceof Expr.Name n) {
            if ((ins.bagOnly() || bags.contains(n.name())) && ix.indices().size() == 1) {
                return "(baginsert " + n.name() + " " + expr(ix.indices().getFirst()) + " " + expr(ins.value()) + ")";
            }
            int split = ix.indices().size();
            while (split > 0 && isStringy(ix.indices().get(split - 1))) split--;
            return "(aggr " + n.name() + " " + list(ix.indices().subList(0, split)) + " "
                    + list(ix.indices().subList(split, ix.indices().size())) + " " + expr(ins.value()) + ")";
        }
        return "(<- " + expr(ins.target()) + " " + expr(ins.value()) + ")";
    }

    private String list(List<Expr> es) {
        return es.stream().map(this::expr).collect(Collectors.joining(" ", "(", ")"));
    }

    // ---- expressions ----

    private String expr(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> VpLiterals.integer(i.value());
            case Expr.StrLit s -> VpLiterals.quote(s.value());
            case Expr.Name n -> n.name();
            case Expr.Unary u -> form(unarySymbol(u.op()), u.operand());
            case Expr.IncDec i -> form((i.prefix() ? "" : "post") + (i.increment() ? "++" : "--"), i.target());
            case Expr.Binary b -> binary(b);
            case Expr.Assign a -> form(a.op() != null ? a.op().symbol + "="
                    : isStringy(a.target()) || isStringy(a.value()) ? "setstr" : "setint", a.target(), a.value());
            case Expr.Conditional c -> conditional(c);
            case Expr.Call c -> "(" + (VpBuilder.RESERVED.contains(c.name()) ? "call " + c.name() : c.name())
                    + c.args().stream().map(a -> " " + expr(a)).collect(Collectors.joining()) + ")";
            case Expr.Index ix when ix.base() instanceof Expr.Name n && bags.contains(n.name()) && ix.indices().size() == 1 ->
                    "(bagremove " + n.name() + " " + expr(ix.indices().getFirst()) + ")";
            case Expr.Index ix -> "(index " + expr(ix.base()) + ix.indices().stream().map(k -> " " + expr(k)).collect(Collectors.joining()) + ")";
            case Expr.Member m -> "(" + (m.arrow() ? "->" : ".") + " " + expr(m.base()) + " " + m.field() + ")";
            case Expr.Cast c -> "(cast " + type(c.type()) + " " + expr(c.operand()) + ")";
            case Expr.SizeofType s -> "(sizeof " + type(s.type()) + ")";
            case Expr.SizeofExpr s -> form("sizeof-expr", s.operand());
            case Expr.Error err -> "()";
        };
    }

    private String form(String head, Expr... operands) {
        StringBuilder sb = new StringBuilder("(").append(head);
        for (Expr o : operands) sb.append(' ').append(expr(o));
        return sb.append(')').toString();
    }

    private static String unarySymbol(Expr.UnOp op) {
        return switch (op) {
            case NEG -> "-";
            case PLUS -> "+";
            case NOT -> "!";
            case BITNOT -> "~";
            case DEREF -> "*";
            case ADDR -> "&";
        };
    }

    /** A left-nested chain of one foldable operator prints as one variadic form, which VpBuilder folds back. */
    private String binary(Expr.Binary b) {
        if (b.op().isComparison()) return form(b.op().symbol, b.left(), b.right());
        List<Expr> operands = new ArrayList<>();
        Expr e = b;
        while (e instanceof Expr.Binary x && x.op() == b.op()) {
            operands.addFirst(x.right());
            e = x.left();
        }
        operands.addFirst(e);
        return form(b.op().symbol, operands.toArray(Expr[]::new));
    }

    private String conditional(Expr.Conditional c) {
        StringBuilder sb = new StringBuilder("(cond");
        Expr e = c;
        while (e instanceof Expr.Conditional x) {
            sb.append(" (").append(expr(x.cond())).append(' ').append(expr(x.then())).append(')');
            e = x.otherwise();
        }
        return sb.append(" (else ").append(expr(e)).append("))").toString();
    }

    /** Whether an expression visibly has a string value (decides spellings only, never the tree). */
    private boolean isStringy(Expr e) {
        return switch (e) {
            case Expr.StrLit s -> true;
            case Expr.Name n -> strings.contains(n.name()) || n.name().equals("PROBENAME");
            case Expr.Call c -> stringFunctions.contains(c.name());
            case Expr.Binary b -> b.op() == Expr.BinOp.ADD && (isStringy(b.left()) || isStringy(b.right()));
            default -> false;
        };
    }

    // ---- types ----

    private String type(TypeRef t) {
        return switch (t) {
            case TypeRef.Primitive p -> p.kind().name().toLowerCase(Locale.ROOT);
            case TypeRef.Named n -> n.name();
            case TypeRef.Pointer p -> "(* " + type(p.target()) + ")";
            case TypeRef.Array a -> "(array " + type(a.element()) + " " + expr(a.length()) + ")";
            case TypeRef.Struct s -> "(" + (s.union() ? "union " : "struct ") + (s.tag() == null ? "()" : s.tag())
                    + (s.fields() == null ? "" : s.fields().stream().map(this::field).collect(Collectors.joining(" ", " (", ")"))) + ")";
            case TypeRef.Enum en -> "(enum " + (en.tag() == null ? "()" : en.tag())
                    + (en.values() == null ? "" : en.values().stream().map(this::enumerator).collect(Collectors.joining(" ", " (", ")"))) + ")";
        };
    }

    private String field(TypeRef.Field f) {
        return "(" + type(f.type()) + " " + f.name() + (f.pinnedOffset() != null ? " " + expr(f.pinnedOffset()) : "") + ")";
    }

    private String enumerator(TypeRef.Enumerator e) {
        return e.value() == null ? e.name() : "(" + e.name() + " " + expr(e.value()) + ")";
    }

    private static boolean isString(TypeRef t) { return isPrim(t, TypeRef.Prim.STRING); }

    private static boolean isPrim(TypeRef t, TypeRef.Prim kind) {
        return t instanceof TypeRef.Primitive p && p.kind() == kind;
    }
}
