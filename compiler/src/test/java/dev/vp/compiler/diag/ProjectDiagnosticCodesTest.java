// Each diagnostic code of the project, catalog and symbol file section, triggered by its own file in diag/.
package dev.vp.compiler.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.catalog.Location;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.project.ProjectFile;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.symbols.SymbolFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ProjectDiagnosticCodesTest {
    private static final BiConsumer<SourceFile, Diagnostics> PROJECT = (f, d) -> ProjectFile.parse(f, Path.of("."), d);
    private static final BiConsumer<SourceFile, Diagnostics> CATALOG =
            (f, d) -> TargetCatalog.parse(f, new Location.File(Path.of(f.path())), d);
    private static final BiConsumer<SourceFile, Diagnostics> SYMBOLS = SymbolFile::parse;

    /** Code, the extension of its file diag/CODE.EXT, how the file is read, and the first diagnostic of that code: line, column, message. */
    private record Case(Code code, String extension, BiConsumer<SourceFile, Diagnostics> reader, int line, int column, String message) {}

    private static final List<Case> CASES = List.of(
            new Case(Code.E0800, ".json", PROJECT, 3, 23, "`$.budgets.code`: expected an integer, found a string"),
            new Case(Code.E0801, ".json", CATALOG, 3, 20, "malformed JSON in diag/E0801.json: expected a key in double quotes"),
            new Case(Code.E0802, ".json", CATALOG, 4, 15, "`$.numVcpus`: expected an integer, found a string"),
            new Case(Code.E0803, ".json", CATALOG, 2, 20, "the target catalog diag/E0803.json has format version 3.1, but this compiler"
                    + " reads 1.x; update vp, or have the monitor write an older catalog"),
            new Case(Code.E0804, ".kallsyms", SYMBOLS, 3, 1, "malformed symbol line: expected \"ADDRESS TYPE NAME\" or"
                    + " \"ADDRESS TYPE NAME [module]\", found 6 fields; the line is skipped"),
            new Case(Code.W0800, ".json", PROJECT, 3, 3, "`$.budget`: unknown key \"budget\" in the project file is ignored;"
                    + " did you mean \"budgets\"?"),
            new Case(Code.W0801, ".json", CATALOG, 2, 20, "the target catalog diag/W0801.json has format version 1.2, newer than"
                    + " this compiler's 1.0: what the newer version adds is ignored; update vp to use it"));

    static Stream<Arguments> cases() { return CASES.stream().map(c -> Arguments.of(c.code, c)); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCodeHasAFileThatTriggersIt(Code code, Case c) throws IOException {
        String path = "diag/" + code.name() + c.extension;
        String text;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
            assertNotNull(in, "missing test resource " + path);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Diagnostics d = new Diagnostics();
        c.reader.accept(new SourceFile(path, text), d);
        List<Diagnostic> mine = d.all().stream().filter(x -> x.code() == code).toList();
        assertEquals(1, mine.size(), d.all().toString());
        // The file triggers its own code and nothing else.
        assertEquals(List.of(code), d.all().stream().map(Diagnostic::code).toList());
        Diagnostic x = mine.get(0);
        assertEquals(code.severity(), x.severity());
        assertEquals(c.message, x.message());
        assertEquals(c.line, x.span().line(), "line");
        assertEquals(c.column, x.span().column(), "column");
    }

    @Test void everyCodeOfTheSectionIsCovered() {
        List<Code> section = Arrays.stream(Code.values()).filter(c -> c.name().substring(1).startsWith("08")).toList();
        assertEquals(section, CASES.stream().map(Case::code).toList());
        assertTrue(section.stream().allMatch(c -> !c.title().isEmpty()));
    }
}
