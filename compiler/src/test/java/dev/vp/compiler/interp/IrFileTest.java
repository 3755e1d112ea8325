// Runs every IR file test: parse, verify, round-trip the text form, fire the probes, compare the transcript.
package dev.vp.compiler.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.IrVerifier;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.compiler.ir.text.IrPrinter;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.output.OutputRecord;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * IR file tests (Cranelift filetest style), in src/test/resources/ir/*.ir. Besides the program, a file holds
 * directives in ";@" comment lines, run in order:
 * <pre>
 * ;@ vcpus N                      number of vCPUs (before the first fire; default 1)
 * ;@ ram SIZE                     guest RAM bytes (default 4 MiB); page tables use its last 256 KB
 * ;@ map 4k|2m|1g LINEAR PHYS LEN map linear pages (sets CR3)
 * ;@ poke PHYS "text"             write bytes (one per char) into RAM
 * ;@ poke64 PHYS VALUE            write a little-endian 64-bit value
 * ;@ set BUILTIN VALUE            set a built-in variable for the following firings
 * ;@ fire PROBE [vcpu N|host] [times K]
 * ;@ report                       append each probe's counters and each bag's drops
 * </pre>
 * and the expected transcript in ";>" lines: the output records' text, then for each firing that did not
 * complete normally "! exit" or "! cancelled CAUSE at LOC: DESCRIPTION".
 */
class IrFileTest {
    @TestFactory
    Stream<DynamicTest> irFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/ir").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".ir")).sorted().toList();
            if (list.isEmpty()) throw new IllegalStateException("no IR test files in " + dir);
            return list.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> run(p)));
        }
    }

    static void run(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String name = file.getFileName().toString();
        IrProgram program = IrParser.parse(text, name);
        assertEquals(List.of(), IrVerifier.verify(program), name + ": verifier problems");
        String printed = IrPrinter.print(program);
        assertEquals(program, IrParser.parse(printed, name + " (printed)"), name + ": text form round trip");

        var expected = new StringBuilder();
        var transcript = new StringBuilder();
        var runner = new Runner(program, transcript);
        String[] lines = text.split("\r?\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.startsWith(";>")) expected.append(line.length() > 2 ? line.substring(3) : "").append('\n');
            else if (line.startsWith(";@")) runner.directive(line.substring(2).strip(), name + ":" + (n + 1));
        }
        assertEquals(expected.toString(), transcript.toString(), name + ": transcript");
    }

    /** Carries out the directives of one file. */
    private static final class Runner {
        private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private final IrProgram program;
        private final StringBuilder transcript;
        private int vcpus = 1;
        private MemorySegment ram = MemorySegment.ofArray(new byte[4 << 20]);
        private PageTableBuilder tables;
        private GuestState guest = new GuestState(new GuestMemory(ram));
        private Interpreter interp;

        Runner(IrProgram program, StringBuilder transcript) {
            this.program = program;
            this.transcript = transcript;
        }

        void directive(String d, String where) {
            List<String> w = words(d);
            switch (w.getFirst()) {
                case "vcpus" -> vcpus = Integer.parseInt(w.get(1));
                case "ram" -> {
                    ram = MemorySegment.ofArray(new byte[(int) number(w.get(1))]);
                    guest = new GuestState(new GuestMemory(ram));
                    tables = null;
                }
                case "map" -> {
                    if (tables == null) tables = new PageTableBuilder(ram, ram.byteSize() - (256 << 10), ram.byteSize());
                    var size = switch (w.get(1)) {
                        case "4k" -> PageTableBuilder.PageSize.K4;
                        case "2m" -> PageTableBuilder.PageSize.M2;
                        case "1g" -> PageTableBuilder.PageSize.G1;
                        default -> throw new IllegalArgumentException(where + ": page size must be 4k, 2m or 1g");
                    };
                    tables.map(number(w.get(2)), number(w.get(3)), number(w.get(4)), size);
                    guest.set(Builtin.CR3, tables.cr3());
                }
                case "poke" -> {
                    String s = w.get(2);
                    for (int i = 0; i < s.length(); i++) ram.set(ValueLayout.JAVA_BYTE, number(w.get(1)) + i, (byte) s.charAt(i));
                }
                case "poke64" -> ram.set(LONG, number(w.get(1)), number(w.get(2)));
                case "set" -> {
                    Builtin b = Builtin.byName(w.get(1));
                    if (b == null) throw new IllegalArgumentException(where + ": no built-in " + w.get(1));
                    guest.set(b, number(w.get(2)));
                }
                case "fire" -> {
                    if (interp == null) interp = new Interpreter(program, vcpus, this::record);
                    int probe = Integer.parseInt(w.get(1));
                    int vcpu = 0;
                    long times = 1;
                    for (int i = 2; i + 1 < w.size(); i += 2) {
                        switch (w.get(i)) {
                            case "vcpu" -> vcpu = w.get(i + 1).equals("host") ? Interpreter.HOST : Integer.parseInt(w.get(i + 1));
                            case "times" -> times = number(w.get(i + 1));
                            default -> throw new IllegalArgumentException(where + ": unknown fire option " + w.get(i));
                        }
                    }
                    for (long t = 0; t < times; t++) {
                        FiringResult r = interp.fire(probe, vcpu, guest);
                        if (r.outcome() != FiringResult.Outcome.COMPLETED) transcript.append("! ").append(r).append('\n');
                    }
                }
                case "report" -> {
                    for (int p = 0; p < program.probes().size(); p++) {
                        ProbeCounters c = interp.counters(p);
                        transcript.append("# probe ").append(p).append(": firings ").append(c.firings())
                                  .append(" exits ").append(c.exits()).append(" cancellations ").append(c.cancellations()).append('\n');
                        for (ProbeCounters.CancelSite s : c.sites()) {
                            transcript.append("#   ").append(s.cause().shortName).append(" at ").append(s.loc())
                                      .append(" x").append(s.count()).append(": ").append(s.description()).append('\n');
                        }
                    }
                    for (int b = 0; b < program.bags().size(); b++) {
                        transcript.append("# bag $").append(program.bags().get(b).name()).append(": ")
                                  .append(interp.bagDrops(b)).append(" dropped\n");
                    }
                }
                default -> throw new IllegalArgumentException(where + ": unknown directive " + w.getFirst());
            }
        }

        private void record(OutputRecord r) { transcript.append(r.text()); }

        private static long number(String s) {
            return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        }

        /** Splits on blanks; a double-quoted word may hold blanks and the escapes \n \0 \\ \". */
        private static List<String> words(String d) {
            var out = new ArrayList<String>();
            int i = 0;
            while (i < d.length()) {
                char c = d.charAt(i);
                if (c == ' ') { i++; continue; }
                var w = new StringBuilder();
                if (c == '"') {
                    for (i++; d.charAt(i) != '"'; i++) {
                        char ch = d.charAt(i);
                        if (ch == '\\') {
                            ch = d.charAt(++i);
                            ch = switch (ch) { case 'n' -> '\n'; case '0' -> '\0'; default -> ch; };
                        }
                        w.append(ch);
                    }
                    i++;
                } else {
                    while (i < d.length() && d.charAt(i) != ' ') w.append(d.charAt(i++));
                }
                out.add(w.toString());
            }
            return out;
        }
    }
}
