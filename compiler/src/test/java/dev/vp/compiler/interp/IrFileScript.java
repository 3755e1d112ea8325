// Reads an IR test file (IrFileTest's format) and carries out its directives against whatever engines a test gives.
package dev.vp.compiler.interp;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.compiler.lang.Builtin;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * One IR test file: the program, its ";@" directives and its expected ";>" transcript. The interpreter's test
 * (IrFileTest) and the backend's and runtime's differential tests share it, so the directive vocabulary and the
 * transcript format have one definition: the guest set-up directives run here ({@link Guest}), the firings and
 * the report on the caller's {@link Engine}.
 */
public final class IrFileScript {
    /** One directive line: its text and where it is (FILE:LINE, for messages). */
    public record Directive(String text, String where) {}

    public final String name;
    public final IrProgram program;
    public final List<Directive> directives;
    public final String expected;

    private IrFileScript(String name, IrProgram program, List<Directive> directives, String expected) {
        this.name = name;
        this.program = program;
        this.directives = directives;
        this.expected = expected;
    }

    /** One dynamic test per *.ir file in dir, in name order; a directory without any is an error, not a pass. */
    public static Stream<DynamicTest> tests(Path dir, ThrowingConsumer<IrFileScript> test) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".ir")).sorted().toList();
            if (list.isEmpty()) throw new IllegalStateException("no IR test files in " + dir.toAbsolutePath());
            return list.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> test.accept(read(p))));
        }
    }

    public static IrFileScript read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String name = file.getFileName().toString();
        var directives = new ArrayList<Directive>();
        var expected = new StringBuilder();
        String[] lines = text.split("\r?\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.startsWith(";>")) expected.append(line.length() > 2 ? line.substring(3) : "").append('\n');
            else if (line.startsWith(";@")) directives.add(new Directive(line.substring(2).strip(), name + ":" + (n + 1)));
        }
        return new IrFileScript(name, IrParser.parse(text, name), List.copyOf(directives), expected.toString());
    }

    /** Makes the guest RAM and, at the first firing or report, the engine. */
    public interface Engines {
        MemorySegment newRam(long bytes);

        /** vcpus and the RAM are final from here on; guest is the one set up so far. */
        Engine start(IrProgram program, int vcpus, MemorySegment ram, GuestState guest) throws Exception;
    }

    /** Runs the firings; vCPU numbers use {@link Interpreter#HOST} for the host. */
    public interface Engine {
        /** Fires the probe once; returns its transcript lines: the output records, then "! OUTCOME" unless it completed. */
        String fire(int probe, int vcpu, GuestState guest, String where) throws Exception;

        /** The `report` directive's lines: each probe's counters and cancellation sites, each bag's drops. */
        String report();
    }

    /** Carries out the directives in order on fresh engines and returns the transcript. */
    public String run(Engines engines) throws Exception {
        var guest = new Guest(engines::newRam);
        var transcript = new StringBuilder();
        Engine engine = null;
        for (Directive d : directives) {
            List<String> w = words(d.text(), d.where());
            if (guest.apply(w, d.where())) continue;
            if (engine == null && (w.getFirst().equals("fire") || w.getFirst().equals("report"))) {
                engine = engines.start(program, guest.vcpus, guest.ram, guest.state);
            }
            switch (w.getFirst()) {
                case "fire" -> {
                    int probe = Integer.parseInt(w.get(1));
                    int vcpu = 0;
                    long times = 1;
                    for (int i = 2; i + 1 < w.size(); i += 2) {
                        switch (w.get(i)) {
                            case "vcpu" -> vcpu = w.get(i + 1).equals("host") ? Interpreter.HOST : Integer.parseInt(w.get(i + 1));
                            case "times" -> times = number(w.get(i + 1), d.where());
                            default -> throw new IllegalArgumentException(d.where() + ": unknown fire option " + w.get(i));
                        }
                    }
                    for (long t = 0; t < times; t++) transcript.append(engine.fire(probe, vcpu, guest.state, d.where()));
                }
                case "report" -> transcript.append(engine.report());
                default -> throw new IllegalArgumentException(d.where() + ": unknown directive " + w.getFirst());
            }
        }
        return transcript.toString();
    }

    /** The fake guest that the set-up directives build; ScriptRun's scripts use the same vocabulary. */
    public static final class Guest {
        private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private final LongFunction<MemorySegment> newRam;
        private PageTableBuilder tables;
        public int vcpus = 1;
        public MemorySegment ram;
        public GuestState state;

        /** Starts with 4 MiB of RAM from newRam. */
        public Guest(LongFunction<MemorySegment> newRam) {
            this.newRam = newRam;
            newRam(4 << 20);
        }

        private void newRam(long bytes) {
            ram = newRam.apply(bytes);
            state = new GuestState(new GuestMemory(ram));
            tables = null;
        }

        /**
         * Carries out vcpus N, ram SIZE, map 4k|2m|1g LINEAR PHYS LEN (page tables in the last 256 KB of RAM; sets
         * CR3), poke PHYS "text", poke64 PHYS VALUE or set BUILTIN VALUE; false for any other directive.
         */
        public boolean apply(List<String> w, String where) {
            switch (w.getFirst()) {
                case "vcpus" -> vcpus = Integer.parseInt(w.get(1));
                case "ram" -> newRam(number(w.get(1), where));
                case "map" -> {
                    if (tables == null) tables = new PageTableBuilder(ram, ram.byteSize() - (256 << 10), ram.byteSize());
                    var size = switch (w.get(1)) {
                        case "4k" -> PageTableBuilder.PageSize.K4;
                        case "2m" -> PageTableBuilder.PageSize.M2;
                        case "1g" -> PageTableBuilder.PageSize.G1;
                        default -> throw new IllegalArgumentException(where + ": page size must be 4k, 2m or 1g");
                    };
                    tables.map(number(w.get(2), where), number(w.get(3), where), number(w.get(4), where), size);
                    state.set(Builtin.CR3, tables.cr3());
                }
                case "poke" -> {
                    byte[] s = w.get(2).getBytes(StandardCharsets.UTF_8); // a guest's text in UTF-8
                    long at = number(w.get(1), where);
                    for (int i = 0; i < s.length; i++) ram.set(ValueLayout.JAVA_BYTE, at + i, s[i]);
                }
                case "poke64" -> ram.set(LONG, number(w.get(1), where), number(w.get(2), where));
                case "set" -> {
                    Builtin b = Builtin.byName(w.get(1));
                    if (b == null) throw new IllegalArgumentException(where + ": no built-in " + w.get(1));
                    state.set(b, number(w.get(2), where));
                }
                default -> { return false; }
            }
            return true;
        }
    }

    /** A decimal or 0x-hex number (optionally -0x), or a message that says where the bad one is. */
    public static long number(String s, String where) {
        try {
            if (s.startsWith("0x")) return Long.parseUnsignedLong(s.substring(2), 16);
            if (s.startsWith("-0x")) return -Long.parseUnsignedLong(s.substring(3), 16);
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": `" + s + "` is not a number");
        }
    }

    /** Splits on blanks; a double-quoted word may hold blanks and the escapes \n \0 \\ \". */
    public static List<String> words(String d, String where) {
        var out = new ArrayList<String>();
        int i = 0;
        while (i < d.length()) {
            char c = d.charAt(i);
            if (c == ' ' || c == '\t') { i++; continue; }
            var w = new StringBuilder();
            if (c == '"') {
                for (i++; i < d.length() && d.charAt(i) != '"'; i++) {
                    char ch = d.charAt(i);
                    if (ch == '\\' && i + 1 < d.length()) {
                        ch = d.charAt(++i);
                        ch = switch (ch) { case 'n' -> '\n'; case '0' -> '\0'; default -> ch; };
                    }
                    w.append(ch);
                }
                if (i >= d.length()) throw new IllegalArgumentException(where + ": unterminated quoted word");
                i++;
            } else {
                while (i < d.length() && d.charAt(i) != ' ' && d.charAt(i) != '\t') w.append(d.charAt(i++));
            }
            out.add(w.toString());
        }
        if (out.isEmpty()) throw new IllegalArgumentException(where + ": empty directive");
        return out;
    }
}
