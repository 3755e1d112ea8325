// One test per VP form: each builds exactly the AST nodes the Emmett parser builds for the same construct.
package dev.vp.compiler.parse.vp;

import static dev.vp.compiler.ast.Expr.BinOp.*;
import static dev.vp.compiler.parse.vp.VpAst.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.Expr.UnOp;
import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.ast.ProbeSpec.Kind;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.ast.TypeRef;
import dev.vp.compiler.ast.TypeRef.Prim;
import dev.vp.compiler.check.TestTarget;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VpFormsTest {

    @Test
    void version() {
        assertEquals(new Decl.Version(S, "1.0"), decl("(version \"1.0\")"));
        assertEquals(Script.Language.VP, parse("").language());
    }

    @Test
    void aFileNamedInUpperCaseIsVpToo() {
        var c = TestTarget.compile("EX.VP", "; exits.vp: a comment\n(vprobe VMMLoad (printf \"hi\\n\"))\n");
        assertEquals("", TestTarget.diags(c));
        assertEquals(Script.Language.VP, c.script().language());
    }

    @Test
    void definteger() {
        assertEquals(var(prim(Prim.INT), "n", null), decl("(definteger n)"));
        assertEquals(var(prim(Prim.INT), "n", i(5)), decl("(definteger n 5)"));
        assertEquals(new Decl.Var(S, Decl.Storage.PERVM, prim(Prim.INT), "n", S, i(5)), decl("(definteger pervm n 5)"));
        assertEquals(new Decl.Var(S, Decl.Storage.PERHOST, prim(Prim.INT), "n", S, null), decl("(definteger perhost n)"));
        assertEquals(var(prim(Prim.INT), "pervm", null), decl("(definteger pervm)"));
    }

    @Test
    void defstring() {
        assertEquals(var(prim(Prim.STRING), "s", null), decl("(defstring s)"));
        assertEquals(var(prim(Prim.STRING), "s", str("a\tb\n\"\\\0A")), decl("(defstring s \"a\\tb\\n\\\"\\\\\\0\\x41\")"));
    }

    @Test
    void defvarTakesAType() {
        TypeRef task = new TypeRef.Pointer(S, new TypeRef.Struct(S, false, "task", null));
        assertEquals(var(task, "t", null), decl("(defvar (* (struct task)) t)"));
        assertEquals(new Decl.Var(S, Decl.Storage.PERTHREAD, prim(Prim.UINT16), "w", S, i(1)), decl("(defvar perthread uint16 w 1)"));
    }

    @Test
    void definitionsInsideABodyAreLocals() {
        assertEquals(new Stmt.Local(S, var(prim(Prim.INT), "t0", i(3))), stmt("(definteger t0 3)"));
        assertEquals(new Stmt.Local(S, var(prim(Prim.STRING), "s", null)), stmt("(defstring s)"));
    }

    @Test
    void defaggr() {
        assertEquals(new Decl.Aggr(S, "lat", S, 2, 1, null), decl("(defaggr lat 2 1)"));
        assertEquals(new Decl.Aggr(S, "ticks", S, 1, 0, 4096), decl("(defaggr ticks 1 0 4096)"));
        assertEquals(new Decl.Aggr(S, "nulla", S, 0, 0, null), decl("(defaggr nulla 0 0)"));
    }

    @Test
    void defbag() {
        assertEquals(new Decl.Bag(S, "b", S, 32), decl("(defbag b 32)"));
    }

    @Test
    void defunReturnsItsLastValue() {
        assertEquals(new Decl.Function(S, prim(Prim.INT), "add", S, List.of(param(Prim.INT, "a"), param(Prim.INT, "b")),
                        block(ret(bin(ADD, n("a"), n("b"))))),
                decl("(defun add (a b) (+ a b))"));
    }

    @Test
    void defunWithTypedSignature() {
        assertEquals(new Decl.Function(S, prim(Prim.VOID), "log", S, List.of(param(Prim.STRING, "s")),
                        block(es(call("printf", str("%s\n"), n("s"))))),
                decl("(defun (void log) ((string s)) (printf \"%s\\n\" s))"));
    }

    @Test
    void defunTailRuleGoesThroughCondAndDo() {
        Decl f = decl("(defun (string mode) (cs) (cond ((== cs 0) (logint 1) \"k\") (else (do \"u\"))))");
        Stmt expected = new Stmt.If(S, bin(EQ, n("cs"), i(0)), block(es(call("logint", i(1))), ret(str("k"))), block(block(ret(str("u")))));
        assertEquals(block(expected), ((Decl.Function) f).body());
    }

    @Test
    void defunKeepsStatementsAtTheEnd() {
        Decl f = decl("(defun f (x) (setint y x) (return y))");
        assertEquals(block(es(assign(n("y"), n("x"))), ret(n("y"))), ((Decl.Function) f).body());
    }

    @Test
    void defprotoIsAFunctionWithoutBody() {
        assertEquals(new Decl.Function(S, prim(Prim.STRING), "name", S, List.of(), null), decl("(defproto (string name) ())"));
    }

    @Test
    void vprobeWithBody() {
        ProbeSpec spec = new ProbeSpec(S, null, Kind.STATIC, "VMM1Hz", null, 0, null, null);
        assertEquals(new Decl.Probe(S, spec, List.of(), block(es(call("printf", str("tick\n"))))),
                decl("(vprobe VMM1Hz (printf \"tick\\n\"))"));
    }

    @Test
    void vprobeWithParameters() {
        Decl.Probe p = (Decl.Probe) decl("(vprobe (GUEST:ENTER:do_syscall nr (string s)) (logint nr))");
        assertEquals(List.of(param(Prim.INT, "nr"), param(Prim.STRING, "s")), p.params());
        assertEquals(new ProbeSpec(S, "GUEST", Kind.ENTER, null, "do_syscall", 0, null, null), p.spec());
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
        "VMM1Hz, -, STATIC, VMM1Hz, -, 0, -, -",
        "VMM:HV_Exit, VMM, STATIC, HV_Exit, -, 0, -, -",
        "VMX1Hz, -, STATIC, VMX1Hz, -, 0, -, -",
        "GUEST:do_fork, GUEST, SYMBOL, -, do_fork, 0, -, -",
        "GUEST:mod!sym, GUEST, SYMBOL, -, mod!sym, 0, -, -",
        "GUEST:0xffffffff81000000, GUEST, ADDRESS, -, -, -2130706432, -, -",
        "GUEST0:ENTER:do_syscall, GUEST, ENTER, -, do_syscall, 0, -, -",
        "GUEST:EXIT:vfs_read, GUEST, EXIT, -, vfs_read, 0, -, -",
        "GUEST:ENTER:0x1000, GUEST, ENTER, -, -, 4096, -, -",
        "GUEST:READ:jiffies, GUEST, READ, -, jiffies, 0, -, -",
        "GUEST:WRITE:ext4!counter, GUEST, WRITE, -, ext4!counter, 0, -, -",
        "GUEST:OFFSET:sym:16, GUEST, OFFSET, -, sym, 16, -, -",
        "TIMER:10msec, -, TIMER, -, -, 10, msec, -",
        "VMX:TIMER:1sec, VMX, TIMER, -, -, 1, sec, -",
        "PROFILE:100usec, -, PROFILE, -, -, 100, usec, -",
        "USEC:100, -, PROFILE, -, -, 100, usec, USEC",
        "GUEST_READ:0x2000, GUEST, READ, -, -, 8192, -, GUEST_READ",
        "GUEST_WRITE:jiffies, GUEST, WRITE, -, jiffies, 0, -, GUEST_WRITE",
    })
    void probeSpecifications(String text, String domain, Kind kind, String name, String symbol, long number, String unit, String legacy) {
        Decl.Probe p = (Decl.Probe) decl("(vprobe " + text + ")");
        assertEquals(new ProbeSpec(S, domain, kind, name, symbol, number, unit, legacy), p.spec());
    }

    @Test
    void setintAndSetstrAssign() {
        assertEquals(assign(n("x"), bin(ADD, n("x"), i(1))), expr("(setint x (+ x 1))"));
        assertEquals(assign(n("s"), str("a")), expr("(setstr s \"a\")"));
        assertEquals(new Expr.Assign(S, ADD, n("x"), i(2)), expr("(+= x 2)"));
        assertEquals(new Expr.Assign(S, SHL, n("x"), i(2)), expr("(<<= x 2)"));
        assertEquals(assign(n("x"), i(2)), expr("(= x 2)"));
    }

    @Test
    void aggrInsertsIntegerKeysThenStringKeys() {
        assertEquals(new Stmt.Insert(S, index(n("lat"), n("pid"), n("cpu"), n("name")), bin(SUB, n("TSC"), n("t0"))),
                stmt("(aggr lat (pid cpu) (name) (- TSC t0))"));
        assertEquals(new Stmt.Insert(S, n("nulla"), i(1)), stmt("(aggr nulla () () 1)"));
    }

    @Test
    void logaggrAndClearaggrAreCalls() {
        assertEquals(List.of(es(call("logaggr", n("a"))), es(call("clearaggr", n("a")))), stmts("(logaggr a) (clearaggr a)"));
    }

    @Test
    void baginsertAndBagremove() {
        assertEquals(new Stmt.Insert(S, index(n("b"), n("VCPUID")), n("TSC"), true), stmt("(baginsert b VCPUID TSC)"));
        assertEquals(assign(n("x"), bin(SUB, n("TSC"), index(n("b"), n("VCPUID")))), expr("(setint x (- TSC (bagremove b VCPUID)))"));
        assertEquals(new Stmt.Insert(S, index(n("b"), i(1)), i(2)), stmt("(<- (index b 1) 2)"));
    }

    @Test
    void condStatementIsAnIfChain() {
        Stmt expected = new Stmt.If(S, bin(EQ, n("x"), i(1)), block(es(call("a"))),
                new Stmt.If(S, bin(EQ, n("x"), i(2)), block(es(call("b")), es(call("c"))), block(es(call("d")))));
        assertEquals(expected, stmt("(cond ((== x 1) (a)) ((== x 2) (b) (c)) (else (d)))"));
        assertEquals(new Stmt.If(S, n("x"), block(), null), stmt("(cond (x))"));
    }

    @Test
    void condValueIsAConditional() {
        assertEquals(assign(n("y"), new Expr.Conditional(S, n("a"), i(1), new Expr.Conditional(S, n("b"), i(2), i(3)))),
                expr("(setint y (cond (a 1) (b 2) (else 3)))"));
    }

    @Test
    void doIsABlock() {
        assertEquals(block(es(call("f")), es(call("g"))), stmt("(do (f) (g))"));
    }

    @Test
    void variadicOperatorsFoldLeft() {
        assertEquals(bin(ADD, bin(ADD, n("a"), n("b")), n("c")), expr("(+ a b c)"));
        assertEquals(bin(SUB, bin(SUB, i(10), i(2)), i(3)), expr("(- 10 2 3)"));
        assertEquals(bin(LAND, bin(LAND, n("a"), n("b")), n("c")), expr("(&& a b c)"));
        assertEquals(bin(SHL, n("a"), n("b")), expr("(<< a b)"));
        assertEquals(bin(LOR, n("a"), n("b")), expr("(|| a b)"));
        assertEquals(bin(XOR, bin(AND, n("a"), i(255)), n("m")), expr("(^ (& a 0xff) m)"));
    }

    @Test
    void comparisonsAndUnaryOperators() {
        assertEquals(bin(EQ, n("a"), n("b")), expr("(== a b)"));
        assertEquals(bin(GE, n("a"), n("b")), expr("(>= a b)"));
        assertEquals(un(UnOp.NOT, n("a")), expr("(! a)"));
        assertEquals(un(UnOp.BITNOT, n("a")), expr("(~ a)"));
        assertEquals(un(UnOp.NEG, n("a")), expr("(- a)"));
        assertEquals(un(UnOp.PLUS, n("a")), expr("(+ a)"));
        assertEquals(un(UnOp.DEREF, n("p")), expr("(* p)"));
        assertEquals(un(UnOp.ADDR, n("jiffies")), expr("(& jiffies)"));
        assertEquals(un(UnOp.NEG, i(5)), expr("-5"));
    }

    @Test
    void incrementsAndDecrements() {
        assertEquals(new Expr.IncDec(S, n("x"), true, true), expr("(++ x)"));
        assertEquals(new Expr.IncDec(S, n("x"), false, true), expr("(-- x)"));
        assertEquals(new Expr.IncDec(S, index(n("ticks"), n("RIP")), true, false), expr("(post++ (index ticks RIP))"));
        assertEquals(new Expr.IncDec(S, n("x"), false, false), expr("(post-- x)"));
    }

    @Test
    void tryCatch() {
        assertEquals(new Stmt.Try(S, block(es(call("getguest", i(0)))), block(es(call("printf", str("%s"), call("excname"))))),
                stmt("(try (getguest 0) (catch (printf \"%s\" (excname))))"));
    }

    @Test
    void loops() {
        assertEquals(new Stmt.While(S, bin(LT, n("i"), i(3)), block(es(new Expr.IncDec(S, n("i"), true, false)), new Stmt.Break(S))),
                stmt("(while (< i 3) (post++ i) (break))"));
        assertEquals(new Stmt.For(S, new Stmt.Local(S, var(prim(Prim.INT), "j", i(0))), bin(LT, n("j"), i(4)),
                        new Expr.IncDec(S, n("j"), true, true), block(new Stmt.Continue(S))),
                stmt("(for (definteger j 0) (< j 4) (++ j) (continue))"));
        assertEquals(new Stmt.For(S, null, null, null, block(new Stmt.Return(S, null))), stmt("(for () () () (return))"));
        assertEquals(new Stmt.For(S, es(assign(n("j"), i(0))), null, null, block()), stmt("(for (setint j 0) () ())"));
    }

    @Test
    void builtinsAreCalls() {
        assertEquals(call("printf", str("fmt %d\n"), n("x")), expr("(printf \"fmt %d\\n\" x)"));
        assertEquals(call("sprintf", n("s"), str("%s CPUID"), n("s")), expr("(sprintf s \"%s CPUID\" s)"));
        assertEquals(call("getsystemtime"), expr("(getsystemtime)"));
        assertEquals(call("do_it", i(1)), expr("(call do_it 1)"));
        assertEquals(call("index", i(1)), expr("(call index 1)"));
    }

    @Test
    void membersCastsAndSizeof() {
        TypeRef task = new TypeRef.Pointer(S, new TypeRef.Struct(S, false, "task", null));
        assertEquals(new Expr.Member(S, new Expr.Cast(S, task, n("RDI")), "pid", S, true), expr("(-> (cast (* (struct task)) RDI) pid)"));
        assertEquals(new Expr.Member(S, n("s"), "f", S, false), expr("(. s f)"));
        assertEquals(new Expr.SizeofType(S, new TypeRef.Named(S, "task_t")), expr("(sizeof task_t)"));
        assertEquals(new Expr.SizeofExpr(S, n("x")), expr("(sizeof-expr x)"));
        assertEquals(index(n("arr"), i(1)), expr("(index arr 1)"));
    }

    @Test
    void integersAndStrings() {
        assertEquals(i(42), expr("42"));
        assertEquals(i(0x2a), expr("0x2A"));
        assertEquals(i(8), expr("010"));
        assertEquals(i(-1), expr("0xffffffffffffffff"));
        assertEquals(str("tab\there"), expr("\"tab\\there\""));
    }

    @Test
    void typesAndLayout() {
        TypeRef.Struct task = new TypeRef.Struct(S, false, "task", List.of(
                new TypeRef.Field(S, prim(Prim.INT), "pid", S, i(0x398)),
                new TypeRef.Field(S, new TypeRef.Array(S, prim(Prim.CHAR), i(16)), "comm", S, null)));
        assertEquals(new Decl.TypeDef(S, task), decl("(deftype (struct task ((int pid 0x398) ((array char 16) comm))))"));
        assertEquals(new Decl.TypeDef(S, new TypeRef.Enum(S, "e", List.of(new TypeRef.Enumerator(S, "A", null), new TypeRef.Enumerator(S, "B", i(3))))),
                decl("(deftype (enum e (A (B 3))))"));
        assertEquals(new Decl.Typedef(S, new TypeRef.Pointer(S, new TypeRef.Struct(S, true, null, List.of())), "u_p", S),
                decl("(typedef (* (union () ())) u_p)"));
        assertEquals(new Decl.MemModel(S, "guest32"), decl("(memmodel guest32)"));
        assertEquals(var(prim(Prim.ULONGLONG), "x", null), decl("(defvar ulonglong x)"));
    }

    @Test
    void commentsAreIgnored() {
        assertEquals(2, parse("; header\n(definteger a) ; trailing\n;; more\n(definteger b)").items().size());
    }
}
