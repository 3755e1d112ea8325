// Gives VP forms their meaning: turns the S-expression tree into the same AST the Emmett parser builds.
package dev.vp.compiler.parse.vp;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.Expr.BinOp;
import dev.vp.compiler.ast.Expr.UnOp;
import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.ast.TypeRef;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.parse.vp.Sexp.Atom;
import dev.vp.compiler.parse.vp.Sexp.AtomKind;
import dev.vp.compiler.parse.vp.Sexp.ListForm;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the shared AST from VP forms. The language decisions, beyond the forms of LANGUAGE.md section 11:
 *
 * <ul>
 * <li>Top level: (version "1.0"), (definteger [STORAGE] NAME [INIT]), (defstring [STORAGE] NAME [INIT]),
 *     (defvar [STORAGE] TYPE NAME [INIT]) for other types, (defaggr NAME INT-KEYS STRING-KEYS [CAPACITY]),
 *     (defbag NAME SIZE), (defun SIG (PARAMS...) BODY...), (defproto SIG (PARAMS...)) for a prototype,
 *     (vprobe SPEC BODY...) or (vprobe (SPEC PARAMS...) BODY...), (deftype TYPE) for a struct, union or enum
 *     definition, (typedef TYPE NAME), (memmodel MODEL). STORAGE is perthread, pervm or perhost, recognised
 *     when a name follows it. Inside a body, definteger/defstring/defvar declare true locals.</li>
 * <li>Functions: SIG is NAME (returns an integer) or (TYPE NAME), e.g. (string name) or (void name). A
 *     parameter is NAME (an integer) or (TYPE NAME). A function that returns a value returns the value of
 *     its last form: that form becomes a return; through (do ...) and the clauses of a statement (cond ...)
 *     the rule applies to their last forms. Statement forms in that place (return, while, ...) stay as they are.</li>
 * <li>Types: int, string, void, char, uint64... (the normalised primitive spellings without spaces: ulonglong),
 *     a typedef NAME, (* T), (array T N), (struct TAG [(FIELD...)]), (union TAG [(FIELD...)]),
 *     (enum TAG [(NAME | (NAME VALUE))...]); a TAG of () is anonymous; a FIELD is (TYPE NAME [OFFSET]).</li>
 * <li>Statements: (setint VAR E), (setstr VAR E) assign; (aggr A (INTS...) (STRS...) V) and
 *     (baginsert B K V) insert (an aggregate without keys: (aggr A () () V)); (cond (TEST BODY...)...
 *     [(else BODY...)]) is an if/else chain; (do BODY...) a block; (while TEST BODY...);
 *     (for INIT TEST STEP BODY...) with () for an omitted part; (break), (continue), (return [E]);
 *     (try BODY... (catch HANDLER...)).</li>
 * <li>Expressions: integers (Emmett's decimal, hex, octal; -5 is (- 5)), strings with Emmett's escapes,
 *     names; variadic (+ - * / % << >> & | ^ && ||) fold to the left, and with one operand + - * & are
 *     unary plus, negation, dereference and address-of; (== != < <= > >=) take two operands, (! ~) one;
 *     (= T V) and the compound (+= T V)...; (++ T) (-- T) are prefix, (post++ T) (post-- T) postfix;
 *     (<- T V) is Emmett's insert; (cond (TEST VALUE)... (else VALUE)) is a conditional (the else is
 *     required); (bagremove B K) and (index BASE K...) read; (. S F) and (-> P F) are members;
 *     (cast TYPE E), (sizeof TYPE), (sizeof-expr E); (call NAME ARGS...) calls a function whose name is a
 *     VP form; any other (NAME ARGS...) is a call (the checker knows the built-ins and user functions).</li>
 * </ul>
 */
final class VpBuilder {
    static final int MAJOR = 1;
    static final int MINOR = 0;
    static final String VERSION = MAJOR + "." + MINOR;

    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern VERSION_TEXT = Pattern.compile("([0-9]{1,6})\\.([0-9]{1,6})");

    /**
     * The limits of the Emmett builder (AstBuilder.MAX_CHAIN, MAX_DEPTH), for the same reason: every later phase
     * walks the tree recursively. A fold of n operands nests n - 1 operations and a cond of n clauses n ifs, so a
     * form nested only a few levels can still make a tree thousands deep (a StackOverflowError, reported as E0900).
     */
    static final int MAX_CHAIN = 500, MAX_DEPTH = 1000;
    /** Levels of folds and conds around the form being built. */
    private int depth;

    static final Map<String, BinOp> FOLD_OPS = Map.ofEntries(Map.entry("+", BinOp.ADD), Map.entry("-", BinOp.SUB),
            Map.entry("*", BinOp.MUL), Map.entry("/", BinOp.DIV), Map.entry("%", BinOp.MOD), Map.entry("<<", BinOp.SHL),
            Map.entry(">>", BinOp.SHR), Map.entry("&", BinOp.AND), Map.entry("|", BinOp.OR), Map.entry("^", BinOp.XOR),
            Map.entry("&&", BinOp.LAND), Map.entry("||", BinOp.LOR));
    static final Map<String, BinOp> COMPARE_OPS = Map.of("==", BinOp.EQ, "!=", BinOp.NE, "<", BinOp.LT,
            "<=", BinOp.LE, ">", BinOp.GT, ">=", BinOp.GE);
    static final Map<String, UnOp> UNARY_FOLD_OPS = Map.of("+", UnOp.PLUS, "-", UnOp.NEG, "*", UnOp.DEREF, "&", UnOp.ADDR);
    static final Map<String, UnOp> UNARY_OPS = Map.of("!", UnOp.NOT, "~", UnOp.BITNOT);
    static final Map<String, BinOp> COMPOUND_ASSIGN = Map.ofEntries(Map.entry("+=", BinOp.ADD), Map.entry("-=", BinOp.SUB),
            Map.entry("*=", BinOp.MUL), Map.entry("/=", BinOp.DIV), Map.entry("%=", BinOp.MOD), Map.entry("&=", BinOp.AND),
            Map.entry("|=", BinOp.OR), Map.entry("^=", BinOp.XOR), Map.entry("<<=", BinOp.SHL), Map.entry(">>=", BinOp.SHR));

    /** Forms that define something for the whole script. */
    static final Set<String> TOP_LEVEL_ONLY = Set.of("version", "defaggr", "defbag", "defun", "defproto", "vprobe",
            "deftype", "typedef", "memmodel");
    /** Forms that are statements and have no value. */
    static final Set<String> STATEMENTS = Set.of("definteger", "defstring", "defvar", "do", "while", "for", "break",
            "continue", "return", "try", "aggr", "baginsert", "<-");
    /** Heads a user function cannot take (VpPrinter calls such a function through (call NAME ...)). */
    static final Set<String> RESERVED = Set.of("version", "definteger", "defstring", "defvar", "defaggr", "defbag",
            "defun", "defproto", "vprobe", "deftype", "typedef", "memmodel", "setint", "setstr", "aggr", "baginsert",
            "bagremove", "cond", "do", "while", "for", "break", "continue", "return", "try", "catch", "index", "cast",
            "sizeof", "sizeof-expr", "call");

    private static final Map<String, TypeRef.Prim> PRIMS = new HashMap<>();
    static {
        for (TypeRef.Prim p : TypeRef.Prim.values()) PRIMS.put(p.name().toLowerCase(Locale.ROOT), p);
    }

    /** Thrown after a diagnostic was reported, to drop the malformed form at the nearest recovery point. */
    private static final class Malformed extends RuntimeException {
        Malformed() { super(null, null, false, false); }
    }

    private final VpSpanMap map;
    private final Reporter report;

    VpBuilder(VpSpanMap map, Reporter report) {
        this.map = map;
        this.report = report;
    }

    Script build(SourceFile main, List<Sexp> forms) {
        List<Decl> items = new ArrayList<>();
        for (Sexp form : forms) {
            try {
                items.add(topLevel(form));
            } catch (Malformed dropped) {
                // reported where it was found; the next top-level form is read independently
            }
        }
        return new Script(main, Script.Language.VP, items);
    }

    // ---- top level ----

    private Decl topLevel(Sexp s) {
        if (!(s instanceof ListForm f) || f.head() == null) {
            if (s instanceof ListForm f && f.items().isEmpty()) throw fail(Code.E0218, s.span(), "an empty form () at the top level: remove it");
            throw fail(Code.E0210, s.span(), describe(s) + " cannot stand at the top level: a VP script is a list of "
                    + "forms such as (definteger NAME) and (vprobe SPEC BODY...)");
        }
        return switch (f.head()) {
            case "version" -> version(f);
            case "definteger", "defstring", "defvar" -> variable(f);
            case "defaggr" -> aggregate(f);
            case "defbag" -> bag(f);
            case "defun", "defproto" -> function(f);
            case "vprobe" -> probe(f);
            case "deftype" -> {
                arity(f.args(), f.span(), "(deftype TYPE)", 1, 1);
                yield new Decl.TypeDef(f.span(), type(f.args().getFirst()));
            }
            case "typedef" -> {
                arity(f.args(), f.span(), "(typedef TYPE NAME)", 2, 2);
                TypeRef type = type(f.args().getFirst());
                Atom name = name(f.args().get(1), "(typedef TYPE NAME)", "NAME");
                yield new Decl.Typedef(f.span(), type, name.text(), name.span());
            }
            case "memmodel" -> {
                arity(f.args(), f.span(), "(memmodel MODEL)", 1, 1);
                yield new Decl.MemModel(f.span(), name(f.args().getFirst(), "(memmodel MODEL)", "MODEL").text());
            }
            default -> throw fail(Code.E0210, f.span(), "(" + f.head() + " ...) cannot stand at the top level: put it "
                    + "inside a (vprobe SPEC BODY...) or a (defun NAME (PARAMS...) BODY...)");
        };
    }

    private Decl version(ListForm f) {
        String usage = "(version \"MAJOR.MINOR\")";
        arity(f.args(), f.span(), usage, 1, 1);
        Sexp arg = f.args().getFirst();
        String v = string(arg, usage, "the version");
        Matcher m = VERSION_TEXT.matcher(v);
        if (!m.matches()) throw fail(Code.E0215, arg.span(), "version \"" + Reporter.clip(v) + "\" is not MAJOR.MINOR: write (version \"" + VERSION + "\")");
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major > MAJOR) {
            report.error(Code.E0214, arg.span(), "this script is VP " + v + ", but this compiler reads VP " + VERSION
                    + " and older: use a compiler that supports VP " + major + ", or rewrite the script for VP " + VERSION);
        } else if (major < MAJOR) {
            report.warning(Code.W0201, arg.span(), "this script is VP " + v + ", older than the VP " + VERSION
                    + " this compiler reads; it is read as VP " + VERSION + ": check its meaning, then write (version \"" + VERSION + "\")");
        } else if (minor > MINOR) {
            report.warning(Code.W0201, arg.span(), "this script is VP " + v + ", newer than the VP " + VERSION
                    + " this compiler reads; forms added after " + VERSION + " are not understood");
        }
        return new Decl.Version(f.span(), v);
    }

    /** (definteger [STORAGE] NAME [INIT]), (defstring [STORAGE] NAME [INIT]), (defvar [STORAGE] TYPE NAME [INIT]). */
    private Decl.Var variable(ListForm f) {
        boolean typed = f.head().equals("defvar");
        String usage = typed ? "(defvar TYPE NAME [INIT])" : "(" + f.head() + " NAME [INIT])";
        List<Sexp> args = f.args();
        Decl.Storage storage = Decl.Storage.DEFAULT;
        if (args.size() >= (typed ? 3 : 2) && args.getFirst() instanceof Atom a && storage(a.text()) != null
                && (typed || args.get(1) instanceof Atom n && n.kind() == AtomKind.SYMBOL)) {
            storage = storage(a.text());
            args = args.subList(1, args.size());
        }
        int t = typed ? 1 : 0;
        arity(args, f.span(), usage, 1 + t, 2 + t);
        Span headSpan = f.items().getFirst().span();
        TypeRef type = typed ? type(args.getFirst())
                : new TypeRef.Primitive(headSpan, f.head().equals("defstring") ? TypeRef.Prim.STRING : TypeRef.Prim.INT);
        Atom name = name(args.get(t), usage, "NAME");
        Expr init = args.size() > 1 + t ? expr(args.get(1 + t)) : null;
        return new Decl.Var(f.span(), storage, type, name.text(), name.span(), init);
    }

    private static Decl.Storage storage(String word) {
        return switch (word) {
            case "perthread" -> Decl.Storage.PERTHREAD;
            case "pervm" -> Decl.Storage.PERVM;
            case "perhost" -> Decl.Storage.PERHOST;
            default -> null;
        };
    }

    private Decl aggregate(ListForm f) {
        String usage = "(defaggr NAME INT-KEYS STRING-KEYS [CAPACITY])";
        arity(f.args(), f.span(), usage, 3, 4);
        Atom name = name(f.args().getFirst(), usage, "NAME");
        int ints = count(f.args().get(1), usage, "INT-KEYS", false);
        int strs = count(f.args().get(2), usage, "STRING-KEYS", false);
        Integer capacity = f.args().size() == 4 ? count(f.args().get(3), usage, "CAPACITY", true) : null;
        return new Decl.Aggr(f.span(), name.text(), name.span(), ints, strs, capacity);
    }

    private Decl bag(ListForm f) {
        String usage = "(defbag NAME SIZE)";
        arity(f.args(), f.span(), usage, 2, 2);
        Atom name = name(f.args().getFirst(), usage, "NAME");
        return new Decl.Bag(f.span(), name.text(), name.span(), count(f.args().get(1), usage, "SIZE", true));
    }

    private Decl function(ListForm f) {
        boolean proto = f.head().equals("defproto");
        String usage = proto ? "(defproto NAME (PARAMS...))" : "(defun NAME (PARAMS...) BODY...)";
        arity(f.args(), f.span(), usage, 2, proto ? 2 : Integer.MAX_VALUE);
        Sexp sig = f.args().getFirst();
        TypeRef returns;
        Atom name;
        if (sig instanceof ListForm l) {
            if (l.items().size() != 2) {
                throw fail(Code.E0209, sig.span(), usage + ": the function's name is NAME (returning an integer) or "
                        + "(TYPE NAME), as in (string name) or (void name); found " + describe(sig));
            }
            returns = type(l.items().getFirst());
            name = name(l.items().get(1), usage, "NAME");
        } else {
            name = name(sig, usage, "NAME");
            returns = new TypeRef.Primitive(name.span(), TypeRef.Prim.INT);
        }
        List<Decl.Param> params = params(f.args().get(1), usage);
        Stmt.Block body = null;
        if (!proto) {
            boolean value = !(returns instanceof TypeRef.Primitive p && p.kind() == TypeRef.Prim.VOID);
            body = new Stmt.Block(f.span(), body(f.args().subList(2, f.args().size()), value));
        }
        return new Decl.Function(f.span(), returns, name.text(), name.span(), params, body);
    }

    private List<Decl.Param> params(Sexp s, String usage) {
        if (!(s instanceof ListForm l)) {
            throw fail(Code.E0209, s.span(), usage + ": the parameters are a list such as (n (string s)) or (), found " + describe(s));
        }
        List<Decl.Param> params = new ArrayList<>();
        for (Sexp p : l.items()) params.add(param(p, usage));
        return params;
    }

    private Decl.Param param(Sexp p, String usage) {
        if (p instanceof Atom a) {
            Atom name = name(a, usage, "a parameter");
            return new Decl.Param(a.span(), new TypeRef.Primitive(a.span(), TypeRef.Prim.INT), name.text(), name.span());
        }
        ListForm l = (ListForm) p;
        if (l.items().size() != 2) {
            throw fail(Code.E0209, p.span(), usage + ": a parameter is NAME (an integer) or (TYPE NAME), found " + describe(p));
        }
        Atom name = name(l.items().get(1), usage, "a parameter");
        return new Decl.Param(l.span(), type(l.items().getFirst()), name.text(), name.span());
    }

    private Decl probe(ListForm f) {
        String usage = "(vprobe SPEC BODY...)";
        arity(f.args(), f.span(), usage, 1, Integer.MAX_VALUE);
        Sexp head = f.args().getFirst();
        List<Decl.Param> params = new ArrayList<>();
        Sexp specAtom = head;
        if (head instanceof ListForm l) {
            if (l.items().isEmpty()) throw fail(Code.E0213, head.span(), usage + " needs a probe specification: " + VpProbeSpecs.EXAMPLES);
            specAtom = l.items().getFirst();
            for (Sexp p : l.items().subList(1, l.items().size())) params.add(param(p, "(vprobe (SPEC PARAMS...) BODY...)"));
        }
        if (!(specAtom instanceof Atom a) || a.kind() == AtomKind.STRING || a.kind() == AtomKind.UNTERMINATED_STRING) {
            throw fail(Code.E0213, specAtom.span(), usage + ": SPEC must be a probe name, found " + describe(specAtom)
                    + "; " + VpProbeSpecs.EXAMPLES);
        }
        ProbeSpec spec = VpProbeSpecs.parse(a.text(), a.span(), problem ->
                report.error(Code.E0213, a.span(), "`" + Reporter.clip(a.text()) + "` is not a probe specification: " + problem),
                (number, problem) -> report.error(Code.E0206, number, problem));
        if (spec == null) throw new Malformed();
        return new Decl.Probe(f.span(), spec, params, new Stmt.Block(f.span(), body(f.args().subList(1, f.args().size()), false)));
    }

    // ---- statements ----

    /** The statements of a body; when valueTail is set the last form gives the function's result. */
    private List<Stmt> body(List<Sexp> forms, boolean valueTail) {
        List<Stmt> out = new ArrayList<>();
        for (int i = 0; i < forms.size(); i++) {
            try {
                out.add(stmt(forms.get(i), valueTail && i == forms.size() - 1));
            } catch (Malformed dropped) {
                // reported; the rest of the body is still read
            }
        }
        return out;
    }

    private Stmt stmt(Sexp s, boolean valueTail) {
        if (s instanceof ListForm f && f.head() != null) {
            List<Sexp> args = f.args();
            switch (f.head()) {
                case "definteger", "defstring", "defvar" -> { return new Stmt.Local(f.span(), variable(f)); }
                case "do" -> { return new Stmt.Block(f.span(), body(args, valueTail)); }
                case "cond" -> { return condStatement(f, valueTail); }
                case "while" -> {
                    arity(args, f.span(), "(while TEST BODY...)", 1, Integer.MAX_VALUE);
                    return new Stmt.While(f.span(), expr(args.getFirst()), new Stmt.Block(f.span(), body(args.subList(1, args.size()), false)));
                }
                case "for" -> {
                    arity(args, f.span(), "(for INIT TEST STEP BODY...)", 3, Integer.MAX_VALUE);
                    Stmt init = isEmpty(args.get(0)) ? null : stmt(args.get(0), false);
                    Expr test = isEmpty(args.get(1)) ? null : expr(args.get(1));
                    Expr step = isEmpty(args.get(2)) ? null : expr(args.get(2));
                    return new Stmt.For(f.span(), init, test, step, new Stmt.Block(f.span(), body(args.subList(3, args.size()), false)));
                }
                case "break" -> {
                    arity(args, f.span(), "(break)", 0, 0);
                    return new Stmt.Break(f.span());
                }
                case "continue" -> {
                    arity(args, f.span(), "(continue)", 0, 0);
                    return new Stmt.Continue(f.span());
                }
                case "return" -> {
                    arity(args, f.span(), "(return [VALUE])", 0, 1);
                    return new Stmt.Return(f.span(), args.isEmpty() ? null : expr(args.getFirst()));
                }
                case "try" -> { return tryStatement(f); }
                case "aggr" -> { return aggrInsert(f); }
                case "baginsert" -> {
                    String usage = "(baginsert BAG KEY VALUE)";
                    arity(args, f.span(), usage, 3, 3);
                    Atom bag = name(args.get(0), usage, "BAG");
                    Expr key = expr(args.get(1));
                    Expr target = new Expr.Index(bag.span().to(key.span()), new Expr.Name(bag.span(), bag.text()), List.of(key));
                    return new Stmt.Insert(f.span(), target, expr(args.get(2)), true);
                }
                case "<-" -> {
                    arity(args, f.span(), "(<- TARGET VALUE)", 2, 2);
                    return new Stmt.Insert(f.span(), expr(args.get(0)), expr(args.get(1)));
                }
                default -> { }
            }
        }
        Expr e = expr(s);
        return valueTail ? new Stmt.Return(e.span(), e) : new Stmt.ExprStmt(e.span(), e);
    }

    /** (cond (TEST BODY...)... [(else BODY...)]) as statements: an if / else-if / else chain. */
    private Stmt condStatement(ListForm f, boolean valueTail) {
        arity(f.args(), f.span(), "(cond (TEST BODY...)...)", 1, Integer.MAX_VALUE);
        List<ListForm> clauses = clauses(f);
        return nested(f, clauses.size(), () -> {
            Stmt result = null;
            for (int i = clauses.size() - 1; i >= 0; i--) {
                ListForm c = clauses.get(i);
                Stmt.Block body = new Stmt.Block(c.span(), body(c.items().subList(1, c.items().size()), valueTail));
                if (isElse(c.items().getFirst())) {
                    result = body;
                } else {
                    Span span = i == 0 ? f.span() : c.span().to(clauses.getLast().span());
                    result = new Stmt.If(span, expr(c.items().getFirst()), body, result);
                }
            }
            return result;
        });
    }

    /** The clauses of a cond, each a non-empty list, with else only last. */
    private List<ListForm> clauses(ListForm f) {
        List<ListForm> clauses = new ArrayList<>();
        List<Sexp> args = f.args();
        for (int i = 0; i < args.size(); i++) {
            if (!(args.get(i) instanceof ListForm c) || c.items().isEmpty()) {
                throw fail(Code.E0216, args.get(i).span(), "each clause of a (cond ...) is a list (TEST BODY...), found " + describe(args.get(i)));
            }
            if (isElse(c.items().getFirst()) && i != args.size() - 1) {
                throw fail(Code.E0216, c.span(), "(else ...) must be the last clause of a (cond ...): the clauses after it would never run");
            }
            clauses.add(c);
        }
        return clauses;
    }

    private Stmt tryStatement(ListForm f) {
        String usage = "(try BODY... (catch HANDLER...))";
        arity(f.args(), f.span(), usage, 1, Integer.MAX_VALUE);
        Sexp last = f.args().getLast();
        if (!(last instanceof ListForm c && "catch".equals(c.head()))) {
            throw fail(Code.E0209, last.span(), usage + ": the last element must be the (catch HANDLER...) clause, found " + describe(last));
        }
        Stmt.Block body = new Stmt.Block(f.span(), body(f.args().subList(0, f.args().size() - 1), false));
        return new Stmt.Try(f.span(), body, new Stmt.Block(c.span(), body(c.args(), false)));
    }

    private Stmt aggrInsert(ListForm f) {
        String usage = "(aggr NAME (INT-KEYS...) (STRING-KEYS...) VALUE)";
        arity(f.args(), f.span(), usage, 4, 4);
        Atom name = name(f.args().getFirst(), usage, "NAME");
        List<Expr> keys = new ArrayList<>();
        keys.addAll(exprs(list(f.args().get(1), usage, "INT-KEYS").items()));
        keys.addAll(exprs(list(f.args().get(2), usage, "STRING-KEYS").items()));
        Expr base = new Expr.Name(name.span(), name.text());
        Expr target = keys.isEmpty() ? base : new Expr.Index(name.span().to(f.args().get(2).span()), base, keys);
        return new Stmt.Insert(f.span(), target, expr(f.args().get(3)));
    }

    // ---- expressions ----

    /** An expression; a malformed one becomes Expr.Error (already reported) so its neighbours are still checked. */
    private Expr expr(Sexp s) {
        try {
            return switch (s) {
                case Atom a -> atom(a);
                case ListForm f -> form(f);
            };
        } catch (Malformed reported) {
            return new Expr.Error(s.span());
        }
    }

    private List<Expr> exprs(List<Sexp> items) {
        List<Expr> out = new ArrayList<>(items.size());
        for (Sexp s : items) out.add(expr(s));
        return out;
    }

    private Expr atom(Atom a) {
        return switch (a.kind()) {
            case NUMBER -> new Expr.IntLit(a.span(), integer(a));
            case STRING, UNTERMINATED_STRING -> new Expr.StrLit(a.span(), string(a));
            case SYMBOL -> {
                if (IDENT.matcher(a.text()).matches()) yield new Expr.Name(a.span(), a.text());
                if (a.text().length() > 1 && a.text().charAt(0) == '-' && Character.isDigit(a.text().charAt(1))) {
                    Atom digits = new Atom(map.span(a.offset() + 1, a.offset() + a.text().length()), AtomKind.NUMBER, a.text().substring(1), a.offset() + 1);
                    yield new Expr.Unary(a.span(), UnOp.NEG, new Expr.IntLit(digits.span(), integer(digits)));
                }
                if (isOperator(a.text())) {
                    throw fail(Code.E0207, a.span(), "`" + a.text() + "` is an operator: write it first in a form, as in (" + a.text() + " A B)");
                }
                throw fail(Code.E0207, a.span(), "`" + Reporter.clip(a.text()) + "` is not a valid name: a name is letters, digits and '_', "
                        + "not starting with a digit");
            }
        };
    }

    private Expr form(ListForm f) {
        if (f.items().isEmpty()) throw fail(Code.E0218, f.span(), "an empty form () has no value: write a value, or a form such as (f ARGS...)");
        String head = f.head();
        if (head == null) {
            throw fail(Code.E0209, f.items().getFirst().span(), "a form starts with the name of a function or an operator, found "
                    + describe(f.items().getFirst()));
        }
        List<Sexp> args = f.args();
        Span headSpan = f.items().getFirst().span();
        if (FOLD_OPS.containsKey(head)) {
            if (args.size() == 1 && UNARY_FOLD_OPS.containsKey(head)) return new Expr.Unary(f.span(), UNARY_FOLD_OPS.get(head), expr(args.getFirst()));
            arity(args, f.span(), "(" + head + " A B...)", UNARY_FOLD_OPS.containsKey(head) ? 1 : 2, Integer.MAX_VALUE);
            if (args.size() - 1 > MAX_CHAIN) {
                throw fail(Code.E0203, f.span(), "(" + head + " ...) has " + args.size() + " operands, a chain of " + (args.size() - 1)
                        + " operations (at most " + MAX_CHAIN + "); split it into several statements");
            }
            return nested(f, args.size() - 1, () -> {
                Expr acc = expr(args.getFirst());
                for (int i = 1; i < args.size(); i++) {
                    Expr right = expr(args.get(i));
                    acc = new Expr.Binary(i == args.size() - 1 ? f.span() : acc.span().to(right.span()), FOLD_OPS.get(head), acc, right);
                }
                return acc;
            });
        }
        if (COMPARE_OPS.containsKey(head)) {
            arity(args, f.span(), "(" + head + " A B)", 2, 2);
            return new Expr.Binary(f.span(), COMPARE_OPS.get(head), expr(args.get(0)), expr(args.get(1)));
        }
        if (UNARY_OPS.containsKey(head)) {
            arity(args, f.span(), "(" + head + " A)", 1, 1);
            return new Expr.Unary(f.span(), UNARY_OPS.get(head), expr(args.getFirst()));
        }
        if (COMPOUND_ASSIGN.containsKey(head) || head.equals("=") || head.equals("setint") || head.equals("setstr")) {
            arity(args, f.span(), "(" + head + " VARIABLE VALUE)", 2, 2);
            return new Expr.Assign(f.span(), COMPOUND_ASSIGN.get(head), expr(args.get(0)), expr(args.get(1)));
        }
        return switch (head) {
            case "++", "--", "post++", "post--" -> {
                arity(args, f.span(), "(" + head + " VARIABLE)", 1, 1);
                yield new Expr.IncDec(f.span(), expr(args.getFirst()), head.contains("++"), !head.startsWith("post"));
            }
            case "cond" -> condExpr(f);
            case "index" -> {
                arity(args, f.span(), "(index BASE KEY...)", 2, Integer.MAX_VALUE);
                yield new Expr.Index(f.span(), expr(args.getFirst()), exprs(args.subList(1, args.size())));
            }
            case "bagremove" -> {
                String usage = "(bagremove BAG KEY)";
                arity(args, f.span(), usage, 2, 2);
                Atom bag = name(args.getFirst(), usage, "BAG");
                yield new Expr.Index(f.span(), new Expr.Name(bag.span(), bag.text()), List.of(expr(args.get(1))));
            }
            case ".", "->" -> {
                String usage = "(" + head + (head.equals(".") ? " STRUCT FIELD)" : " POINTER FIELD)");
                arity(args, f.span(), usage, 2, 2);
                Expr base = expr(args.getFirst());
                Atom field = name(args.get(1), usage, "FIELD");
                yield new Expr.Member(f.span(), base, field.text(), field.span(), head.equals("->"));
            }
            case "cast" -> {
                arity(args, f.span(), "(cast TYPE VALUE)", 2, 2);
                yield new Expr.Cast(f.span(), type(args.getFirst()), expr(args.get(1)));
            }
            case "sizeof" -> {
                arity(args, f.span(), "(sizeof TYPE)", 1, 1);
                yield new Expr.SizeofType(f.span(), type(args.getFirst()));
            }
            case "sizeof-expr" -> {
                arity(args, f.span(), "(sizeof-expr VALUE)", 1, 1);
                yield new Expr.SizeofExpr(f.span(), expr(args.getFirst()));
            }
            case "call" -> {
                arity(args, f.span(), "(call FUNCTION ARGS...)", 1, Integer.MAX_VALUE);
                Atom fn = name(args.getFirst(), "(call FUNCTION ARGS...)", "FUNCTION");
                yield new Expr.Call(f.span(), fn.text(), fn.span(), exprs(args.subList(1, args.size())));
            }
            case "catch" -> throw fail(Code.E0209, f.span(), "(catch HANDLER...) is only the last element of a (try BODY... (catch HANDLER...))");
            default -> {
                if (STATEMENTS.contains(head)) {
                    throw fail(Code.E0212, f.span(), "(" + head + " ...) is a statement and has no value: use it in a body, "
                            + "not as an operand");
                }
                if (TOP_LEVEL_ONLY.contains(head)) {
                    throw fail(Code.E0211, f.span(), "(" + head + " ...) defines something for the whole script and cannot "
                            + "appear inside another form: move it to the top level");
                }
                if (!IDENT.matcher(head).matches()) {
                    throw fail(Code.E0207, headSpan, "`" + Reporter.clip(head) + "` is neither a function name nor a VP operator");
                }
                yield new Expr.Call(f.span(), head, headSpan, exprs(args));
            }
        };
    }

    /** (cond (TEST VALUE)... (else VALUE)) as a value: nested conditionals. */
    private Expr condExpr(ListForm f) {
        arity(f.args(), f.span(), "(cond (TEST VALUE)... (else VALUE))", 1, Integer.MAX_VALUE);
        List<ListForm> clauses = clauses(f);
        for (ListForm c : clauses) {
            if (c.items().size() != 2) {
                throw fail(Code.E0216, c.span(), "in a (cond ...) used as a value each clause is (TEST VALUE); this one has "
                        + (c.items().size() - 1) + " values (several forms are only allowed in a cond used as a statement)");
            }
        }
        if (!isElse(clauses.getLast().items().getFirst())) {
            throw fail(Code.E0216, f.span(), "a (cond ...) used as a value needs a last (else VALUE) clause, so that it has a value whatever the tests");
        }
        return nested(f, clauses.size(), () -> {
            Expr result = expr(clauses.getLast().items().get(1));
            for (int i = clauses.size() - 2; i >= 0; i--) {
                ListForm c = clauses.get(i);
                Span span = i == 0 ? f.span() : c.span().to(clauses.getLast().span());
                result = new Expr.Conditional(span, expr(c.items().get(0)), expr(c.items().get(1)), result);
            }
            return result;
        });
    }

    /** Builds a fold or cond that nests levels deep, refusing it when that goes past MAX_DEPTH with the ones around it. */
    private <T> T nested(ListForm f, int levels, java.util.function.Supplier<T> build) {
        if (depth + levels > MAX_DEPTH) {
            throw fail(Code.E0203, f.span(), "(" + f.head() + " ...) nests " + levels + " levels deep"
                    + (depth == 0 ? "" : " inside folds and conds " + depth + " deep") + ", more than " + MAX_DEPTH
                    + (depth == 0 ? "" : " in all") + "; split it into several statements");
        }
        depth += levels;
        try {
            return build.get();
        } finally {
            depth -= levels;
        }
    }

    // ---- types ----

    private TypeRef type(Sexp s) {
        String expected = "; a type is int, string, void, char, uint64... , a typedef name, (* T), (array T N), "
                + "(struct TAG), (union TAG) or (enum TAG)";
        if (s instanceof Atom a && a.kind() == AtomKind.SYMBOL && IDENT.matcher(a.text()).matches()) {
            TypeRef.Prim p = PRIMS.get(a.text());
            return p != null ? new TypeRef.Primitive(a.span(), p) : new TypeRef.Named(a.span(), a.text());
        }
        if (!(s instanceof ListForm f) || f.head() == null) throw fail(Code.E0217, s.span(), describe(s) + " is not a type" + expected);
        List<Sexp> args = f.args();
        return switch (f.head()) {
            case "*" -> {
                arity(args, f.span(), "(* TYPE)", 1, 1);
                yield new TypeRef.Pointer(f.span(), type(args.getFirst()));
            }
            case "array" -> {
                arity(args, f.span(), "(array TYPE LENGTH)", 2, 2);
                yield new TypeRef.Array(f.span(), type(args.getFirst()), expr(args.get(1)));
            }
            case "struct", "union" -> {
                String usage = "(" + f.head() + " TAG [((TYPE NAME [OFFSET])...)])";
                arity(args, f.span(), usage, 1, 2);
                List<TypeRef.Field> fields = null;
                if (args.size() == 2) {
                    fields = new ArrayList<>();
                    for (Sexp field : list(args.get(1), usage, "the field list").items()) fields.add(field(field, usage));
                }
                yield new TypeRef.Struct(f.span(), f.head().equals("union"), tag(args.getFirst(), usage), fields);
            }
            case "enum" -> {
                String usage = "(enum TAG [(NAME | (NAME VALUE))...])";
                arity(args, f.span(), usage, 1, 2);
                List<TypeRef.Enumerator> values = null;
                if (args.size() == 2) {
                    values = new ArrayList<>();
                    for (Sexp v : list(args.get(1), usage, "the value list").items()) {
                        if (v instanceof ListForm l && l.items().size() == 2) {
                            Atom name = name(l.items().getFirst(), usage, "NAME");
                            values.add(new TypeRef.Enumerator(l.span(), name.text(), expr(l.items().get(1))));
                        } else {
                            values.add(new TypeRef.Enumerator(v.span(), name(v, usage, "an enumerator").text(), null));
                        }
                    }
                }
                yield new TypeRef.Enum(f.span(), tag(args.getFirst(), usage), values);
            }
            default -> throw fail(Code.E0217, f.span(), describe(s) + " is not a type" + expected);
        };
    }

    private TypeRef.Field field(Sexp s, String usage) {
        if (!(s instanceof ListForm l) || l.items().size() < 2 || l.items().size() > 3) {
            throw fail(Code.E0209, s.span(), usage + ": a field is (TYPE NAME [OFFSET]), found " + describe(s));
        }
        Atom name = name(l.items().get(1), usage, "a field name");
        Expr offset = l.items().size() == 3 ? expr(l.items().get(2)) : null;
        return new TypeRef.Field(l.span(), type(l.items().getFirst()), name.text(), name.span(), offset);
    }

    /** A tag name, or null for () (an anonymous struct, union or enum). */
    private String tag(Sexp s, String usage) {
        return isEmpty(s) ? null : name(s, usage, "TAG (or () for none)").text();
    }

    // ---- arguments ----

    private void arity(List<Sexp> args, Span span, String usage, int min, int max) {
        int n = args.size();
        if (n >= min && n <= max) return;
        String expects = min == max ? arguments(min)
                : max == Integer.MAX_VALUE ? "at least " + arguments(min)
                : max == min + 1 ? min + " or " + max + " arguments"
                : min + " to " + max + " arguments";
        throw fail(Code.E0208, span, usage + " expects " + expects + ", found " + n);
    }

    private static String arguments(int n) { return n == 1 ? "1 argument" : n + " arguments"; }

    private Atom name(Sexp s, String usage, String what) {
        if (s instanceof Atom a && a.kind() == AtomKind.SYMBOL && IDENT.matcher(a.text()).matches()) return a;
        throw fail(Code.E0209, s.span(), usage + ": " + what + " must be a name, found " + describe(s));
    }

    /** A non-negative integer literal that fits an int (key counts, sizes, capacities). */
    /** A number from 0 to Integer.MAX_VALUE; positive only words the message (the checker explains a size of 0). */
    private int count(Sexp s, String usage, String what, boolean positive) {
        if (!(s instanceof Atom a) || a.kind() != AtomKind.NUMBER) {
            throw fail(Code.E0209, s.span(), usage + ": " + what + " must be " + (positive ? "a positive" : "a non-negative")
                    + " integer, found " + describe(s));
        }
        long v = integer(a);
        if (v < 0 || v > Integer.MAX_VALUE) throw fail(Code.E0209, s.span(), usage + ": " + what + " must be at most " + Integer.MAX_VALUE + ", found " + a.text());
        return (int) v;
    }

    private String string(Sexp s, String usage, String what) {
        if (s instanceof Atom a && (a.kind() == AtomKind.STRING || a.kind() == AtomKind.UNTERMINATED_STRING)) return string(a);
        throw fail(Code.E0209, s.span(), usage + ": " + what + " must be a string, found " + describe(s));
    }

    private ListForm list(Sexp s, String usage, String what) {
        if (s instanceof ListForm l) return l;
        throw fail(Code.E0209, s.span(), usage + ": " + what + " must be a list (write () for none), found " + describe(s));
    }

    private long integer(Atom a) {
        Long v = VpLiterals.parseInteger(a.text());
        if (v == null) throw fail(Code.E0206, a.span(), VpLiterals.integerProblem(a.text()));
        return v;
    }

    /** The decoded value; unknown escapes are warned about (the unterminated case was reported by VpParser). */
    private String string(Atom a) {
        return VpLiterals.decodeString(a.text(), a.kind() == AtomKind.STRING, (from, to) -> {
            String escape = a.text().substring(from, to);
            report.warning(Code.W0202, map.span(a.offset() + from, a.offset() + to), escape.equals("\\x")
                    ? "`\\x` needs one or two hex digits after it, as in `\\x41`: the backslash is dropped"
                    : "unknown escape `" + escape + "`: the backslash is dropped; the escapes are \\n \\t \\\\ \\\" \\0 \\xHH (write \\\\ for a backslash)");
        });
    }

    private static boolean isElse(Sexp s) { return s instanceof Atom a && a.isSymbol("else"); }

    private static boolean isEmpty(Sexp s) { return s instanceof ListForm l && l.items().isEmpty(); }

    private static boolean isOperator(String s) {
        return FOLD_OPS.containsKey(s) || COMPARE_OPS.containsKey(s) || UNARY_OPS.containsKey(s) || COMPOUND_ASSIGN.containsKey(s)
                || Set.of("=", "++", "--", "<-", ".", "->").contains(s);
    }

    /** How a datum reads in a message. */
    static String describe(Sexp s) {
        return switch (s) {
            case Atom a when a.kind() == AtomKind.NUMBER -> "the number " + Reporter.clip(a.text());
            case Atom a when a.kind() == AtomKind.SYMBOL -> "`" + Reporter.clip(a.text()) + "`";
            case Atom a -> "the string " + Reporter.clip(a.text());
            case ListForm l when l.items().isEmpty() -> "an empty list ()";
            case ListForm l when l.head() != null -> "a list (" + l.head() + " ...)";
            case ListForm l -> "a list";
        };
    }

    private Malformed fail(Code code, Span span, String message) {
        report.error(code, span, message);
        return new Malformed();
    }
}
