package dev.vp.compiler.parse.emmett;

import static dev.vp.compiler.parse.emmett.EmmettSyntax.*;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.ast.TypeRef;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Fix;
import dev.vp.compiler.source.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Builds the AST from Emmett parse trees, reporting what the grammar accepts only to explain (unsupported
 * C constructs, bad type specifiers, malformed probe specifications). A statement or item whose parse failed
 * was already reported: it becomes an error statement or is left out, never a second diagnostic.
 */
final class AstBuilder {
    /** Longer operator chains only come from generated or hostile input, and later phases recurse on them. */
    static final int MAX_CHAIN = 500;
    /** Every phase after this one walks the AST recursively: its depth stays small enough for any thread's stack. */
    static final int MAX_DEPTH = 1000;
    private static final Pattern DOMAIN = Pattern.compile("(GUEST|VMM|VMX)[0-9]*");

    private final Reporter report;
    private int switchDepth;
    private int depth;
    private boolean tooDeepReported;

    AstBuilder(Reporter report) { this.report = report; }

    // ---- spans ----

    private Span span(ParserRuleContext c) {
        int start = c.start.getStartIndex();
        Token stop = c.stop;
        int end = stop == null || stop.getTokenIndex() < c.start.getTokenIndex() ? start : stop.getStopIndex() + 1;
        return report.span(start, end);
    }

    private Span span(Token t) { return report.span(t.getStartIndex(), t.getStopIndex() + 1); }

    private Span span(TerminalNode n) { return span(n.getSymbol()); }

    private Span span(Token from, ParserRuleContext to) {
        int end = to.stop == null ? from.getStopIndex() + 1 : Math.max(from.getStopIndex(), to.stop.getStopIndex()) + 1;
        return report.span(from.getStartIndex(), end);
    }

    private void error(Code code, ParserRuleContext where, String message) {
        report.add(where.start.getStartIndex(), new Diagnostic(code, message, span(where)));
    }

    private void error(Code code, Token where, String message) {
        report.error(code, where.getStartIndex(), where.getStopIndex() + 1, message);
    }

    /** Builds a nested node one level deeper, or reports (once per item) that the nesting is too deep. */
    private <T> T nested(ParserRuleContext where, int levels, Supplier<T> build, Supplier<T> tooDeep) {
        if (depth + levels > MAX_DEPTH) {
            if (!tooDeepReported) {
                tooDeepReported = true;
                error(Code.E0109, where, "nesting too deep: more than " + MAX_DEPTH + " levels of nested statements"
                        + " and expressions; split it up");
            }
            return tooDeep.get();
        }
        depth += levels;
        try {
            return build.get();
        } finally {
            depth -= levels;
        }
    }

    // ---- top level ----

    void item(ItemContext c, List<Decl> out) {
        if (c.exception != null) return;
        tooDeepReported = false;
        if (c.probeClause() != null) probe(c.probeClause(), out);
        else if (c.typedefDecl() != null) typedef(c.typedefDecl(), out);
        else if (c.memmodelDecl() != null) {
            out.add(new Decl.MemModel(span(c), c.memmodelDecl().IDENT().getText()));
        } else if (c.aggrDecl() != null) aggr(c.aggrDecl(), out);
        else if (c.bagDecl() != null) {
            BagDeclContext b = c.bagDecl();
            int size = count(b.INT_LIT().getSymbol(), "bag size");
            if (size >= 0) out.add(new Decl.Bag(span(c), b.IDENT().getText(), span(b.IDENT()), size));
        } else if (c.declOrFunction() != null) declOrFunction(c.declOrFunction(), true, out);
    }

    private void probe(ProbeClauseContext c, List<Decl> out) {
        ProbeSpec spec = spec(c.probeSpec());
        List<Decl.Param> params = c.paramList() == null ? List.of() : params(c.paramList(), false);
        Stmt body = stmt(c.statement());
        if (spec != null) out.add(new Decl.Probe(span(c), spec, params, body));
    }

    private record Segment(ParserRuleContext ctx, String name, long number, String unit) {
        boolean isName() { return name != null; }
    }

    private ProbeSpec spec(ProbeSpecContext c) {
        List<Segment> segs = new ArrayList<>();
        segs.add(new Segment(c.namedSegment(), c.namedSegment().getText(), 0, null));
        for (SpecSegmentContext s : c.specSegment()) {
            if (s.getChildCount() == 0) {
                String before = segs.getLast().isName() ? segs.getLast().name() : "";
                return malformed(c, c.getText(), "nothing follows the last `:`; " + (NEEDS_MORE.contains(before)
                        ? "write what `" + before + "` takes, e.g. `" + example(before) + "`"
                        : "write a name or a number after it, or remove it"));
            }
            if (s.MINUS() != null) {
                String head = segs.getLast().isName() ? segs.getLast().name() : "";
                if (head.equals("TIMER") || head.equals("PROFILE") || head.equals("USEC")) {
                    error(Code.E0505, s, "a probe period must be positive, e.g. `" + example(head) + "`");
                    return null;
                }
                return malformed(c, c.getText(), "a probe specification has no negative numbers"
                        + (segs.size() >= 2 && segs.get(segs.size() - 2).name() != null
                                && segs.get(segs.size() - 2).name().equals("OFFSET")
                                ? " (an offset counts forward from the symbol; for an address before it, write `GUEST:0x...`)"
                                : ""));
            }
            if (s.INT_LIT() != null) {
                segs.add(new Segment(s, null, ((EmmettToken) s.INT_LIT().getSymbol()).value,
                        s.UNIT() == null ? null : s.UNIT().getText()));
            } else {
                segs.add(new Segment(s, s.getText(), 0, null));
            }
        }
        Span span = span(c);
        String written = c.getText();
        String domain = null;
        int i = 0;
        if (segs.size() > 1 && segs.get(0).isName() && DOMAIN.matcher(segs.get(0).name()).matches()) {
            domain = segs.get(0).name();
            i = 1;
        }
        List<Segment> rest = segs.subList(i, segs.size());
        Segment first = rest.getFirst();
        if (rest.size() == 1) {
            if (first.unit() != null) return badUnitPlace(c, written);
            if (!first.isName()) return new ProbeSpec(span, domain, ProbeSpec.Kind.ADDRESS, null, null, first.number(), null, null);
            if (NEEDS_MORE.contains(first.name())) {
                return malformed(c, written, "`" + first.name() + "` needs more, e.g. `" + example(first.name()) + "`");
            }
            boolean guest = domain != null && domain.startsWith("GUEST");
            if (guest || first.name().contains("!")) {
                return new ProbeSpec(span, domain, ProbeSpec.Kind.SYMBOL, null, first.name(), 0, null, null);
            }
            return new ProbeSpec(span, domain, ProbeSpec.Kind.STATIC, first.name(), null, 0, null, null);
        }
        String head = first.isName() ? first.name() : "";
        if (domain == null && rest.size() == 2) {
            switch (head) {
                case "USEC" -> {
                    Segment n = rest.get(1);
                    if (n.isName() || n.unit() != null) return malformed(c, written, "`USEC:N` takes a number of microseconds");
                    return new ProbeSpec(span, null, ProbeSpec.Kind.PROFILE, null, null, n.number(), "usec", "USEC");
                }
                case "GUEST_READ", "GUEST_WRITE" -> {
                    ProbeSpec.Kind kind = head.equals("GUEST_READ") ? ProbeSpec.Kind.READ : ProbeSpec.Kind.WRITE;
                    return target(c, span, "GUEST", kind, rest.get(1), head, written);
                }
                default -> { }
            }
        }
        return switch (head) {
            case "ENTER", "EXIT", "READ", "WRITE" -> rest.size() != 2
                    ? malformed(c, written, "`" + head + "` takes exactly one symbol or address, e.g. `GUEST:" + head + ":do_fork`")
                    : target(c, span, domain, ProbeSpec.Kind.valueOf(head), rest.get(1), null, written);
            case "OFFSET" -> {
                if (rest.size() != 3 || !rest.get(1).isName() || rest.get(2).isName() || rest.get(2).unit() != null) {
                    yield malformed(c, written, "`OFFSET` takes a symbol and a byte offset, e.g. `GUEST:OFFSET:do_fork:16`"
                            + " (for a plain address, write `GUEST:0x...`)");
                }
                yield new ProbeSpec(span, domain, ProbeSpec.Kind.OFFSET, null, rest.get(1).name(), rest.get(2).number(), null, null);
            }
            case "TIMER", "PROFILE" -> {
                if (rest.size() != 2 || rest.get(1).isName()) {
                    yield malformed(c, written, "`" + head + "` takes a period, e.g. `" + head + ":10msec`");
                }
                Segment n = rest.get(1);
                if (report.reportedAt(n.ctx().start.getStartIndex())) yield null; // a number too large: said already
                if (n.unit() == null || !List.of("sec", "msec", "usec").contains(n.unit())) {
                    String what = n.unit() == null ? "has no time unit" : "has an unknown time unit `" + n.unit() + "`";
                    String same = n.unit() == null ? n.number() + "msec" : samePeriod(n.number(), n.unit());
                    error(Code.E0126, n.ctx(), "`" + written + "` " + what + ": write sec, msec or usec, e.g. `"
                            + head + ":" + (same != null ? same : "10msec") + "`");
                    yield null;
                }
                yield new ProbeSpec(span, domain, ProbeSpec.Kind.valueOf(head), null, null, n.number(), n.unit(), null);
            }
            default -> malformed(c, written, "expected `NAME`, `DOMAIN:NAME`, `ENTER:sym`, `EXIT:sym`, `OFFSET:sym:N`,"
                    + " `READ:addr`, `WRITE:addr`, `TIMER:N unit` or `PROFILE:N unit`");
        };
    }

    /** The kinds of probe point that take something after a `:`. */
    private static final List<String> NEEDS_MORE = List.of("ENTER", "EXIT", "READ", "WRITE", "OFFSET", "TIMER", "PROFILE");

    /** A well-formed specification of that kind, for messages. */
    private static String example(String kind) {
        return switch (kind) {
            case "TIMER", "PROFILE" -> kind + ":10msec";
            case "USEC" -> "PROFILE:100usec";
            case "OFFSET" -> "GUEST:OFFSET:do_fork:16";
            default -> "GUEST:" + kind + ":do_fork";
        };
    }

    /** The period n unit in sec, msec or usec; null when unit is no time unit or the period cannot be written so. */
    private static String samePeriod(long n, String unit) {
        if (n < 0) return null;
        try {
            return switch (unit.toLowerCase(Locale.ROOT)) {
                case "s", "sec", "secs", "second", "seconds" -> n + "sec";
                case "ms", "msec", "msecs", "millisecond", "milliseconds" -> n + "msec";
                case "us", "usec", "usecs", "microsecond", "microseconds" -> n + "usec";
                case "ns", "nsec", "nsecs", "nanosecond", "nanoseconds" -> n % 1000 == 0 ? n / 1000 + "usec" : null;
                case "m", "min", "mins", "minute", "minutes" -> Math.multiplyExact(n, 60) + "sec";
                case "h", "hr", "hour", "hours" -> Math.multiplyExact(n, 3600) + "sec";
                default -> null;
            };
        } catch (ArithmeticException tooLong) {
            return null;
        }
    }

    private ProbeSpec target(ProbeSpecContext c, Span span, String domain, ProbeSpec.Kind kind, Segment t, String legacy,
                             String written) {
        if (t.unit() != null) return badUnitPlace(c, written);
        return t.isName() ? new ProbeSpec(span, domain, kind, null, t.name(), 0, null, legacy)
                : new ProbeSpec(span, domain, kind, null, null, t.number(), null, legacy);
    }

    private ProbeSpec badUnitPlace(ProbeSpecContext c, String written) {
        return malformed(c, written, "only `TIMER` and `PROFILE` take a time unit");
    }

    private ProbeSpec malformed(ProbeSpecContext c, String written, String why) {
        error(Code.E0125, c, "malformed probe specification `" + written + "`: " + why);
        return null;
    }

    private void typedef(TypedefDeclContext c, List<Decl> out) {
        Specs specs = specs(c.declSpecifiers(), false);
        if (specs == null) return;
        for (DeclaratorContext d : c.declarator()) {
            Declared decl = declarator(d, specs.type());
            if (decl != null) out.add(new Decl.Typedef(span(c), decl.type(), decl.name(), decl.nameSpan()));
        }
    }

    private void aggr(AggrDeclContext c, List<Decl> out) {
        List<Integer> keys = new ArrayList<>();
        Integer capacity = null;
        boolean afterColon = false;
        for (ParseTree child : c.children) {
            if (!(child instanceof TerminalNode n)) continue;
            if (n.getSymbol().getType() == COLON) afterColon = true;
            if (n.getSymbol().getType() != INT_LIT) continue;
            int v = count(n.getSymbol(), afterColon ? "aggregate capacity" : "number of aggregate keys");
            if (v < 0) return;
            if (afterColon) capacity = v; else keys.add(v);
        }
        int ints = keys.isEmpty() ? 0 : keys.get(0);
        int strs = keys.size() < 2 ? 0 : keys.get(1);
        out.add(new Decl.Aggr(span(c), c.IDENT().getText(), span(c.IDENT()), ints, strs, capacity));
    }

    private int count(Token t, String what) {
        long v = ((EmmettToken) t).value;
        if (v < 0 || v > Integer.MAX_VALUE) {
            error(Code.E0127, t, what + " `" + t.getText() + "` is out of range (at most " + Integer.MAX_VALUE + ")");
            return -1;
        }
        return (int) v;
    }

    // ---- declarations ----

    private record Specs(Decl.Storage storage, TypeRef type) {}

    private record Declared(TypeRef type, String name, Span nameSpan) {}

    private void declOrFunction(DeclOrFunctionContext c, boolean top, List<Decl> out) {
        Specs specs = specs(c.declSpecifiers(), c.declRest() != null);
        if (specs == null) return;
        if (c.functionRest() != null) {
            FunctionRestContext f = c.functionRest();
            if (!top) {
                error(Code.E0121, c, "function `" + f.IDENT().getText() + "` is defined inside another function or probe;"
                        + " define functions at the top level");
                return;
            }
            TypeRef ret = specs.type();
            for (TerminalNode star : f.STAR()) ret = new TypeRef.Pointer(ret.span().to(span(star)), ret);
            List<Decl.Param> params = f.paramList() == null ? List.of() : params(f.paramList(), f.block() == null);
            Stmt.Block body = f.block() == null ? null : block(f.block());
            out.add(new Decl.Function(span(c), ret, f.IDENT().getText(), span(f.IDENT()), params, body));
            return;
        }
        DeclRestContext rest = c.declRest();
        if (rest.initDeclarator().isEmpty()) {
            boolean definesType = specs.type() instanceof TypeRef.Struct || specs.type() instanceof TypeRef.Enum;
            if (!definesType) {
                error(Code.E0123, c, "this declaration declares nothing: give it a name, e.g. `int x;`");
            } else if (!top) {
                error(Code.E0129, c, "struct, union and enum definitions belong at the top level, outside probes and functions");
            } else {
                out.add(new Decl.TypeDef(span(c), specs.type()));
            }
            return;
        }
        for (InitDeclaratorContext d : rest.initDeclarator()) {
            Declared decl = declarator(d.declarator(), specs.type());
            if (decl == null) continue;
            Expr init = d.assignExpr() == null ? null : assign(d.assignExpr());
            out.add(new Decl.Var(span(c), specs.storage(), decl.type(), decl.name(), decl.nameSpan(), init));
        }
    }

    private List<Decl.Param> params(ParamListContext c, boolean prototype) {
        List<Decl.Param> out = new ArrayList<>();
        List<ParamContext> list = c.param();
        if (list.size() == 1 && list.get(0).declarator() == null && list.get(0).STAR().isEmpty()
                && list.get(0).declSpecifiers().getText().equals("void")) {
            return out; // f(void)
        }
        for (ParamContext p : list) {
            Specs specs = specs(p.declSpecifiers(), false);
            if (specs == null) continue;
            if (p.declarator() != null) {
                Declared d = declarator(p.declarator(), specs.type());
                if (d != null) out.add(new Decl.Param(span(p), d.type(), d.name(), d.nameSpan()));
                continue;
            }
            TypeRef t = specs.type();
            for (TerminalNode star : p.STAR()) t = new TypeRef.Pointer(t.span().to(span(star)), t);
            if (!prototype) {
                error(Code.E0130, p, "this parameter has no name; only a prototype may leave parameters unnamed");
                continue;
            }
            out.add(new Decl.Param(span(p), t, null, null));
        }
        return out;
    }

    private Specs specs(DeclSpecifiersContext c, boolean allowStorage) {
        Decl.Storage storage = Decl.Storage.DEFAULT;
        int storages = 0, chars = 0, shorts = 0, ints = 0, longs = 0, signs = 0, unsigned = 0;
        List<TypeRef> others = new ArrayList<>();
        List<String> words = new ArrayList<>();
        boolean floating = false;
        for (DeclSpecifierContext d : c.declSpecifier()) {
            Token t = d.start;
            switch (t.getType()) {
                case PERTHREAD, PERVM, PERHOST -> {
                    storages++;
                    storage = Decl.Storage.valueOf(t.getText().toUpperCase(Locale.ROOT));
                }
                case STATIC -> error(Code.E0114, t, "`static` is not supported: globals already keep their value"
                        + " between firings; remove it");
                case EXTERN -> error(Code.E0115, t, "`extern` is not supported: a script cannot declare variables of"
                        + " another program; read guest globals with `*(int *)&symbol`");
                case REGISTER -> error(Code.E0116, t, "`register` is not supported; remove it");
                case VOLATILE -> error(Code.E0117, t, "`volatile` is not supported; remove it (guest memory is always"
                        + " read afresh)");
                case KW_FLOAT -> {
                    floating = true;
                    error(Code.E0113, t, "`" + t.getText() + "` is not supported: there is no floating point, every"
                            + " value is a 64-bit integer");
                }
                case KW_CHAR -> { chars++; words.add("char"); }
                case KW_SHORT -> { shorts++; words.add("short"); }
                case KW_INT -> { ints++; words.add("int"); }
                case KW_LONG -> { longs++; words.add("long"); }
                case KW_SIGNED -> { signs++; words.add("signed"); }
                case KW_UNSIGNED -> { unsigned++; words.add("unsigned"); }
                case KW_VOID, KW_STRING, KW_SIZED -> {
                    others.add(new TypeRef.Primitive(span(t), TypeRef.Prim.valueOf(t.getText().toUpperCase(Locale.ROOT))));
                    words.add(t.getText());
                }
                case TYPE_NAME -> {
                    others.add(new TypeRef.Named(span(t), t.getText()));
                    words.add(t.getText());
                }
                default -> {
                    TypeRef tagged = d.structSpecifier() != null ? struct(d.structSpecifier()) : enumType(d.enumSpecifier());
                    others.add(tagged);
                    words.add(switch (tagged) {
                        case TypeRef.Struct st -> (st.union() ? "union" : "struct") + (st.tag() == null ? "" : " " + st.tag());
                        case TypeRef.Enum en -> "enum" + (en.tag() == null ? "" : " " + en.tag());
                        case null, default -> t.getText();
                    });
                }
            }
        }
        if (others.contains(null)) return null;
        Span span = span(c);
        if (storages > 1) {
            error(Code.E0122, c, "more than one storage class: use one of perthread, pervm and perhost");
            return null;
        }
        if (storages == 1 && !allowStorage) {
            error(Code.E0122, c, "a storage class (perthread, pervm, perhost) is only allowed on variables");
            return null;
        }
        boolean integer = chars + shorts + ints + longs + signs + unsigned > 0;
        if (floating) return new Specs(storage, new TypeRef.Primitive(span, TypeRef.Prim.INT));
        if (others.isEmpty() && !integer) {
            error(Code.E0122, c, "missing type: say what is declared, e.g. `" + c.getText() + " int x;`");
            return null;
        }
        String written = String.join(" ", words);
        if (others.size() > 1 || (others.size() == 1 && integer)) {
            error(Code.E0122, c, "`" + written + "` names more than one type");
            return null;
        }
        if (others.size() == 1) return new Specs(storage, others.getFirst());
        boolean bad = chars > 1 || shorts > 1 || ints > 1 || longs > 2 || signs + unsigned > 1
                || (chars > 0 && (shorts + ints + longs > 0)) || (shorts > 0 && longs > 0);
        if (bad) {
            error(Code.E0122, c, "`" + written + "` is not a valid integer type");
            return null;
        }
        boolean u = unsigned > 0;
        TypeRef.Prim prim;
        if (chars > 0) prim = u ? TypeRef.Prim.UCHAR : signs > 0 ? TypeRef.Prim.SCHAR : TypeRef.Prim.CHAR;
        else if (shorts > 0) prim = u ? TypeRef.Prim.USHORT : TypeRef.Prim.SHORT;
        else if (longs == 2) prim = u ? TypeRef.Prim.ULONGLONG : TypeRef.Prim.LONGLONG;
        else if (longs == 1) prim = u ? TypeRef.Prim.ULONG : TypeRef.Prim.LONG;
        else prim = u ? TypeRef.Prim.UINT : TypeRef.Prim.INT;
        return new Specs(storage, new TypeRef.Primitive(span, prim));
    }

    private TypeRef struct(StructSpecifierContext c) {
        boolean union = c.UNION() != null;
        String tag = c.IDENT() == null ? null : c.IDENT().getText();
        if (tag == null && c.LBRACE() == null) {
            error(Code.E0122, c, "`" + c.getText() + "` needs a tag name or a body");
            return null;
        }
        if (c.LBRACE() == null) return new TypeRef.Struct(span(c), union, tag, null);
        List<TypeRef.Field> fields = new ArrayList<>();
        for (FieldDeclContext f : c.fieldDecl()) field(f, fields);
        return new TypeRef.Struct(span(c), union, tag, fields);
    }

    private void field(FieldDeclContext c, List<TypeRef.Field> out) {
        Specs specs = specs(c.declSpecifiers(), false);
        if (specs == null) return;
        Expr leading = c.conditionalExpr() == null ? null : conditional(c.conditionalExpr());
        for (FieldDeclaratorContext fd : c.fieldDeclarator()) {
            Declared d = declarator(fd.declarator(), specs.type());
            Expr pin = leading;
            leading = null;
            if (fd.AT() != null) {
                Expr trailing = conditional(fd.conditionalExpr(0));
                if (pin != null) {
                    error(Code.E0131, fd, "the offset of `" + (d == null ? "this field" : d.name())
                            + "` is pinned twice: keep either `@N type name` or `type name@N`");
                }
                pin = trailing;
            }
            if (fd.COLON() != null) {
                error(Code.E0124, fd, "bit-fields are not supported: declare the containing integer and extract the"
                        + " bits with `>>` and `&`");
                continue;
            }
            if (d != null) out.add(new TypeRef.Field(span(fd), d.type(), d.name(), d.nameSpan(), pin));
        }
    }

    private TypeRef enumType(EnumSpecifierContext c) {
        String tag = c.IDENT() == null ? null : c.IDENT().getText();
        if (tag == null && c.LBRACE() == null) {
            error(Code.E0122, c, "`enum` needs a tag name or a body");
            return null;
        }
        if (c.LBRACE() == null) return new TypeRef.Enum(span(c), tag, null);
        List<TypeRef.Enumerator> values = new ArrayList<>();
        for (EnumeratorContext e : c.enumerator()) {
            values.add(new TypeRef.Enumerator(span(e), e.IDENT().getText(),
                    e.conditionalExpr() == null ? null : conditional(e.conditionalExpr())));
        }
        return new TypeRef.Enum(span(c), tag, values);
    }

    /** C's inside-out reading: `int *a[4]` is an array of pointers, `int (*p)[4]` a pointer to an array. */
    private Declared declarator(DeclaratorContext c, TypeRef base) {
        TypeRef t = base;
        for (TerminalNode star : c.STAR()) t = new TypeRef.Pointer(t.span().to(span(star)), t);
        DirectDeclaratorContext d = c.directDeclarator();
        if (!d.paramSuffix().isEmpty()) {
            error(Code.E0120, c, "function pointers are not supported: call functions by name");
            return null;
        }
        List<ArraySuffixContext> arrays = d.arraySuffix();
        for (int i = arrays.size() - 1; i >= 0; i--) {
            t = new TypeRef.Array(t.span().to(span(arrays.get(i))), t, conditional(arrays.get(i).conditionalExpr()));
        }
        if (d.IDENT() != null) return new Declared(t, d.IDENT().getText(), span(d.IDENT()));
        return declarator(d.declarator(), t);
    }

    private TypeRef typeName(TypeNameContext c) {
        Specs specs = specs(c.declSpecifiers(), false);
        if (specs == null) return null;
        TypeRef t = specs.type();
        for (TerminalNode star : c.STAR()) t = new TypeRef.Pointer(t.span().to(span(star)), t);
        return t;
    }

    // ---- statements ----

    private Stmt.Block block(BlockContext c) {
        List<Stmt> out = new ArrayList<>();
        for (StatementContext s : c.statement()) stmtInto(s, out);
        return new Stmt.Block(span(c), out);
    }

    private Stmt stmt(StatementContext c) {
        List<Stmt> out = new ArrayList<>();
        stmtInto(c, out);
        if (out.size() == 1) return out.getFirst();
        return out.isEmpty() ? new Stmt.Empty(span(c)) : new Stmt.Block(span(c), out);
    }

    private Stmt errorStmt(ParserRuleContext c) {
        return new Stmt.ExprStmt(span(c), new Expr.Error(span(c)));
    }

    private void stmtInto(StatementContext c, List<Stmt> out) {
        nested(c, 1, () -> {
            stmtIntoAtDepth(c, out);
            return null;
        }, () -> out.add(errorStmt(c)));
    }

    private void stmtIntoAtDepth(StatementContext c, List<Stmt> out) {
        if (c.exception != null) {
            out.add(errorStmt(c));
            return;
        }
        Span span = span(c);
        switch (c) {
            case BlockStmtContext b -> out.add(block(b.block()));
            case DeclStmtContext d -> {
                List<Decl> decls = new ArrayList<>();
                declOrFunction(d.declOrFunction(), false, decls);
                for (Decl decl : decls) out.add(new Stmt.Local(decl.span(), (Decl.Var) decl));
            }
            case IfStmtContext s -> out.add(new Stmt.If(span, expr(s.expr()), stmt(s.statement(0)),
                    s.statement().size() > 1 ? stmt(s.statement(1)) : null));
            case WhileStmtContext s -> out.add(new Stmt.While(span, expr(s.expr()), stmt(s.statement())));
            case ForStmtContext s -> out.add(new Stmt.For(span, s.forInit() == null ? null : forInit(s.forInit()),
                    s.cond == null ? null : expr(s.cond), s.step == null ? null : expr(s.step), stmt(s.statement())));
            case BreakStmtContext s -> out.add(new Stmt.Break(span));
            case ContinueStmtContext s -> out.add(new Stmt.Continue(span));
            case ReturnStmtContext s -> out.add(new Stmt.Return(span, s.expr() == null ? null : expr(s.expr())));
            case TryStmtContext s -> out.add(new Stmt.Try(span, block(s.block(0)), block(s.block(1))));
            case SwitchStmtContext s -> {
                error(Code.E0110, s.start, "`switch` is not supported: write an `if`/`else if` chain");
                expr(s.expr());
                switchDepth++;
                stmt(s.statement());
                switchDepth--;
                out.add(errorStmt(c));
            }
            case CaseLabelContext s -> {
                if (switchDepth == 0) {
                    error(Code.E0110, s.start, "`" + s.start.getText() + "` labels belong to `switch`, which is not"
                            + " supported: write an `if`/`else if` chain");
                }
                if (s.conditionalExpr() != null) conditional(s.conditionalExpr());
            }
            case DoWhileStmtContext s -> {
                error(Code.E0112, s.start, "`do`/`while` is not supported: write `while (cond) { ... }`");
                stmt(s.statement());
                expr(s.expr());
                out.add(errorStmt(c));
            }
            case GotoStmtContext s -> {
                error(Code.E0111, s.start, "`goto` is not supported: use `if`, loops with `break`/`continue`, or"
                        + " `return`");
                out.add(errorStmt(c));
            }
            case LabelStmtContext s -> {
                error(Code.E0111, s.IDENT().getSymbol(), "labels are not supported (there is no `goto`); remove `"
                        + s.IDENT().getText() + ":`");
                stmtInto(s.statement(), out);
            }
            case ExprStmtContext s -> {
                if (s.LARROW() == null) {
                    out.add(new Stmt.ExprStmt(span, expr(s.expr(0))));
                } else {
                    out.add(insert(s, span));
                }
            }
            case EmptyStmtContext s -> out.add(new Stmt.Empty(span));
            case StrayStmtContext s -> stray(s);
            case TopLevelDeclStmtContext s -> misplacedDeclaration(s.start);
            default -> throw new IllegalStateException("statement form without a builder: " + c.getClass());
        }
    }

    private Stmt insert(ExprStmtContext s, Span span) {
        Expr target = expr(s.expr(0));
        Expr value = expr(s.expr(1));
        if (target instanceof Expr.Index || target instanceof Expr.Name || target instanceof Expr.Error) {
            return new Stmt.Insert(span, target, value);
        }
        // `y = x<-1;` lexes as an insert into `y = x`: the writer meant a comparison with a negative number.
        Token arrow = s.LARROW().getSymbol();
        int at = arrow.getStartIndex();
        report.add(at, new Diagnostic(Code.E0108, "`<-` is the insert operator (`bag[k] <- v;`)"
                + " and its target must be an aggregate or bag entry; to compare with a negative number, write `< -`",
                span(arrow)).withFix(Fix.replace("write `< -`", span(arrow), "< -")));
        return new Stmt.ExprStmt(span, new Expr.Error(span));
    }

    private void stray(StrayStmtContext s) {
        Token t = s.start;
        switch (t.getType()) {
            case ELSE -> {
                if (s.strayToken().size() == 1 && afterIfWithoutElse(s)) {
                    error(Code.E0100, t, "`else` needs a statement after it, found `}`: write `else { }` or remove the `else`");
                } else {
                    error(Code.E0100, t, "`else` without a matching `if`");
                }
            }
            case CATCH -> error(Code.E0100, t, "`catch` without a matching `try`");
            case TYPEDEF, MEMMODEL, AGGR, BAG -> misplacedDeclaration(t);
            case LARROW -> error(Code.E0108, t, "`<-` needs an aggregate or bag entry on its left: `bag[k] <- v;`");
            default -> error(Code.E0100, t, "expected a statement, found " + SyntaxErrorStrategy.shown(t));
        }
    }

    private void misplacedDeclaration(Token keyword) {
        error(Code.E0129, keyword, "`" + keyword.getText() + "` declarations belong at the top level, outside probes and functions");
    }

    /** Whether a stray `else` directly follows an `if` without one and ends its block: `if (c) s; else }`. */
    private static boolean afterIfWithoutElse(StrayStmtContext s) {
        var siblings = s.getParent().children;
        int at = siblings.indexOf(s);
        return at > 0 && at + 1 < siblings.size()
                && siblings.get(at - 1) instanceof IfStmtContext i && i.ELSE() == null
                && siblings.get(at + 1) instanceof TerminalNode n && n.getSymbol().getType() == RBRACE;
    }

    private Stmt forInit(ForInitContext c) {
        if (c.expr() != null) return new Stmt.ExprStmt(span(c), expr(c.expr()));
        Specs specs = specs(c.declSpecifiers(), true);
        if (specs == null) return errorStmt(c);
        if (c.initDeclarator().size() > 1) {
            error(Code.E0118, c, "declare one variable in a `for` initializer (the comma is not supported here)");
            return errorStmt(c);
        }
        InitDeclaratorContext d = c.initDeclarator(0);
        Declared decl = declarator(d.declarator(), specs.type());
        if (decl == null) return errorStmt(c);
        Expr init = d.assignExpr() == null ? null : assign(d.assignExpr());
        return new Stmt.Local(span(c), new Decl.Var(span(c), specs.storage(), decl.type(), decl.name(), decl.nameSpan(), init));
    }

    // ---- expressions ----

    private Expr expr(ExprContext c) {
        if (c == null || c.exception != null) return c == null ? null : new Expr.Error(span(c));
        List<AssignExprContext> parts = c.assignExpr();
        if (parts.size() == 1) return assign(parts.getFirst());
        error(Code.E0118, c.COMMA(0).getSymbol(), "the comma operator is not supported: write separate statements");
        for (AssignExprContext p : parts) assign(p);
        return new Expr.Error(span(c));
    }

    private Expr assign(AssignExprContext c) {
        return nested(c, 1, () -> assignAtDepth(c), () -> new Expr.Error(span(c)));
    }

    private Expr assignAtDepth(AssignExprContext c) {
        Expr target = conditional(c.conditionalExpr());
        if (c.assignOp() == null) return target;
        // an assignment's value counts one more level: the checker's frames for `a = b = ...` are deeper than for
        // other nestings, and a chain of about 800 overflowed a 1 MB stack inside the 1000-level limit
        Expr value = nested(c, 1, () -> assign(c.assignExpr()), () -> new Expr.Error(span(c)));
        Expr.BinOp op = switch (c.assignOp().start.getType()) {
            case ASSIGN -> null;
            case ADD_ASSIGN -> Expr.BinOp.ADD;
            case SUB_ASSIGN -> Expr.BinOp.SUB;
            case MUL_ASSIGN -> Expr.BinOp.MUL;
            case DIV_ASSIGN -> Expr.BinOp.DIV;
            case MOD_ASSIGN -> Expr.BinOp.MOD;
            case AND_ASSIGN -> Expr.BinOp.AND;
            case OR_ASSIGN -> Expr.BinOp.OR;
            case XOR_ASSIGN -> Expr.BinOp.XOR;
            case SHL_ASSIGN -> Expr.BinOp.SHL;
            default -> Expr.BinOp.SHR;
        };
        return new Expr.Assign(span(c), op, target, value);
    }

    private Expr conditional(ConditionalExprContext c) {
        return nested(c, 1, () -> conditionalAtDepth(c), () -> new Expr.Error(span(c)));
    }

    private Expr conditionalAtDepth(ConditionalExprContext c) {
        Expr cond = binary(c.binaryExpr());
        if (c.QUESTION() == null) return cond;
        return new Expr.Conditional(span(c), cond, expr(c.expr()), conditional(c.conditionalExpr()));
    }

    /** Iterative along the left spine: `a + b + ... + z` nests to the left as deep as it is long. */
    private Expr binary(BinaryExprContext c) {
        Deque<BinaryExprContext> spine = new ArrayDeque<>();
        while (c.castExpr() == null) {
            spine.push(c);
            c = c.binaryExpr(0);
        }
        BinaryExprContext whole = spine.isEmpty() ? c : spine.getLast();
        if (spine.size() > MAX_CHAIN) {
            error(Code.E0128, whole, "this expression chains " + spine.size() + " operators (at most " + MAX_CHAIN
                    + "); split it into several statements");
            return new Expr.Error(span(whole));
        }
        BinaryExprContext leaf = c;
        return nested(whole, spine.size(), () -> {
            Expr acc = cast(leaf.castExpr());
            while (!spine.isEmpty()) {
                BinaryExprContext b = spine.pop();
                Expr right = binary(b.binaryExpr(1));
                acc = new Expr.Binary(span(b), binop(b.op.getType()), acc, right);
            }
            return acc;
        }, () -> new Expr.Error(span(whole)));
    }

    private static Expr.BinOp binop(int type) {
        return switch (type) {
            case STAR -> Expr.BinOp.MUL;
            case SLASH -> Expr.BinOp.DIV;
            case PERCENT -> Expr.BinOp.MOD;
            case PLUS -> Expr.BinOp.ADD;
            case MINUS -> Expr.BinOp.SUB;
            case SHL -> Expr.BinOp.SHL;
            case SHR -> Expr.BinOp.SHR;
            case LT -> Expr.BinOp.LT;
            case GT -> Expr.BinOp.GT;
            case LE -> Expr.BinOp.LE;
            case GE -> Expr.BinOp.GE;
            case EQ -> Expr.BinOp.EQ;
            case NE -> Expr.BinOp.NE;
            case AMP -> Expr.BinOp.AND;
            case CARET -> Expr.BinOp.XOR;
            case PIPE -> Expr.BinOp.OR;
            case ANDAND -> Expr.BinOp.LAND;
            default -> Expr.BinOp.LOR;
        };
    }

    private Expr cast(CastExprContext c) {
        return nested(c, 1, () -> castAtDepth(c), () -> new Expr.Error(span(c)));
    }

    private Expr castAtDepth(CastExprContext c) {
        if (c.unaryExpr() != null) return unary(c.unaryExpr());
        TypeRef type = typeName(c.typeName());
        Expr operand = cast(c.castExpr());
        return type == null ? new Expr.Error(span(c)) : new Expr.Cast(span(c), type, operand);
    }

    private Expr unary(UnaryExprContext c) {
        if (c.postfixExpr() != null) return postfix(c.postfixExpr());
        Span span = span(c);
        if (c.SIZEOF() != null) {
            if (c.typeName() != null) {
                TypeRef t = typeName(c.typeName());
                return t == null ? new Expr.Error(span) : new Expr.SizeofType(span, t);
            }
            return new Expr.SizeofExpr(span, unary(c.unaryExpr()));
        }
        return switch (c.op.getType()) {
            case INC, DEC -> new Expr.IncDec(span, unary(c.unaryExpr()), c.op.getType() == INC, true);
            case PLUS -> new Expr.Unary(span, Expr.UnOp.PLUS, cast(c.castExpr()));
            case MINUS -> new Expr.Unary(span, Expr.UnOp.NEG, cast(c.castExpr()));
            case BANG -> new Expr.Unary(span, Expr.UnOp.NOT, cast(c.castExpr()));
            case TILDE -> new Expr.Unary(span, Expr.UnOp.BITNOT, cast(c.castExpr()));
            case STAR -> new Expr.Unary(span, Expr.UnOp.DEREF, cast(c.castExpr()));
            default -> new Expr.Unary(span, Expr.UnOp.ADDR, cast(c.castExpr()));
        };
    }

    private Expr postfix(PostfixExprContext c) {
        Expr e = primary(c.primaryExpr());
        Token start = c.start;
        for (PostfixOpContext op : c.postfixOp()) {
            Span span = span(start, op);
            e = switch (op) {
                case IndexOpContext i -> new Expr.Index(span, e, i.assignExpr().stream().map(this::assign).toList());
                case CallOpContext call -> {
                    List<Expr> args = call.assignExpr().stream().map(this::assign).toList();
                    if (e instanceof Expr.Name n) yield new Expr.Call(span, n.name(), n.span(), args);
                    if (!(e instanceof Expr.Error)) {
                        error(Code.E0119, call, "only a function name can be called: calls through an expression or"
                                + " a function pointer are not supported");
                    }
                    yield new Expr.Error(span);
                }
                case MemberOpContext m -> new Expr.Member(span, e, m.IDENT().getText(), span(m.IDENT()),
                        m.op.getType() == ARROW);
                default -> new Expr.IncDec(span, e, ((PostIncDecOpContext) op).op.getType() == INC, false);
            };
        }
        return e;
    }

    private Expr primary(PrimaryExprContext c) {
        Span span = span(c);
        Token t = c.start;
        return switch (t.getType()) {
            case IDENT -> new Expr.Name(span, t.getText());
            case INT_LIT, CHAR_LIT -> new Expr.IntLit(span, ((EmmettToken) t).value);
            case STRING_LIT -> {
                StringBuilder joined = new StringBuilder();
                for (TerminalNode s : c.STRING_LIT()) joined.append(((EmmettToken) s.getSymbol()).decoded);
                yield new Expr.StrLit(span, joined.toString());
            }
            case FLOAT_LIT -> {
                error(Code.E0113, t, "floating point numbers are not supported: every value is a 64-bit integer"
                        + " (scale instead, e.g. count microseconds rather than seconds)");
                yield new Expr.Error(span);
            }
            default -> expr(c.expr());
        };
    }
}
