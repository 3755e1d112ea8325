// Properties of lowered programs that transcripts cannot show: the runtime's per-clause flags and frame sizes.
package dev.vp.compiler.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.source.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoweringPropertiesTest {
    private static IrProgram lower(String text) {
        ScriptRun script = new ScriptRun(new SourceFile("t.emt", text));
        Compilation c = script.compile(null);
        assertEquals("", script.unexpectedDiagnostics(c));
        assertNotNull(c.ir());
        return c.ir();
    }

    @Test
    void vcpuStateAndIoctlFlagsFollowCalls() {
        IrProgram p = lower("""
                int pc() { return RIP; }
                int debug() { return DR7; }
                int deeper() { return debug() + 1; }
                int pure(int x) { return x * 2; }
                int walk(int n) { if (n == 0) return getguest(0x1000); return walk(n - 1); }
                VMM1Hz printf("%d\\n", pc());
                VMM10Hz printf("%d\\n", deeper());
                VMX1Hz printf("%d\\n", pure(3));
                HV_Exit printf("%d\\n", walk(3));
                VMXLoad printf("%d\\n", getguestphys(0x1000));
                """);
        List<Boolean> vcpu = p.probes().stream().map(IrProgram.Probe::readsVcpuState).toList();
        List<Boolean> ioctl = p.probes().stream().map(IrProgram.Probe::needsIoctl).toList();
        assertEquals(List.of(true, true, false, true, false), vcpu);
        assertEquals(List.of(false, true, false, false, false), ioctl);
    }

    @Test
    void functionsNoClauseReachesAreDropped() {
        IrProgram p = lower("""
                int unused() { return 1; }
                int leaf() { return 2; }
                int used() { return leaf(); }
                int alsoUnused() { return unused(); }
                VMM1Hz printf("%d\\n", used());
                """);
        assertEquals(List.of("leaf", "used", "probe0"), p.functions().stream().map(IrFunction::name).toList());
        assertEquals(2, p.probes().getFirst().function());
    }

    @Test
    void temporariesAreReusedAcrossStatements() {
        var body = new StringBuilder("string s;\nVMMLoad {\n");
        for (int i = 0; i < 200; i++) body.append("    s = s + \"x\" + \"y\"; printf(\"%s %d\\n\", s, ").append(i).append(");\n");
        body.append("}\n");
        IrProgram p = lower(body.toString());
        IrFunction probe = p.functions().get(p.probes().getFirst().function());
        assertTrue(probe.slots() <= 6 && probe.registers() <= 4, "frame of " + probe.frameBytes() + " bytes: " + probe.registers()
                + " registers, " + probe.slots() + " slots");
    }

    @Test
    void blockLocalsKeepTheirHomesWhileTemporariesComeAndGo() {
        IrProgram p = lower("""
                VMMLoad {
                    int a;
                    string s;
                    a = 1 + 2 * 3;
                    s = "p" + "q";
                    { int b; b = a + 1; printf("%d %s\\n", b, s + s); }
                    { int c; c = a + 2; printf("%d %s\\n", c, s); }
                }
                """);
        IrFunction probe = p.functions().get(p.probes().getFirst().function());
        assertTrue(probe.slots() <= 4, probe.slots() + " slots");
    }

    @Test
    void aLongStringConcatenationReusesItsTemporaries() {
        // Each term used to take a slot of its own and each partial result another (256 bytes each, charged to the
        // stack budget): eight terms made a 4112-byte frame, over the default budget (E0701). As with integers,
        // a + b + c + ... now needs two temporaries whatever its length, plus the destination.
        String terms = String.join(" + ", java.util.Collections.nCopies(32, "s"));
        IrProgram p = lower("string s;\nVMMLoad {\n    string t;\n    t = " + terms + ";\n    printf(\"%s\\n\", t);\n}\n");
        IrFunction probe = p.functions().get(p.probes().getFirst().function());
        assertTrue(probe.slots() <= 3, probe.slots() + " slots");
    }

    @Test
    void anElseIfChainFreesEachTestsTemporaries() {
        // Each link of an else-if chain is nested in the one before, so its test's registers stayed allocated to
        // the end of the chain: 500 links made a frame of over 4 KB, the whole default stack budget (E0701).
        var body = new StringBuilder("VMMLoad {\n    int x;\n    if (VCPUID == 0) x = 1;\n");
        for (int i = 1; i < 500; i++) body.append("    else if (VCPUID + ").append(i).append(" == NUMVCPUS * 2) x = ").append(i).append(";\n");
        body.append("    printf(\"%d\\n\", x);\n}\n");
        IrProgram p = lower(body.toString());
        IrFunction probe = p.functions().get(p.probes().getFirst().function());
        assertTrue(probe.registers() <= 6, probe.registers() + " registers");
    }

    @Test
    void aShortCircuitChainFreesEachTestsTemporaries() {
        // a && b && ... kept one register per term to the end of the condition (501 for 500 terms).
        String terms = String.join(" && ", java.util.Collections.nCopies(100, "VCPUID + 1 != NUMVCPUS * 3"));
        IrProgram p = lower("VMMLoad {\n    if (" + terms + ") printf(\"x\\n\");\n}\n");
        IrFunction probe = p.functions().get(p.probes().getFirst().function());
        assertTrue(probe.registers() <= 4, probe.registers() + " registers");
    }
}
