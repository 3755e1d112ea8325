package dev.vp.compiler.parse.emmett;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.ProbeSpec;
import org.junit.jupiter.api.Test;

/** One test per construct of LANGUAGE.md sections 1-8: the printed AST of a small script. */
class EmmettParserTest {

    private static void parses(String source, String expectedAst) {
        Parsed p = Parsed.of(source);
        assertEquals("", p.diags(), "diagnostics for: " + source);
        assertEquals(expectedAst, p.ast());
    }

    @Test void emptyFileAndCommentsOnly() {
        parses("", "");
        parses("// nothing\n/* outer /* nested */ still comment */\n", "");
    }

    @Test void integerLiterals() {
        parses("int a = 42; int b = 0x2A; int c = 052; int d = 0; int e = 0xffffffffffffffff; int f = 10u; int g = 0x10UL;",
                """
                (var int a = 42)
                (var int b = 42)
                (var int c = 42)
                (var int d = 0)
                (var int e = 18446744073709551615)
                (var int f = 10)
                (var int g = 16)""");
    }

    @Test void characterLiterals() {
        parses("int a = 'a'; int b = '\\n'; int c = '\\0'; int d = '\\x41'; int e = '\\''; int f = '\\\\';",
                """
                (var int a = 97)
                (var int b = 10)
                (var int c = 0)
                (var int d = 65)
                (var int e = 39)
                (var int f = 92)""");
    }

    @Test void stringEscapesAndAdjacentLiteralsJoin() {
        parses("string s = \"a\\tb\\n\" \"c\\\"d\\\\\" \"\\x41\\0\";", "(var string s = \"a\\tb\\nc\\\"d\\\\A\\x00\")");
    }

    @Test void unknownEscapeKeepsTheCharacter() {
        Parsed p = Parsed.of("string s = \"a\\qb\";");
        assertEquals("(var string s = \"aqb\")", p.ast());
        assertEquals("1:14 W0100 unknown escape `\\q`: the backslash is dropped (known escapes: \\n \\t \\\\ \\\" \\0 \\xHH)",
                p.diags());
    }

    @Test void storageClasses() {
        parses("perthread int a; pervm string b = \"x\"; perhost int c = 1; int d;",
                """
                (var perthread int a)
                (var pervm string b = "x")
                (var perhost int c = 1)
                (var int d)""");
    }

    @Test void integerTypeSpellings() {
        parses("char a; signed char b; unsigned char c; short d; unsigned short int e; unsigned f; long g;"
                        + " unsigned long h; long long i; unsigned long long int j; long unsigned k; int8 l; uint64 m;",
                """
                (var char a)
                (var schar b)
                (var uchar c)
                (var short d)
                (var ushort e)
                (var uint f)
                (var long g)
                (var ulong h)
                (var longlong i)
                (var ulonglong j)
                (var ulong k)
                (var int8 l)
                (var uint64 m)""");
    }

    @Test void declaratorsWithPointersAndArrays() {
        parses("int *p; int **pp; int a[4]; int m[2][3]; int *ap[4]; int (*pa)[4]; int x, *y = 0, z[2];",
                """
                (var (* int) p)
                (var (* (* int)) pp)
                (var (array int 4) a)
                (var (array (array int 3) 2) m)
                (var (array (* int) 4) ap)
                (var (* (array int 4)) pa)
                (var int x)
                (var (* int) y = 0)
                (var (array int 2) z)""");
    }

    @Test void structsWithPinnedOffsets() {
        parses("struct task { @0x10 int pid; char comm[16]@0x20; struct task *parent; int tgid, flags; };",
                "(type (struct task (field int pid @16) (field (array char 16) comm @32) "
                        + "(field (* struct task) parent) (field int tgid) (field int flags)))");
    }

    @Test void unionsEnumsAndReferences() {
        parses("union u { int a; long b; }; enum color { RED, GREEN = 5, BLUE, }; enum color c; struct task *t; "
                        + "struct { int x; } anon;",
                """
                (type (union u (field int a) (field long b)))
                (type (enum color RED (GREEN 5) BLUE))
                (var enum color c)
                (var (* struct task) t)
                (var (struct (field int x)) anon)""");
    }

    @Test void typedefsMakeTypeNames() {
        parses("typedef struct task { int pid; } task_t, *task_p; typedef unsigned long ulong_t; task_t *cur; "
                        + "ulong_t n; VMM1Hz { task_p q = (task_t *)RDI; n = sizeof(task_t); }",
                """
                (typedef (struct task (field int pid)) task_t)
                (typedef (* (struct task (field int pid))) task_p)
                (typedef ulong ulong_t)
                (var (* task_t) cur)
                (var ulong_t n)
                (probe VMM1Hz [] {(local (var task_p q = (cast (* task_t) RDI))) (= n (sizeof-type task_t));})""");
    }

    @Test void typedefNameStillWorksAsADeclaratorAndMember() {
        parses("typedef int pid; struct s { pid pid; }; VMM1Hz x = p->pid;",
                """
                (typedef int pid)
                (type (struct s (field pid pid)))
                (probe VMM1Hz [] (= x (-> p pid));)""");
    }

    @Test void memmodel() {
        parses("memmodel guest32; int *p;", "(memmodel guest32)\n(var (* int) p)");
    }

    @Test void aggregatesAndBags() {
        parses("aggr ticks[1]; aggr ag[0][1]; aggr lat[2][1] : 4096; aggr nulla; bag b[32];",
                """
                (aggr ticks 1 0)
                (aggr ag 0 1)
                (aggr lat 2 1 4096)
                (aggr nulla 0 0)
                (bag b 32)""");
    }

    @Test void functionsAndPrototypes() {
        parses("int f(int a); int f(int a) { return a * 2; } string g() { return \"x\"; } void h(void) { return; } "
                        + "struct task *cur(int cpu, char *name);",
                """
                (fn int f [int a] ;)
                (fn int f [int a] {(return (* a 2))})
                (fn string g [] {(return "x")})
                (fn void h [] {return;})
                (fn (* struct task) cur [int cpu, (* char) name] ;)""");
    }

    @Test void prototypesMayLeaveParametersUnnamed() {
        Parsed p = Parsed.of("int f(int, char *);");
        assertEquals("(fn int f [int, (* char)] ;)", p.ast());
        assertNull(((Decl.Function) p.script().items().getFirst()).params().getFirst().name());
    }

    @Test void staticProbeWhoseBodyIsAnExpressionStatement() {
        parses("VMM1Hz count = count + 1;", "(probe VMM1Hz [] (= count (+ count 1));)");
    }

    @Test void probeSpecificationForms() {
        parses("""
                VMM1Hz ;
                VMM:HV_Exit ;
                VMX:VMX1Hz ;
                GUEST:do_fork ;
                GUEST:vmlinux!do_fork ;
                GUEST:0xffffffff81000000 ;
                GUEST:OFFSET:do_fork:16 ;
                GUEST:ENTER:do_fork ;
                GUEST:ENTER:kvm!vcpu_run ;
                GUEST:EXIT:do_fork ;
                GUEST:READ:0x1000 ;
                GUEST:WRITE:jiffies ;
                TIMER:10msec ;
                TIMER:10 msec ;
                VMX:TIMER:1sec ;
                PROFILE:100usec ;
                GUEST0:ENTER:do_fork ;
                """, """
                (probe VMM1Hz [] ;)
                (probe VMM:HV_Exit [] ;)
                (probe VMX:VMX1Hz [] ;)
                (probe GUEST:do_fork [] ;)
                (probe GUEST:vmlinux!do_fork [] ;)
                (probe GUEST:0xffffffff81000000 [] ;)
                (probe GUEST:OFFSET:do_fork:16 [] ;)
                (probe GUEST:ENTER:do_fork [] ;)
                (probe GUEST:ENTER:kvm!vcpu_run [] ;)
                (probe GUEST:EXIT:do_fork [] ;)
                (probe GUEST:READ:0x1000 [] ;)
                (probe GUEST:WRITE:jiffies [] ;)
                (probe TIMER:10msec [] ;)
                (probe TIMER:10msec [] ;)
                (probe VMX:TIMER:1sec [] ;)
                (probe PROFILE:100usec [] ;)
                (probe GUEST0:ENTER:do_fork [] ;)""");
    }

    @Test void probeSpecFields() {
        Parsed p = Parsed.of("GUEST0:OFFSET:vmlinux!do_fork:0x10 ; VMM1Hz ; TIMER:5 usec ;");
        ProbeSpec offset = ((Decl.Probe) p.script().items().get(0)).spec();
        assertEquals(new ProbeSpec(offset.span(), "GUEST0", ProbeSpec.Kind.OFFSET, null, "vmlinux!do_fork", 16, null, null),
                offset);
        assertEquals("GUEST0:OFFSET:vmlinux!do_fork", offset.span().text().substring(0, 29));
        ProbeSpec stat = ((Decl.Probe) p.script().items().get(1)).spec();
        assertEquals(ProbeSpec.Kind.STATIC, stat.kind());
        assertEquals("VMM1Hz", stat.name());
        assertNull(stat.domain());
        ProbeSpec timer = ((Decl.Probe) p.script().items().get(2)).spec();
        assertEquals(5, timer.number());
        assertEquals("usec", timer.unit());
    }

    @Test void legacyProbeSpellings() {
        parses("USEC:100 ; GUEST_READ:0x1000 ; GUEST_WRITE:jiffies ;",
                """
                (probe PROFILE:100usec{legacy USEC} [] ;)
                (probe GUEST:READ:0x1000{legacy GUEST_READ} [] ;)
                (probe GUEST:WRITE:jiffies{legacy GUEST_WRITE} [] ;)""");
    }

    @Test void probeParametersComeRightAfterTheSpec() {
        parses("GUEST:ENTER:do_syscall(int nr, int a0) { calls[nr]++; } GUEST:EXIT:f(int ret) logint(ret);",
                """
                (probe GUEST:ENTER:do_syscall [int nr, int a0] {(post++ (index calls nr));})
                (probe GUEST:EXIT:f [int ret] (call logint ret);)""");
    }

    @Test void statements() {
        parses("""
                VMM1Hz {
                    int i;
                    string s = "x";
                    if (a) b = 1; else if (c) b = 2; else { b = 3; }
                    while (i < 10) i++;
                    for (i = 0; i < 10; i += 1) { if (i == 3) continue; break; }
                    for (;;) break;
                    for (int j = 0; j < 2; j++) ;
                    try { x = *(int *)&jiffies; } catch { printf("%s\\n", excname()); }
                    ;
                }
                int f() { return; }
                """, """
                (probe VMM1Hz [] {(local (var int i)) (local (var string s = "x")) (if a (= b 1); (if c (= b 2); {(= b 3);})) \
                (while (< i 10) (post++ i);) (for (= i 0); (< i 10) (+= i 1) {(if (== i 3) continue;) break;}) \
                (for _ _ _ break;) (for (local (var int j = 0)) (< j 2) (post++ j) ;) \
                (try {(= x (* (cast (* int) (& jiffies))));} {(call printf "%s\\n" (call excname));}) ;})
                (fn int f [] {return;})""");
    }

    @Test void insertStatements() {
        parses("VMM1Hz { lat[pid, cpu, name] <- TSC - t0; b[VCPUID] <- TSC; nulla <- 1; }",
                "(probe VMM1Hz [] {(<- (index lat pid cpu name) (- TSC t0)) (<- (index b VCPUID) TSC) (<- nulla 1)})");
    }

    @Test void insertOperatorIsOneTokenEvenWithoutSpaces() {
        parses("VMM1Hz b[1]<-2;", "(probe VMM1Hz [] (<- (index b 1) 2))");
        parses("VMM1Hz x = a < -1;", "(probe VMM1Hz [] (= x (< a (- 1)));)");
        parses("VMM1Hz x = a<<-1;", "(probe VMM1Hz [] (= x (<< a (- 1)));)");
    }

    @Test void cPrecedence() {
        parses("VMM1Hz x = a || b && c | d ^ e & f == g < h << i + j * k;",
                "(probe VMM1Hz [] (= x (|| a (&& b (| c (^ d (& e (== f (< g (<< h (+ i (* j k)))))))))));)");
        parses("VMM1Hz x = a - b - c;", "(probe VMM1Hz [] (= x (- (- a b) c));)");
        parses("VMM1Hz x = y = z;", "(probe VMM1Hz [] (= x (= y z));)");
        parses("VMM1Hz x = a ? b : c ? d : e;", "(probe VMM1Hz [] (= x (? a b (? c d e)));)");
        parses("VMM1Hz x = (a + b) * c;", "(probe VMM1Hz [] (= x (* (+ a b) c));)");
    }

    @Test void assignmentOperators() {
        parses("VMM1Hz { a = 1; a += 1; a -= 1; a *= 1; a /= 1; a %= 1; a &= 1; a |= 1; a ^= 1; a <<= 1; a >>= 1; }",
                "(probe VMM1Hz [] {(= a 1); (+= a 1); (-= a 1); (*= a 1); (/= a 1); (%= a 1); (&= a 1); (|= a 1); "
                        + "(^= a 1); (<<= a 1); (>>= a 1);})");
    }

    @Test void unaryPostfixAndMemberExpressions() {
        parses("VMM1Hz x = -a + +b + !c + ~d + *p + &q + ++e + --f + g++ + h-- + s.f + p->g + a[1][2] + t->arr[3].x;",
                "(probe VMM1Hz [] (= x (+ (+ (+ (+ (+ (+ (+ (+ (+ (+ (+ (+ (+ (- a) (+ b)) (! c)) (~ d)) (* p)) (& q)) "
                        + "(pre++ e)) (pre-- f)) (post++ g)) (post-- h)) (. s f)) (-> p g)) (index (index a 1) 2)) "
                        + "(. (index (-> t arr) 3) x)));)");
    }

    @Test void castsSizeofAndCalls() {
        parses("VMM1Hz { t = (struct task *)RDI; n = sizeof(int); m = sizeof t->comm; k = sizeof(x); "
                        + "printf(\"%d %s\\n\", n, (string)p); exit(); v = (unsigned long)*p; }",
                "(probe VMM1Hz [] {(= t (cast (* struct task) RDI)); (= n (sizeof-type int)); (= m (sizeof (-> t comm))); "
                        + "(= k (sizeof x)); (call printf \"%d %s\\n\" n (cast string p)); (call exit); "
                        + "(= v (cast ulong (* p)));})");
    }

    @Test void spansPointAtTheSource() {
        Parsed p = Parsed.of("int x;\nVMM1Hz {\n  count = count + 1;\n}\n");
        Decl.Probe probe = (Decl.Probe) p.script().items().get(1);
        assertEquals(2, probe.span().line());
        assertEquals("VMM1Hz {\n  count = count + 1;\n}", probe.span().text());
        var block = (dev.vp.compiler.ast.Stmt.Block) probe.body();
        assertEquals("count = count + 1;", block.stmts().getFirst().span().text());
        Decl.Var x = (Decl.Var) p.script().items().getFirst();
        assertEquals("x", x.nameSpan().text());
    }

    @Test
    void theInsertFixRewritesTheOperator() {
        Parsed p = Parsed.of("VMM1Hz { if (x<-1) y = 2; }");
        var fix = p.diagnostics().getFirst().fixes().getFirst();
        assertEquals("< -", fix.edits().getFirst().replacement());
        assertEquals("<-", fix.edits().getFirst().span().text());
    }
}
