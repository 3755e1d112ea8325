package dev.vp.compiler.check;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.ast.TypeRef;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.Fix;
import dev.vp.compiler.diag.TextEdit;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import dev.vp.compiler.util.NearestNames;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a script (its preloads first) against LANGUAGE.md: names and implicit declarations, types and memory
 * models, layouts, probe specifications against the target, built-in calls and formats, vCPU-state use.
 * Implicit declarations do not depend on clause order: silent passes fix their types, then one pass reports.
 */
public final class Checker {
    private final Target target;
    private final Checked out = new Checked();
    private Diagnostics diags;

    // Types: struct/union/enum tags and typedefs are global and declared in source order.
    private final Map<String, Type.Struct> structs = out.structs;
    private final Map<String, Type> typedefs = new HashMap<>();
    private final Map<String, Sym.EnumConst> enumConsts = new HashMap<>();
    /** The first division by zero the last constant() met, for the message of constantFor. */
    private Expr.Binary zeroDivision;
    private final Map<Expr, Long> globalInits = new IdentityHashMap<>();
    private Type.MemModel model = Type.MemModel.GUEST64;

    // Per-body state.
    private final Deque<Map<String, Sym.Local>> scopes = new ArrayDeque<>();
    private Checked.ProbeInfo probe;           // the clause being checked, or null inside a function
    private Sym.Function function;             // the function being checked, or null inside a clause
    private int loops;
    /** Above 0 while checking code that never runs: `sizeof x`, the right of `0 && x`, the other branch of `1 ? a : b`. */
    private int unevaluated;
    private final Map<Object, Span> vcpuUse = new IdentityHashMap<>();      // body -> first vCPU-state read
    private final Map<Object, Span> perVcpuUse = new IdentityHashMap<>();   // body -> first per-vCPU variable use
    private final Map<Object, Map<Sym.Function, Span>> callsFrom = new IdentityHashMap<>();
    private Object body;                                                    // the Decl.Probe or Sym.Function

    private Checker(Target target) { this.target = target; }

    /** Checks the scripts as one program: preloads first, the main script last. */
    public static Checked check(List<Script> scripts, Target target, Diagnostics diags) {
        Checker c = new Checker(target);
        for (Script s : scripts) {
            Syntax syntax = Syntax.of(s.language());
            c.out.syntaxes.putIfAbsent(s.main(), syntax);
            for (Decl item : s.items()) c.out.syntaxes.putIfAbsent(item.span().file(), syntax);
        }
        for (Script s : scripts) c.declareTypesAndGlobals(s, diags);
        // Silent passes settle the types of implicitly declared names; the last pass reports.
        for (int pass = 0; pass < 8; pass++) {
            int before = c.implicitSignature();
            c.bodies(scripts, new Diagnostics());
            if (c.implicitSignature() == before && pass > 0) break;
        }
        c.bodies(scripts, diags);
        c.out.constants.putAll(c.globalInits);
        c.checkVmxReach();
        return c.out;
    }

    private int implicitSignature() {
        int h = out.globals.size() * 31 + out.aggrs.size();
        for (Sym.Global g : out.globals.values()) h = h * 31 + String.valueOf(g.type).hashCode();
        for (Sym.Aggr a : out.aggrs.values()) h = h * 31 + a.intKeys * 7 + a.strKeys;
        return h;
    }

    // ---------------------------------------------------------------- declarations

    private void declareTypesAndGlobals(Script script, Diagnostics d) {
        diags = d;
        model = Type.MemModel.GUEST64;
        for (Decl item : script.items()) {
            switch (item) {
                case Decl.MemModel m -> memModel(m);
                case Decl.TypeDef t -> resolve(t.type());
                case Decl.Typedef t -> {
                    reserved(t.name(), t.nameSpan(), "a type");
                    if (typedefs.containsKey(t.name()))
                        d.report(Code.E0301, t.nameSpan(), "typedef `" + t.name() + "` is already declared");
                    typedefs.put(t.name(), resolve(t.type()));
                }
                case Decl.Var v -> declareGlobal(v);
                case Decl.Aggr a -> {
                    if (declarable(a.name(), a.nameSpan(), "an aggregate")) {
                        if (a.capacity() != null && a.capacity() <= 0) {
                            d.report(Code.E0316, a.span(), "an aggregate needs room for at least one entry;"
                                    + " leave the capacity out to get the default");
                        }
                        int capacity = a.capacity() == null ? 0 : Math.max(1, a.capacity());
                        out.aggrs.put(a.name(), new Sym.Aggr(a.name(), a.intKeys(), a.strKeys(), capacity, a.nameSpan(), true));
                    }
                }
                case Decl.Bag b -> {
                    if (declarable(b.name(), b.nameSpan(), "a bag")) {
                        if (b.size() <= 0) d.report(Code.E0315, b.span(), "a bag needs room for at least one pair");
                        out.bags.put(b.name(), new Sym.Bag(b.name(), Math.max(1, b.size()), b.nameSpan()));
                    }
                }
                case Decl.Function f -> declareFunction(f);
                case Decl.Probe p -> { }
                case Decl.Version v -> { }
            }
        }
    }

    private void memModel(Decl.MemModel m) {
        switch (m.model()) {
            case "guest64" -> model = Type.MemModel.GUEST64;
            case "guest32" -> model = Type.MemModel.GUEST32;
            case "guest16" -> model = Type.MemModel.GUEST16;
            case "guestphys" -> model = Type.MemModel.GUESTPHYS;
            case "vmw32", "vmw64" -> diags.report(Code.E0404, m.span(),
                    "memory model `" + m.model() + "` is refused: probes never read monitor memory");
            default -> diags.add(new Diagnostic(Code.E0404, "unknown memory model `" + m.model() + "`" + hint(m.model(),
                    List.of("guest64", "guest32", "guest16", "guestphys")), m.span()));
        }
    }

    private void declareGlobal(Decl.Var v) {
        if (!declarable(v.name(), v.nameSpan(), "a global variable")) return;
        Type t = valueType(resolve(v.type()), v.type().span(), "a global variable");
        boolean perVcpu = v.storage() == Decl.Storage.DEFAULT || v.storage() == Decl.Storage.PERTHREAD;
        Sym.Global g = new Sym.Global(v.name(), t, perVcpu, v.nameSpan(), false, v);
        out.globals.put(v.name(), g);
        if (v.init() != null && !(t instanceof Type.Error)) {
            if (t instanceof Type.Str) {
                if (!(v.init() instanceof Expr.StrLit) && !(v.init() instanceof Expr.Error))
                    diags.report(Code.E0410, v.init().span(), "global string `" + v.name() + "` can only start as a string literal;"
                            + " assign other values in a probe, e.g. in VMMLoad");
            } else {
                Long value = constantFor(v.init(), "the initial value of global `" + v.name() + "`");
                if (value != null) globalInits.put(v.init(), value);
            }
        }
    }

    private void declareFunction(Decl.Function f) {
        reserved(f.name(), f.nameSpan(), "a function of the script");
        Type ret = resolve(f.returnType());
        if (!(ret instanceof Type.Void)) ret = valueType(ret, f.returnType().span(), "a function result");
        List<Type> ps = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Decl.Param p : f.params()) {
            ps.add(valueType(resolve(p.type()), p.type().span(), "a parameter"));
            names.add(p.name());
        }
        Sym.Function existing = out.functions.get(f.name());
        if (existing != null) {
            if (existing.definition != null && f.body() != null) {
                diags.add(new Diagnostic(Code.E0308, "function `" + f.name() + "` is defined twice; rename or remove one", f.nameSpan())
                        .withLabel(existing.span, "first defined here"));
                return;
            }
            if (!sameTypes(existing.params, ps) || !same(existing.returns, ret)) {
                diags.add(new Diagnostic(Code.E0308, "`" + signature(ret, f.name(), ps) + "` does not match the earlier declaration `"
                        + signature(existing.returns, existing.name, existing.params) + "`; make them agree", f.nameSpan())
                        .withLabel(existing.span, "declared here"));
                // The definition's own signature is what its body and its callers are checked against.
                if (f.body() != null) {
                    Sym.Function fn = new Sym.Function(f.name(), ret, ps, names, f.nameSpan());
                    fn.definition = f;
                    out.functions.put(f.name(), fn);
                }
                return;
            }
            if (f.body() != null) existing.definition = f;
            return;
        }
        if (!unique(f.name(), f.nameSpan())) return;
        Sym.Function fn = new Sym.Function(f.name(), ret, ps, names, f.nameSpan());
        if (f.body() != null) fn.definition = f;
        out.functions.put(f.name(), fn);
    }

    private static String signature(Type returns, String name, List<Type> params) {
        return returns + " " + name + "(" + String.join(", ", params.stream().map(String::valueOf).toList()) + ")";
    }

    private boolean unique(String name, Span span) {
        Span prev = null;
        if (out.globals.containsKey(name)) prev = out.globals.get(name).span;
        else if (out.aggrs.containsKey(name)) prev = out.aggrs.get(name).span;
        else if (out.bags.containsKey(name)) prev = out.bags.get(name).span;
        else if (out.functions.containsKey(name)) prev = out.functions.get(name).span;
        else if (enumConsts.containsKey(name)) prev = enumConsts.get(name).span();
        if (prev == null) return true;
        diags.add(new Diagnostic(Code.E0301, "`" + name + "` is already declared", span).withLabel(prev, "first declared here"));
        return false;
    }

    /** Whether a new global name can be declared: reports a reserved spelling (and declares it anyway, so its uses do not cascade). */
    private boolean declarable(String name, Span span, String what) {
        reserved(name, span, what);
        return unique(name, span);
    }

    /**
     * Names spelled entirely in capitals are reserved for built-ins (LANGUAGE.md section 3), and so are the names of
     * the built-in functions (E0317). what says what the script declares with the name ("a local variable"), for the
     * message; it is null for an implicit declaration by assignment, "an implicit aggregate" for one by a keyed update.
     */
    private void reserved(String name, Span span, String what) {
        if (BuiltinFunction.byName(name) != null) {
            diags.report(Code.E0317, span, what == null
                    ? "`" + name + "` is a built-in function and cannot be assigned: this would declare a variable named `" + name
                            + "`; choose another name for the variable"
                    : what.equals("an implicit aggregate")
                    ? "`" + name + "` is a built-in function: `" + name + "[...]` would declare an aggregate named `" + name
                            + "`; choose another name for the aggregate"
                    : "`" + name + "` is a built-in function, so it cannot also name " + what + "; choose another name");
            return;
        }
        if (!isReservedSpelling(name)) return;
        Builtin b = Builtin.byName(name);
        diags.report(Code.E0302, span, b != null
                ? "`" + name + "` is a built-in variable; a script cannot declare it again: choose a lower-case name"
                : "`" + name + "` is reserved: names spelled in capitals belong to built-ins; use a name with a lower-case letter, e.g. `"
                        + name.toLowerCase(java.util.Locale.ROOT) + "`");
    }

    static boolean isReservedSpelling(String name) {
        boolean letter = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLowerCase(c)) return false;
            if (Character.isUpperCase(c)) letter = true;
        }
        return letter;
    }

    // ---------------------------------------------------------------- types

    /**
     * Struct and enum definitions already resolved: the declarators of one declaration share its type
     * (`enum e { a = 1 } x, y;`, `struct s { ... } *p, *q;`), which is defined once, not once per declarator.
     */
    private final Map<TypeRef, Type> definitions = new IdentityHashMap<>();

    Type resolve(TypeRef ref) {
        return switch (ref) {
            case TypeRef.Primitive p -> switch (p.kind()) {
                case VOID -> Type.VOID;
                case STRING -> Type.STRING;
                default -> prim(p.kind());
            };
            case TypeRef.Named n -> {
                Type t = typedefs.get(n.name());
                if (t == null) {
                    diags.add(new Diagnostic(Code.E0304, "unknown type `" + n.name() + "`" + hint(n.name(), typedefs.keySet()), n.span()));
                    yield Type.ERROR;
                }
                yield t;
            }
            case TypeRef.Pointer p -> {
                Type t = resolve(p.target());
                yield t instanceof Type.Error ? t : new Type.Pointer(t, model);
            }
            case TypeRef.Array a -> {
                Type t = resolve(a.element());
                zeroDivision = null;
                Long n = constant(a.length());
                if (n == null && zeroDivision != null) {
                    divisionByZero("an array length");
                    yield Type.ERROR;
                }
                if (n == null || n < 0 || n > (1 << 24)) {
                    if (!(a.length() instanceof Expr.Error))
                        diags.report(Code.E0412, a.length().span(), "an array length must be a constant from 0 to 16777216"
                                + (n == null ? "" : ", not " + n));
                    yield Type.ERROR;
                }
                if (t.size() > 0 && n > Long.MAX_VALUE / t.size()) {
                    diags.report(Code.E0402, a.span(), "`" + t + "[" + n + "]` is too large: its size is more than 2^63 - 1 bytes");
                    yield Type.ERROR;
                }
                yield t instanceof Type.Error ? t : new Type.Array(t, n);
            }
            case TypeRef.Struct s -> {
                if (s.fields() == null) yield struct(s);
                Type done = definitions.get(s);
                if (done == null) definitions.put(s, done = struct(s));
                yield done;
            }
            case TypeRef.Enum e -> {
                if (e.values() != null && definitions.put(e, Type.ERROR) == null) {
                    long next = 0;
                    for (TypeRef.Enumerator en : e.values()) {
                        if (en.value() != null) {
                            Long v = constantFor(en.value(), "the value of `" + en.name() + "`");
                            if (v != null) next = v;
                        }
                        if (declarable(en.name(), en.span(), "an enum constant"))
                            enumConsts.put(en.name(), new Sym.EnumConst(en.name(), next, en.span()));
                        next++;
                    }
                }
                yield prim(TypeRef.Prim.INT);
            }
        };
    }

    private Type.Int prim(TypeRef.Prim p) {
        return switch (p) {
            case CHAR, SCHAR -> new Type.Int("char", 1, true);
            case UCHAR -> new Type.Int("unsigned char", 1, false);
            case SHORT -> new Type.Int("short", 2, true);
            case USHORT -> new Type.Int("unsigned short", 2, false);
            case INT -> new Type.Int("int", model.intBytes, true);
            case UINT -> new Type.Int("unsigned int", model.intBytes, false);
            case LONG -> new Type.Int("long", model.longBytes, true);
            case ULONG -> new Type.Int("unsigned long", model.longBytes, false);
            case LONGLONG -> new Type.Int("long long", 8, true);
            case ULONGLONG -> new Type.Int("unsigned long long", 8, false);
            case INT8 -> new Type.Int("int8", 1, true);
            case INT16 -> new Type.Int("int16", 2, true);
            case INT32 -> new Type.Int("int32", 4, true);
            case INT64 -> new Type.Int("int64", 8, true);
            case UINT8 -> new Type.Int("uint8", 1, false);
            case UINT16 -> new Type.Int("uint16", 2, false);
            case UINT32 -> new Type.Int("uint32", 4, false);
            case UINT64 -> new Type.Int("uint64", 8, false);
            case VOID, STRING -> null;
        };
    }

    private Type struct(TypeRef.Struct s) {
        Type.Struct st = s.tag() == null ? null : structs.get(s.tag());
        if (st == null) {
            st = new Type.Struct(s.tag(), s.union());
            if (s.tag() != null) structs.put(s.tag(), st);
        }
        if (s.fields() == null) return st;
        if (st.complete) {
            diags.report(Code.E0301, s.span(), st + " is already defined");
            return st;
        }
        long offset = 0, size = 0, align = 1;
        boolean tooLarge = false;
        for (TypeRef.Field f : s.fields()) {
            Type ft = resolve(f.type());
            if (ft instanceof Type.Void || ft instanceof Type.Str) {
                diags.report(Code.E0400, f.type().span(), "a struct field must be a C type, not " + ft);
                ft = Type.ERROR;
            }
            if (ft instanceof Type.Struct inner && !inner.complete) {
                diags.report(Code.E0416, f.type().span(), inner + " is used before it is defined; use a pointer to it");
                ft = Type.ERROR;
            }
            long a = ft.align();
            long at = s.union() ? 0 : alignUp(offset, a);
            if (f.pinnedOffset() != null) {
                Long pinned = constantFor(f.pinnedOffset(), "the pinned offset of `" + f.name() + "`");
                if (pinned != null && !s.union() && pinned < offset)
                    diags.report(Code.E0403, f.pinnedOffset().span(), "pinned offset " + hex(pinned) + " of `" + f.name()
                            + "` is below the end of the fields before it (" + hex(offset) + "): pinned offsets must increase;"
                            + " order the fields by offset");
                if (pinned != null) at = pinned;
            }
            if (st.field(f.name()) != null) diags.report(Code.E0301, f.nameSpan(), "field `" + f.name() + "` is already declared");
            st.fields.add(new Type.Field(f.name(), ft, at));
            // A misplaced pin still gets its field, but does not move the fields after it back.
            long end = at < 0 || at > Long.MAX_VALUE - ft.size() ? -1 : at + ft.size();
            if (end < 0 && !tooLarge) {
                tooLarge = true;
                diags.report(Code.E0402, f.nameSpan(), st + " is too large: field `" + f.name() + "` ends more than 2^63 - 1 bytes"
                        + " from its start");
            }
            offset = Math.max(offset, end);
            size = Math.max(size, offset);
            align = Math.max(align, a);
        }
        st.alignment = align;
        st.size = alignUp(size, align);
        if (st.size < 0) {
            if (!tooLarge) diags.report(Code.E0402, s.span(), st + " is too large: its size is more than 2^63 - 1 bytes");
            st.size = size;
        }
        st.complete = true;
        return st;
    }

    /** x rounded up to a multiple of a, or -1 when that passes Long.MAX_VALUE (sizes and offsets are signed longs). */
    private static long alignUp(long x, long a) {
        return x > Long.MAX_VALUE - (a - 1) ? -1 : (x + a - 1) / a * a;
    }

    /** The type of a variable, parameter or result: an integer, pointer or string; structs are refused. */
    private Type valueType(Type t, Span span, String what) {
        if (t == null) return Type.ERROR;
        return switch (t) {
            case Type.Int i -> i;
            case Type.Pointer p -> p;
            case Type.Str s -> s;
            case Type.Error e -> e;
            case Type.Void v -> {
                diags.report(Code.E0409, span, what + " cannot be void");
                yield Type.ERROR;
            }
            default -> {
                diags.report(Code.E0402, span, what + " cannot hold " + t + ": it lives in guest memory; use a pointer to it");
                yield Type.ERROR;
            }
        };
    }

    // ---------------------------------------------------------------- bodies

    private void bodies(List<Script> scripts, Diagnostics d) {
        diags = d;
        out.clearPass();
        vcpuUse.clear();
        perVcpuUse.clear();
        callsFrom.clear();
        for (Script s : scripts) {
            model = Type.MemModel.GUEST64;
            for (Decl item : s.items()) {
                switch (item) {
                    case Decl.MemModel m -> model = modelOf(m.model());
                    case Decl.Function f when f.body() != null -> functionBody(f);
                    case Decl.Probe p -> probeClause(p);
                    default -> { }
                }
            }
        }
        for (Sym.Function f : out.functions.values()) {
            Span call = f.definition == null ? firstCall(f) : null;
            if (call != null)
                diags.add(new Diagnostic(Code.E0303, "function `" + f.name + "` is declared but never defined; define it (with a body)"
                        + " or remove its calls", f.span).withLabel(call, "called here"));
        }
    }

    private Span firstCall(Sym.Function f) {
        Span first = null;
        for (Map<Sym.Function, Span> m : callsFrom.values()) {
            Span s = m.get(f);
            if (s != null && (first == null || s.file() == first.file() && s.start() < first.start())) first = s;
        }
        return first;
    }

    private Type.MemModel modelOf(String m) {
        return switch (m) {
            case "guest32" -> Type.MemModel.GUEST32;
            case "guest16" -> Type.MemModel.GUEST16;
            case "guestphys" -> Type.MemModel.GUESTPHYS;
            default -> Type.MemModel.GUEST64;
        };
    }

    private void functionBody(Decl.Function f) {
        Sym.Function fn = out.functions.get(f.name());
        if (fn == null || fn.definition != f) return;
        function = fn;
        probe = null;
        body = fn;
        loops = 0;
        scopes.push(new HashMap<>());
        for (int i = 0; i < f.params().size(); i++) {
            Decl.Param p = f.params().get(i);
            Sym.Local l = new Sym.Local(p.name(), fn.params.get(i), p.nameSpan(), -1);
            declareLocal(l, p.nameSpan(), "a parameter");
            out.params.put(p, l);
        }
        bodyBlock(f.body());
        scopes.pop();
        function = null;
        if (!(fn.returns instanceof Type.Void) && !(fn.returns instanceof Type.Error) && canComplete(f.body())) {
            Span end = new Span(f.body().span().file(), f.body().span().end() - 1, f.body().span().end());
            diags.report(Code.W0402, end, "`" + fn.name + "` returns " + fn.returns + " but can reach its end without `"
                    + syntax(end).pick("return", "(return VALUE)") + "`; it then returns "
                    + (fn.returns instanceof Type.Str ? "\"\"" : "0"));
        }
    }

    /**
     * Whether control can run past the statement (C's "control reaches the end"): not after a `return`, an
     * `exit()`, an `if` whose branches both end so, a `try` whose body and handler both do, or a loop whose
     * condition is a non-zero constant with no `break` of its own.
     */
    private boolean canComplete(Stmt s) {
        return switch (s) {
            case Stmt.Return r -> false;
            case Stmt.Block b -> {
                for (Stmt x : b.stmts()) if (!canComplete(x)) yield false;
                yield true;
            }
            case Stmt.If i -> i.otherwise() == null || canComplete(i.then()) || canComplete(i.otherwise());
            case Stmt.Try t -> canComplete(t.body()) || canComplete(t.handler());
            case Stmt.While w -> !(forever(w.cond()) && !breaks(w.body()));
            case Stmt.For f -> !((f.cond() == null || forever(f.cond())) && !breaks(f.body()));
            case Stmt.ExprStmt e -> !(e.expr() instanceof Expr.Call c && c.name().equals("exit") && c.args().isEmpty());
            default -> true;
        };
    }

    private boolean forever(Expr cond) {
        Long v = constant(cond);
        return v != null && v != 0;
    }

    /** Whether a `break` in the statement leaves the loop it is the body of (not one of an inner loop). */
    private static boolean breaks(Stmt s) {
        return switch (s) {
            case Stmt.Break b -> true;
            case Stmt.Block b -> b.stmts().stream().anyMatch(Checker::breaks);
            case Stmt.If i -> breaks(i.then()) || i.otherwise() != null && breaks(i.otherwise());
            case Stmt.Try t -> breaks(t.body()) || breaks(t.handler());
            default -> false;
        };
    }

    private void probeClause(Decl.Probe p) {
        probe = probeSpec(p);
        function = null;
        body = p;
        loops = 0;
        scopes.push(new HashMap<>());
        for (Sym.Local l : probe.params()) declareLocal(l, l.span, "a probe parameter");
        bodyBlock(p.body());
        scopes.pop();
        out.probes.add(probe);
        probe = null;
    }

    /** A body's outermost block shares the scope of the parameters, as in C: `int f(int a) { int a; }` redeclares a. */
    private void bodyBlock(Stmt body) {
        if (body instanceof Stmt.Block b) for (Stmt x : b.stmts()) stmt(x);
        else stmt(body);
    }

    private void declareLocal(Sym.Local l, Span span, String what) {
        reserved(l.name, span, what);
        Map<String, Sym.Local> scope = scopes.peek();
        if (scope.containsKey(l.name)) {
            diags.add(new Diagnostic(Code.E0314, "`" + l.name + "` is already declared in this block", span)
                    .withLabel(scope.get(l.name).span, "first declared here"));
            return;
        }
        scope.put(l.name, l);
    }

    private void stmt(Stmt s) {
        switch (s) {
            case Stmt.Block b -> {
                scopes.push(new HashMap<>());
                for (Stmt x : b.stmts()) stmt(x);
                scopes.pop();
            }
            case Stmt.Local l -> local(l.var());
            case Stmt.ExprStmt e -> {
                // A bare struct or array in guest memory as a statement would be a load of the whole object.
                Type t = expr(e.expr());
                if (t instanceof Type.Struct || t instanceof Type.Array)
                    diags.report(Code.E0402, e.expr().span(), "`" + e.expr().span().text() + "` is " + t
                            + " in guest memory and reading it as a statement does nothing; read a field instead");
            }
            case Stmt.If i -> { cond(i.cond(), 1); stmt(i.then()); if (i.otherwise() != null) stmt(i.otherwise()); }
            case Stmt.While w -> { cond(w.cond(), 1); loops++; stmt(w.body()); loops--; }
            case Stmt.For f -> {
                scopes.push(new HashMap<>());
                if (f.init() != null) stmt(f.init());
                if (f.cond() != null) cond(f.cond(), 0);
                if (f.step() != null) expr(f.step());
                loops++;
                stmt(f.body());
                loops--;
                scopes.pop();
            }
            case Stmt.Break b -> { if (loops == 0) diags.report(Code.E0306, b.span(), "`break` outside a loop"); }
            case Stmt.Continue c -> { if (loops == 0) diags.report(Code.E0306, c.span(), "`continue` outside a loop"); }
            case Stmt.Return r -> ret(r);
            case Stmt.Try t -> { stmt(t.body()); stmt(t.handler()); }
            case Stmt.Insert i -> insert(i);
            case Stmt.Empty e -> { }
        }
    }

    private void local(Decl.Var v) {
        Type t = valueType(resolve(v.type()), v.type().span(), "a local variable");
        if (v.storage() != Decl.Storage.DEFAULT)
            diags.report(Code.E0417, v.span(), "a storage class is only allowed on global variables");
        if (v.init() != null) assignable(t, expr(v.init()), v.init(), "`" + v.name() + "` is declared " + t);
        Sym.Local l = new Sym.Local(v.name(), t, v.nameSpan(), -1);
        declareLocal(l, v.nameSpan(), "a local variable");
        out.locals.put(v, l);
    }

    private void ret(Stmt.Return r) {
        Syntax syntax = syntax(r.span());
        if (function == null) {
            if (r.value() != null) diags.report(Code.E0407, r.value().span(), "a probe clause returns no value; use `"
                    + syntax.pick("return;` or `exit()", "(return)` or `(exit)") + "`");
            return;
        }
        if (function.returns instanceof Type.Void) {
            if (r.value() != null) diags.report(Code.E0407, r.value().span(), "`" + function.name + "` returns void, so `"
                    + syntax.pick("return", "(return)") + "` takes no value here; declare it `"
                    + syntax.pick("int " + function.name + "(...)", "(defun " + function.name + " (...) ...)") + "` to return one");
        } else if (r.value() == null) {
            diags.report(Code.E0407, r.span(), "`" + function.name + "` returns " + function.returns + ": write `"
                    + syntax.pick("return VALUE;", "(return VALUE)") + "`");
        } else {
            assignable(function.returns, expr(r.value()), r.value(), "`" + function.name + "` returns " + function.returns);
        }
    }

    private void cond(Expr e) { cond(e, 0); }

    /** A truth value; syntaxParens is the number of parentheses the syntax puts around it (1 for `if (c)`). */
    private void cond(Expr e, int syntaxParens) {
        Type t = rvalue(e);
        if (t.isInteger()) assignmentAsCondition(e, syntaxParens);
        if (t instanceof Type.Str) diags.report(Code.E0400, e.span(), "a condition must be an integer, not a string; compare with `==`");
    }

    /**
     * gcc's -Wparentheses: a plain assignment used as a truth value (`if (x = 1)`) is most often a comparison with
     * one `=` too few. As in gcc, parentheses of its own (`if ((x = 1))`) say it is meant, so `(c = f()) && c > 2`
     * and `!(x = y)` pass. VP has no such parentheses: there `(= x 1)` warns and `(setint x 1)` is the deliberate
     * spelling. Compound assignments (`x -= 1`) never warn, as in gcc.
     */
    private void assignmentAsCondition(Expr e, int syntaxParens) {
        if (!(e instanceof Expr.Assign a) || a.op() != null) return;
        Span span = a.span(), target = a.target().span(), value = a.value().span();
        if (target.file() != span.file() || value.file() != span.file() || target.end() > value.start()) return; // inside a macro
        String text = span.file().text();
        String x = target.text(), v = value.text();
        // `x == v` only where that is what the comparison would be: `x = y == 1` is not `x == y == 1`.
        boolean simple = a.value() instanceof Expr.IntLit || a.value() instanceof Expr.Name || a.value() instanceof Expr.StrLit
                || a.value() instanceof Expr.Call || a.value() instanceof Expr.Member || a.value() instanceof Expr.Index
                || a.value() instanceof Expr.Unary;
        if (syntax(span) == Syntax.VP) {
            int op = skipBlanks(text, span.start() + 1);
            if (text.charAt(span.start()) != '(' || op >= text.length() || text.charAt(op) != '=' || op + 1 >= text.length()
                    || !Character.isWhitespace(text.charAt(op + 1))) return;
            String set = out.types.get(a) instanceof Type.Str ? "setstr" : "setint";
            Span opSpan = new Span(span.file(), op, op + 1);
            diags.add(new Diagnostic(Code.W0403, "assignment used as a condition: `" + span.text() + "` stores `" + v + "` in `" + x
                    + "` and tests the value stored; to compare, write `(== " + x + " " + v + ")`; to keep the assignment, write `("
                    + set + " " + x + " " + v + ")`", span)
                    .withFix(Fix.replace("compare with `==`", opSpan, "=="))
                    .withFix(Fix.replace("keep the assignment: write `" + set + "`", opSpan, set)));
            return;
        }
        int opStart = text.indexOf('=', target.end());
        if (opStart < 0 || opStart >= value.start()
                || !text.substring(target.end(), value.start()).replaceAll("[\\s()]", "").equals("=")) return;
        int before = 0, after = 0;
        for (int i = span.start() - 1; i >= 0 && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == '('); i--)
            if (text.charAt(i) == '(') before++;
        for (int i = span.end(); i < text.length() && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ')'); i++)
            if (text.charAt(i) == ')') after++;
        if (Math.min(before, after) > syntaxParens) return;
        Diagnostic d = new Diagnostic(Code.W0403, "assignment used as a condition: `" + span.text() + "` stores `" + v + "` in `" + x
                + "` and tests the value stored; to compare, write `" + (simple ? x + " == " + v : "==") + "`" + (simple ? "" : " instead of `=`")
                + "; to keep the assignment, put it in"
                + " parentheses: `(" + span.text() + ")`", span);
        // `==` in place of `=` is the comparison only when the value is one operand: `x = y = 1` would become `x == y = 1`
        if (simple) d = d.withFix(Fix.replace("compare with `==`", new Span(span.file(), opStart, opStart + 1), "=="));
        diags.add(d.withFix(new Fix("keep the assignment: add parentheses", List.of(
                new TextEdit(Span.at(span.file(), span.start()), "("), new TextEdit(Span.at(span.file(), span.end()), ")")))));
    }

    private static int skipBlanks(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        return i;
    }

    // ---------------------------------------------------------------- expressions

    /** Types an expression and records it; guest lvalues keep their designated type (struct, array). */
    private Type expr(Expr e) {
        Type t = compute(e);
        out.types.put(e, t);
        return t;
    }

    /** An expression used as a value: arrays decay to pointers, structs must fit in 8 bytes. */
    private Type rvalue(Expr e) {
        Type t = expr(e);
        if (t instanceof Type.Array a) return new Type.Pointer(a.element(), model);
        if (t instanceof Type.Struct s) {
            diags.report(Code.E0402, e.span(), "object too large: " + s + " (" + s.size + " bytes) cannot be loaded as a value; read a field");
            return Type.ERROR;
        }
        if (t instanceof Type.Void) {
            diags.report(Code.E0409, e.span(), "this expression has no value (void)");
            return Type.ERROR;
        }
        return t;
    }

    /** An expression used where a string is expected: strings, and char arrays in guest memory. */
    private boolean stringish(Type t) {
        return t instanceof Type.Str || t instanceof Type.Error
                || (t instanceof Type.Array a && a.element() instanceof Type.Int i && i.bytes() == 1);
    }

    private Type compute(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> Type.U64;
            case Expr.StrLit s -> Type.STRING;
            case Expr.Error er -> Type.ERROR;
            case Expr.Name n -> name(n);
            case Expr.Unary u -> unary(u);
            case Expr.IncDec i -> incDec(i);
            case Expr.Binary b -> binary(b);
            case Expr.Assign a -> assign(a);
            case Expr.Conditional c -> conditional(c);
            case Expr.Call c -> call(c);
            case Expr.Index i -> index(i);
            case Expr.Member m -> member(m);
            case Expr.Cast c -> cast(c);
            case Expr.SizeofType s -> sizeofType(s);
            case Expr.SizeofExpr s -> sizeofExpr(s);
        };
    }

    /** `c ? a : b` (VP's `(cond ...)`): a branch that never runs on a constant condition is not evaluated for warnings. */
    private Type conditional(Expr.Conditional c) {
        cond(c.cond());
        Long known = quietConstant(c.cond());
        if (known != null && known == 0) unevaluated++;
        Type a = rvalue(c.then());
        if (known != null) unevaluated += known == 0 ? -1 : 1;
        Type b = rvalue(c.otherwise());
        if (known != null && known != 0) unevaluated--;
        if (a instanceof Type.Str != b instanceof Type.Str && !(a instanceof Type.Error) && !(b instanceof Type.Error)) {
            diags.report(Code.E0400, c.span(), syntax(c.span()).pick("both branches of `?:` must be strings or both integers",
                    "the values of a `(cond ...)` must be all strings or all integers"));
            return Type.ERROR;
        }
        return a instanceof Type.Pointer ? a : b;
    }

    private Type sizeofType(Expr.SizeofType s) {
        Type t = resolve(s.type());
        if (t instanceof Type.Struct st && !st.complete)
            diags.report(Code.E0400, s.span(), "sizeof needs a C type with a size; " + t + " is declared nowhere with its fields");
        else if (t.size() == 0 && !(t instanceof Type.Error))
            diags.report(Code.E0400, s.span(), "sizeof needs a C type with a size, not " + t);
        out.constants.put(s, t.size());
        return Type.U64;
    }

    private Type sizeofExpr(Expr.SizeofExpr s) {
        unevaluated++;
        Type t = expr(s.operand());
        unevaluated--;
        if (t.size() == 0 && !(t instanceof Type.Error))
            diags.report(Code.E0400, s.span(), "sizeof needs an object in guest memory, not a " + t);
        return Type.U64;
    }

    private Sym lookup(String name) {
        for (Map<String, Sym.Local> scope : scopes) {
            Sym.Local l = scope.get(name);
            if (l != null) return l;
        }
        Sym s = out.globals.get(name);
        if (s == null) s = enumConsts.get(name);
        if (s == null) s = out.aggrs.get(name);
        if (s == null) s = out.bags.get(name);
        if (s == null) s = out.functions.get(name);
        return s;
    }

    private Type name(Expr.Name n) {
        Builtin b = Builtin.byName(n.name());
        if (b != null) return builtin(n, b);
        Sym s = lookup(n.name());
        if (s == null) {
            if (isReservedSpelling(n.name()) && !target.acceptsAny()) {
                diags.add(new Diagnostic(Code.E0504, "`" + n.name() + "` is not a built-in variable of this target"
                        + hint(n.name(), builtinNames()), n.span()));
                return Type.ERROR;
            }
            if (isReservedSpelling(n.name())) {
                out.refs.put(n, new Sym.BuiltinVar(n.name(), null));
                return Type.U64;
            }
            if (BuiltinFunction.byName(n.name()) != null) {
                diags.report(Code.E0407, n.span(), "`" + n.name() + "` is a built-in function; call it with `"
                        + syntax(n.span()).pick("()", "(" + n.name() + " ...)") + "`");
                return Type.ERROR;
            }
            diags.add(new Diagnostic(Code.E0300, "unknown name `" + n.name() + "`: it is never declared or assigned"
                    + hint(n.name(), visibleNames()), n.span()));
            return Type.ERROR;
        }
        out.refs.put(n, s);
        return switch (s) {
            case Sym.Local l -> l.type;
            case Sym.Global g -> {
                if (g.perVcpu) {
                    perVcpuUse.putIfAbsent(body, n.span());
                    if (probe != null && probe.domain() == Domain.VMX) perVcpuInHost(g, n.span());
                }
                yield g.type == null ? Type.ERROR : g.type;
            }
            case Sym.EnumConst c -> Type.U64;
            case Sym.Aggr a -> {
                writeOnly(a, n.span());
                yield Type.ERROR;
            }
            case Sym.Bag bag -> {
                diags.report(Code.E0313, n.span(), "bag `" + bag.name + "` needs a key: `"
                        + syntax(n.span()).pick(bag.name + "[key]", "(bagremove " + bag.name + " KEY)") + "`");
                yield Type.ERROR;
            }
            case Sym.Function f -> {
                diags.report(Code.E0407, n.span(), "`" + f.name + "` is a function; call it with `"
                        + syntax(n.span()).pick("()", "(" + f.name + " ...)") + "`");
                yield Type.ERROR;
            }
            default -> Type.ERROR;
        };
    }

    private Type builtin(Expr.Name n, Builtin b) {
        out.refs.put(n, new Sym.BuiltinVar(n.name(), b));
        if (!target.acceptsAny() && !target.provides(b)) {
            diags.report(Code.E0504, n.span(), "`" + b.name() + "` is not provided by this target");
            return Type.ERROR;
        }
        if (b.needsVcpu()) usesVcpu(n.span(), "`" + b.name() + "`");
        if (probe != null) {
            boolean exitField = b == Builtin.VMCS_EXIT_REASON || b == Builtin.VMCS_EXIT_QUAL
                    || b == Builtin.VMCS_EXIT_INTR_INFO || b == Builtin.EXIT_REASON;
            if (exitField && !probe.exitProbe() && !target.acceptsAny())
                diags.report(Code.E0504, n.span(), "`" + b.name() + "` is only readable in exit probes (HV_Exit and the probes of an exit), not in " + probe.spec());
            int arg = b.argIndex();
            if (arg >= 0 && probe.point() != null && !target.acceptsAny()) {
                Target.StaticProbe sp = target.staticProbe(probe.point());
                if (sp != null && arg >= sp.args().size())
                    diags.report(Code.E0504, n.span(), "`" + b.name() + "` is not set by " + sp.name() + ", which has "
                            + (sp.args().isEmpty() ? "no arguments" : sp.args().size() + " argument" + (sp.args().size() == 1 ? "" : "s")
                            + " (ARG0" + (sp.args().size() > 1 ? "..ARG" + (sp.args().size() - 1) : "") + ": " + String.join(", ", sp.args()) + ")"));
            }
        }
        return b.isString() ? Type.STRING : Type.U64;
    }

    /** Records that the current body reads vCPU state; in a VMX clause that is an error right away. */
    private void usesVcpu(Span span, String what) {
        vcpuUse.putIfAbsent(body, span);
        if (probe != null && probe.domain() == Domain.VMX)
            diags.report(Code.E0503, span, what + " needs a vCPU, but " + probe.spec() + " runs on the host without one");
    }

    private Type unary(Expr.Unary u) {
        return switch (u.op()) {
            case DEREF -> {
                Type t = rvalue(u.operand());
                if (t instanceof Type.Pointer p) {
                    guestRead(u.span(), p.model());
                    yield p.target();
                }
                if (!(t instanceof Type.Error))
                    diags.report(Code.E0405, u.span(), "cannot dereference " + describe(t) + "; cast it to a pointer type first, e.g. `"
                            + syntax(u.span()).pick("*(int *)addr", "(* (cast (* int) addr))") + "`");
                yield Type.ERROR;
            }
            case ADDR -> address(u);
            case NOT -> { cond(u.operand()); yield Type.U64; }
            default -> {
                Type t = rvalue(u.operand());
                if (t instanceof Type.Str) {
                    diags.report(Code.E0400, u.span(), "operator `" + u.op() + "` needs an integer, not a string");
                    yield Type.ERROR;
                }
                yield Type.U64;
            }
        };
    }

    private Type address(Expr.Unary u) {
        Expr x = u.operand();
        if (x instanceof Expr.Name n && lookup(n.name()) == null && Builtin.byName(n.name()) == null) {
            Long addr = target.symbol(n.name());
            if (addr == null && !target.hasSymbols()) {
                diags.report(Code.E0501, n.span(), "`&" + n.name() + "` needs guest symbols, and none are loaded; pass -s SYMFILE or use a target with a guest image");
                return Type.ERROR;
            }
            if (addr == null) {
                diags.add(new Diagnostic(Code.E0501, "unknown guest symbol `" + n.name() + "`" + hint(n.name(), target.symbolNames()), n.span()));
                return Type.ERROR;
            }
            out.refs.put(n, new Sym.GuestSymbol(n.name(), addr));
            out.types.put(n, Type.U64);
            return Type.U64;
        }
        Type t = expr(x);
        if (t instanceof Type.Error) return t;
        if (!isGuestLvalue(x)) {
            diags.report(Code.E0408, u.span(), "cannot take the address of `" + x.span().text() + "` (" + describe(t) + " in the probe's own"
                    + " storage): only guest memory (`" + syntax(u.span()).pick("&p->field`) and guest symbols (`&jiffies",
                            "(& (-> p field))`) and guest symbols (`(& jiffies)") + "`) have addresses");
            return Type.ERROR;
        }
        return new Type.Pointer(t, model);
    }

    private boolean isGuestLvalue(Expr x) {
        return switch (x) {
            case Expr.Unary u -> u.op() == Expr.UnOp.DEREF;
            case Expr.Member m -> true;
            case Expr.Index i -> !(out.refs.get(i.base()) instanceof Sym.Aggr) && !(out.refs.get(i.base()) instanceof Sym.Bag);
            default -> false;
        };
    }

    private void guestRead(Span span, Type.MemModel m) {
        if (!m.physical) usesVcpu(span, "reading guest memory by linear address");
    }

    private Type binary(Expr.Binary b) {
        Type l = expr(b.left());
        Long known = b.op() == Expr.BinOp.LAND || b.op() == Expr.BinOp.LOR ? quietConstant(b.left()) : null;
        boolean skipped = known != null && (known != 0) == (b.op() == Expr.BinOp.LOR); // 0 && x, 1 || x
        if (skipped) unevaluated++;
        Type r = expr(b.right());
        if (skipped) unevaluated--;
        if (b.op() == Expr.BinOp.DIV || b.op() == Expr.BinOp.MOD) divisionByZeroWarning(b.op(), b.op().symbol, b.span(), b.left().span(), b.right());
        if (b.op() == Expr.BinOp.LAND || b.op() == Expr.BinOp.LOR) {
            if (l.isInteger()) assignmentAsCondition(b.left(), 0);
            if (r.isInteger()) assignmentAsCondition(b.right(), 0);
        }
        if (l instanceof Type.Void || r instanceof Type.Void) {
            diags.report(Code.E0409, (l instanceof Type.Void ? b.left() : b.right()).span(), "this expression has no value (void)");
            return Type.ERROR;
        }
        boolean ls = l instanceof Type.Str, rs = r instanceof Type.Str;
        if (ls || rs) {
            boolean ok = stringish(l) && stringish(r);
            switch (b.op()) {
                case ADD -> {
                    if (!ok) diags.report(Code.E0400, b.span(), "`+` joins two strings; " + describe(ls ? r : l) + " is not a string (use sprintf to format numbers)");
                    return Type.STRING;
                }
                case EQ, NE -> {
                    if (!ok) diags.report(Code.E0400, b.span(), "cannot compare a string with " + describe(ls ? r : l));
                    return Type.U64;
                }
                default -> {
                    diags.report(Code.E0400, b.span(), "operator `" + b.op().symbol + "` does not apply to strings"
                            + (b.op().isOrdering() ? "; use " + syntax(b.span()).pick("strcmp(a, b)", "(strcmp a b)") + " with `==`/`!=`" : ""));
                    return Type.ERROR;
                }
            }
        }
        l = decay(l, b.left());
        r = decay(r, b.right());
        if (l instanceof Type.Error || r instanceof Type.Error) return Type.ERROR;
        if (b.op().isOrdering()) unsignedWarning(b);
        if (b.op() == Expr.BinOp.ADD && l instanceof Type.Pointer && r instanceof Type.Pointer) {
            diags.report(Code.E0400, b.span(), "cannot add two pointers");
            return Type.ERROR;
        }
        if ((b.op() == Expr.BinOp.ADD || b.op() == Expr.BinOp.SUB) && l instanceof Type.Pointer p && !(r instanceof Type.Pointer)) return p;
        if (b.op() == Expr.BinOp.ADD && r instanceof Type.Pointer p) return p;
        return Type.U64;
    }

    private Type decay(Type t, Expr e) {
        if (t instanceof Type.Array a) return new Type.Pointer(a.element(), model);
        if (t instanceof Type.Struct s) {
            diags.report(Code.E0402, e.span(), "object too large: " + s + " cannot be used as a value; read a field");
            return Type.ERROR;
        }
        if (t instanceof Type.Void) {
            diags.report(Code.E0409, e.span(), "this expression has no value (void)");
            return Type.ERROR;
        }
        return t;
    }

    private void unsignedWarning(Expr.Binary b) {
        for (Expr side : List.of(b.left(), b.right())) {
            if (side instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG && u.operand() instanceof Expr.IntLit) {
                Syntax syntax = syntax(b.span());
                String op = b.op().symbol, neg = u.span().text();
                String part = side == b.right() ? syntax.pick(op + " " + neg, "(" + op + " x " + neg + ")")
                        : syntax.pick(neg + " " + op, "(" + op + " " + neg + " x)");
                diags.report(Code.W0400, b.span(), "comparison with a negative number is unsigned here: every value is 64-bit unsigned, so `"
                        + part + "` compares with " + Long.toUnsignedString(-((Expr.IntLit) u.operand()).value())
                        + "; compare with 0 or a positive bound, or test the sign bit: `" + syntax.pick("(x >> 63) != 0", "(!= (>> x 63) 0)") + "`");
                return;
            }
            if (side instanceof Expr.Call c && "strcmp".equals(c.name())) {
                diags.add(new Diagnostic(Code.W0401, "strcmp returns all ones (not a negative number) when the first string sorts first: ordering comparisons with it are unsigned; compare with `==` or `!=`", b.span()));
                return;
            }
        }
    }

    private Type assign(Expr.Assign a) {
        Type refused = refusedAssignment(a);
        if (refused != null) return refused;
        Expr target = a.target();
        Type t = expr(target);
        if (t instanceof Type.Error) { expr(a.value()); return t; }
        if (!(target instanceof Expr.Name)) {
            expr(a.value());
            diags.report(Code.E0407, target.span(), isGuestLvalue(target)
                    ? "guest memory is read-only to probes: a probe can read the guest, never write it"
                    : "only variables can be assigned");
            return Type.ERROR;
        }
        Sym s = out.refs.get(target);
        if (!(s instanceof Sym.Global) && !(s instanceof Sym.Local)) {
            expr(a.value());
            diags.report(Code.E0407, target.span(), "only variables can be assigned");
            return Type.ERROR;
        }
        if (a.op() != null) return compoundAssign(a, t);
        if (s instanceof Sym.Global g && g.implicit && !g.span.equals(target.span())) {
            implicitAgrees(g, a.value());
            return t;
        }
        Type v = expr(a.value());
        if (!setFormAgrees(a, v)) return t;
        assignable(t, v, a.value(), "`" + n(target) + "` is " + describe(t));
        return t;
    }

    /**
     * VP's `(setint X E)` sets an integer and `(setstr X E)` a string: a value of the other kind is one error that
     * names the form to use (the variable's own kind is then assignable's to check). False when it reported.
     */
    private boolean setFormAgrees(Expr.Assign a, Type v) {
        if (syntax(a.span()) != Syntax.VP || v instanceof Type.Error) return true;
        String head = Syntax.head(a.span());
        boolean string = stringish(v);
        if (!("setint".equals(head) && string || "setstr".equals(head) && !string)) return true;
        String other = string ? "setstr" : "setint";
        diags.report(Code.E0400, a.value().span(), "`" + head + "` sets " + (string ? "an integer" : "a string") + ", but this is "
                + describe(v) + "; write `(" + other + " " + n(a.target()) + " " + a.value().span().text() + ")`");
        return false;
    }

    /** `x op= v` on a variable of type t. */
    private Type compoundAssign(Expr.Assign a, Type t) {
        if (t instanceof Type.Str) {
            if (a.op() != Expr.BinOp.ADD) diags.report(Code.E0400, a.span(), "only `+=` applies to strings");
            else if (!stringish(expr(a.value()))) diags.report(Code.E0400, a.value().span(), "`+=` on a string needs a string");
            return t;
        }
        Type v = rvalue(a.value());
        if (a.op() == Expr.BinOp.DIV || a.op() == Expr.BinOp.MOD) divisionByZeroWarning(a.op(), a.op().symbol + "=", a.span(), a.target().span(), a.value());
        if (v instanceof Type.Str) diags.report(Code.E0400, a.value().span(), "`" + a.op().symbol + "=` needs an integer, not a string");
        return t;
    }

    /**
     * An assignment to what is no variable (a built-in variable, an aggregate, a bag entry) checked and reported,
     * or null to check it as one; an implicit global is declared here first. Kept out of {@link #assign}, whose
     * frame a chain `a = b = c = ...` stacks once per link.
     */
    private Type refusedAssignment(Expr.Assign a) {
        Expr target = a.target();
        if (target instanceof Expr.Name n && Builtin.byName(n.name()) != null) {
            expr(a.value());
            diags.report(Code.E0305, n.span(), "`" + n.name() + "` is a built-in variable and cannot be assigned");
            return Type.ERROR;
        }
        if (target instanceof Expr.Name n && definesImplicit(n)) {
            implicitGlobal(n, a.op() == null || a.op() == Expr.BinOp.ADD ? a.value() : null);
        }
        if (target instanceof Expr.Name n && lookup(n.name()) instanceof Sym.Aggr ag) {
            expr(a.value());
            diags.report(Code.E0311, a.span(), "aggregate `" + ag.name + "` is updated with " + updateHow(a.span(), ag.name) + ", not assigned");
            return Type.ERROR;
        }
        if (target instanceof Expr.Index i && (lookupBase(i) instanceof Sym.Aggr || lookupBase(i) instanceof Sym.Bag || lookupBase(i) == null && i.base() instanceof Expr.Name)) {
            expr(a.value());
            String op = a.op() == null ? "=" : a.op().symbol + "=";
            if (syntax(a.span()) == Syntax.VP && Syntax.head(a.span()) != null) op = Syntax.head(a.span());
            diags.report(Code.E0311, a.span(), "use `" + insertText(i) + "` to add to an aggregate or insert into a bag; `" + op + "` is not defined for them");
            return Type.ERROR;
        }
        return null;
    }

    /** Every assignment to an implicitly declared variable must agree with the type its first assignment gave it. */
    private void implicitAgrees(Sym.Global g, Expr value) {
        Type v = expr(value);
        if (v instanceof Type.Error || g.type instanceof Type.Error) return;
        boolean isString = stringish(v), wasString = g.type instanceof Type.Str;
        if (isString == wasString) { decay(v, value); return; }
        diags.add(new Diagnostic(Code.E0400, "`" + g.name + "` holds " + describe(g.type) + " (from its first assignment), but this"
                + " assigns " + describe(v) + ": all assignments to an implicitly declared variable must agree on the type;"
                + " use another variable, or declare it (`" + syntax(value.span()).varDecl(isString ? Type.STRING : Type.U64, g.name, null)
                + "`) to choose",
                value.span()).withLabel(g.span, "`" + g.name + "` is first assigned here"));
    }

    private Sym lookupBase(Expr.Index i) { return i.base() instanceof Expr.Name n ? lookup(n.name()) : null; }

    /**
     * Whether this occurrence declares an implicit global: the name is unknown, or this is the assignment that
     * declared it in an earlier pass (its type is settled again there, once later clauses have been seen).
     */
    private boolean definesImplicit(Expr.Name n) {
        Sym s = lookup(n.name());
        return s == null || s instanceof Sym.Global g && g.implicit && g.span.equals(n.span());
    }

    /** Declares `name` as an implicit global at its first assignment; its type comes from the value. */
    private void implicitGlobal(Expr.Name n, Expr value) {
        Type t = Type.U64;
        if (value != null) {
            Diagnostics saved = diags;
            diags = new Diagnostics();
            Type v = expr(value);
            diags = saved;
            if (stringish(v) && !(v instanceof Type.Error)) t = Type.STRING;
            else if (v instanceof Type.Pointer) t = v;
            else if (v instanceof Type.Array a) t = new Type.Pointer(a.element(), model);
        }
        declareImplicit(n, t);
    }

    private void declareImplicit(Expr.Name n, Type t) {
        reserved(n.name(), n.span(), null);
        Sym.Global g = out.globals.get(n.name());
        if (g == null) out.globals.put(n.name(), new Sym.Global(n.name(), t, true, n.span(), true, null));
        else g.type = t;
    }

    /**
     * Checks that value, of type v, can be stored in something of type to; target says what that is, for the
     * message. The caller computes v, so that a chain `a = b = c = ...` recurses through one frame fewer per link.
     */
    private void assignable(Type to, Type v, Expr value, String target) {
        if (to instanceof Type.Error || v instanceof Type.Error) return;
        if (to instanceof Type.Str) {
            if (!stringish(v)) diags.report(Code.E0400, value.span(), target + ", but this is " + describe(v)
                    + (v.isInteger() ? "; format numbers into a string with sprintf" : ""));
            return;
        }
        v = decay(v, value);
        if (v instanceof Type.Str) diags.report(Code.E0400, value.span(), target + ", but this is a string");
    }

    private static String n(Expr target) { return target.span().text(); }

    private Type incDec(Expr.IncDec i) {
        Expr t = i.target();
        if (t instanceof Expr.Index ix && ix.base() instanceof Expr.Name n && !(lookup(n.name()) instanceof Sym.Local)
                && !(lookup(n.name()) instanceof Sym.Global)) {
            aggrUpdate(ix, i.span());
            if (!i.increment()) diags.report(Code.E0311, i.span(), "aggregates only count up: use " + countUp(i.span(), indexText(ix)));
            return Type.VOID;
        }
        if (t instanceof Expr.Name n && lookup(n.name()) instanceof Sym.Aggr a) {
            aggrKeyless(a, n, i.span());
            if (!i.increment()) diags.report(Code.E0311, i.span(), "aggregates only count up: use " + countUp(i.span(), a.name));
            return Type.VOID;
        }
        if (t instanceof Expr.Name n && Builtin.byName(n.name()) != null) {
            diags.report(Code.E0305, n.span(), "`" + n.name() + "` is a built-in variable and cannot be assigned");
            return Type.ERROR;
        }
        if (t instanceof Expr.Name n && definesImplicit(n)) implicitGlobal(n, null);
        Type ty = expr(t);
        if (ty instanceof Type.Error) return ty;
        Sym s = out.refs.get(t);
        if (!(t instanceof Expr.Name) || !(s instanceof Sym.Global || s instanceof Sym.Local)) {
            diags.report(Code.E0407, t.span(), isGuestLvalue(t) ? "guest memory is read-only to probes" : "`++`/`--` need a variable");
            return Type.ERROR;
        }
        if (ty instanceof Type.Str) {
            diags.report(Code.E0400, i.span(), "`++`/`--` need an integer, not a string");
            return Type.ERROR;
        }
        return ty;
    }

    private void insert(Stmt.Insert ins) {
        Expr t = ins.target();
        Type v = rvalue(ins.value());
        if (v instanceof Type.Str) diags.report(Code.E0400, ins.value().span(), "aggregate and bag values are integers, not strings");
        if (t instanceof Expr.Index ix && ix.base() instanceof Expr.Name n && lookup(n.name()) instanceof Sym.Bag bag) {
            out.refs.put(ix.base(), bag);
            bagKey(ix, bag);
            return;
        }
        if (ins.bagOnly()) {
            notABag(ins);
            return;
        }
        if (t instanceof Expr.Index ix && ix.base() instanceof Expr.Name n
                && !(lookup(n.name()) instanceof Sym.Local) && !(lookup(n.name()) instanceof Sym.Global)) {
            aggrUpdate(ix, ins.span());
            return;
        }
        if (t instanceof Expr.Name n && lookup(n.name()) instanceof Sym.Aggr a) {
            aggrKeyless(a, n, ins.span());
            return;
        }
        if (t instanceof Expr.Name n && lookup(n.name()) instanceof Sym.Bag bag) {
            // A bag without its key: that is the one error (E0313), the `<-` itself is right.
            out.refs.put(n, bag);
            out.types.put(n, Type.ERROR);
            diags.report(Code.E0313, n.span(), "bag `" + bag.name + "` needs a key: `"
                    + syntax(n.span()).pick(bag.name + "[key]", "(baginsert " + bag.name + " KEY VALUE)") + "`");
            return;
        }
        boolean undeclared = t instanceof Expr.Name n && lookup(n.name()) == null;
        if (t instanceof Expr.Index ix) for (Expr k : ix.indices()) expr(k);
        else if (!undeclared) expr(t);
        Expr named = t instanceof Expr.Index ix ? ix.base() : t;
        Syntax syntax = syntax(t.span());
        diags.report(Code.E0418, t.span(), syntax.pick("`<-` adds to an aggregate (`a[k] <- v`) or inserts into a bag (`b[k] <- v`)",
                "`(aggr a (K...) (S...) V)` adds to an aggregate and `(baginsert b K V)` inserts into a bag") + "; `"
                + named.span().text() + "` is neither" + (undeclared ? " (a keyless aggregate must be declared: `"
                + syntax.pick("aggr " + t.span().text() + ";", "(defaggr " + t.span().text() + " 0 0)") + "`)" : ""));
    }

    /** `(baginsert B K V)` whose B is not a bag: one error, with what B is instead. */
    private void notABag(Stmt.Insert ins) {
        Expr.Index ix = (Expr.Index) ins.target();
        Expr.Name n = (Expr.Name) ix.base();
        for (Expr k : ix.indices()) expr(k);
        Sym s = lookup(n.name());
        String what = switch (s) {
            case null -> "is not declared: declare it with `(defbag " + n.name() + " SIZE)`";
            case Sym.Aggr _ -> "is an aggregate: update it with `(aggr " + n.name() + " (INT-KEYS...) (STRING-KEYS...) VALUE)`";
            default -> "is not a bag";
        };
        diags.report(Code.E0418, n.span(), "`(baginsert BAG KEY VALUE)` inserts into a bag; `" + n.name() + "` " + what);
    }

    private void bagKey(Expr.Index ix, Sym.Bag bag) {
        if (ix.indices().size() != 1) {
            diags.report(Code.E0313, ix.span(), "bag `" + bag.name + "` takes exactly one integer key");
            for (Expr k : ix.indices()) expr(k);
            return;
        }
        Type k = rvalue(ix.indices().get(0));
        if (k instanceof Type.Str) diags.report(Code.E0400, ix.indices().get(0).span(), "bag keys are integers");
    }

    private void aggrKeyless(Sym.Aggr a, Expr.Name n, Span span) {
        out.refs.put(n, a);
        if (a.intKeys + a.strKeys != 0)
            diags.report(Code.E0313, span, "aggregate `" + a.name + "` has " + keys(a) + ": write `"
                    + syntax(span).pick(a.name + "[...]", "(aggr " + a.name + " (...) (...) VALUE)") + "`");
    }

    private void aggrUpdate(Expr.Index ix, Span span) {
        Expr.Name n = (Expr.Name) ix.base();
        int ints = 0, strs = 0;
        for (Expr k : ix.indices()) {
            Type t = expr(k);
            if (stringish(t) && !(t instanceof Type.Error)) strs++;
            else { decay(t, k); ints++; }
        }
        Sym s = lookup(n.name());
        // The first keyed use declares the aggregate; later passes settle its keys again there.
        if (s == null) {
            reserved(n.name(), n.span(), "an implicit aggregate");
            s = new Sym.Aggr(n.name(), ints, strs, 0, n.span(), false);
            out.aggrs.put(n.name(), (Sym.Aggr) s);
        } else if (s instanceof Sym.Aggr implicit && !implicit.declared && implicit.span.equals(n.span())) {
            reserved(n.name(), n.span(), "an implicit aggregate");
            implicit.intKeys = ints;
            implicit.strKeys = strs;
        }
        if (!(s instanceof Sym.Aggr a)) {
            diags.report(Code.E0418, n.span(), "`" + n.name() + "` is not an aggregate, so `" + indexText(ix) + "` cannot be updated");
            return;
        }
        out.refs.put(n, a);
        out.types.put(n, Type.ERROR);
        if (a.intKeys != ints || a.strKeys != strs)
            diags.add(new Diagnostic(Code.E0313, "aggregate `" + a.name + "` has " + keys(a) + ", but this update gives "
                    + ints + " integer and " + strs + " string key" + (strs == 1 ? "" : "s") + "; every update uses the same keys",
                    ix.span()).withLabel(a.span, a.declared ? "declared here" : "its first update, which sets its keys"));
        if (ints + strs > 10) diags.report(Code.E0313, ix.span(), "an aggregate has at most 10 keys");
    }

    private void writeOnly(Sym.Aggr a, Span span) {
        Diagnostic d = new Diagnostic(Code.E0311, "aggregate `" + a.name + "` is write-only: update it with " + updateHow(span, a.name)
                + ", print it with logaggr" + (a.declared ? "" : "; it is an aggregate because a keyed update of an undeclared name declares one;"
                + " to read values back, declare a bag: `" + syntax(span).bagDecl(a.name, "N") + "`"), span);
        diags.add(d.withLabel(a.span, a.declared ? "declared here" : "declared by this update"));
    }

    /** How an aggregate is updated, in the language of the span. */
    private String updateHow(Span span, String aggr) {
        return syntax(span).pick("`++` or `<-`", "`(aggr " + aggr + " (INT-KEYS...) (STRING-KEYS...) VALUE)`");
    }

    /** The two ways to count an aggregate element up: `a[k]++` or `a[k] <- value`, `(++ (index a k))` or `(<- (index a k) value)`. */
    private String countUp(Span span, String element) {
        return syntax(span).pick("`" + element + "++` or `" + element + " <- value`",
                "`(++ " + element + ")` or `(<- " + element + " value)`");
    }

    /** An element of an aggregate or bag as written, in VP as (index ...): the text of an (aggr ...) form's keys is not one. */
    private String indexText(Expr.Index ix) {
        if (syntax(ix.span()) == Syntax.EMMETT) return ix.span().text();
        StringBuilder sb = new StringBuilder("(index ").append(ix.base().span().text());
        for (Expr k : ix.indices()) sb.append(' ').append(k.span().text());
        return sb.append(')').toString();
    }

    /** Adding a value to an element: `a[k] <- value`, in VP `(<- (index a k) value)`, or for a bag `(baginsert b k value)`. */
    private String insertText(Expr.Index ix) {
        if (syntax(ix.span()) == Syntax.EMMETT) return ix.span().text() + " <- value";
        if (lookupBase(ix) instanceof Sym.Bag && ix.indices().size() == 1)
            return "(baginsert " + ix.base().span().text() + " " + ix.indices().get(0).span().text() + " value)";
        return "(<- " + indexText(ix) + " value)";
    }

    private static String keys(Sym.Aggr a) {
        return a.intKeys + " integer key" + (a.intKeys == 1 ? "" : "s") + " and " + a.strKeys + " string key" + (a.strKeys == 1 ? "" : "s");
    }

    private Type index(Expr.Index i) {
        Sym s = lookupBase(i);
        if (s instanceof Sym.Bag bag) {
            out.refs.put(i.base(), bag);
            bagKey(i, bag);
            return Type.U64;
        }
        if (s instanceof Sym.Aggr a) {
            out.refs.put(i.base(), a);
            for (Expr k : i.indices()) expr(k);
            writeOnly(a, i.span());
            return Type.ERROR;
        }
        Type base = expr(i.base());
        if (i.indices().size() != 1) {
            for (Expr k : i.indices()) expr(k);
            if (!(base instanceof Type.Error))
                diags.report(Code.E0413, i.span(), "only aggregates take several keys; `" + i.base().span().text() + "` is " + describe(base));
            return Type.ERROR;
        }
        Type k = rvalue(i.indices().get(0));
        if (k instanceof Type.Str) diags.report(Code.E0400, i.indices().get(0).span(), "an index must be an integer");
        return switch (base) {
            case Type.Pointer p -> { guestRead(i.span(), p.model()); yield p.target(); }
            case Type.Array a -> a.element();
            case Type.Error e -> e;
            default -> {
                diags.report(Code.E0413, i.span(), "cannot index " + describe(base) + "; index a pointer, a guest array, an aggregate or a bag");
                yield Type.ERROR;
            }
        };
    }

    private Type member(Expr.Member m) {
        Type base = expr(m.base());
        Type.Struct st = null;
        if (m.arrow()) {
            if (base instanceof Type.Pointer p && p.target() instanceof Type.Struct s) { st = s; guestRead(m.span(), p.model()); }
            else if (base instanceof Type.Struct s) {
                diags.add(new Diagnostic(Code.E0406, "`" + m.base().span().text() + "` is a struct, not a pointer: use `.`", m.span())
                        .withFix(Fix.replace("use `.`", arrowSpan(m), ".")));
                return Type.ERROR;
            }
        } else {
            if (base instanceof Type.Struct s) st = s;
            else if (base instanceof Type.Pointer p && p.target() instanceof Type.Struct) {
                diags.add(new Diagnostic(Code.E0406, "`" + m.base().span().text() + "` is a pointer: use `->`", m.span())
                        .withFix(Fix.replace("use `->`", arrowSpan(m), "->")));
                return Type.ERROR;
            }
        }
        if (base instanceof Type.Error) return base;
        if (st == null) {
            diags.report(Code.E0406, m.span(), "`" + m.field() + "` needs a struct or union, but `" + m.base().span().text() + "` is " + describe(base)
                    + (base.isInteger() ? "; cast it to a struct pointer first, e.g. `" + syntax(m.span()).pick(
                            "((struct task *)" + m.base().span().text() + ")->" + m.field(),
                            "(-> (cast (* (struct task)) " + m.base().span().text() + ") " + m.field() + ")") + "`" : ""));
            return Type.ERROR;
        }
        if (!st.complete) {
            diags.report(Code.E0416, m.span(), st + " is declared but never defined, so it has no fields");
            return Type.ERROR;
        }
        Type.Field f = st.field(m.field());
        if (f == null) {
            List<String> names = st.fields.stream().map(Type.Field::name).toList();
            diags.add(new Diagnostic(Code.E0310, st + " has no field `" + m.field() + "`" + hint(m.field(), names), m.fieldSpan()));
            return Type.ERROR;
        }
        out.fields.put(m, f);
        return f.type();
    }

    /** The `.` or `->` before the field name (the base's span may stop before a closing parenthesis); in VP the head of `(-> p f)`. */
    private Span arrowSpan(Expr.Member m) {
        String text = m.span().file().text();
        if (syntax(m.span()) == Syntax.VP) {
            String head = Syntax.head(m.span());
            int start = m.span().start() + m.span().text().indexOf(head == null ? "(" : head);
            return new Span(m.span().file(), start, start + (head == null ? 0 : head.length()));
        }
        int end = m.fieldSpan().start();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) end--;
        int start = end >= 2 && text.startsWith("->", end - 2) ? end - 2 : Math.max(0, end - 1);
        return new Span(m.span().file(), start, end);
    }

    private Type cast(Expr.Cast c) {
        Type to = resolve(c.type());
        Type from = rvalue(c.operand());
        if (to instanceof Type.Error || from instanceof Type.Error) return Type.ERROR;
        if (to instanceof Type.Str) {
            if (from instanceof Type.Str) return to;
            if (from instanceof Type.Pointer p) guestRead(c.span(), p.model());
            else usesVcpu(c.span(), "reading a guest string by linear address");
            return Type.STRING;
        }
        if (from instanceof Type.Str) {
            diags.report(Code.E0400, c.span(), "cannot cast a string to " + to);
            return Type.ERROR;
        }
        if (to instanceof Type.Int || to instanceof Type.Pointer) return to;
        diags.report(Code.E0400, c.span(), "cannot cast to " + to + "; cast to a pointer to it instead");
        return Type.ERROR;
    }

    // ---------------------------------------------------------------- calls

    private Type call(Expr.Call c) {
        BuiltinFunction bf = BuiltinFunction.byName(c.name());
        Sym s = lookup(c.name());
        if (bf != null && !(s instanceof Sym.Function)) {
            out.builtinCalls.put(c, bf);
            return BuiltinCalls.check(this, c, bf);
        }
        if (!(s instanceof Sym.Function f)) {
            for (Expr a : c.args()) expr(a);
            List<String> names = new ArrayList<>(out.functions.keySet());
            for (BuiltinFunction b : BuiltinFunction.values()) names.add(b.spelling);
            String preload = c.name().equals("curprocname") || c.name().equals("curpid")
                    ? ": it is not built in; guest-specific helpers like it come from the guest's preload script (`vp check --preload FILE`)" : "";
            diags.add(new Diagnostic(Code.E0303, "unknown function `" + c.name() + "`" + preload + hint(c.name(), names), c.nameSpan()));
            return Type.ERROR;
        }
        out.refs.put(c, f);
        callsFrom.computeIfAbsent(body, k -> new LinkedHashMap<>()).putIfAbsent(f, c.span());
        if (c.args().size() != f.params.size()) {
            for (Expr a : c.args()) expr(a);
            diags.add(new Diagnostic(Code.E0411, "`" + f.name + "` takes " + f.params.size() + " argument" + (f.params.size() == 1 ? "" : "s")
                    + ", but " + c.args().size() + (c.args().size() == 1 ? " was" : " were") + " given", c.span()).withLabel(f.span, "declared here"));
            return f.returns;
        }
        for (int i = 0; i < c.args().size(); i++)
            assignable(f.params.get(i), expr(c.args().get(i)), c.args().get(i), "parameter `" + f.paramNames.get(i) + "` of `" + f.name + "` is " + describe(f.params.get(i)));
        return f.returns;
    }

    /** The language a diagnostic at the span speaks (Checked.syntax). */
    Syntax syntax(Span span) { return out.syntax(span); }

    // Accessors for BuiltinCalls, which checks the built-in functions' arguments.
    Diagnostics diags() { return diags; }
    Type exprType(Expr e) { return expr(e); }
    Type rvalueType(Expr e) { return rvalue(e); }
    boolean isStringish(Type t) { return stringish(t); }
    Checked.ProbeInfo currentProbe() { return probe; }
    void readsVcpu(Span span, String what) { usesVcpu(span, what); }
    Sym lookupName(String name) { return lookup(name); }
    Collection<String> aggregateNames() { return out.aggrs.keySet(); }
    void recordRef(Expr e, Sym s) { out.refs.put(e, s); out.types.put(e, Type.ERROR); }
    void recordConstant(Expr e, long v) { out.constants.put(e, v); }

    /** The name of an assignable script variable a built-in writes into (sprintf, getgueststr...). */
    Type stringTarget(Expr e, String what) {
        if (e instanceof Expr.Name n && Builtin.byName(n.name()) == null && definesImplicit(n)) declareImplicit(n, Type.STRING);
        Type t = expr(e);
        if (t instanceof Type.Error) return t;
        Sym s = out.refs.get(e);
        if (!(e instanceof Expr.Name) || !(s instanceof Sym.Global || s instanceof Sym.Local) || !(t instanceof Type.Str)) {
            diags.report(Code.E0600, e.span(), what + " writes into a string variable; `" + e.span().text() + "` is not one");
            return Type.ERROR;
        }
        return t;
    }

    // ---------------------------------------------------------------- probe specifications

    private Checked.ProbeInfo probeSpec(Decl.Probe p) {
        ProbeSpec spec = p.spec();
        Domain domain = null;
        String written = spec.domain();
        if (written != null) {
            String base = written.replaceAll("[0-9]+$", "");
            try { domain = Domain.valueOf(base); } catch (IllegalArgumentException e) { domain = null; }
            if (domain == null) {
                diags.add(new Diagnostic(Code.E0507, "unknown domain `" + written + "`" + hint(base, List.of("GUEST", "VMM", "VMX")), spec.span()));
            } else if (!base.equals(written) && !written.substring(base.length()).matches("0+")) {
                diags.report(Code.E0508, spec.span(), "`" + written + "`: this monitor runs one VM, so the VM index must be 0");
            }
        }
        if (spec.legacy() != null) legacy(spec);
        String point = null, symbol = spec.symbol();
        long address = 0, period = 0;
        boolean exitProbe = false;
        switch (spec.kind()) {
            case STATIC -> {
                Target.StaticProbe sp = target.staticProbe(spec.name());
                if (sp == null && !target.acceptsAny()) {
                    List<String> names = new ArrayList<>(target.staticProbeNames());
                    String extra = spec.domain() == null && target.hasSymbols() && target.symbol(spec.name()) != null
                            ? "; `" + spec.name() + "` is a guest symbol: write GUEST:ENTER:" + spec.name() : "";
                    diags.add(new Diagnostic(Code.E0500, "unknown probe `" + spec.name() + "`" + hint(spec.name(), names) + extra, spec.span()));
                } else if (sp != null) {
                    if (domain != null && domain != sp.domain())
                        diags.report(Code.E0507, spec.span(), "`" + sp.name() + "` is a " + sp.domain() + " probe, not " + domain);
                    domain = sp.domain();
                    exitProbe = sp.exitProbe();
                } else if (domain == null) domain = Domain.VMM;
                point = spec.name();
            }
            case TIMER, PROFILE -> {
                if (domain == null) domain = Domain.VMM;
                if (domain == Domain.GUEST || spec.kind() == ProbeSpec.Kind.PROFILE && domain == Domain.VMX) {
                    diags.report(Code.E0507, spec.span(), spec.kind() + " probes run in the VMM" + (spec.kind() == ProbeSpec.Kind.TIMER ? " or VMX" : "") + " domain, not " + domain);
                }
                period = periodNs(spec);
                if (period <= 0) diags.report(Code.E0505, spec.span(), "a probe period must be positive, e.g. `" + spec.kind() + ":10msec`");
                else if (period < target.minPeriodNs())
                    diags.report(Code.E0505, spec.span(), "period " + spec.number() + spec.unit() + " is shorter than this target's minimum of "
                            + (target.minPeriodNs() / 1000) + "usec; probe less often, e.g. `" + spec.kind() + ":" + (target.minPeriodNs() / 1000) + "usec`");
                point = spec.kind().name();
            }
            default -> {
                if (domain != null && domain != Domain.GUEST)
                    diags.report(Code.E0507, spec.span(), spec.kind() + " probes are GUEST probes, not " + domain);
                domain = Domain.GUEST;
                String why = target.unsupported(spec.kind());
                if (why != null) diags.report(Code.E0502, spec.span(), "this target cannot arm " + spec.kind() + " probes: " + why
                        + (spec.kind() == ProbeSpec.Kind.READ ? "; watch writes with GUEST:WRITE, or probe the code that reads the data" : ""));
                point = "GUEST:" + spec.kind().name();
                exitProbe = false;
                if (symbol != null) {
                    Long a = target.symbol(symbol);
                    if (a == null && target.hasSymbols())
                        diags.add(new Diagnostic(Code.E0501, "unknown guest symbol `" + symbol + "`" + (target.staticProbeNames().contains(symbol)
                                ? "; `" + symbol + "` is a static probe of the monitor: write it without `GUEST:`"
                                : hint(symbol, target.symbolNames())), spec.span()));
                    else if (a != null) address = a + (spec.kind() == ProbeSpec.Kind.OFFSET ? spec.number() : 0);
                } else {
                    address = spec.number();
                }
                boolean execution = spec.kind() == ProbeSpec.Kind.ENTER || spec.kind() == ProbeSpec.Kind.ADDRESS
                        || spec.kind() == ProbeSpec.Kind.SYMBOL || spec.kind() == ProbeSpec.Kind.OFFSET || spec.kind() == ProbeSpec.Kind.EXIT;
                if (execution && why == null && target.hasSymbols() && (address != 0 || symbol == null) && !target.patchable(address))
                    diags.report(Code.E0510, spec.span(), "cannot probe `" + spec.text() + "` at " + hex(address) + ": it is not a patchable site"
                            + " (this target arms execution probes only at function entries built with -fpatchable-function-entry);"
                            + " probe the entry of a function built that way");
            }
        }
        if (domain == null) domain = Domain.VMM;
        List<Sym.Local> params = new ArrayList<>();
        Target.StaticProbe sp = spec.kind() == ProbeSpec.Kind.STATIC && !target.acceptsAny() ? target.staticProbe(spec.name()) : null;
        int max = switch (spec.kind()) {
            case EXIT -> 1;
            case TIMER, PROFILE -> 0;
            case STATIC -> sp == null ? 10 : sp.args().size();
            default -> 10;
        };
        if (p.params().size() > max) {
            String why = switch (spec.kind()) {
                case EXIT -> "an EXIT probe takes at most one parameter (the return value)";
                case TIMER, PROFILE -> "a periodic probe has no arguments, so it takes no parameters";
                case STATIC -> sp == null ? "a probe takes at most 10 parameters (ARG0..ARG9)" : sp.args().isEmpty()
                        ? "`" + sp.name() + "` has no arguments, so it takes no parameters"
                        : "`" + sp.name() + "` has " + sp.args().size() + " argument" + (sp.args().size() == 1 ? "" : "s")
                                + " (" + String.join(", ", sp.args()) + "), so it takes at most " + sp.args().size() + " parameter"
                                + (sp.args().size() == 1 ? "" : "s");
                default -> "a probe takes at most 10 parameters (ARG0..ARG9)";
            };
            diags.report(Code.E0506, p.params().get(max).span(), why);
        }
        for (int i = 0; i < p.params().size(); i++) {
            Decl.Param prm = p.params().get(i);
            Type t = valueType(resolve(prm.type()), prm.type().span(), "a probe parameter");
            if (t instanceof Type.Str) {
                diags.report(Code.E0400, prm.type().span(), "probe parameters are integers or pointers (ARG0..ARG9)");
                t = Type.ERROR;
            }
            Sym.Local l = new Sym.Local(prm.name(), t, prm.nameSpan(), Math.min(i, 9));
            params.add(l);
            out.params.put(prm, l);
        }
        return new Checked.ProbeInfo(p, spec.text(), domain, point, symbol, address, period, exitProbe, params);
    }

    private static long periodNs(ProbeSpec spec) {
        long mult = switch (spec.unit() == null ? "" : spec.unit()) {
            case "sec" -> 1_000_000_000L;
            case "msec" -> 1_000_000L;
            case "usec" -> 1_000L;
            default -> 0;
        };
        // The number is unsigned like every integer: 2^63 and above is a long period, not a negative one.
        return Long.compareUnsigned(spec.number(), Long.MAX_VALUE / Math.max(1, mult)) > 0 ? Long.MAX_VALUE : spec.number() * mult;
    }

    private void legacy(ProbeSpec spec) {
        String modern = switch (spec.legacy()) {
            case "USEC" -> "PROFILE:" + Long.toUnsignedString(spec.number()) + "usec";
            case "GUEST_READ" -> "GUEST:READ:" + (spec.symbol() != null ? spec.symbol() : hex(spec.number()));
            case "GUEST_WRITE" -> "GUEST:WRITE:" + (spec.symbol() != null ? spec.symbol() : hex(spec.number()));
            default -> null;
        };
        if (modern == null) return;
        diags.add(new Diagnostic(Code.W0500, "`" + spec.legacy() + ":` is a deprecated spelling; write `" + modern + "`", spec.span())
                .withFix(Fix.replace("use `" + modern + "`", spec.span(), modern)));
    }

    /** A per-vCPU variable used in a VMX clause: the fix declares it pervm (one copy for the VM). */
    private void perVcpuInHost(Sym.Global g, Span use) {
        // The declaration goes in the file of the variable (or of the clause), in that file's language.
        SourceFile declFile = g.decl == null ? probe.decl().span().file() : g.decl.span().file();
        String decl = syntax(Span.at(declFile, 0)).varDecl(g.type, g.name, "pervm");
        Diagnostic d = new Diagnostic(Code.E0509, "`" + g.name + "` is per vCPU (" + (g.implicit ? "an implicitly declared variable"
                : "perthread") + "), and " + probe.spec() + " runs on the host without a vCPU; declare it `" + decl + "`", use);
        Decl.Var v = g.decl;
        if (v == null) {
            SourceFile file = probe.decl().span().file();
            int lineStart = file.offset(probe.decl().span().line(), 1);
            d = d.withFix(Fix.replace("declare `" + g.name + "` pervm", Span.at(file, lineStart), decl + "\n"));
        } else if (v.storage() == Decl.Storage.DEFAULT) {
            d = d.withFix(Fix.replace("declare it pervm", Span.at(v.span().file(), storageAt(v)), "pervm "))
                    .withLabel(v.nameSpan(), "declared here");
        } else if (v.span().file().text().startsWith("perthread", storageAt(v))) {
            d = d.withFix(Fix.replace("declare it pervm", new Span(v.span().file(), storageAt(v), storageAt(v) + 9), "pervm"))
                    .withLabel(v.nameSpan(), "declared here");
        }
        diags.add(d);
    }

    /** Where a global's storage class is (or goes): the start of an Emmett declaration, after the head of a VP (definteger ...). */
    private int storageAt(Decl.Var v) {
        int at = v.span().start();
        if (syntax(v.span()) == Syntax.EMMETT) return at;
        String text = v.span().file().text(), head = Syntax.head(v.span());
        if (head == null) return at;
        return Math.min(skipBlanks(text, text.indexOf(head, at) + head.length()), v.span().end());
    }

    /** After all bodies: a VMX clause must not call a function that reads vCPU state or per-vCPU variables. */
    private void checkVmxReach() {
        for (Checked.ProbeInfo p : out.probes) {
            if (p.domain() != Domain.VMX) continue;
            Map<Sym.Function, Span> direct = callsFrom.getOrDefault(p.decl(), Map.of());
            for (Map.Entry<Sym.Function, Span> call : direct.entrySet()) {
                Reach vcpu = reach(call.getKey(), vcpuUse, new HashSet<>());
                if (vcpu != null)
                    diags.add(new Diagnostic(Code.E0503, vcpu.chain() + " reads vCPU state (`" + vcpu.use().text() + "`), but " + p.spec()
                            + " runs on the host without a vCPU; pass the value from a VMM probe through a pervm variable",
                            call.getValue()).withLabel(vcpu.use(), "vCPU state read here"));
                Reach var = reach(call.getKey(), perVcpuUse, new HashSet<>());
                if (var != null)
                    diags.add(new Diagnostic(Code.E0509, var.chain() + " uses the per-vCPU variable `" + var.use().text() + "`, but "
                            + p.spec() + " runs on the host without a vCPU; declare that variable pervm", call.getValue())
                            .withLabel(var.use(), "used here"));
            }
        }
    }

    /** A call chain from a function to the first body that uses something; chain() reads "`f` (through `g`)". */
    private record Reach(List<String> path, Span use) {
        String chain() {
            String first = "`" + path.get(0) + "`";
            if (path.size() == 1) return first;
            return first + " (through " + String.join(" -> ", path.subList(1, path.size()).stream().map(s -> "`" + s + "`").toList()) + ")";
        }
    }

    private Reach reach(Sym.Function f, Map<Object, Span> uses, Set<Sym.Function> seen) {
        if (!seen.add(f)) return null;
        Span s = uses.get(f);
        if (s != null) return new Reach(List.of(f.name), s);
        for (Sym.Function g : callsFrom.getOrDefault(f, Map.of()).keySet()) {
            Reach t = reach(g, uses, seen);
            if (t != null) {
                List<String> path = new ArrayList<>();
                path.add(f.name);
                path.addAll(t.path());
                return new Reach(path, t.use());
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Constant folding for initializers, array lengths, pinned offsets and enum values, with the operators'
     * meaning in probes: `/ % >> < <= > >=` unsigned, `&& || ?:` evaluating only what they need.
     */
    Long constant(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> i.value();
            case Expr.Name n when enumConsts.containsKey(n.name()) -> enumConsts.get(n.name()).value();
            case Expr.Unary u when u.op() == Expr.UnOp.NEG -> { Long v = constant(u.operand()); yield v == null ? null : -v; }
            case Expr.Unary u when u.op() == Expr.UnOp.BITNOT -> { Long v = constant(u.operand()); yield v == null ? null : ~v; }
            case Expr.Unary u when u.op() == Expr.UnOp.NOT -> { Long v = constant(u.operand()); yield v == null ? null : truth(v == 0); }
            case Expr.Unary u when u.op() == Expr.UnOp.PLUS -> constant(u.operand());
            case Expr.SizeofType s -> { Type t = resolve(s.type()); yield t.size(); }
            case Expr.Cast c -> {
                // As in probes (Lowerer.narrow): a narrower integer type truncates and extends by its signedness.
                Type t = resolve(c.type());
                Long v = constant(c.operand());
                yield v == null ? null : switch (t) {
                    case Type.Int i when i.bytes() == 1 -> i.signed() ? (long) (byte) v.longValue() : v & 0xff;
                    case Type.Int i when i.bytes() == 2 -> i.signed() ? (long) (short) v.longValue() : v & 0xffff;
                    case Type.Int i when i.bytes() == 4 -> i.signed() ? (long) (int) v.longValue() : v & 0xffff_ffffL;
                    case Type.Int i -> v;
                    case Type.Pointer p -> v;
                    default -> null;
                };
            }
            case Expr.Conditional c -> { Long v = constant(c.cond()); yield v == null ? null : constant(v != 0 ? c.then() : c.otherwise()); }
            case Expr.Binary b when b.op() == Expr.BinOp.LAND || b.op() == Expr.BinOp.LOR -> {
                Long l = constant(b.left());
                boolean decided = l != null && (l != 0) == (b.op() == Expr.BinOp.LOR); // 0 && x, 1 || x
                Long v = l == null || decided ? l : constant(b.right());
                yield v == null ? null : truth(v != 0);
            }
            case Expr.Binary b -> {
                Long l = constant(b.left()), r = constant(b.right());
                if (l == null || r == null) yield null;
                if (r == 0 && (b.op() == Expr.BinOp.DIV || b.op() == Expr.BinOp.MOD)) {
                    if (zeroDivision == null) zeroDivision = b;
                    yield null;
                }
                yield switch (b.op()) {
                    case ADD -> l + r; case SUB -> l - r; case MUL -> l * r;
                    case DIV -> Long.divideUnsigned(l, r); case MOD -> Long.remainderUnsigned(l, r);
                    case SHL -> l << r; case SHR -> l >>> r; case AND -> l & r; case OR -> l | r; case XOR -> l ^ r;
                    case EQ -> truth(l.longValue() == r); case NE -> truth(l.longValue() != r);
                    case LT -> truth(Long.compareUnsigned(l, r) < 0); case LE -> truth(Long.compareUnsigned(l, r) <= 0);
                    case GT -> truth(Long.compareUnsigned(l, r) > 0); case GE -> truth(Long.compareUnsigned(l, r) >= 0);
                    default -> null;
                };
            }
            default -> null;
        };
    }

    private static long truth(boolean b) { return b ? 1 : 0; }

    /** The value of a constant expression, or null after saying why it is not one (silent after a syntax error). */
    private Long constantFor(Expr e, String what) {
        unsignedWarnings(e);
        zeroDivision = null;
        Long v = constant(e);
        if (v == null && !(e instanceof Expr.Error)) {
            String text = e.span().text();
            if (zeroDivision != null) divisionByZero(what);
            else diags.report(Code.E0410, e.span(), what + " must be a constant (integers, enum values, "
                    + syntax(e.span()).pick("sizeof(type)", "(sizeof TYPE)") + ", casts and operators on them)"
                    + (text.length() <= 40 && !text.contains("\n") ? "; `" + text + "` is not one" : ""));
        }
        return v;
    }

    /** W0400 and W0401 in a constant expression, whose comparisons are unsigned as in probes (`int neg = -1 < 0;` is 0). */
    private void unsignedWarnings(Expr e) {
        switch (e) {
            case Expr.Binary b -> {
                if (b.op().isOrdering()) unsignedWarning(b);
                unsignedWarnings(b.left());
                unsignedWarnings(b.right());
            }
            case Expr.Unary u -> unsignedWarnings(u.operand());
            case Expr.Cast c -> unsignedWarnings(c.operand());
            case Expr.Conditional c -> { unsignedWarnings(c.cond()); unsignedWarnings(c.then()); unsignedWarnings(c.otherwise()); }
            default -> { }
        }
    }

    /**
     * gcc's -Wdiv-by-zero: `x / 0`, `x % (2 - 2)`, `x /= 0` in a body cancel every firing that reaches them. A warning, not
     * an error (E0419 is for constants, which have no value then): the code may never run.
     */
    private void divisionByZeroWarning(Expr.BinOp op, String symbol, Span whole, Span left, Expr divisor) {
        if (unevaluated > 0) return;
        Long v = quietConstant(divisor);
        if (v == null || v != 0) return;
        Span at = operatorSpan(whole, left, divisor.span(), symbol);
        String what = op == Expr.BinOp.DIV ? "division" : "modulo", text = whole.text();
        String reached = at != null && text.length() <= 40 && !text.contains("\n") ? "`" + text + "`" : "this " + what;
        Diagnostic d = new Diagnostic(Code.W0404, what + " by zero: every firing that reaches " + reached
                + " is cancelled (`division-by-zero`); use a divisor that is not 0", at == null ? divisor.span() : at);
        if (at != null && !(divisor instanceof Expr.IntLit)) d = d.withLabel(divisor.span(), "this is 0");
        diags.add(d);
    }

    /**
     * Where the operator `symbol` between two operands is written: between them in Emmett, at the head of the form in
     * VP (`(/ x 0)`); null when neither (inside a macro's expansion).
     */
    private Span operatorSpan(Span whole, Span left, Span right, String symbol) {
        if (left.file() != whole.file() || right.file() != whole.file()) return null;
        String text = whole.file().text();
        if (left.end() <= right.start()) {
            int i = text.indexOf(symbol, left.end());
            if (i >= 0 && i + symbol.length() <= right.start()) return new Span(whole.file(), i, i + symbol.length());
        }
        if (syntax(whole) == Syntax.VP && text.charAt(whole.start()) == '(') {
            int i = skipBlanks(text, whole.start() + 1);
            if (text.startsWith(symbol, i) && i + symbol.length() < text.length() && Character.isWhitespace(text.charAt(i + symbol.length())))
                return new Span(whole.file(), i, i + symbol.length());
        }
        return null;
    }

    /**
     * constant() for an expression of a body, without its side effects: no diagnostics (a cast's type is resolved
     * again), the last division by zero kept, and null when a name in it is a variable that hides an enum constant.
     */
    private Long quietConstant(Expr e) {
        if (!onlyEnumNames(e)) return null;
        Diagnostics saved = diags;
        Expr.Binary zero = zeroDivision;
        diags = new Diagnostics();
        try {
            return constant(e);
        } finally {
            diags = saved;
            zeroDivision = zero;
        }
    }

    private boolean onlyEnumNames(Expr e) {
        return switch (e) {
            case Expr.Name n -> lookup(n.name()) instanceof Sym.EnumConst;
            case Expr.Unary u -> onlyEnumNames(u.operand());
            case Expr.Binary b -> onlyEnumNames(b.left()) && onlyEnumNames(b.right());
            case Expr.Conditional c -> onlyEnumNames(c.cond()) && onlyEnumNames(c.then()) && onlyEnumNames(c.otherwise());
            case Expr.Cast c -> onlyEnumNames(c.operand());
            default -> true;
        };
    }

    /** Reports the division by zero constant() met last. */
    private void divisionByZero(String where) {
        String text = zeroDivision.span().text();
        diags.report(Code.E0419, zeroDivision.span(), "division by zero in " + where
                + (text.length() <= 40 && !text.contains("\n") ? ": `" + text + "`" : ""));
    }

    private Collection<String> visibleNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Map<String, Sym.Local> s : scopes) names.addAll(s.keySet());
        names.addAll(out.globals.keySet());
        names.addAll(enumConsts.keySet());
        names.addAll(out.functions.keySet());
        return names;
    }

    private Collection<String> builtinNames() {
        List<String> names = new ArrayList<>();
        for (Builtin b : Builtin.values()) if (target.provides(b)) names.add(b.name());
        return names;
    }

    static String hint(String name, Collection<String> candidates) {
        List<String> near = NearestNames.nearest(name, candidates);
        if (near.isEmpty()) return "";
        return near.size() == 1 ? "; did you mean `" + near.get(0) + "`?"
                : "; did you mean " + String.join(", ", near.stream().map(s -> "`" + s + "`").toList()) + "?";
    }

    static String describe(Type t) {
        return switch (t) {
            case Type.Str s -> "a string";
            case Type.Int i -> "an integer";
            case Type.Pointer p -> "a pointer (" + p + ")";
            case Type.Void v -> "void";
            default -> t.toString();
        };
    }

    static String hex(long v) { return "0x" + Long.toHexString(v); }

    private static boolean same(Type a, Type b) { return String.valueOf(a).equals(String.valueOf(b)); }

    private static boolean sameTypes(List<Type> a, List<Type> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!same(a.get(i), b.get(i))) return false;
        return true;
    }
}
