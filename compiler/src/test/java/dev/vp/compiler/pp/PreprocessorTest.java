// Behaviour of each directive, macro expansion, conditionals, includes and the source map.
package dev.vp.compiler.pp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PreprocessorTest {
    /** The E0007 message sends the reader to docs/language.md: it must list every directive, supported or refused. */
    @Test
    void theLanguageDocumentListsTheDirectives() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(Path.of("../docs/language.md"));
        for (String d : new java.util.TreeSet<>(Preprocessor.DIRECTIVES)) assertTrue(doc.contains("`#" + d), "#" + d + " is not in docs/language.md");
        for (String d : new java.util.TreeSet<>(Preprocessor.UNSUPPORTED)) assertTrue(doc.contains("`#" + d + "`"), "#" + d + " is not in docs/language.md");
    }

    /** Files exist only as editor buffers here: the overlay loader over a loader that finds nothing. */
    private final OverlaySourceLoader files = new OverlaySourceLoader(p -> new SourceLoader.Missing(p.toString()));
    private final Diagnostics diagnostics = new Diagnostics();
    private List<Path> includeDirs = List.of();

    private PreprocessedSource run(String text) {
        return new Preprocessor(files, includeDirs, diagnostics).run(new SourceFile("main.emt", text));
    }

    private String expand(String text) {
        return run(text).text();
    }

    private List<Code> codes() {
        return diagnostics.all().stream().map(Diagnostic::code).toList();
    }

    private Diagnostic only(Code code) {
        assertEquals(List.of(code), codes(), () -> "diagnostics: " + diagnostics.all());
        return diagnostics.all().getFirst();
    }

    // ---- macros ----

    @Test
    void objectMacrosExpandInCodeButNotInStringsCommentsOrLongerNames() {
        String out = expand("#define N 10\nint a = N; \"N\" 'N' // N\n/* N /* N */ N */ xN N2 0xN N\n");
        assertEquals("\nint a = 10; \"N\" 'N' // N\n/* N /* N */ N */ xN N2 0xN 10\n", out);
        assertEquals(List.of(), codes());
    }

    @Test
    void expansionIsRecursiveButNeverIntoItself() {
        assertEquals("\n\nA * 2 + 1\n", expand("#define A B + 1\n#define B A * 2\nA\n"));
        assertEquals("\nSELF\n", expand("#define SELF SELF\nSELF\n"));
    }

    @Test
    void expansionNeverFusesWithNeighbouringTokens() {
        assertEquals("\n\nx = - -1; y = -1; z =- - -1-;\n", expand("#define NEG -1\n#define E\nx = -NEG; y = NEG; z =-E-NEG-;\n"));
    }

    @Test
    void macrosAreLookedUpWhenUsedNotWhenDefined() {
        assertEquals("\n\n\nX\n", expand("#define X 1\n#define Y X\n#undef X\nY\n"));
        assertEquals("\n\n2\n", expand("#define Y X\n#define X 2\nY\n"));
    }

    @Test
    void undefRemovesAMacro() {
        assertEquals("\n1\n\nN\n", expand("#define N 1\nN\n#undef N\nN\n"));
    }

    @Test
    void functionLikeMacrosAreRejected() {
        expand("#define MAX(a, b) a\n");
        assertTrue(only(Code.E0007).message().contains("function-like macros are not supported"));
    }

    @Test
    void directivesOtherThanIfDoNotExpandMacros() {
        files.open(Path.of("x.h"), "int x;\n");
        expand("#define F \"x.h\"\n#include F\n");
        assertEquals(List.of(Code.E0006), codes());
    }

    @Test
    void redefinitionWithTheSameTextIsQuiet() {
        expand("#define A 1\n#define A 1\n#define A  1 \n");
        assertEquals(List.of(), codes());
    }

    // ---- lines ----

    @Test
    void directiveLinesBecomeEmptyLinesSoLineNumbersSurvive() {
        String src = "#define X 1\nint a;\n#if 0\nskipped\nskipped\n#endif\nint b;\n";
        String out = expand(src);
        assertEquals("\nint a;\n\n\n\n\nint b;\n", out);
        assertEquals(src.split("\n", -1).length, out.split("\n", -1).length);
    }

    @Test
    void continuationLinesJoinDirectivesAndKeepTheLineCount() {
        assertEquals("\n\n1 +  2\n", expand("#define LONG 1 + \\\n 2\nLONG\n"));
        assertEquals("\n\n1\n", expand("#define X 1 /* a comment\nover two lines */\nX\n"));
        assertEquals("\n1\r\n", expand("#define X 1\r\nX\r\n"));
    }

    @Test
    void hashCommentsBecomeSpacesWithAFix() {
        String src = "# old comment\nint x; # kept\n  #c\n";
        var r = run(src);
        assertEquals("             \nint x; # kept\n    \n", r.text());
        assertEquals(List.of(Code.W0001, Code.W0001), codes());
        var fix = diagnostics.all().get(1).fixes().getFirst().edits().getFirst();
        assertEquals(new Span(r.files().getFirst(), src.indexOf("#c"), src.indexOf("#c") + 1), fix.span());
        assertEquals("//", fix.replacement());
    }

    @Test
    void unsupportedDirectivesAreErrorsNotComments() {
        expand("#line 3\n#warning hi\n#import \"x\"\n");
        assertEquals(List.of(Code.E0007, Code.E0007, Code.E0007), codes());
    }

    // ---- conditionals ----

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "1; true", "0; false", "1 + 2 * 3 == 7; true", "(1 << 4) == 16; true", "-8 >> 1 == -4; true",
        "defined(FOO); true", "defined FOO && FOO > 2; true", "!defined(BAR); true", "defined BAR; false",
        "UNKNOWN == 0; true", "0x10 == 16; true", "010 == 8; true", "'a' == 97; true", "'\\n' == 10; true",
        "-1 < 0; true", "~0 == -1; true", "1 ? 2 : 0; true", "0 ? 1 / 0 : 0; false", "0 && 1 / 0; false",
        "1 || 1 / 0; true", "5 % 3 == 2; true", "(2 > 1) + (1 >= 1) == 2; true", "1 != 2; true",
        "6 ^ 6; false", "3 & 4; false", "4 | 1 == 5; true", "TWICE == 6; true", "10UL == 10; true",
    })
    void ifEvaluatesCConstantExpressions(String expression, boolean expected) {
        String out = expand("#define FOO 3\n#define TWICE FOO + FOO\n#if " + expression + "\nyes\n#else\nno\n#endif\n");
        assertEquals(List.of(), codes());
        assertEquals(expected ? "yes" : "no", out.strip());
    }

    @Test
    void elifChainsTakeTheFirstTrueBranchOnly() {
        String src = "#if V == 1\none\n#elif V == 2\ntwo\n#elif V >= 2\nmore\n#else\nother\n#endif\n";
        assertEquals("two", expand("#define V 2\n" + src).strip());
        assertEquals("more", expand("#define V 3\n" + src).strip());
        assertEquals("other", expand(src).strip());
    }

    @Test
    void ifdefAndIfndef() {
        assertEquals("a c", expand("#define D\n#ifdef D\na\n#endif\n#ifndef D\nb\n#endif\n#ifndef E\nc\n#endif\n").strip().replaceAll("\\s+", " "));
    }

    @Test
    void nestedConditionalsInDeadBranchesAreNotEvaluated() {
        String out = expand("#if 0\n#if 1 / 0\ndead\n#else\ndead\n#endif\n#error never\n#include \"missing\"\n#else\n#if 1\nlive\n#endif\n#endif\n");
        assertEquals(List.of(), codes());
        assertEquals("live", out.strip());
    }

    @Test
    void skippedTextStillHasItsCommentsRecognised() {
        assertEquals("after", expand("#if 0\n/*\n#endif\n*/\ndon't\n#endif\nafter\n").strip());
        assertEquals(List.of(), codes());
    }

    @Test
    void unbalancedConditionalsAreReportedAtTheirLines() {
        var r = run("int a;\n#endif\n#if 1\n#else\n#elif 1\n#endif\n#ifdef X\n");
        assertEquals(List.of(Code.E0008, Code.E0008, Code.E0008), codes());
        assertEquals(2, diagnostics.all().get(0).span().line());
        assertEquals(5, diagnostics.all().get(1).span().line());
        assertEquals(4, diagnostics.all().get(1).labels().getFirst().span().line());
        assertEquals(7, diagnostics.all().get(2).span().line());
        assertEquals(r.files().getFirst(), diagnostics.all().get(2).span().file());
    }

    @Test
    void errorDirectiveReportsItsTextAndGoesOn() {
        assertEquals("\nafter", expand("#error stop here\nafter").stripTrailing());
        assertEquals("stop here", only(Code.E0010).message());
    }

    @Test
    void badIfExpressionsAreErrorsAndCountAsFalse() {
        assertEquals("no", expand("#if 1 +\nyes\n#else\nno\n#endif\n").strip());
        assertEquals(List.of(Code.E0009), codes());
    }

    // ---- pragmas ----

    @Test
    void budgetPragmasAreCollectedFromEveryFile() {
        files.open(Path.of("b.h"), "#pragma budget stack 0x1000\n");
        var r = run("#pragma budget code 65536\n#include \"b.h\"\n#if 0\n#pragma budget data 1\n#endif\n");
        assertEquals(List.of(), codes());
        assertEquals(List.of("code=65536", "stack=4096"), r.pragmas().stream().map(p -> p.kind() + "=" + p.value()).toList());
        Span span = r.pragmas().get(1).span();
        assertEquals("b.h", span.file().path());
        assertEquals("#pragma budget stack 0x1000", span.text());
    }

    // ---- includes ----

    @Test
    void includesSearchBesideTheFileThenEachIncludeDirectoryInOrder() {
        includeDirs = List.of(Path.of("first"), Path.of("second"));
        files.open(Path.of("lib/a.h"), "beside\n");
        files.open(Path.of("first/a.h"), "first\n");
        files.open(Path.of("first/b.h"), "first-b\n");
        files.open(Path.of("second/a.h"), "second\n");
        files.open(Path.of("second/b.h"), "second-b\n");
        files.open(Path.of("second/c.h"), "second-c\n");
        var r = new Preprocessor(files, includeDirs, diagnostics)
                .run(new SourceFile("lib/main.emt", "#include \"a.h\"\n#include \"b.h\"\n#include <a.h>\n#include <c.h>\n"));
        assertEquals(List.of(), codes());
        assertEquals(List.of("beside", "first-b", "first", "second-c"), r.text().lines().filter(l -> !l.isEmpty()).toList());
        assertEquals(List.of("lib/main.emt", "lib/a.h", "first/b.h", "first/a.h", "second/c.h"), r.files().stream().map(SourceFile::path).toList());
    }

    @Test
    void missingIncludeNamesTheDirectoriesSearched() {
        includeDirs = List.of(Path.of("inc"));
        expand("int a;\n#include \"gone.h\"\n");
        Diagnostic d = only(Code.E0003);
        assertEquals(2, d.span().line());
        assertEquals(10, d.span().column());
        assertEquals("\"gone.h\"", d.span().text());
        assertTrue(d.message().contains("searched ., inc"), d.message());
    }

    @Test
    void includeCyclesNameTheChain() {
        files.open(Path.of("a.h"), "#include \"b.h\"\n");
        files.open(Path.of("b.h"), "#include \"main.emt\"\n");
        expand("#include \"a.h\"\n");
        assertTrue(only(Code.E0004).message().startsWith("include cycle: main.emt -> a.h -> b.h -> main.emt"), diagnostics.all().toString());
    }

    @Test
    void pragmaOnceAndGuardsIncludeAFileOnce() {
        files.open(Path.of("once.h"), "#pragma once\nonce\n");
        files.open(Path.of("guard.h"), "#ifndef GUARD\n#define GUARD\nguarded\n#endif\n");
        files.open(Path.of("self.h"), "#pragma once\n#include \"self.h\"\nself\n");
        String out = expand("#include \"once.h\"\n#include \"once.h\"\n#include \"guard.h\"\n#include \"guard.h\"\n#include \"self.h\"\n");
        assertEquals(List.of(), codes());
        assertEquals(List.of("once", "guarded", "self"), out.lines().filter(l -> !l.isBlank()).toList());
    }

    @Test
    void anIncludeWithoutAFinalNewlineDoesNotFuseWithTheNextLine() {
        files.open(Path.of("n.h"), "abc");
        assertEquals("\nabc\ndef\n", expand("#include \"n.h\"\ndef\n"));
    }

    @Test
    void diagnosticsInIncludedFilesSayWhereTheyWereIncluded() {
        files.open(Path.of("bad.h"), "ok\n#endif\n");
        expand("\n#include \"bad.h\"\n");
        Diagnostic d = only(Code.E0008);
        assertEquals("bad.h", d.span().file().path());
        assertEquals(2, d.span().line());
        assertEquals("main.emt", d.labels().getFirst().span().file().path());
        assertEquals(2, d.labels().getFirst().span().line());
    }

    @Test
    void aBinaryIncludeIsReportedInsideItWithTheDirectiveAsANote() {
        files.open(Path.of("bin.h"), "int a;\n\u0000\u0007");
        expand("#include \"bin.h\"\nint b;\n");
        Diagnostic d = only(Code.E0002);
        assertEquals("bin.h", d.span().file().path());
        assertEquals(2, d.span().line());
        assertEquals("\"bin.h\"", d.labels().getFirst().span().text());
    }

    @Test
    void anUnterminatedCommentInAnIncludeEndsWithThatFile() {
        files.open(Path.of("c.h"), "int a; /* never closed\n#define X 1\n");
        String out = expand("#include \"c.h\"\nX\n");
        assertTrue(out.endsWith("\nX\n"), out);
        assertEquals(List.of(), codes());
    }

    @Test
    void anUnterminatedStringEndsAtItsLine() {
        assertEquals("\"abc\n\n1\n", expand("\"abc\n#define X 1\nX\n"));
    }

    // ---- source map ----

    @Test
    void spansInsideAMacroExpansionPointAtTheUseSite() {
        var r = run("#define LIMIT (1 << 20)\nint x = LIMIT + 1;\n");
        String text = r.text();
        int inside = text.indexOf("<<");
        Span s = r.map().span(inside, inside + 2);
        assertEquals(2, s.line());
        assertEquals(9, s.column());
        assertEquals("LIMIT", s.text());
        int start = text.indexOf("x");
        assertEquals("x = LIMIT", r.map().span(start, inside + 1).text());
        assertEquals("LIMIT + 1", r.map().span(inside, text.indexOf(";")).text());
    }

    @Test
    void spansInAnIncludedFilePointIntoThatFile() {
        files.open(Path.of("inc.h"), "x\n  yy\n");
        var r = run("a\n#include \"inc.h\"\nb FOO c\n");
        String text = r.text();
        assertEquals("a\n\nx\n  yy\nb FOO c\n", text);
        Span yy = r.map().span(text.indexOf("yy"), text.indexOf("yy") + 2);
        assertEquals("inc.h", yy.file().path());
        assertEquals(2, yy.line());
        assertEquals(3, yy.column());
        assertEquals("yy", yy.text());
        Span b = r.map().span(text.indexOf("b"), text.indexOf("b") + 1);
        assertEquals("main.emt", b.file().path());
        assertEquals(3, b.line());
        Span across = r.map().span(text.indexOf("x"), text.indexOf("c"));
        assertEquals("inc.h", across.file().path());
        assertEquals("x", across.text());
    }

    @Test
    void spansAtTheEndAndOfEmptyInputStayInBounds() {
        var r = run("ab");
        assertEquals(new Span(r.files().getFirst(), 2, 2), r.map().span(2, 2));
        assertEquals(new Span(r.files().getFirst(), 0, 2), r.map().span(-5, 99));
        var empty = run("");
        assertEquals("", empty.text());
        assertEquals(Span.at(empty.files().getFirst(), 0), empty.map().span(0, 1));
        assertFalse(diagnostics.hasErrors());
    }
}
