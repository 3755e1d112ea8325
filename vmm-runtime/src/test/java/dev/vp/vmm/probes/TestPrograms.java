// Builds small IR programs for harness tests: each clause counts its firings and may print built-ins.
package dev.vp.vmm.probes;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.IrVerifier;
import dev.vp.compiler.ir.text.IrParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Clause i increments the integer global $c{i} (per VM, or per vCPU when asked) and, when it records
 * built-ins, prints "{i} v1 v2 ..." (unsigned decimal) so tests can check arguments. Written in the IR text
 * form so that these tests do not depend on the compiler's front end.
 */
final class TestPrograms {
    private TestPrograms() {}

    record Clause(String spec, String domain, String point, String symbol, long periodNs, boolean perVcpu, List<String> record) {
        static Clause of(String point, String... record) {
            String domain = StaticProbe.named(point) == null ? "VMM" : StaticProbe.named(point).domain().name();
            return new Clause(point, domain, point, null, 0, false, List.of(record));
        }

        static Clause guest(String kind, String symbol, String... record) {
            return new Clause(kind + ":" + symbol, "GUEST", "GUEST:" + kind, symbol, 0, false, List.of(record));
        }

        static Clause periodic(String domain, String point, long periodNs, String... record) {
            return new Clause(domain + ":" + point, domain, point, null, periodNs, false, List.of(record));
        }

        Clause withPerVcpuCounter() { return new Clause(spec, domain, point, symbol, periodNs, true, record); }
    }

    static IrProgram program(Clause... clauses) {
        StringBuilder ir = new StringBuilder();
        for (int i = 0; i < clauses.length; i++)
            ir.append("global $c").append(i).append(" int ").append(clauses[i].perVcpu ? "pervcpu" : "pervm").append(" = 0\n");
        List<Integer> formatOf = new ArrayList<>();
        int formats = 0;
        for (Clause c : clauses) {
            if (c.record.isEmpty()) {
                formatOf.add(-1);
                continue;
            }
            String[] conv = new String[c.record.size() + 1];
            Arrays.fill(conv, "%u");
            String[] kinds = new String[conv.length];
            Arrays.fill(kinds, "int");
            ir.append("format fmt").append(formats).append(" = \"").append(String.join(" ", conv)).append("\\n\" (")
                    .append(String.join(", ", kinds)).append(")\n");
            formatOf.add(formats++);
        }
        for (int i = 0; i < clauses.length; i++) {
            Clause c = clauses[i];
            int regs = 3 + c.record.size();
            ir.append("function @p").append(i).append("() -> void regs ").append(regs).append(" slots 0 {\nb0:\n")
                    .append("    v0 = load $c").append(i).append('\n')
                    .append("    v1 = const 1\n")
                    .append("    v0 = add v0, v1\n")
                    .append("    store $c").append(i).append(", v0\n");
            if (!c.record.isEmpty()) {
                ir.append("    v2 = const ").append(i).append('\n');
                List<String> args = new ArrayList<>(List.of("v2"));
                for (int k = 0; k < c.record.size(); k++) {
                    ir.append("    v").append(3 + k).append(" = builtin ").append(c.record.get(k)).append('\n');
                    args.add("v" + (3 + k));
                }
                ir.append("    printf fmt").append(formatOf.get(i)).append('(').append(String.join(", ", args)).append(")\n");
            }
            ir.append("    ret\n}\n");
        }
        for (int i = 0; i < clauses.length; i++) {
            Clause c = clauses[i];
            ir.append("probe \"").append(c.spec).append("\" ").append(c.domain).append(" point \"").append(c.point)
                    .append("\" symbol ").append(c.symbol == null ? "-" : "\"" + c.symbol + "\"")
                    .append(" address 0x0 period ").append(c.periodNs).append(" @p").append(i).append('\n');
        }
        IrProgram program = IrParser.parse(ir.toString(), "test.ir");
        List<String> problems = IrVerifier.verify(program);
        if (!problems.isEmpty()) throw new AssertionError("test program is not well formed: " + problems + "\n" + ir);
        return program;
    }
}
