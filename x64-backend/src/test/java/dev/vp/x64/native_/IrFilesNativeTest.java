// Every IR test program of the compiler, run on the interpreter and natively: transcripts equal and as expected.
package dev.vp.x64.native_;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.interp.PageTableBuilder;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.compiler.lang.Builtin;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * Reads compiler/src/test/resources/ir/*.ir (the interpreter's own file tests, directives as IrFileTest documents
 * them) and carries out each file's directives on both engines at once through DualEngine, which compares every
 * firing; the native transcript must also equal the file's expected ";>" lines.
 */
class IrFilesNativeTest {
    static final Path IR_DIR = Path.of("..", "compiler", "src", "test", "resources", "ir");

    @TestFactory
    Stream<DynamicTest> irFiles() throws IOException {
        try (Stream<Path> files = Files.list(IR_DIR)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".ir")).sorted().toList();
            if (list.isEmpty()) throw new IllegalStateException("no IR test files in " + IR_DIR.toAbsolutePath());
            return list.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> run(p)));
        }
    }

    static void run(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String name = file.getFileName().toString();
        IrProgram program = IrParser.parse(text, name);
        var expected = new StringBuilder();
        var transcript = new StringBuilder();
        try (Arena arena = Arena.ofConfined(); var runner = new Runner(program, arena, transcript)) {
            String[] lines = text.split("\r?\n");
            for (int n = 0; n < lines.length; n++) {
                String line = lines[n].strip();
                if (line.startsWith(";>")) expected.append(line.length() > 2 ? line.substring(3) : "").append('\n');
                else if (line.startsWith(";@")) runner.directive(line.substring(2).strip(), name + ":" + (n + 1));
            }
        }
        assertEquals(expected.toString(), transcript.toString(), name + ": native transcript");
    }

    private static final class Runner implements AutoCloseable {
        private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private final IrProgram program;
        private final Arena arena;
        private final StringBuilder transcript;
        private int vcpus = 1;
        private MemorySegment ram;
        private PageTableBuilder tables;
        private dev.vp.compiler.interp.GuestState guest;
        private DualEngine engines;

        Runner(IrProgram program, Arena arena, StringBuilder transcript) {
            this.program = program;
            this.arena = arena;
            this.transcript = transcript;
            ram = DualEngine.newRam(arena, 4 << 20);
            guest = DualEngine.newGuest(ram);
        }

        void directive(String d, String where) {
            List<String> w = words(d);
            switch (w.getFirst()) {
                case "vcpus" -> vcpus = Integer.parseInt(w.get(1));
                case "ram" -> {
                    ram = DualEngine.newRam(arena, number(w.get(1)));
                    guest = DualEngine.newGuest(ram);
                    tables = null;
                }
                case "map" -> {
                    if (tables == null) tables = new PageTableBuilder(ram, ram.byteSize() - (256 << 10), ram.byteSize());
                    var size = switch (w.get(1)) {
                        case "4k" -> PageTableBuilder.PageSize.K4;
                        case "2m" -> PageTableBuilder.PageSize.M2;
                        default -> PageTableBuilder.PageSize.G1;
                    };
                    tables.map(number(w.get(2)), number(w.get(3)), number(w.get(4)), size);
                    guest.set(Builtin.CR3, tables.cr3());
                }
                case "poke" -> {
                    String s = w.get(2);
                    for (int i = 0; i < s.length(); i++) ram.set(ValueLayout.JAVA_BYTE, number(w.get(1)) + i, (byte) s.charAt(i));
                }
                case "poke64" -> ram.set(LONG, number(w.get(1)), number(w.get(2)));
                case "set" -> guest.set(Builtin.byName(w.get(1)), number(w.get(2)));
                case "fire" -> {
                    if (engines == null) engines = new DualEngine(program, vcpus, arena, ram, guest);
                    int probe = Integer.parseInt(w.get(1));
                    int vcpu = 0;
                    long times = 1;
                    for (int i = 2; i + 1 < w.size(); i += 2) {
                        switch (w.get(i)) {
                            case "vcpu" -> vcpu = w.get(i + 1).equals("host") ? -1 : Integer.parseInt(w.get(i + 1));
                            case "times" -> times = number(w.get(i + 1));
                            default -> throw new IllegalArgumentException(where + ": unknown fire option " + w.get(i));
                        }
                    }
                    for (long t = 0; t < times; t++) transcript.append(engines.fire(probe, vcpu, where));
                }
                case "report" -> transcript.append(engines.report());
                default -> throw new IllegalArgumentException(where + ": unknown directive " + w.getFirst());
            }
        }

        @Override public void close() { if (engines != null) engines.close(); }

        private static long number(String s) {
            return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        }

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
