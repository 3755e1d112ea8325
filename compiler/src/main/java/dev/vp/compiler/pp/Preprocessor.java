// The C-style preprocessor of Emmett scripts: includes, object-like macros, conditionals, budget pragmas.
package dev.vp.compiler.pp;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.Fix;
import dev.vp.compiler.diag.TextEdit;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Expands a script into one text for the parser, with a {@link SourceMap} back to the original files.
 * Directives are recognised only at the start of a line (after blanks) and outside comments; each directive
 * line becomes an empty line and skipped text keeps only its newlines, so untouched text keeps its line
 * numbers. It runs on every keystroke in the editor: one pass over the text, no regular expressions, and
 * every input (binary, cyclic, exponential macros, unbalanced conditionals) ends with diagnostics, never an
 * exception or a hang.
 */
public final class Preprocessor {
    /** Includes may nest this deep (the main file is depth 0). */
    public static final int MAX_INCLUDE_DEPTH = 32;
    /** One macro use may expand to at most this many characters. */
    static final int MAX_EXPANSION = 1 << 20;
    /** Macros may nest this deep inside one expansion. */
    static final int MAX_MACRO_DEPTH = 128;
    /** Nested expansions one macro use may perform: bounds macros that multiply into nothing. */
    static final int MAX_EXPANSION_STEPS = 100_000;

    /** The directives vp has, in the order messages list them. */
    static final List<String> DIRECTIVES = List.of(
            "include", "define", "undef", "if", "ifdef", "ifndef", "elif", "else", "endif", "error", "pragma");
    /** C directive names we know but do not implement: an error, rather than silently a comment. */
    static final Set<String> UNSUPPORTED = Set.of(
            "line", "warning", "import", "include_next", "ident", "sccs", "assert", "unassert", "elifdef", "elifndef");

    /** An object-like macro; {@code definedAt} is its name in the #define. */
    record Macro(String name, String body, Span definedAt) {}

    private final SourceLoader loader;
    private final List<Path> includeDirs;
    private final Diagnostics diagnostics;

    /**
     * @param includeDirs the -I directories, searched in order after the including file's directory
     */
    public Preprocessor(SourceLoader loader, List<Path> includeDirs, Diagnostics diagnostics) {
        this.loader = loader;
        this.includeDirs = List.copyOf(includeDirs);
        this.diagnostics = diagnostics;
    }

    /** Preprocesses one script; problems go to the Diagnostics and the result is always usable. */
    public PreprocessedSource run(SourceFile main) {
        return new Run(main).run();
    }

    /** One #if/#ifdef/#ifndef group of the file being read. */
    private static final class Conditional {
        final String directive;
        final Span openedAt;
        /** Whether the text around the group is live: if not, no branch of it is. */
        final boolean parentLive;
        boolean taken;
        boolean live;
        Span elseAt;

        Conditional(String directive, Span openedAt, boolean parentLive, boolean live) {
            this.directive = directive;
            this.openedAt = openedAt;
            this.parentLive = parentLive;
            this.live = live;
            this.taken = live;
        }
    }

    /** The state of one run: the output, the macro table, and the include stack. */
    private final class Run {
        private final SourceFile main;
        private final StringBuilder out = new StringBuilder();
        private final SourceMap.Builder map;
        private final Map<String, Macro> macros = new HashMap<>();
        /** Which ASCII characters start a defined macro name: most identifiers are rejected without hashing. */
        private final boolean[] macroStarts = new boolean[128];
        /** Full expansions of macros used at top level; any #define or #undef clears them. */
        private final Map<String, String> expansions = new HashMap<>();
        private final Set<String> failedExpansions = new HashSet<>();
        private final ConditionEvaluator evaluator = new ConditionEvaluator(macros);
        private final List<Pragma> pragmas = new ArrayList<>();
        private final Map<Path, SourceFile> files = new LinkedHashMap<>();
        private final Map<Path, SourceLoader.Result> loads = new HashMap<>();
        private final Set<Path> once = new HashSet<>();
        private final List<SourceFile> stack = new ArrayList<>();
        private final List<Path> stackKeys = new ArrayList<>();
        /** Where the file being read was included, for an "included from here" note. */
        private Span includeSite;
        /** Start of the line of the directive that copyActive stopped at. */
        private int lineBegin;
        private int steps;

        Run(SourceFile main) {
            this.main = main;
            this.map = new SourceMap.Builder(main);
        }

        PreprocessedSource run() {
            Path key = keyOf(main);
            files.put(key, main);
            stack.add(main);
            stackKeys.add(key);
            process(main);
            return new PreprocessedSource(out.toString(), map.build(out.length()), pragmas, List.copyOf(files.values()));
        }

        // ---- output ----

        private void copy(SourceFile f, int from, int to) {
            if (to <= from) return;
            map.copy(out.length(), f, from);
            out.append(f.text(), from, to);
        }

        private void newline(SourceFile f, int at) {
            map.copy(out.length(), f, at);
            out.append('\n');
        }

        private void expansion(SourceFile f, int useStart, int useEnd, String text) {
            if (text.isEmpty()) return;
            map.expansion(out.length(), f, useStart, useEnd);
            out.append(text);
        }

        private void report(Diagnostic d) {
            diagnostics.add(includeSite != null && d.span().file() != includeSite.file() ? d.withLabel(includeSite, "included from here") : d);
        }

        private void report(Code code, Span span, String message) {
            report(new Diagnostic(code, message, span));
        }

        // ---- scanning ----

        private void process(SourceFile f) {
            String s = f.text();
            List<Conditional> conds = new ArrayList<>();
            int i = 0;
            while (i < s.length()) {
                int hash = live(conds) ? copyActive(f, i) : skipInactive(f, i);
                if (hash < 0) break;
                i = directive(f, hash, conds);
            }
            if (!conds.isEmpty()) {
                Conditional outer = conds.getFirst();
                String message = "#" + outer.directive + " is not closed: missing #endif before the end of " + f.path();
                var d = new Diagnostic(Code.E0008, message, outer.openedAt);
                if (conds.size() > 1) {
                    d = new Diagnostic(Code.E0008, message + " (" + conds.size() + " conditionals are open there)", outer.openedAt)
                            .withLabel(conds.getLast().openedAt, "the innermost open conditional");
                }
                report(d);
            }
        }

        private static boolean live(List<Conditional> conds) {
            return conds.isEmpty() || conds.getLast().live;
        }

        /** Copies live text from a line start, expanding macros; returns the next directive's '#', or -1 at the end. */
        private int copyActive(SourceFile f, int from) {
            String s = f.text();
            int n = s.length();
            int pending = from;
            int i = from;
            int begin = from;
            boolean atLineStart = true;
            while (i < n) {
                char c = s.charAt(i);
                if (atLineStart) {
                    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B) {
                        i++;
                        continue;
                    }
                    atLineStart = false;
                    if (c == '#') {
                        copy(f, pending, begin);
                        lineBegin = begin;
                        return i;
                    }
                }
                if (c == '\n') {
                    i++;
                    atLineStart = true;
                    begin = i;
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                    i = Lexing.lineEnd(s, i);
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                    i = Lexing.blockCommentEnd(s, i);
                } else if (c == '"' || c == '\'') {
                    i = Lexing.literalEnd(s, i);
                } else if (Lexing.isIdentStart(c)) {
                    int end = Lexing.identEnd(s, i);
                    if (macroStarts[c]) {
                        Macro m = macros.get(s.substring(i, end));
                        if (m != null) {
                            copy(f, pending, i);
                            expandUse(f, m, i, end);
                            pending = end;
                        }
                    }
                    i = end;
                } else if (Lexing.isDigit(c)) {
                    i = Lexing.numberEnd(s, i);
                } else {
                    i++;
                }
            }
            copy(f, pending, n);
            return -1;
        }

        /** Skips dead text, keeping its newlines; returns the next directive's '#', or -1 at the end. */
        private int skipInactive(SourceFile f, int from) {
            String s = f.text();
            int n = s.length();
            int i = from;
            boolean atLineStart = true;
            while (i < n) {
                char c = s.charAt(i);
                if (atLineStart) {
                    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B) {
                        i++;
                        continue;
                    }
                    atLineStart = false;
                    if (c == '#') return i;
                }
                if (c == '\n') {
                    newline(f, i++);
                    atLineStart = true;
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                    i = Lexing.lineEnd(s, i);
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                    int end = Lexing.blockCommentEnd(s, i);
                    for (int k = s.indexOf('\n', i); k >= 0 && k < end; k = s.indexOf('\n', k + 1)) newline(f, k);
                    i = end;
                } else if (c == '"' || c == '\'') {
                    i = Lexing.literalEnd(s, i);
                } else {
                    i++;
                }
            }
            return -1;
        }

        // ---- macros ----

        /** Replaces a macro use in live text, separating the expansion from neighbours it would fuse with. */
        private void expandUse(SourceFile f, Macro m, int start, int end) {
            String text = expansions.get(m.name());
            if (text == null) {
                if (failedExpansions.contains(m.name())) {
                    copy(f, start, end);
                    return;
                }
                var sb = new StringBuilder();
                var active = new ArrayList<String>();
                active.add(m.name());
                steps = 0;
                String problem = expandBody(sb, m.body(), active);
                if (problem != null) {
                    failedExpansions.add(m.name());
                    report(new Diagnostic(Code.E0011, "macro " + m.name() + " cannot be expanded: " + problem, new Span(f, start, end))
                            .withLabel(m.definedAt(), "defined here"));
                    copy(f, start, end);
                    return;
                }
                text = sb.toString();
                expansions.put(m.name(), text);
            }
            String s = f.text();
            char prev = out.isEmpty() ? '\n' : out.charAt(out.length() - 1);
            char next = end < s.length() ? s.charAt(end) : '\n';
            if (text.isEmpty()) {
                if (Lexing.wouldPaste(prev, next)) expansion(f, start, end, " ");
                return;
            }
            String before = Lexing.wouldPaste(prev, text.charAt(0)) ? " " : "";
            String after = Lexing.wouldPaste(text.charAt(text.length() - 1), next) ? " " : "";
            expansion(f, start, end, before + text + after);
        }

        /** Appends a replacement text with the macros in it expanded; returns why it cannot be, or null. */
        private String expandBody(StringBuilder sb, String body, List<String> active) {
            int n = body.length();
            int i = 0;
            while (i < n) {
                char c = body.charAt(i);
                int end;
                if (c == '"' || c == '\'') {
                    end = Lexing.literalEnd(body, i);
                } else if (Lexing.isDigit(c)) {
                    end = Lexing.numberEnd(body, i);
                } else if (Lexing.isIdentStart(c)) {
                    end = Lexing.identEnd(body, i);
                    String name = body.substring(i, end);
                    Macro inner = macros.get(name);
                    if (inner != null && !active.contains(name)) {
                        if (active.size() >= MAX_MACRO_DEPTH) return "macros nest more than " + MAX_MACRO_DEPTH + " deep";
                        if (++steps > MAX_EXPANSION_STEPS) return "it takes more than " + MAX_EXPANSION_STEPS + " nested expansions";
                        int mark = sb.length();
                        active.add(name);
                        String problem = expandBody(sb, inner.body(), active);
                        active.removeLast();
                        if (problem != null) return problem;
                        char next = end < n ? body.charAt(end) : '\n';
                        if (sb.length() > mark) {
                            if (mark > 0 && Lexing.wouldPaste(sb.charAt(mark - 1), sb.charAt(mark))) sb.insert(mark, ' ');
                            if (Lexing.wouldPaste(sb.charAt(sb.length() - 1), next)) sb.append(' ');
                        } else if (mark > 0 && Lexing.wouldPaste(sb.charAt(mark - 1), next)) {
                            sb.append(' ');
                        }
                        if (sb.length() > MAX_EXPANSION) return "it expands to more than " + MAX_EXPANSION + " characters";
                        i = end;
                        continue;
                    }
                } else {
                    end = i + 1;
                }
                sb.append(body, i, end);
                i = end;
            }
            return sb.length() > MAX_EXPANSION ? "it expands to more than " + MAX_EXPANSION + " characters" : null;
        }

        // ---- directives ----

        /** Handles the directive (or `#` comment) at {@code hash}; returns the offset after its last line. */
        private int directive(SourceFile f, int hash, List<Conditional> conds) {
            String s = f.text();
            int n = s.length();
            int i = hash + 1;
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
            int nameEnd = i < n && Lexing.isIdentStart(s.charAt(i)) ? Lexing.identEnd(s, i) : i;
            String name = s.substring(i, nameEnd);
            boolean live = live(conds);
            if (!DIRECTIVES.contains(name) && !UNSUPPORTED.contains(name)) return hashComment(f, hash, live);

            var line = new DirectiveLine(f, nameEnd);
            for (int k = 0; k < line.newlineCount(); k++) newline(f, line.newlineAt(k));
            Span at = line.directiveSpan(hash);
            switch (name) {
                case "if" -> conds.add(new Conditional(name, at, live, live && evaluate(line, 0)));
                case "ifdef", "ifndef" -> {
                    boolean value = false;
                    if (live) {
                        String macro = macroName(line, name);
                        value = macro != null && macros.containsKey(macro) == name.equals("ifdef");
                    }
                    conds.add(new Conditional(name, at, live, value));
                }
                case "elif" -> elif(line, at, conds);
                case "else" -> orElse(line, at, conds);
                case "endif" -> endif(line, at, conds);
                default -> {
                    if (!live) break;
                    switch (name) {
                        case "include" -> include(f, line);
                        case "define" -> define(line);
                        case "undef" -> {
                            String macro = macroName(line, name);
                            if (macro != null && macros.remove(macro) != null) forgetExpansions();
                        }
                        case "error" -> {
                            String text = line.text().strip();
                            report(Code.E0010, at, text.isEmpty() ? "#error" : text);
                        }
                        case "pragma" -> pragma(f, line, at);
                        default -> report(Code.E0007, new Span(f, hash, nameEnd),
                                "#" + name + " is not supported by vp's preprocessor; remove it (vp has "
                                        + String.join(", ", DIRECTIVES.subList(0, DIRECTIVES.size() - 1).stream().map(d -> "#" + d).toList())
                                        + " and #" + DIRECTIVES.getLast() + ": see docs/language.md)");
                    }
                }
            }
            return line.end;
        }

        /** A `#` not followed by a directive name: the 2009 dialect's comment to the end of the line. */
        private int hashComment(SourceFile f, int hash, boolean live) {
            String s = f.text();
            int end = Lexing.lineEnd(s, hash);
            if (live) {
                Span mark = new Span(f, hash, hash + 1);
                report(new Diagnostic(Code.W0001, "`#` comments are deprecated; use `//`", mark)
                        .withFix(Fix.replace("use a `//` comment", mark, "//")));
                map.copy(out.length(), f, lineBegin);
                out.repeat(' ', end - lineBegin);
            }
            if (end < s.length()) newline(f, end);
            return Math.min(end + 1, s.length());
        }

        private boolean evaluate(DirectiveLine line, int from) {
            try {
                return evaluator.evaluate(line, from) != 0;
            } catch (ConditionEvaluator.Failure e) {
                report(Code.E0009, line.span(e.from, Math.max(e.from, e.to)), e.getMessage());
                return false;
            }
        }

        private void elif(DirectiveLine line, Span at, List<Conditional> conds) {
            if (conds.isEmpty()) {
                report(Code.E0008, at, "#elif without a matching #if");
                return;
            }
            Conditional c = conds.getLast();
            if (c.elseAt != null) {
                report(new Diagnostic(Code.E0008, "#elif after #else", at).withLabel(c.elseAt, "the #else is here"));
                c.live = false;
            } else if (c.parentLive && !c.taken) {
                c.live = evaluate(line, 0);
                c.taken = c.live;
            } else {
                c.live = false;
            }
        }

        private void orElse(DirectiveLine line, Span at, List<Conditional> conds) {
            if (conds.isEmpty()) {
                report(Code.E0008, at, "#else without a matching #if");
                return;
            }
            Conditional c = conds.getLast();
            if (c.elseAt != null) {
                report(new Diagnostic(Code.E0008, "#else after #else", at).withLabel(c.elseAt, "the first #else is here"));
                c.live = false;
                return;
            }
            c.live = c.parentLive && !c.taken;
            c.taken = true;
            c.elseAt = at;
            if (c.parentLive) extraText(line, 0, "else");
        }

        private void endif(DirectiveLine line, Span at, List<Conditional> conds) {
            if (conds.isEmpty()) {
                report(Code.E0008, at, "#endif without a matching #if");
                return;
            }
            if (conds.removeLast().parentLive) extraText(line, 0, "endif");
        }

        /** Warns about text after a directive's operands (C ignores it); the fix makes it a comment. */
        private void extraText(DirectiveLine line, int from, String directive) {
            int p = line.skipBlanks(from);
            if (p >= line.length()) return;
            int end = line.length();
            while (Character.isWhitespace(line.charAt(end - 1))) end--;
            Span extra = line.span(p, end);
            report(new Diagnostic(Code.W0004, "extra text after #" + directive + " is ignored", extra)
                    .withFix(new Fix("make it a comment", List.of(new TextEdit(Span.at(extra.file(), extra.start()), "// ")))));
        }

        /** The single macro name a directive takes, or null after reporting why there is none. */
        private String macroName(DirectiveLine line, String directive) {
            int p = line.skipBlanks(0);
            int e = line.identEnd(p);
            if (e == p) {
                report(Code.E0006, line.span(p, Math.min(p + 1, line.length())), "#" + directive + " needs a macro name");
                return null;
            }
            extraText(line, e, directive);
            return line.substring(p, e);
        }

        private void define(DirectiveLine line) {
            int p = line.skipBlanks(0);
            int e = line.identEnd(p);
            if (e == p) {
                report(Code.E0006, line.span(p, Math.min(p + 1, line.length())), "#define needs a macro name");
                return;
            }
            String name = line.substring(p, e);
            if (name.equals("defined")) {
                report(Code.E0006, line.span(p, e), "`defined` is an operator of #if and cannot be defined as a macro");
                return;
            }
            if (e < line.length() && line.charAt(e) == '(') {
                int close = line.text().indexOf(')', e);
                report(Code.E0007, line.span(p, close < 0 ? e + 1 : close + 1),
                        "function-like macros are not supported: " + name + "(...); write a function, or an object-like macro (#define NAME text)");
                return;
            }
            String body = line.substring(e, line.length()).strip();
            Macro previous = macros.get(name);
            Span site = line.span(p, e);
            if (previous != null && !previous.body().equals(body)) {
                report(new Diagnostic(Code.W0003, "macro " + name + " is redefined with a different text", site)
                        .withLabel(previous.definedAt(), "previous definition"));
            }
            macros.put(name, new Macro(name, body, site));
            macroStarts[name.charAt(0)] = true;
            forgetExpansions();
        }

        private void forgetExpansions() {
            expansions.clear();
            failedExpansions.clear();
        }

        private void pragma(SourceFile f, DirectiveLine line, Span at) {
            int p = line.skipBlanks(0);
            int e = line.identEnd(p);
            String word = line.substring(p, e);
            switch (word) {
                case "once" -> {
                    once.add(stackKeys.getLast());
                    extraText(line, e, "pragma once");
                }
                case "budget" -> budget(line, e, at);
                default -> report(Code.W0002, at, word.isEmpty()
                        ? "empty #pragma is ignored"
                        : "unknown #pragma " + word + " is ignored; vp knows #pragma budget KIND N and #pragma once");
            }
        }

        private void budget(DirectiveLine line, int from, Span at) {
            int k = line.skipBlanks(from);
            int kEnd = line.identEnd(k);
            int v = line.skipBlanks(kEnd);
            int vEnd = v;
            while (vEnd < line.length() && (Lexing.isIdentPart(line.charAt(vEnd)) || line.charAt(vEnd) == '-')) vEnd++;
            String usage = "; write #pragma budget KIND N, as in #pragma budget code 65536";
            if (kEnd == k) {
                report(Code.E0012, line.span(k, Math.min(k + 1, line.length())), "#pragma budget needs a budget kind" + usage);
                return;
            }
            String kind = line.substring(k, kEnd);
            // The kind first: an unknown one is ignored whatever follows it (a newer vp may know it).
            Budgets.Kind known = Budgets.Kind.byKeyword(kind);
            if (known == null) {
                report(Code.W0002, line.span(k, kEnd), "unknown budget kind " + kind + " is ignored; the kinds are "
                        + String.join(", ", Budgets.Kind.keywords()) + " (clauses is another name for probes)");
                return;
            }
            if (vEnd == v) {
                report(Code.E0012, line.span(v, Math.min(v + 1, line.length())), "#pragma budget " + kind + " needs a value" + usage);
                return;
            }
            String digits = line.substring(v, vEnd);
            if (!digits.matches("-?[0-9]+|0[xX][0-9a-fA-F]+")) {
                report(Code.E0012, line.span(v, vEnd), "budget value " + digits + " is not a non-negative integer" + usage);
                return;
            }
            long value;
            try {
                value = digits.startsWith("0x") || digits.startsWith("0X") ? Long.parseLong(digits.substring(2), 16) : Long.parseLong(digits);
            } catch (NumberFormatException ex) {
                value = -1; // past 64 bits: out of every kind's range
            }
            // Every value out of the kind's range (negative, 0, past 64 bits) gets the one error, at the value as written.
            if (Budgets.invalidValue(known, value) != null) {
                report(Code.E0012, line.span(v, vEnd), Budgets.outOfRange(known, digits));
                return;
            }
            extraText(line, vEnd, "pragma budget");
            pragmas.add(new Pragma(kind, value, at));
        }

        // ---- includes ----

        private void include(SourceFile f, DirectiveLine line) {
            int p = line.skipBlanks(0);
            char open = p < line.length() ? line.charAt(p) : ' ';
            if (open != '"' && open != '<') {
                report(Code.E0006, line.span(p, line.length()), "#include expects \"FILE\" or <FILE>");
                return;
            }
            char closer = open == '"' ? '"' : '>';
            int close = line.text().indexOf(closer, p + 1);
            if (close < 0) {
                report(Code.E0006, line.span(p, line.length()), "missing closing " + closer + " in #include");
                return;
            }
            Span nameSpan = line.span(p, close + 1);
            String name = line.substring(p + 1, close);
            Path relative;
            try {
                relative = Path.of(name);
            } catch (InvalidPathException e) {
                relative = null;
            }
            if (name.isBlank() || relative == null) {
                report(Code.E0006, nameSpan, "#include needs a file name");
                return;
            }
            extraText(line, close + 1, "include");
            List<Path> dirs = new ArrayList<>();
            if (open == '"') dirs.add(directoryOf(keyOf(f)));
            dirs.addAll(includeDirs);
            if (relative.isAbsolute()) dirs = List.of(Path.of(""));
            for (Path dir : dirs) {
                Path candidate = dir.resolve(relative).normalize();
                if (once.contains(candidate)) return;
                int cycle = stackKeys.indexOf(candidate);
                if (cycle >= 0) {
                    String chain = stack.subList(cycle, stack.size()).stream().map(SourceFile::path).collect(Collectors.joining(" -> "));
                    report(Code.E0004, nameSpan, "include cycle: " + chain + " -> " + stack.get(cycle).path() + "; use #pragma once or an #ifndef guard");
                    return;
                }
                switch (loads.computeIfAbsent(candidate, loader::load)) {
                    case SourceLoader.Missing ignored -> { continue; }
                    case SourceLoader.Failed failed -> report(failed.code() == Code.E0002
                            ? failed.diagnostic().withLabel(nameSpan, "included here")
                            : new Diagnostic(failed.code(), failed.reason(), nameSpan));
                    case SourceLoader.Loaded loaded -> enter(loaded.file(), candidate, nameSpan);
                }
                return;
            }
            String searched = dirs.isEmpty() ? "no directories (<FILE> is searched only in -I directories)"
                    : dirs.stream().map(d -> d.toString().isEmpty() ? "." : d.toString()).collect(Collectors.joining(", "));
            report(Code.E0003, nameSpan, "cannot find include file " + name + "; searched " + searched + "; add its directory with -I DIR");
        }

        private void enter(SourceFile g, Path key, Span site) {
            if (stack.size() > MAX_INCLUDE_DEPTH) {
                String chain = stack.stream().map(SourceFile::path).collect(Collectors.joining(" -> "));
                report(Code.E0005, site, "includes nest more than " + MAX_INCLUDE_DEPTH + " deep: " + chain + " -> " + g.path());
                return;
            }
            files.putIfAbsent(key, g);
            Span savedSite = includeSite;
            includeSite = site;
            stack.add(g);
            stackKeys.add(key);
            process(g);
            stack.removeLast();
            stackKeys.removeLast();
            includeSite = savedSite;
            String t = g.text();
            // Keeps the include's last line from fusing with the includer's next line.
            if (!t.isEmpty() && t.charAt(t.length() - 1) != '\n') {
                map.expansion(out.length(), g, t.length(), t.length());
                out.append('\n');
            }
        }

        private static Path keyOf(SourceFile f) {
            try {
                return Path.of(f.path()).normalize();
            } catch (InvalidPathException e) {
                return Path.of(".");
            }
        }

        private static Path directoryOf(Path file) {
            Path parent = file.getParent();
            return parent == null ? Path.of("") : parent;
        }
    }
}
