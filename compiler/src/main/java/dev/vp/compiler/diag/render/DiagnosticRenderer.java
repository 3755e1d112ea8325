// Renders diagnostics as text for terminals and CI logs, identical byte for byte wherever it runs.
package dev.vp.compiler.diag.render;

import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.Fix;
import dev.vp.compiler.diag.Label;
import dev.vp.compiler.diag.Severity;
import dev.vp.compiler.diag.TextEdit;
import dev.vp.compiler.source.Span;

/**
 * The text form: a {@code file:line:col: error[E0123]: message} header, the source line under a gutter with
 * the span underlined ({@code ^} for the primary span, {@code -} for notes), a {@code note:} block per label,
 * a {@code help:} line per fix, and a summary. Tabs show as four spaces and long lines are cut around the
 * span, so the caret always lands under the right character. Lines end in "\n" on every platform.
 */
public final class DiagnosticRenderer {
    /** Source lines wider than this many columns are cut around the span. */
    public static final int MAX_WIDTH = 120;
    private static final int CONTEXT_BEFORE = 40;
    private static final String ELLIPSIS = "...";

    private DiagnosticRenderer() {}

    /** Every diagnostic, a blank line after each, then the summary line. */
    public static String render(Diagnostics diagnostics) {
        var sb = new StringBuilder();
        for (Diagnostic d : diagnostics.all()) sb.append(render(d)).append('\n');
        sb.append(Summary.of(diagnostics)).append('\n');
        return sb.toString();
    }

    /** One diagnostic: header, snippet, notes, fixes. */
    public static String render(Diagnostic d) {
        int width = gutterWidth(d);
        var sb = new StringBuilder();
        sb.append(location(d.span())).append(": ").append(d.severity().label())
                .append('[').append(d.code().name()).append("]: ").append(d.message()).append('\n');
        snippet(sb, d.span(), '^', width);
        for (Label l : d.labels()) {
            sb.append("note: ").append(location(l.span())).append(": ").append(l.message()).append('\n');
            snippet(sb, l.span(), '-', width);
        }
        for (Fix f : d.fixes()) help(sb, f, d.span());
        return sb.toString();
    }

    static String location(Span s) {
        return s.file().path() + ":" + s.line() + ":" + s.column();
    }

    private static int gutterWidth(Diagnostic d) {
        int max = d.span().line();
        for (Label l : d.labels()) max = Math.max(max, l.span().line());
        return Integer.toString(max).length();
    }

    /** The span's first line with its underline; nothing for a file with no text (it could not be read). */
    private static void snippet(StringBuilder sb, Span span, char mark, int width) {
        if (span.file().text().isEmpty()) return;
        int line = span.line();
        String text = span.file().lineText(line);
        int from = span.column() - 1;
        int to = span.endLine() == line ? Math.max(from, span.endColumn() - 1) : text.length();

        // Display columns of each character: a tab is four, a high surrogate zero (its pair shows as one).
        int[] col = new int[text.length() + 1];
        var shown = new StringBuilder();
        int total = 0;
        for (int i = 0; i < text.length(); i++) {
            col[i] = total;
            char c = text.charAt(i);
            if (c == '\t') {
                shown.append("    ");
                total += 4;
            } else {
                shown.append(Character.isISOControl(c) ? ' ' : c);
                if (!Character.isHighSurrogate(c)) total++;
            }
        }
        col[text.length()] = total;
        int caretFrom = col[Math.min(from, text.length())];
        int caretTo = Math.max(caretFrom + 1, col[Math.min(to, text.length())]);

        String body = shown.toString();
        if (total > MAX_WIDTH) {
            int windowStart = Math.max(0, Math.min(caretFrom - CONTEXT_BEFORE, total - MAX_WIDTH));
            int windowEnd = Math.min(total, windowStart + MAX_WIDTH);
            String cut = columns(body, windowStart, windowEnd);
            String prefix = windowStart > 0 ? ELLIPSIS : "";
            body = prefix + cut + (windowEnd < total ? ELLIPSIS : "");
            caretFrom = caretFrom - windowStart + prefix.length();
            caretTo = Math.min(caretTo, windowEnd + 1) - windowStart + prefix.length();
        }
        String number = Integer.toString(line);
        String pad = " ".repeat(width);
        sb.append(pad).append(" |\n");
        sb.append(" ".repeat(width - number.length())).append(number).append(" | ").append(stripTrailing(body)).append('\n');
        sb.append(pad).append(" | ").append(" ".repeat(caretFrom)).append(String.valueOf(mark).repeat(caretTo - caretFrom)).append('\n');
    }

    /** The characters of {@code s} whose display columns lie in [from, to). */
    private static String columns(String s, int from, int to) {
        var sb = new StringBuilder();
        int c = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (c >= from && c < to) sb.append(ch);
            if (!Character.isHighSurrogate(ch)) c++;
        }
        return sb.toString();
    }

    private static String stripTrailing(String s) {
        int e = s.length();
        while (e > 0 && s.charAt(e - 1) == ' ') e--;
        return s.substring(0, e);
    }

    private static void help(StringBuilder sb, Fix fix, Span primary) {
        if (fix.edits().size() == 1) {
            TextEdit e = fix.edits().getFirst();
            boolean elsewhere = e.span().file() != primary.file() || e.span().start() != primary.start();
            sb.append("help: ").append(fix.title()).append(": ").append(action(e))
                    .append(elsewhere ? " at " + location(e.span()) : "").append('\n');
            return;
        }
        sb.append("help: ").append(fix.title()).append('\n');
        for (TextEdit e : fix.edits()) sb.append("      ").append(location(e.span())).append(": ").append(action(e)).append('\n');
    }

    private static String action(TextEdit e) {
        if (e.span().start() == e.span().end()) return "insert `" + escape(e.replacement()) + "`";
        if (e.replacement().isEmpty()) return "delete `" + escape(e.span().text()) + "`";
        return "replace with `" + escape(e.replacement()) + "`";
    }

    /** Makes fix text printable on one line. */
    static String escape(String s) {
        var sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (Character.isISOControl(c)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.toString();
    }

    /** Counts the way every output format states them. */
    record Summary(int errors, int warnings, boolean truncated) {
        static Summary of(Diagnostics ds) {
            int warnings = (int) ds.all().stream().filter(d -> d.severity() == Severity.WARNING).count();
            return new Summary(ds.errorCount(), warnings, ds.truncated());
        }

        @Override
        public String toString() {
            String text;
            if (errors == 0 && warnings == 0) text = "no errors";
            else if (warnings == 0) text = plural(errors, "error");
            else if (errors == 0) text = plural(warnings, "warning");
            else text = plural(errors, "error") + ", " + plural(warnings, "warning");
            return truncated ? text + " (only the first " + Diagnostics.LIMIT + " diagnostics are shown)" : text;
        }

        private static String plural(int n, String word) {
            return n + " " + word + (n == 1 ? "" : "s");
        }
    }
}
