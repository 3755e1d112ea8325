// Tests for guest symbol tables and the kallsyms/System.map reader.
package dev.vp.compiler.symbols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SymbolTableTest {
    private static final String KALLSYMS = """
            ffffffff81000000 T _stext
            ffffffff81000100 t do_syscall_64
            ffffffff81000180 T schedule
            ffffffff82000000 D jiffies
            ffffffff82001000 b task_count
            0000000000000000 A fixed_percpu_data
            ffffffffc0a01000 t e1000_probe\t[e1000]
            ffffffffc0a01200 T schedule\t[e1000]
            ffffffffc0b00000 t e1000_probe\t[e1000e]
            """;

    private static SymbolTable parse(String text, Diagnostics d) {
        return SymbolFile.parse(new SourceFile("kallsyms", text), d);
    }

    @Test void kallsymsByNameAndByModule() {
        Diagnostics d = new Diagnostics();
        SymbolTable t = parse(KALLSYMS, d);
        assertTrue(d.all().isEmpty(), d.all().toString());
        assertEquals(0xffffffff81000100L, t.lookup("do_syscall_64").address());
        assertEquals(Symbol.Kind.FUNC, t.lookup("do_syscall_64").kind());
        assertEquals(Symbol.Kind.OBJECT, t.lookup("jiffies").kind());
        assertEquals(Symbol.Kind.OTHER, t.lookup("fixed_percpu_data").kind());
        // A plain name prefers the symbol without a module; module!name picks the module's.
        assertEquals(0xffffffff81000180L, t.lookup("schedule").address());
        assertEquals(0xffffffffc0a01200L, t.lookup("e1000!schedule").address());
        assertEquals(0xffffffffc0a01000L, t.lookup("e1000!e1000_probe").address());
        assertEquals(0xffffffffc0b00000L, t.lookup("e1000e!e1000_probe").address());
        assertEquals("e1000e", t.lookup("e1000_probe").module());   // the later module symbol
        assertNull(t.lookup("e1000!jiffies"));
        assertNull(t.lookup("nosuch"));
        assertTrue(t.names().containsAll(List.of("schedule", "e1000!schedule", "e1000e!e1000_probe", "jiffies")));
    }

    @Test void addressesDescribeAsNamePlusOffset() {
        SymbolTable t = parse(KALLSYMS, new Diagnostics());
        assertEquals("do_syscall_64", t.describe(0xffffffff81000100L));
        assertEquals("do_syscall_64+0x12", t.describe(0xffffffff81000112L));
        assertEquals("schedule+0x7f", t.describe(0xffffffff810001ffL));
        assertEquals("e1000!schedule+0x4", t.describe(0xffffffffc0a01204L));
        assertEquals("0x1000", t.describe(0x1000));                       // below every symbol
        assertNull(t.symbolAt(0x7fffffffffffffffL));                      // unsigned: kernel addresses are above
    }

    @Test void knownSizesBoundASymbol() {
        SymbolTable t = SymbolTable.of(List.of(
                new Symbol("main", 0x401000, 0x40, Symbol.Kind.FUNC),
                new Symbol("label", 0x401000, 0, Symbol.Kind.OTHER),
                new Symbol("buf", 0x402000, 0, Symbol.Kind.OBJECT)));
        assertEquals("main+0x3f", t.describe(0x40103f));     // FUNC preferred at a shared address
        assertEquals("0x401040", t.describe(0x401040));      // past main's end
        assertEquals("buf+0x10000", t.describe(0x412000));   // unknown size reaches the next symbol
    }

    @Test void laterEntriesAndLaterTablesWin() {
        SymbolTable image = SymbolTable.of(List.of(new Symbol("f", 0x1000, 16, Symbol.Kind.FUNC),
                new Symbol("g", 0x2000, 16, Symbol.Kind.FUNC)), new long[] {0x2000, 0x1000});
        SymbolTable file = SymbolTable.of(List.of(new Symbol("f", 0x1100, 0, Symbol.Kind.FUNC)));
        SymbolTable merged = SymbolTable.merge(List.of(image, file));
        assertEquals(0x1100, merged.lookup("f").address());
        assertEquals(0x2000, merged.lookup("g").address());
        assertEquals(0x1000, SymbolTable.merge(List.of(file, image)).lookup("f").address());
        // The shadowed entry still names its own address.
        assertEquals("f+0x4", merged.describe(0x1004));
        assertArrayEquals(new long[] {0x1000, 0x2000}, merged.patchableSites());
        assertTrue(merged.isPatchable(0x2000));
        assertFalse(merged.isPatchable(0x1100));
        assertTrue(merged.knowsPatchableSites());
        assertFalse(file.knowsPatchableSites());

        Diagnostics d = new Diagnostics();
        assertEquals(0x20, parse("10 T f\n20 T f\n", d).lookup("f").address());
    }

    @Test void patchableSitesAreSortedUnsignedWithoutDuplicates() {
        SymbolTable t = SymbolTable.of(List.of(), new long[] {0xffffffff81000000L, 0x1000, 0xffffffff81000000L, 0x10});
        assertArrayEquals(new long[] {0x10, 0x1000, 0xffffffff81000000L}, t.patchableSites());
        assertTrue(t.isPatchable(0xffffffff81000000L));
        assertFalse(t.isPatchable(0x11));
        long[] copy = t.patchableSites();
        copy[0] = 99;
        assertEquals(0x10, t.patchableSites()[0]);
    }

    @Test void systemMapAndNmOutput() {
        Diagnostics d = new Diagnostics();
        SymbolTable t = parse("ffffffff81000000 T _text\nffffffff81001000 W weak_fn\n                 U printf\n", d);
        assertTrue(d.all().isEmpty(), d.all().toString());
        assertEquals(Symbol.Kind.FUNC, t.lookup("weak_fn").kind());
        assertNull(t.lookup("printf"));
    }

    @Test void garbageLinesAreReportedWithTheirLineAndSkipped() {
        Diagnostics d = new Diagnostics();
        SymbolTable t = parse("ffffffff81000000 T _stext\nhello world\nzzzz T bad_address\n10 Q bad_type\n"
                + "20 T ok\n30 T a b\n40 t mod_fn [mod]\n", d);
        assertEquals(List.of("_stext", "ok", "mod_fn"), t.symbols().stream().map(Symbol::name).toList());
        assertEquals(4, d.all().size());
        assertTrue(d.all().stream().allMatch(x -> x.code() == Code.E0804 && x.isError()));
        assertEquals(List.of(2, 3, 4, 6), d.all().stream().map(x -> x.span().line()).toList());
        assertEquals("malformed symbol line: expected \"ADDRESS TYPE NAME\" or \"ADDRESS TYPE NAME [module]\", found 2 fields; the line is skipped",
                d.all().get(0).message());
        assertTrue(d.all().get(1).message().contains("\"zzzz\" is not a hexadecimal number"));
        assertTrue(d.all().get(2).message().contains("\"Q\" is not a symbol type letter"));
        assertTrue(d.all().get(3).message().contains("should be a module in brackets"));
        assertEquals("kallsyms", d.all().get(0).span().file().path());
    }

    @Test void aWrongFileDoesNotFloodTheOutput() {
        Diagnostics d = new Diagnostics();
        parse("not a symbol\n".repeat(500), d);
        assertEquals(SymbolFile.REPORTED_BAD_LINES + 1, d.all().size());
        assertTrue(d.all().get(d.all().size() - 1).message().contains("490 more malformed lines skipped (500 in all)"));
    }

    @Test void hiddenAddressesAreCalledOut() {
        Diagnostics d = new Diagnostics();
        SymbolTable t = parse("0000000000000000 T _stext\n0000000000000000 T schedule\n", d);
        assertTrue(t.isEmpty());
        assertEquals(1, d.all().size());
        assertTrue(d.all().get(0).message().contains("kptr_restrict"));
    }

    @Test void filesThatAreNotSymbolLists(@TempDir Path dir) throws IOException {
        Path elf = dir.resolve("minios.elf");
        Files.write(elf, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        Diagnostics d = new Diagnostics();
        assertTrue(SymbolFile.read(elf, d).isEmpty());
        assertEquals(Code.E0804, d.all().get(0).code());
        assertTrue(d.all().get(0).message().contains("is an ELF image"));

        Path bin = dir.resolve("x.bin");
        Files.write(bin, new byte[] {1, 2, (byte) 0xff, (byte) 0xfe});
        Diagnostics d2 = new Diagnostics();
        SymbolFile.read(bin, d2);
        assertTrue(d2.all().get(0).message().contains("is not text"));

        Diagnostics d3 = new Diagnostics();
        SymbolFile.read(dir.resolve("missing"), d3);
        assertEquals(Code.E0001, d3.all().get(0).code());

        Path good = dir.resolve("System.map");
        Files.writeString(good, "ffffffff81000000 T _text\n");
        Diagnostics d4 = new Diagnostics();
        assertEquals(0xffffffff81000000L, SymbolFile.read(good, d4).lookup("_text").address());
        assertTrue(d4.all().isEmpty());
    }
}
