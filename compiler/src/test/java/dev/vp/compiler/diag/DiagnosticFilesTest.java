// The one runner for diag/*.emt and diag/*.vp: each file goes through the whole compiler and must give exactly its annotated diagnostics.
package dev.vp.compiler.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.check.TestTarget;
import dev.vp.compiler.diag.render.DiagnosticRenderer;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.pp.OverlaySourceLoader;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.source.SourceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file in src/test/resources/diag named {@code CODE.emt}, {@code CODE.vp} or {@code CODE-what.emt|vp}
 * is compiled by {@link Compiler} against {@link TestTarget} (the default catalog, a small guest symbol
 * table, no preloads, -I diag/include), as rustc's UI tests do:
 * <ul>
 * <li>it must produce its own code, and every diagnostic located in the file must be announced, nothing more:
 *     in Emmett by {@code //~ CODE message} on the diagnostic's line ({@code //~^} the line above, {@code //~v}
 *     the line below; the message may be left out, then only line and code count), in VP by a line
 *     {@code ;! CODE LINE:COL message};</li>
 * <li>the rendered text of all its diagnostics must equal {@code CODE[-what].out} beside it (run with
 *     {@code -Dvp.bless=true} to rewrite the .out files, then review the change);</li>
 * <li>each fix a diagnostic offers is applied alone and the result recompiled: that diagnostic must be gone
 *     and nothing else may change.</li>
 * </ul>
 * Every code of {@link Code} must have such a file, except those listed in {@link #NO_FILE}; the E08xx codes
 * are about JSON and symbol files and have theirs in {@link ProjectDiagnosticCodesTest}.
 */
class DiagnosticFilesTest {
    static final Path DIR = Path.of("src/test/resources/diag");
    private static final Path INCLUDE = Path.of("include");
    private static final Pattern NAME = Pattern.compile("([EW]\\d{4})(-[a-z0-9-]+)?\\.(emt|vp)");
    private static final Pattern EMMETT = Pattern.compile("//~(\\^*|v*)\\s*([EW]\\d{4})\\b[ \\t]*((?:(?!//~).)*)");
    private static final Pattern VP = Pattern.compile("^;!\\s+([EW]\\d{4})\\s+(\\d+):(\\d+)\\s+(.*)$");

    /** Codes no file can trigger, with the reason. */
    private static final Map<Code, String> NO_FILE = Map.of(
            Code.E0200, "ANTLR's fallback, unreachable once VpParser has repaired the tokens",
            Code.E0900, "an internal compiler error: a file that triggers it is a bug to fix",
            Code.W0005, "about an -I flag, not a file: ScriptSetupTest has it",
            Code.E0702, "the runtime's memory, known once the backend has built the code: NativeCliTest and NativeCodeSizerTest have it");

    /** One expected diagnostic; column and message are null when the annotation leaves them out. */
    private record Expected(int line, Integer column, String code, String message) {
        boolean matches(Diagnostic d) {
            return d.span().line() == line && d.code().name().equals(code)
                    && (column == null || d.span().column() == column) && (message == null || d.message().equals(message));
        }

        @Override public String toString() {
            return line + (column == null ? "" : ":" + column) + " " + code + (message == null ? "" : " " + message);
        }
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> list = Files.list(DIR)) {
            return list.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    static Compilation compile(String name, SourceLoader loader) {
        Diagnostics failed = new Diagnostics();
        return loader.loadReporting(Path.of(name), failed)
                .map(main -> Compiler.compile(main, TestTarget.options(List.of(INCLUDE)), loader))
                .orElseGet(() -> new Compilation(null, List.of(), List.of(), null, null, failed.all(), null, null, List.of()));
    }

    @TestFactory
    Stream<DynamicTest> everyFile() throws IOException {
        List<Path> files = files();
        assertTrue(!files.isEmpty(), "no diagnostic files found in " + DIR.toAbsolutePath());
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private static void check(Path file) throws IOException {
        String name = file.getFileName().toString();
        String code = name.substring(0, 5);
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        Compilation c = compile(name, new FileSystemSourceLoader(DIR));
        List<Diagnostic> all = c.diagnostics();
        String rendered = render(all);

        assertTrue(all.stream().anyMatch(d -> d.code().name().equals(code)), name + " does not produce " + code + ":\n" + rendered);
        for (Diagnostic d : all) assertEquals(d.code().severity(), d.severity(), "severity of " + d.code() + ": " + d.message());

        List<Expected> expected = name.endsWith(".vp") ? vpAnnotations(text) : emmettAnnotations(text);
        List<Diagnostic> mine = all.stream().filter(d -> d.span().file().path().equals(name)).toList();
        List<Diagnostic> unmatched = new ArrayList<>(mine);
        List<Expected> missing = new ArrayList<>();
        for (Expected e : expected) {
            Diagnostic hit = unmatched.stream().filter(e::matches).findFirst().orElse(null);
            if (hit == null) missing.add(e); else unmatched.remove(hit);
        }
        if (!missing.isEmpty() || !unmatched.isEmpty()) {
            fail(name + ": annotations and diagnostics differ\nexpected but not reported:\n  "
                    + String.join("\n  ", missing.stream().map(Expected::toString).toList())
                    + "\nreported but not expected:\n  " + String.join("\n  ", unmatched.stream().map(TestTarget::line).toList()));
        }

        Path out = DIR.resolve(name.substring(0, name.lastIndexOf('.')) + ".out");
        if (Boolean.getBoolean("vp.bless")) Files.writeString(out, rendered);
        if (!Files.exists(out)) fail(out + " is missing; run with -Dvp.bless=true to create it from:\n" + rendered);
        assertEquals(Files.readString(out), rendered, name + ": rendered diagnostics differ from " + out);

        for (Diagnostic d : mine) for (Fix f : d.fixes()) checkFix(name, text, all, d, f);
    }

    /**
     * Applying one fix removes its diagnostic (and may remove others of the same code: declaring a variable
     * pervm settles all its uses) and leaves every other error as it was counted; warnings of other codes may
     * appear (a fix can reveal what the error hid, as `x < -1` then warns about the unsigned comparison).
     */
    private static void checkFix(String name, String text, List<Diagnostic> before, Diagnostic d, Fix fix) {
        StringBuilder fixed = new StringBuilder(text);
        List<TextEdit> edits = new ArrayList<>(fix.edits());
        edits.sort(Comparator.comparingInt((TextEdit e) -> e.span().start()).reversed());
        for (TextEdit e : edits) {
            assertEquals(name, e.span().file().path(), "a fix edits the file of its diagnostic");
            fixed.replace(e.span().start(), e.span().end(), e.replacement());
        }
        OverlaySourceLoader loader = new OverlaySourceLoader(new FileSystemSourceLoader(DIR));
        loader.open(Path.of(name), fixed.toString());
        List<Diagnostic> after = compile(name, loader).diagnostics();
        String what = name + ": applying \"" + fix.title() + "\" for `" + TestTarget.line(d) + "` gives:\n" + render(after);
        long was = before.stream().filter(x -> x.code() == d.code()).count();
        long left = after.stream().filter(x -> x.code() == d.code()).count();
        assertTrue(left < was, what);
        Map<Code, Integer> want = errorCounts(before), got = errorCounts(after);
        want.remove(d.code());
        got.remove(d.code());
        assertEquals(want, got, what);
    }

    private static Map<Code, Integer> errorCounts(List<Diagnostic> ds) {
        Map<Code, Integer> m = new HashMap<>();
        for (Diagnostic d : ds) if (d.isError()) m.merge(d.code(), 1, Integer::sum);
        return m;
    }

    private static String render(List<Diagnostic> list) {
        Diagnostics ds = new Diagnostics();
        list.forEach(ds::add);
        return DiagnosticRenderer.render(ds);
    }

    private static List<Expected> emmettAnnotations(String text) {
        List<Expected> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = EMMETT.matcher(lines[i]);
            while (m.find()) {
                String shift = m.group(1);
                int line = i + 1 + (shift.startsWith("v") ? shift.length() : -shift.length());
                String message = m.group(3).strip();
                out.add(new Expected(line, null, m.group(2), message.isEmpty() ? null : message));
            }
        }
        return out;
    }

    private static List<Expected> vpAnnotations(String text) {
        List<Expected> out = new ArrayList<>();
        for (String l : text.lines().toList()) {
            Matcher m = VP.matcher(l);
            if (m.matches()) out.add(new Expected(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(1), m.group(4)));
        }
        return out;
    }

    @Test
    void everyCodeHasAFile() throws IOException {
        Set<String> covered = new java.util.TreeSet<>();
        for (Path p : files()) covered.add(p.getFileName().toString().substring(0, 5));
        List<String> missing = new ArrayList<>();
        for (Code c : Code.values()) {
            boolean projectFile = c.name().substring(1).startsWith("08");
            if (!covered.contains(c.name()) && !projectFile && !NO_FILE.containsKey(c)) missing.add(c.name());
        }
        assertEquals(List.of(), missing, "codes without a diag/CODE.emt or diag/CODE.vp file");
    }

    @Test
    void outFilesBelongToAScript() throws IOException {
        try (Stream<Path> list = Files.list(DIR)) {
            for (Path out : list.filter(p -> p.toString().endsWith(".out")).toList()) {
                String base = out.getFileName().toString().replaceAll("\\.out$", "");
                boolean emt = Files.exists(DIR.resolve(base + ".emt")), vp = Files.exists(DIR.resolve(base + ".vp"));
                assertTrue(emt ^ vp, out + " needs exactly one of " + base + ".emt and " + base + ".vp");
            }
        }
    }

    @Test
    void codesAreNumberedInOrder() {
        Code[] codes = Code.values();
        for (int i = 1; i < codes.length; i++) {
            String a = codes[i - 1].name(), b = codes[i].name();
            assertTrue(a.charAt(0) != b.charAt(0) || a.compareTo(b) < 0, b + " comes after " + a + " in Code.java");
            assertEquals(b.charAt(0) == 'E' ? Severity.ERROR : Severity.WARNING, codes[i].severity(), b);
        }
    }
}
