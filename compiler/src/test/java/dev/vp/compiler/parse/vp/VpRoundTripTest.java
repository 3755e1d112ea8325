// Print -> parse -> print is a fixed point, for Emmett-shaped trees built by hand and for the VP example scripts.
package dev.vp.compiler.parse.vp;

import static dev.vp.compiler.ast.Expr.BinOp.*;
import static dev.vp.compiler.parse.vp.VpAst.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.ast.ProbeSpec.Kind;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.ast.Stmt;
import dev.vp.compiler.ast.TypeRef;
import dev.vp.compiler.ast.TypeRef.Prim;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class VpRoundTripTest {
    private static final List<String> SCRIPTS = List.of("exit_counter.vp", "profiler.vp", "syscall_latency.vp",
            "port_io.vp", "task_walk.vp");

    private static ProbeSpec spec(String domain, Kind kind, String name, String symbol, long number, String unit, String legacy) {
        return new ProbeSpec(S, domain, kind, name, symbol, number, unit, legacy);
    }

    private static Script script(Decl... items) {
        return new Script(FILE, Script.Language.EMMETT, List.of(items));
    }

    /** Asserts the fixed point and returns the first printing. */
    private static String roundTrip(Script ast) {
        String first = VpPrinter.print(ast);
        Script back = parse(first);
        assertEquals(first, VpPrinter.print(back), "printing the parsed text changed it");
        return first;
    }

    /** `aggr exits[1][0]; pervm int total; HV_Exit { exits[EXIT_REASON]++; total += 1; } VMM1Hz if (VCPUID == 0) {...}` */
    @Test
    void exitCounterInEmmettShape() {
        Script ast = script(
                new Decl.Aggr(S, "exits", S, 1, 0, null),
                new Decl.Var(S, Decl.Storage.PERVM, prim(Prim.INT), "total", S, null),
                new Decl.Probe(S, spec(null, Kind.STATIC, "HV_Exit", null, 0, null, null), List.of(), block(
                        es(new Expr.IncDec(S, index(n("exits"), n("EXIT_REASON")), true, false)),
                        es(new Expr.Assign(S, ADD, n("total"), i(1))))),
                new Decl.Probe(S, spec(null, Kind.STATIC, "VMM1Hz", null, 0, null, null), List.of(),
                        new Stmt.If(S, bin(EQ, n("VCPUID"), i(0)), block(
                                es(call("printf", str("%d exits\n"), n("total"))),
                                es(call("logaggr", n("exits")))), null)));
        String text = roundTrip(ast);
        assertTrue(text.contains("(post++ (index exits EXIT_REASON))"), text);
        assertTrue(text.contains("(definteger pervm total)"), text);
    }

    /** Bags, string keys, probe parameters and a legacy probe spelling. */
    @Test
    void syscallLatencyWithBags() {
        Script ast = script(
                new Decl.Bag(S, "started", S, 64),
                new Decl.Var(S, Decl.Storage.DEFAULT, prim(Prim.STRING), "name", S, str("read")),
                new Decl.Probe(S, spec("GUEST", Kind.ENTER, null, "do_syscall", 0, null, null), List.of(param(Prim.INT, "nr")), block(
                        new Stmt.Insert(S, index(n("started"), n("VCPUID")), n("TSC")),
                        es(assign(n("last"), n("nr"))))),
                new Decl.Probe(S, spec("GUEST", Kind.EXIT, null, "do_syscall", 0, null, null), List.of(), block(
                        new Stmt.Local(S, var(prim(Prim.INT), "t0", index(n("started"), n("VCPUID")))),
                        new Stmt.Insert(S, index(n("lat"), n("last"), n("name")), bin(SUB, n("TSC"), n("t0"))))),
                new Decl.Probe(S, spec(null, Kind.PROFILE, null, null, 100, "usec", "USEC"), List.of(),
                        es(new Expr.IncDec(S, index(n("samples"), n("RIP")), true, false))));
        String text = roundTrip(ast);
        assertTrue(text.contains("(baginsert started VCPUID TSC)"), text);
        assertTrue(text.contains("(definteger t0 (bagremove started VCPUID))"), text);
        assertTrue(text.contains("(aggr lat (last) (name) (- TSC t0))"), text);
        assertTrue(text.contains("(vprobe PROFILE:100usec"), text);
    }

    /** Functions of each return type, a prototype, and a value function that falls off its end. */
    @Test
    void functions() {
        Script ast = script(
                new Decl.Function(S, prim(Prim.STRING), "mode", S, List.of(), null),
                new Decl.Function(S, prim(Prim.STRING), "mode", S, List.of(param(Prim.INT, "cs")), block(
                        new Stmt.If(S, bin(EQ, bin(AND, n("cs"), i(3)), i(0)), ret(str("kernel")), ret(str("user"))))),
                new Decl.Function(S, prim(Prim.VOID), "say", S, List.of(param(Prim.STRING, "s")), block(
                        es(call("printf", str("%s\n"), n("s"))))),
                new Decl.Function(S, prim(Prim.INT), "noisy", S, List.of(), block(
                        es(call("logint", i(1))))),
                new Decl.Function(S, prim(Prim.INT), "pick", S, List.of(param(Prim.INT, "a")), block(
                        es(new Expr.Conditional(S, n("a"), call("f"), call("g"))),
                        ret(new Expr.Conditional(S, n("a"), i(1), new Expr.Conditional(S, n("b"), i(2), i(3)))))),
                new Decl.Function(S, prim(Prim.INT), "index", S, List.of(), block(ret(call("index"))))
        );
        String text = roundTrip(ast);
        assertTrue(text.contains("(defproto (string mode) ())"), text);
        assertTrue(text.contains("(logint 1)\n  (do))"), text);
        assertTrue(text.contains("(return (cond (a 1) (b 2) (else 3)))"), text);
        assertTrue(text.contains("(return (call index))"), text);
        Script back = parse(text);
        Decl.Function noisy = (Decl.Function) back.items().get(4);
        assertEquals(es(call("logint", i(1))), noisy.body().stmts().getFirst(), "a statement at the end stays a statement");
    }

    /** Types, casts, members, loops, try, every operator shape, and awkward literals. */
    @Test
    void everythingElse() {
        TypeRef task = new TypeRef.Struct(S, false, "task", List.of(
                new TypeRef.Field(S, prim(Prim.INT), "pid", S, i(0x398)),
                new TypeRef.Field(S, new TypeRef.Array(S, prim(Prim.CHAR), i(16)), "comm", S, null)));
        TypeRef taskPtr = new TypeRef.Pointer(S, new TypeRef.Struct(S, false, "task", null));
        Script ast = script(
                new Decl.MemModel(S, "guest32"),
                new Decl.TypeDef(S, task),
                new Decl.TypeDef(S, new TypeRef.Enum(S, null, List.of(new TypeRef.Enumerator(S, "A", null), new TypeRef.Enumerator(S, "B", i(7))))),
                new Decl.Typedef(S, taskPtr, "task_p", S),
                new Decl.Var(S, Decl.Storage.PERTHREAD, taskPtr, "cur", S, null),
                new Decl.Var(S, Decl.Storage.DEFAULT, prim(Prim.STRING), "odd", S, str("q\"\\\u0001\t\u00e9")),
                new Decl.Probe(S, spec("GUEST", Kind.OFFSET, null, "schedule", 16, null, null), List.of(), block(
                        es(assign(n("cur"), new Expr.Cast(S, taskPtr, n("RDI")))),
                        new Stmt.Try(S, block(es(call("logint", new Expr.Member(S, n("cur"), "pid", S, true)))),
                                block(es(call("printf", str("%s"), call("excdesc"))))),
                        new Stmt.For(S, new Stmt.Local(S, var(prim(Prim.INT), "k", i(0))), bin(LT, n("k"), i(10)),
                                new Expr.IncDec(S, n("k"), true, false), es(new Expr.Assign(S, XOR, n("h"), n("k")))),
                        new Stmt.While(S, i(1), block(new Stmt.Break(S))),
                        new Stmt.For(S, null, null, null, new Stmt.Continue(S)),
                        new Stmt.Empty(S),
                        new Stmt.Block(S, List.of(es(un(Expr.UnOp.NEG, i(5))))),
                        es(bin(SUB, n("a"), bin(SUB, n("b"), n("c")))),
                        es(bin(LOR, bin(LOR, n("a"), n("b")), bin(LAND, n("c"), un(Expr.UnOp.NOT, n("d"))))),
                        es(bin(ADD, new Expr.SizeofType(S, taskPtr), new Expr.SizeofExpr(S, un(Expr.UnOp.DEREF, n("cur"))))),
                        es(new Expr.Member(S, un(Expr.UnOp.DEREF, n("cur")), "comm", S, false)),
                        es(un(Expr.UnOp.ADDR, n("jiffies"))),
                        es(i(0xffffffff81000000L)),
                        new Stmt.Insert(S, n("nulla"), i(1)),
                        new Stmt.Return(S, null))));
        String text = roundTrip(ast);
        assertTrue(text.contains("(deftype (enum () (A (B 7))))"), text);
        assertTrue(text.contains("(- a (- b c))"), text);
        assertTrue(text.contains("(vprobe GUEST:OFFSET:schedule:16"), text);
    }

    /** A tree already in VP's canonical shape comes back equal, not only printed equal. */
    @Test
    void canonicalTreeComesBackEqual() {
        Script ast = new Script(FILE, Script.Language.VP, List.of(
                new Decl.Version(S, "1.0"),
                new Decl.Aggr(S, "lat", S, 1, 1, 64),
                new Decl.Function(S, prim(Prim.INT), "twice", S, List.of(param(Prim.INT, "x")), block(ret(bin(MUL, n("x"), i(2))))),
                new Decl.Probe(S, spec("VMX", Kind.TIMER, null, null, 5, "sec", null), List.of(), block(
                        new Stmt.If(S, bin(NE, n("x"), i(0)), block(new Stmt.Insert(S, index(n("lat"), n("x"), str("k")), call("twice", n("x")))),
                                block(es(call("logaggr", n("lat")))))))));
        assertEquals(ast, parse(VpPrinter.print(ast)));
    }

    /** Strings are bytes: bytes that are valid UTF-8 print as their characters, any other byte as \\xHH. */
    @Test
    void stringBytesPrintAsUtf8OrEscapes() {
        String bytes = "\u00c3\u00a9\u00e2\u0082\u00ac|\u00e9\u007f|\u00c3"; // "é€" in UTF-8, a lone e9, DEL, a cut-off sequence
        Script ast = new Script(FILE, Script.Language.VP, List.of(new Decl.Version(S, "1.0"),
                new Decl.Var(S, Decl.Storage.DEFAULT, prim(Prim.STRING), "s", S, str(bytes))));
        String printed = VpPrinter.print(ast);
        assertTrue(printed.contains("\"é€|\\xe9\\x7f|\\xc3\""), printed);
        assertEquals(ast, parse(printed));
    }

    @TestFactory
    Stream<DynamicTest> exampleScriptsParseCleanAndRoundTrip() {
        return SCRIPTS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Script source = parse(read(name));
            assertTrue(source.items().size() >= 4, name);
            String printed = VpPrinter.print(source);
            Script again = parse(printed);
            assertEquals(source, again, "the printed script reads back to the same tree");
            assertEquals(printed, VpPrinter.print(again));
        }));
    }

    private static String read(String name) throws IOException {
        try (InputStream in = VpRoundTripTest.class.getResourceAsStream("/scripts/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
