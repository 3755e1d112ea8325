// The checker against LANGUAGE.md, section by section, through the whole compiler and the fixed test target.
package dev.vp.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.TextEdit;
import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.lang.Domain;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CheckerTest {

    /** Compiles a script that must check, lower and verify with no diagnostic at all. */
    static Compilation clean(String text) {
        Compilation c = TestTarget.compile(text);
        assertEquals("", TestTarget.diags(c), "diagnostics of:\n" + text);
        assertNotNull(c.ir(), "lowered program");
        return c;
    }

    /** The `line:col CODE message` lines of a script's diagnostics. */
    static String diags(String text) { return TestTarget.diags(TestTarget.compile(text)); }

    /** The codes of a script's diagnostics, in order, as "line:col CODE". */
    static List<String> codes(String text) {
        return TestTarget.compile(text).diagnostics().stream()
                .map(d -> d.span().line() + ":" + d.span().column() + " " + d.code()).toList();
    }

    static Diagnostic only(String text) {
        List<Diagnostic> ds = TestTarget.compile(text).diagnostics();
        assertEquals(1, ds.size(), () -> TestTarget.diags(TestTarget.compile(text)));
        return ds.getFirst();
    }

    /** Applies every edit of a diagnostic's first fix to the text. */
    static String applyFix(String text, Diagnostic d) {
        StringBuilder b = new StringBuilder(text);
        List<TextEdit> edits = new ArrayList<>(d.fixes().getFirst().edits());
        edits.sort(Comparator.comparingInt((TextEdit e) -> e.span().start()).reversed());
        for (TextEdit e : edits) b.replace(e.span().start(), e.span().end(), e.replacement());
        return b.toString();
    }

    /** Guest loads of the first probe's function, in order: "4s", "2u", "8u@phys"... */
    static List<String> loads(Compilation c) {
        IrProgram ir = c.ir();
        List<String> out = new ArrayList<>();
        for (Block b : ir.functions().get(ir.probes().getFirst().function()).blocks())
            for (Insn i : b.insns())
                if (i instanceof Insn.LoadGuest l)
                    out.add(l.size() + (l.signed() ? "s" : "u") + (l.space() == Insn.Space.PHYSICAL ? "@phys" : ""));
        return out;
    }

    /** The constant multipliers of the first probe's function: pointer arithmetic scales by them. */
    static List<Long> scales(Compilation c) {
        IrProgram ir = c.ir();
        List<Long> consts = new ArrayList<>();
        List<Long> out = new ArrayList<>();
        for (Block b : ir.functions().get(ir.probes().getFirst().function()).blocks())
            for (Insn i : b.insns()) {
                if (i instanceof Insn.Const k) consts.add(k.value());
                if (i instanceof Insn.Bin m && m.op() == Insn.BinOp.MUL) out.add(consts.getLast());
            }
        return out;
    }

    @Nested
    class Section5NamesAndImplicitDeclarations {
        @Test void aNameAssignedAnywhereIsDeclaredForTheWholeScript() {
            Compilation c = clean("VMM1Hz count = count + 1;\nVMM10Hz printf(\"%d\\n\", count);");
            Sym.Global g = c.checked().globals.get("count");
            assertTrue(g.implicit);
            assertEquals(Type.U64, g.type);
            assertTrue(g.perVcpu, "implicit globals are perthread, the default");
        }

        @Test void logaggrMayComeBeforeTheClauseThatFillsTheAggregate() {
            Compilation c = clean("VMMUnload logaggr(exits);\nHV_Exit exits[EXIT_REASON]++;\nVMM1Hz byname[PROBENAME] <- 2;");
            assertEquals(1, c.checked().aggrs.get("exits").intKeys);
            assertEquals(1, c.checked().aggrs.get("byname").strKeys);
        }

        @Test void typesSettleWhateverTheClauseOrder() {
            Compilation c = clean("VMM1Hz { a = b; }\nVMM1Hz { b = c; }\nVMM1Hz { c = d; }\nVMM1Hz { d = \"s\"; }\n"
                    + "VMM1Hz printf(\"%s %s\\n\", a, b);");
            assertEquals(Type.STRING, c.checked().globals.get("a").type);
            Compilation k = clean("VMM1Hz { lat[name]++; }\nVMM10Hz { name = \"x\"; }");
            assertEquals(0, k.checked().aggrs.get("lat").intKeys);
            assertEquals(1, k.checked().aggrs.get("lat").strKeys);
        }

        @Test void aCastGivesAnImplicitVariableAPointerType() {
            Compilation c = clean("VMM1Hz { t = (struct task *)RDI; }\nstruct task { int pid; };\nVMM10Hz printf(\"%d\\n\", t->pid);");
            assertEquals("struct task *", c.checked().globals.get("t").type.toString());
        }

        @Test void assignmentsThatDisagreeOnTheTypeAreAnErrorThatPointsAtTheFirst() {
            Diagnostic d = only("VMM1Hz x = 1;\nVMM10Hz x = \"a\";");
            assertEquals("2:13 E0400 `x` holds an integer (from its first assignment), but this assigns a string: all assignments"
                    + " to an implicitly declared variable must agree on the type; use another variable, or declare it"
                    + " (`string x;`) to choose", TestTarget.line(d));
            assertEquals("1:8", d.labels().getFirst().span().line() + ":" + d.labels().getFirst().span().column());
            assertEquals(List.of("1:19 E0400"), codes("VMM1Hz { x++; x = \"s\"; }"));
            assertEquals(List.of("1:35 E0400"), codes("VMM1Hz { sprintf(s, \"%d\", 1); s = 5; }"));
        }

        @Test void aNameOnlyReadIsAnErrorNamingTheNearest() {
            assertEquals("2:21 E0300 unknown name `coutn2`: it is never declared or assigned; did you mean `count2`?",
                    diags("int count2;\nVMM1Hz printf(\"%d\", coutn2);"));
        }

        @Test void capitalNamesAreReservedAndReportedOnceWithoutCascades() {
            assertEquals(List.of("1:5 E0302", "2:10 E0302", "3:14 E0302"),
                    codes("int FOO;\nVMM1Hz { BAR = 1; printf(\"%d %d %d\\n\", FOO, BAR, RED); }\nenum color { RED };"));
            assertEquals(List.of(), codes("void Baz() { }\nint x_1;\nVMM1Hz { Baz(); x_1 = 2; }"));
        }

        @Test void guestGlobalsAreReadThroughTheirSymbolsAddress() {
            Compilation c = clean("VMM1Hz printf(\"%d\\n\", *(int *)&jiffies);");
            assertEquals(List.of("4s"), loads(c));
        }

        @Test void keyedUseOfAnUndeclaredNameIsAnAggregateAndBagsMustBeDeclared() {
            assertTrue(diags("VMM1Hz { b[1] <- 2; y = b[1]; }").contains("to read values back, declare a bag: `bag b[N];`"));
            clean("bag b[8];\nVMM1Hz { b[1] <- 2; y = b[1]; }");
        }

        @Test void misusedBagsAndUndeclaredStructsSayWhatWasWritten() {
            assertEquals("2:10 E0311 use `b[1] <- value` to add to an aggregate or insert into a bag; `+=` is not defined for them",
                    diags("bag b[8];\nVMM1Hz { b[1] += 3; }"));
            assertEquals("2:18 E0600 logaggr takes an aggregate; `b` is a bag, whose pairs are only read by removing them (`b[key]`)",
                    diags("bag b[8];\nVMM1Hz { logaggr(b); }"));
            assertEquals("1:21 E0400 sizeof needs a C type with a size; struct nope is declared nowhere with its fields",
                    diags("VMM1Hz { int q; q = sizeof(struct nope); }"));
            clean("VMM1Hz { int q; q = sizeof(struct later); }\nstruct later { int a; };");
        }

        @Test void keylessAggregatesMustBeDeclared() {
            assertEquals(List.of("1:10 E0418"), codes("VMM1Hz { nulla <- 5; }"));
            clean("aggr nulla;\nVMM1Hz { nulla <- 5; nulla++; }\nVMMUnload logaggr(nulla);");
        }

        @Test void localsShadowGlobalsAndShareTheScopeOfParameters() {
            clean("int x;\nVMM1Hz { int x; x = 2; { string x; x = \"s\"; } }\nVMM10Hz x = 3;");
            assertEquals(List.of("1:20 E0314"), codes("int f(int a) { int a; return a; }\nVMM1Hz f(1);"));
        }
    }

    @Nested
    class Section4TypesAndMemoryModels {
        @Test void aStructOrEnumDefinedInADeclarationOfSeveralNamesIsDefinedOnce() {
            // Each declarator resolved the shared definition again: E0301 "already declared/defined", and a
            // warning in an enumerator's value twice.
            assertEquals("", diags("enum e { one = 1, two } a, b;\nstruct s { int q; } *x, *y;\n"
                    + "VMM1Hz { printf(\"%d %d %d %d\\n\", a, b + two, x->q, y->q); }"));
            assertEquals(List.of("1:18 W0400"), codes("enum e { below = 0 > -5 ? 1 : 2 } a, b;\nVMM1Hz { printf(\"%d\\n\", a + b + below); }"));
        }

        @Test void memoryModelsGiveIntLongAndPointerWidths() {
            String decl = "struct s { char c; int i; char d; long l; char e; char *p; };\n"
                    + "VMM1Hz printf(\"%d\\n\", sizeof(struct s));";
            record Model(String name, long i, long l, long p, long size) {}
            for (Model m : List.of(new Model("guest64", 4, 16, 32, 40), new Model("guest32", 4, 12, 20, 24),
                    new Model("guest16", 2, 8, 14, 16), new Model("guestphys", 8, 24, 40, 48))) {
                Compilation c = clean("memmodel " + m.name() + ";\n" + decl);
                Type.Struct s = c.checked().structs.get("s");
                assertEquals(m.i(), s.field("i").offset(), m.name() + " offset of i");
                assertEquals(m.l(), s.field("l").offset(), m.name() + " offset of l");
                assertEquals(m.p(), s.field("p").offset(), m.name() + " offset of p");
                assertEquals(m.size(), s.size(), m.name() + " size");
            }
        }

        @Test void pointerArithmeticScalesBySizeofTheTarget() {
            Compilation c = clean("struct s { int a; long b; };\n"
                    + "VMM1Hz { int *p; struct s *q; short *h; p = (int *)RDI; q = (struct s *)RSI; h = (short *)RDX;\n"
                    + "  printf(\"%d %d %d\\n\", *(p + 3), (q + 2)->a, h[5]); }");
            assertEquals(List.of(4L, 16L, 2L), scales(c));
            Compilation m32 = clean("memmodel guest32;\nVMM1Hz { long **pp; pp = (long **)RDI; printf(\"%d\\n\", **(pp + 1)); }");
            assertEquals(List.of(4L), scales(m32));
            assertEquals(List.of("4u", "4s"), loads(m32), "a guest32 pointer loads 4 bytes zero-extended, its long 4 signed");
        }

        @Test void signedFieldsAreSignExtendedUnsignedAndPointersZeroExtended() {
            Compilation c = clean("struct s { char c; unsigned char uc; short s; unsigned short us; int i; unsigned int ui;"
                    + " long l; int8 i8; uint16 u16; int32 *p; };\n"
                    + "VMM1Hz { struct s *q; q = (struct s *)RDI;\n"
                    + "  printf(\"%d %d %d %d %d %d %d %d %d %d\\n\", q->c, q->uc, q->s, q->us, q->i, q->ui, q->l, q->i8, q->u16, q->p); }");
            assertEquals(List.of("1s", "1u", "2s", "2u", "4s", "4u", "8s", "1s", "2u", "8u"), loads(c));
        }

        @Test void guestphysPointersReadPhysicalMemoryAndNeedNoVcpu() {
            Compilation c = clean("memmodel guestphys;\npervm int v;\nVMX1Hz { int *p; p = (int *)0x1000; v = *p; }");
            assertEquals(List.of("8s@phys"), loads(c));
            assertEquals(List.of("3:41 E0503"), codes("memmodel guest64;\npervm int v;\nVMX1Hz { int *p; p = (int *)0x1000; v = *p; }"));
        }

        @Test void structLayoutFollowsNaturalAlignmentWithPinnedOffsets() {
            Compilation c = clean("struct task { @0x10 int pid; char comm[16]; struct task *parent@0x28; short flags; long x@0x40; };\n"
                    + "VMM1Hz printf(\"%d\\n\", sizeof(struct task));");
            Type.Struct t = c.checked().structs.get("task");
            assertEquals(0x10, t.field("pid").offset());
            assertEquals(0x14, t.field("comm").offset());
            assertEquals(0x28, t.field("parent").offset());
            assertEquals(0x30, t.field("flags").offset());
            assertEquals(0x40, t.field("x").offset());
            assertEquals(0x48, t.size());
            assertEquals(8, t.align());
        }

        @Test void unionsEnumsAndTypedefs() {
            Compilation c = clean("union u { int a; long b; char c[3]; };\nenum color { red, green = 5, blue };\n"
                    + "typedef struct pair { short x; char y; } pair_t;\ntypedef pair_t *pair_p;\n"
                    + "VMM1Hz { pair_p p; p = (pair_p)RDI; printf(\"%d %d %d %d\\n\", sizeof(union u), blue, p->y, sizeof(pair_t)); }");
            assertEquals(8, c.checked().structs.get("u").size());
            assertEquals(0, c.checked().structs.get("u").field("b").offset());
            assertEquals(2, c.checked().structs.get("pair").field("y").offset());
            assertEquals(4, c.checked().structs.get("pair").size());
        }

        @Test void nestedStructsAndArraysOfStructs() {
            Compilation c = clean("struct in { char a; long b; };\nstruct out { char c; struct in i[2]; int d; };\n"
                    + "VMM1Hz { struct out *o; o = (struct out *)RDI; printf(\"%d\\n\", o->i[1].b); }");
            Type.Struct o = c.checked().structs.get("out");
            assertEquals(8, o.field("i").offset());
            assertEquals(40, o.field("d").offset());
            assertEquals(48, o.size());
            assertEquals(List.of("8s"), loads(c));
        }

        @Test void pinnedOffsetsMustIncreaseWithoutCascading() {
            assertEquals(List.of("1:30 E0403"), codes("struct s { int a@0x10; int b@0x8; int c@0x14; };"));
        }

        @Test void objectsLargerThanEightBytesAreNotValues() {
            assertEquals(List.of("2:52 E0402"), codes("struct big { long a; long b; };\n"
                    + "VMM1Hz { struct big *p; p = (struct big *)RDI; x = *p; }"));
        }

        @Test void unsignedArithmeticAndStrings() {
            clean("VMM1Hz { s = \"a\" + \"b\"; if (s == \"ab\") printf(\"%s\\n\", s); x = -1; y = x >> 63; }");
            assertEquals(List.of("1:29 E0400", "1:40 E0400"), codes("VMM1Hz { s = \"a\" + \"b\"; t = s + 1; u = s - \"x\"; }"));
        }

        @Test void charArraysAreStringsWhereStringsAreExpected() {
            Compilation c = clean("struct task { int pid; char comm[16]; };\n"
                    + "VMM1Hz { struct task *t; t = (struct task *)RDI; name = t->comm; printf(\"%s %s\\n\", t->comm, name); }");
            assertEquals(Type.STRING, c.checked().globals.get("name").type);
        }
    }

    @Nested
    class Section5Storage {
        @Test void perthreadVariablesAreRefusedInVmxProbesWithAFix() {
            String text = "int x;\nVMX1Hz printf(\"%d\\n\", x);\nVMM1Hz x++;";
            Diagnostic d = only(text);
            assertEquals("2:23 E0509", d.span().line() + ":" + d.span().column() + " " + d.code());
            clean(applyFix(text, d));
            String implicit = "VMM1Hz y = 1;\nVMX1Hz { y = 2; }";
            clean(applyFix(implicit, only(implicit)));
            String perthread = "perthread string s;\nVMX1Hz logstr(s);";
            assertEquals("pervm string s;\nVMX1Hz logstr(s);", applyFix(perthread, only(perthread)));
        }

        @Test void pervmAndPerhostAreReadableOnTheHost() {
            Compilation c = clean("pervm int a;\nperhost int b;\nVMX1Hz printf(\"%d %d\\n\", a, b);\nVMM1Hz { a++; b++; }");
            assertFalse(c.checked().globals.get("a").perVcpu);
            assertFalse(c.checked().globals.get("b").perVcpu);
        }

        @Test void perVcpuVariablesThroughAFunctionCall() {
            assertEquals(List.of("3:21 E0509"), codes("int x;\nint f() { return x; }\nVMX1Hz printf(\"%d\", f());"));
        }

        @Test void storageClassesOnLocalsAreRefused() {
            assertEquals(List.of("1:10 E0417"), codes("VMM1Hz { perthread int x; }"));
        }
    }

    @Nested
    class Section2ProbeSpecifications {
        @Test void unknownProbesAndSymbolsNameTheNearest() {
            assertEquals("1:1 E0500 unknown probe `VMM1hz`; did you mean `VMM1Hz`, `VMM10Hz`, `VMX1Hz`?", diags("VMM1hz printf(\"x\");"));
            assertEquals("1:1 E0501 unknown guest symbol `do_sycall`; did you mean `do_syscall`?", diags("GUEST:ENTER:do_sycall printf(\"x\");"));
            // --target any accepts any static probe name, which is no reason to call a misspelt symbol one.
            var any = new CompileOptions(List.of(), List.of(), new CatalogTarget(TargetCatalog.any(), TestTarget.SYMBOLS), Budgets.DEFAULTS, 4);
            Compilation c = Compiler.compile(new SourceFile("test.emt", "GUEST:ENTER:do_sycall printf(\"x\");"), any,
                    path -> new SourceLoader.Missing(path.toString()));
            assertEquals("1:1 E0501 unknown guest symbol `do_sycall`; did you mean `do_syscall`?", TestTarget.diags(c));
            assertTrue(diags("do_syscall printf(\"x\");").endsWith("write GUEST:ENTER:do_syscall"));
        }

        @Test void readWatchpointsAreRefusedWithTheCatalogsReason() {
            assertTrue(diags("GUEST:READ:jiffies printf(\"x\");").startsWith(
                    "1:1 E0502 this target cannot arm READ probes: the KVM harness cannot watch reads"));
            clean("GUEST:WRITE:jiffies printf(\"x\");");
        }

        @Test void timersBelowTheMinimumPeriodAreRefused() {
            assertEquals(List.of("1:1 E0505"), codes("TIMER:50usec printf(\"x\");"));
            assertEquals(List.of("1:1 E0505"), codes("PROFILE:99usec printf(\"x\");"));
            Compilation c = clean("TIMER:100usec printf(\"x\");\nVMX:TIMER:2sec printf(\"y\");\nPROFILE:1msec printf(\"%d\\n\", RIP);");
            assertEquals(100_000, c.checked().probes.get(0).periodNs());
            assertEquals(Domain.VMM, c.checked().probes.get(0).domain());
            assertEquals(Domain.VMX, c.checked().probes.get(1).domain());
        }

        @Test void aPeriodNumberIsUnsignedSoAHugeOneSaturatesInsteadOfTurningNegative() {
            // 2^64-1 usec was read as -1 and refused with "a probe period must be positive".
            Compilation c = clean("TIMER:18446744073709551615usec printf(\"x\");\nPROFILE:9223372036854775808sec printf(\"y\");");
            assertEquals(Long.MAX_VALUE, c.checked().probes.get(0).periodNs());
            assertEquals(Long.MAX_VALUE, c.checked().probes.get(1).periodNs());
            assertEquals("TIMER:18446744073709551615usec", c.checked().probes.get(0).spec(), "PROBENAME and reports say it unsigned");
        }

        @Test void vmxProbesCannotReadVcpuStateEvenThroughCalls() {
            assertEquals(List.of("1:25 E0503"), codes("VMX1Hz { printf(\"%d\\n\", RIP); }"));
            String chain = diags("int f() { return RAX; }\nint g() { return f(); }\nVMX1Hz { printf(\"%d\\n\", g()); }");
            assertTrue(chain.startsWith("3:25 E0503 `g` (through `f`) reads vCPU state (`RAX`)"), chain);
            clean("int h() { return TSC; }\npervm int t;\nVMX1Hz t = h() + getguestphys(0x1000);");
            assertEquals(List.of("1:29 E0503"), codes("VMX:TIMER:1sec printf(\"%d\", VCPUID);"));
        }

        @Test void exitProbesTakeAtMostOneParameter() {
            assertEquals(List.of("1:30 E0506"), codes("GUEST:EXIT:do_syscall(int r, int b) printf(\"%d\", r);"));
            Compilation c = clean("GUEST:EXIT:do_syscall(int r) printf(\"%d\\n\", r);\n"
                    + "GUEST:ENTER:do_syscall(int nr, int a0) printf(\"%d %d\\n\", nr, a0);");
            assertEquals(TestTarget.TEXT, c.checked().probes.get(0).address());
            assertEquals(1, c.checked().probes.get(1).params().get(1).argIndex);
        }

        @Test void staticProbeParametersFollowTheCatalogsArguments() {
            clean("In(int port, int size, int count) printf(\"%d %d %d\\n\", port, size, count);");
            assertEquals(List.of("1:8 E0506"), codes("VMM1Hz(int a) printf(\"%d\\n\", a);"));
            assertEquals(List.of("1:46 E0504"), codes("In printf(\"%d %d %d %d\\n\", ARG0, ARG1, ARG2, ARG3);"));
        }

        @Test void guestZeroIsTheOnlyVm() {
            clean("GUEST0:ENTER:do_syscall printf(\"x\");\nVMM0:VMM1Hz printf(\"y\");");
            assertEquals(List.of("1:1 E0508"), codes("GUEST1:ENTER:do_syscall printf(\"x\");"));
        }

        @Test void legacySpellingsWarnAndTheirFixesCheckClean() {
            for (String legacy : List.of("USEC:100 printf(\"x\");", "GUEST_WRITE:jiffies printf(\"x\");", "GUEST_WRITE:0x1000 printf(\"x\");")) {
                Diagnostic d = only(legacy);
                assertEquals("W0500", d.code().name());
                String fixed = applyFix(legacy, d);
                clean(fixed);
            }
            assertEquals("PROFILE:100usec printf(\"x\");", applyFix("USEC:100 printf(\"x\");", only("USEC:100 printf(\"x\");")));
            Diagnostic read = TestTarget.compile("GUEST_READ:jiffies printf(\"x\");").diagnostics().getFirst();
            assertEquals("GUEST:READ:jiffies printf(\"x\");", applyFix("GUEST_READ:jiffies printf(\"x\");", read));
        }

        @Test void executionProbesOnlyAtPatchableSites() {
            assertEquals(List.of("1:1 E0510"), codes("GUEST:ENTER:memcmp printf(\"x\");"));
            assertEquals(List.of("1:1 E0510"), codes("GUEST:OFFSET:do_syscall:4 printf(\"x\");"));
            clean("GUEST:ENTER:e1000!e1000_xmit printf(\"x\");\nGUEST:0xffffffff81001000 printf(\"y\");");
        }

        @Test void domainsMustMatch() {
            assertEquals(List.of("1:1 E0507"), codes("VMX:VMM1Hz printf(\"x\");"));
            assertEquals(List.of("1:1 E0507"), codes("VMM:ENTER:do_syscall printf(\"x\");"));
            assertEquals(List.of("1:1 E0507"), codes("VMX:PROFILE:1msec printf(\"x\");"));
        }
    }

    @Nested
    class Section9BuiltinsAndFormats {
        @Test void formatsAreCheckedAgainstTheirArguments() {
            assertEquals(List.of("1:19 E0603"), codes("VMM1Hz printf(\"%d %s\\n\", 1);")); // at `%s`, which has no argument
            assertEquals(List.of("1:23 E0604"), codes("VMM1Hz printf(\"%s\\n\", 1);"));
            assertEquals(List.of("1:23 E0604"), codes("VMM1Hz printf(\"%d\\n\", \"a\");"));
            assertEquals(List.of("1:17 E0602"), codes("VMM1Hz printf(\"%q\\n\", 1);"));
            assertEquals(List.of("1:37 E0601"), codes("VMM1Hz { string f; f = \"%d\"; printf(f, 1); }"));
            clean("VMM1Hz printf(\"%-08.3lx %#o %+d % i %c %p %% %X %u %lld %s\\n\", 1, 2, 3, 4, 5, 6, 7, 8, 9, PROBENAME);");
        }

        @Test void sprintfMayAppendToItsDestination() {
            clean("VMM1Hz { sprintf(s, \"%s CPUID %d\", s, VCPUID); printf(\"%s\\n\", s); }");
            assertEquals(List.of("1:25 E0600"), codes("VMM1Hz { int q; sprintf(q, \"%d\", 1); }"));
        }

        @Test void builtinFunctionsTakeTheirArguments() {
            clean("VMM1Hz { getgueststr(s, 16, RDI); getgueststr(t, RSI); gueststack(u); logstr(s + t + u); logint(getguest(RSP));"
                    + " x = strcmp(s, t) == 0; y = getsystemtime(); assert(RAX != 0, \"rax %d\", RAX); }");
            clean("VMM1Hz { try { x = 1 / RAX; } catch { printf(\"%s %s\\n\", excname(), excdesc()); } }");
            assertEquals(List.of("1:25 E0600"), codes("VMM1Hz { getgueststr(s, 300, RDI); }"));
            assertEquals(List.of("1:18 E0600"), codes("VMM1Hz { exit(); exit(1); }"));
        }

        @Test void unsignedComparisonsWarn() {
            assertEquals(List.of("1:14 W0400"), codes("VMM1Hz { if (RAX < -1) printf(\"x\"); }"));
            assertEquals(List.of("1:14 W0400"), codes("VMM1Hz { if (-1 > RAX) printf(\"x\"); }"));
            assertEquals(List.of("1:14 W0401"), codes("VMM1Hz { if (strcmp(\"a\", \"b\") < 0) printf(\"x\"); }"));
            assertEquals(List.of(), codes("VMM1Hz { if (RAX == -1 || strcmp(\"a\", \"b\") != 0) printf(\"x\"); }"));
        }

        @Test void exitFieldsOnlyInExitProbes() {
            clean("HV_Exit printf(\"%d %d %d\\n\", EXIT_REASON, VMCS_EXIT_QUAL, VMCS_EXIT_REASON);");
            assertEquals(List.of("1:23 E0504"), codes("VMM1Hz printf(\"%d\\n\", EXIT_REASON);"));
        }
    }

    @Nested
    class Section6Functions {
        @Test void prototypesRecursionAndReturnTypes() {
            clean("int fib(int n);\nVMM1Hz printf(\"%d\\n\", fib(10));\nint fib(int n) { if (n < 2) return n; return fib(n - 1) + fib(n - 2); }");
            assertEquals(List.of("2:5 E0308"), codes("int f(int a);\nint f(int a, int b) { return a + b; }\nVMM1Hz printf(\"%d\\n\", f(1, 2));"));
            assertEquals(List.of("1:5 E0303"), codes("int f(int a);\nVMM1Hz f(1);"));
            assertEquals(List.of("2:14 E0409"), codes("void h() { }\nVMM1Hz { x = h(); }"));
        }

        @Test void mismatchedDefinitionDoesNotCrash() {
            assertEquals(List.of("2:5 E0308", "3:23 E0411"),
                    codes("int f(int a, int b);\nint f(int a) { return a; }\nVMM1Hz printf(\"%d\\n\", f(1, 2));"));
        }
    }
}
