// textDocument/semanticTokens/full: colours from the scanner for lexical classes and from the checker for names.
package dev.vp.lsp;

import dev.vp.compiler.check.BuiltinFunction;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.format.SourceTokens;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.lsp4j.SemanticTokensLegend;

/** Tokens that span lines (block comments, continued directives) are split per line, as LSP requires by default. */
final class SemanticTokensHandler {
    private SemanticTokensHandler() {}

    static final List<String> TYPES = List.of("keyword", "type", "function", "variable", "parameter", "property", "enumMember",
            "event", "macro", "comment", "string", "number", "operator", "struct");
    static final List<String> MODIFIERS = List.of("declaration", "readonly", "defaultLibrary");
    static final SemanticTokensLegend LEGEND = new SemanticTokensLegend(TYPES, MODIFIERS);

    private static final int DECLARATION = 1, READONLY = 2, LIBRARY = 4;
    private static final Set<String> KEYWORDS = new HashSet<>();
    static {
        KEYWORDS.addAll(CompletionHandler.STATEMENT_KEYWORDS);
        KEYWORDS.addAll(CompletionHandler.DECLARATION_KEYWORDS);
        KEYWORDS.addAll(CompletionHandler.MEMMODELS);
    }

    static SemanticTokens tokens(Snapshot s, boolean vp) {
        SourceFile f = s.main;
        String text = f.text();
        Map<Integer, SymbolIndex.Occurrence> names = new HashMap<>();
        for (SymbolIndex.Occurrence o : s.index().occurrences) if (o.span().file() == f) names.putIfAbsent(o.span().start(), o);
        List<Span> specs = new ArrayList<>();
        Checked c = s.checked();
        if (c != null) for (Checked.ProbeInfo p : c.probes) if (p.decl().spec().span().file() == f) specs.add(p.decl().spec().span());
        List<Integer> data = new ArrayList<>();
        int[] last = {0, 0};
        int spec = 0;
        for (SourceTokens.Token t : SourceTokens.scan(text, vp)) {
            while (spec < specs.size() && specs.get(spec).end() <= t.start()) spec++;
            boolean inSpec = spec < specs.size() && specs.get(spec).start() <= t.start();
            int[] cls = classify(t, text, vp, names, inSpec);
            if (cls != null) emit(f, text, t.start(), t.end(), cls[0], cls[1], data, last);
        }
        return new SemanticTokens(data);
    }

    /** {type index, modifier bits}, or null for tokens left to the grammar (punctuation). */
    private static int[] classify(SourceTokens.Token t, String text, boolean vp, Map<Integer, SymbolIndex.Occurrence> names, boolean inSpec) {
        return switch (t.kind()) {
            case COMMENT -> new int[] {TYPES.indexOf("comment"), 0};
            case STRING, CHAR -> new int[] {TYPES.indexOf("string"), 0};
            case NUMBER -> new int[] {TYPES.indexOf("number"), 0};
            case DIRECTIVE -> new int[] {TYPES.indexOf("macro"), 0};
            case PUNCT -> null;
            case NAME -> {
                SymbolIndex.Occurrence o = names.get(t.start());
                String w = t.text(text);
                if (o != null && o.span().end() == t.end()) yield name(o);
                if (inSpec) yield new int[] {TYPES.indexOf("event"), 0};
                if (vp ? CompletionHandler.VP_FORMS.contains(w) : KEYWORDS.contains(w)) yield new int[] {TYPES.indexOf("keyword"), 0};
                if (CompletionHandler.TYPES.contains(w)) yield new int[] {TYPES.indexOf("type"), LIBRARY};
                if (Builtin.byName(w) != null) yield new int[] {TYPES.indexOf("variable"), READONLY | LIBRARY};
                if (BuiltinFunction.byName(w) != null) yield new int[] {TYPES.indexOf("function"), LIBRARY};
                yield null;
            }
        };
    }

    private static int[] name(SymbolIndex.Occurrence o) {
        int decl = o.declaration() ? DECLARATION : 0;
        return switch (o.kind()) {
            case GLOBAL, LOCAL -> new int[] {TYPES.indexOf("variable"), decl};
            case PARAMETER -> new int[] {TYPES.indexOf("parameter"), decl};
            case FUNCTION -> new int[] {TYPES.indexOf("function"), decl};
            case AGGREGATE, BAG -> new int[] {TYPES.indexOf("struct"), decl};
            case FIELD -> new int[] {TYPES.indexOf("property"), decl};
            case ENUM_CONSTANT -> new int[] {TYPES.indexOf("enumMember"), decl | READONLY};
            case BUILTIN_VARIABLE -> new int[] {TYPES.indexOf("variable"), READONLY | LIBRARY};
            case BUILTIN_FUNCTION -> new int[] {TYPES.indexOf("function"), LIBRARY};
            case GUEST_SYMBOL -> new int[] {TYPES.indexOf("variable"), READONLY};
            case TYPE -> new int[] {TYPES.indexOf("type"), decl};
        };
    }

    private static void emit(SourceFile f, String text, int start, int end, int type, int mods, List<Integer> data, int[] last) {
        int s = start;
        while (s < end) {
            int nl = text.indexOf('\n', s);
            int e = nl < 0 || nl >= end ? end : nl;
            int visible = e > s && text.charAt(e - 1) == '\r' ? e - 1 : e;  // a CRLF line's \r is not on the line
            if (visible > s) {
                int line = f.line(s) - 1, col = f.column(s) - 1;
                int dLine = line - last[0], dCol = dLine == 0 ? col - last[1] : col;
                data.add(dLine); data.add(dCol); data.add(visible - s); data.add(type); data.add(mods);
                last[0] = line; last[1] = col;
            }
            s = e + 1;
        }
    }
}
