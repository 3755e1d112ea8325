// textDocument/completion: works from the live text around the cursor plus the newest usable snapshot.
package dev.vp.lsp;

import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.check.BuiltinFunction;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.check.Sym;
import dev.vp.compiler.check.Type;
import dev.vp.compiler.format.SourceTokens;
import dev.vp.compiler.project.Budgets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * The context comes from the text, never from the parse, so completion works on a line the parser cannot
 * read: inside a comment nothing; in a string after `%` printf conversions; after a directive's `#` directive
 * names; after `->` or `.` the fields of the expression's struct type; at the top level probe points (and
 * after `GUEST:ENTER:` and the like, guest symbols); elsewhere keywords, types, declared and built-in names.
 * Names come from the newest snapshot, or from the last one that parsed cleanly when the newest did not.
 */
final class CompletionHandler {
    private CompletionHandler() {}

    /** Guest symbol lists can be huge: at most this many per answer, and the list says it is incomplete. */
    static final int MAX_SYMBOLS = 200;

    static final List<String> STATEMENT_KEYWORDS = List.of("if", "else", "while", "for", "break", "continue", "return", "try", "catch", "sizeof");
    static final List<String> DECLARATION_KEYWORDS = List.of("struct", "union", "enum", "typedef", "memmodel", "aggr", "bag", "perthread", "pervm", "perhost");
    static final List<String> TYPES = List.of("void", "string", "char", "short", "int", "long", "signed", "unsigned",
            "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64");
    static final List<String> MEMMODELS = List.of("guest64", "guest32", "guest16", "guestphys");
    static final List<String> DIRECTIVES = List.of("include", "define", "undef", "if", "ifdef", "ifndef", "elif", "else", "endif", "error", "pragma budget");
    static final List<String> VP_FORMS = List.of("version", "definteger", "defstring", "defaggr", "defbag", "defun", "vprobe", "setint", "setstr",
            "aggr", "logaggr", "clearaggr", "baginsert", "bagremove", "cond", "do");
    static final List<String> GUEST_KINDS = List.of("ENTER:", "EXIT:", "OFFSET:", "READ:", "WRITE:");
    /** printf conversions: what each prints. */
    static final Map<String, String> CONVERSIONS = new LinkedHashMap<>();
    static {
        CONVERSIONS.put("d", "signed decimal");
        CONVERSIONS.put("i", "signed decimal");
        CONVERSIONS.put("u", "unsigned decimal");
        CONVERSIONS.put("x", "hexadecimal, lower case");
        CONVERSIONS.put("X", "hexadecimal, upper case");
        CONVERSIONS.put("o", "octal");
        CONVERSIONS.put("c", "the character with this code");
        CONVERSIONS.put("s", "a string (the only conversion that takes one)");
        CONVERSIONS.put("p", "a pointer, as 0x...");
        CONVERSIONS.put("%", "a percent sign");
    }

    private static final Pattern GUEST_SYMBOL_SPEC = Pattern.compile("(?:GUEST\\d*:)?(?:ENTER|EXIT|OFFSET|READ|WRITE):([A-Za-z0-9_!.]*)$");
    private static final Pattern PRINTF_PREFIX = Pattern.compile("%[-+ #0]*\\d*(?:\\.\\d*)?(?:h|l|ll)?$");

    static CompletionList complete(String text, boolean vp, int offset, Snapshot latest, Snapshot clean) {
        offset = Math.max(0, Math.min(offset, text.length()));
        SourceTokens.Token at = null;
        List<SourceTokens.Token> before = new ArrayList<>();
        int braces = 0;
        for (SourceTokens.Token t : SourceTokens.scan(text, vp)) {
            if (t.start() >= offset) break;
            if (t.end() >= offset) { at = t; break; }
            if (t.kind() == SourceTokens.Kind.PUNCT && !vp) {
                char c = text.charAt(t.start());
                if (c == '{') braces++;
                else if (c == '}') braces = Math.max(0, braces - 1);
            }
            if (t.kind() != SourceTokens.Kind.COMMENT && t.kind() != SourceTokens.Kind.DIRECTIVE) before.add(t);
        }
        List<CompletionItem> items = new ArrayList<>();
        boolean incomplete = false;
        // `#` followed by a word that is not (yet) a directive name scans as a legacy `#` comment.
        if (at != null && at.kind() == SourceTokens.Kind.COMMENT && text.charAt(at.start()) == '#' && text.substring(at.start(), offset).matches("#[ \t]*\\w*")) {
            directives(text, at.start(), offset, items);
            return new CompletionList(false, items);
        }
        if (at != null && (at.kind() == SourceTokens.Kind.COMMENT || at.kind() == SourceTokens.Kind.CHAR
                || at.kind() == SourceTokens.Kind.NUMBER || at.kind() == SourceTokens.Kind.STRING && at.end() == offset && at.end() - at.start() > 1 && text.charAt(offset - 1) == '"')) {
            return new CompletionList(false, items);
        }
        if (at != null && at.kind() == SourceTokens.Kind.STRING) {
            formatHints(text, at.start(), offset, items);
            return new CompletionList(false, items);
        }
        if (at != null && at.kind() == SourceTokens.Kind.DIRECTIVE) {
            directives(text, at.start(), offset, items);
            return new CompletionList(false, items);
        }
        int wordStart = offset;
        while (wordStart > 0 && isWordChar(text.charAt(wordStart - 1))) wordStart--;
        Snapshot names = usable(latest, clean);
        int op = wordStart;
        while (op > 0 && (text.charAt(op - 1) == ' ' || text.charAt(op - 1) == '\t')) op--;
        if (!vp && (text.startsWith("->", op - 2) || op > 0 && text.charAt(op - 1) == '.')) {
            if (names != null) fields(text, op - (text.charAt(op - 1) == '.' ? 1 : 2), offset, names, items);
            return new CompletionList(false, items);
        }
        int specStart = offset;
        while (specStart > 0 && (isWordChar(text.charAt(specStart - 1)) || text.charAt(specStart - 1) == ':' || text.charAt(specStart - 1) == '!')) specStart--;
        String spec = text.substring(specStart, offset);
        SourceTokens.Token previous = null;
        for (int k = before.size() - 1; k >= 0 && previous == null; k--) if (before.get(k).end() <= specStart) previous = before.get(k);
        boolean topLevel = !vp && braces == 0 && (previous == null || isClauseBoundary(text, previous));
        if (vp && text.substring(Math.max(0, specStart - 8), specStart).matches("(?s).*\\(vprobe\\s+$")) topLevel = true;
        Snapshot any = latest != null ? latest : clean;
        // After `memmodel` the models, after `struct`/`union` the tags: also at the top level, where they are usual.
        String head = text.substring(Math.max(0, wordStart - 16), wordStart);
        if (!vp && head.matches("(?s).*\\bmemmodel\\s+$")) {
            for (String m : MEMMODELS) items.add(item(m, CompletionItemKind.EnumMember, "memory model", null));
            return new CompletionList(false, items);
        }
        if (!vp && head.matches("(?s).*\\b(struct|union)\\s+$")) {
            if (names != null) for (String tag : names.index().structs.keySet()) items.add(item(tag, CompletionItemKind.Struct, "struct " + tag, null));
            return new CompletionList(false, items);
        }
        if (topLevel && spec.contains(":") || vp && topLevel) {
            incomplete = probeSpecs(spec, specStart, text, offset, any, items);
            return new CompletionList(incomplete, items);
        }
        if (vp) {
            for (String f : VP_FORMS) items.add(item(f, CompletionItemKind.Keyword, "VP form", null));
        } else if (topLevel) {
            probeSpecs(spec, specStart, text, offset, any, items);
            for (String k : DECLARATION_KEYWORDS) items.add(item(k, CompletionItemKind.Keyword, "keyword", null));
            for (String t : TYPES) items.add(item(t, CompletionItemKind.TypeParameter, "type", null));
        } else {
            for (String k : STATEMENT_KEYWORDS) items.add(item(k, CompletionItemKind.Keyword, "keyword", null));
            for (String k : DECLARATION_KEYWORDS) items.add(item(k, CompletionItemKind.Keyword, "keyword", null));
            for (String t : TYPES) items.add(item(t, CompletionItemKind.TypeParameter, "type", null));
        }
        if (names != null) declared(names, latest == null ? text : latest.main.text(), text, offset, items);
        if (!topLevel || vp) builtins(any, items);
        return new CompletionList(incomplete, items);
    }

    /** The newest snapshot if its parse was clean, else the last clean one (its names are complete). */
    static Snapshot usable(Snapshot latest, Snapshot clean) {
        if (latest != null && latest.syntaxClean()) return latest;
        if (clean != null) return clean;
        return latest != null && latest.checked() != null ? latest : null;
    }

    static boolean isWordChar(char c) { return Character.isLetterOrDigit(c) || c == '_'; }

    private static boolean isClauseBoundary(String text, SourceTokens.Token previous) {
        char c = text.charAt(previous.end() - 1);
        return previous.kind() == SourceTokens.Kind.PUNCT && (c == '}' || c == ';');
    }

    private static void formatHints(String text, int stringStart, int offset, List<CompletionItem> items) {
        Matcher m = PRINTF_PREFIX.matcher(text.substring(stringStart + 1, offset));
        if (!m.find()) return;
        String typed = m.group();
        Range r = range(text, offset - typed.length(), offset);
        for (Map.Entry<String, String> e : CONVERSIONS.entrySet()) {
            if (e.getKey().equals("%") && typed.length() > 1) continue;
            CompletionItem i = item("%" + e.getKey(), CompletionItemKind.Text, e.getValue(), null);
            i.setFilterText(typed + e.getKey());
            i.setTextEdit(Either.forLeft(new TextEdit(r, typed + e.getKey())));
            items.add(i);
        }
    }

    private static void directives(String text, int start, int offset, List<CompletionItem> items) {
        String typed = text.substring(start, offset);
        if (typed.matches("#\\s*pragma\\s+budget\\s+\\w*")) {
            for (Budgets.Kind k : Budgets.Kind.values()) items.add(item(k.keyword(), CompletionItemKind.Property, k.description(), null));
        } else if (typed.matches("#\\s*\\w*")) {
            for (String d : DIRECTIVES) items.add(item(d, CompletionItemKind.Keyword, "preprocessor directive", null));
        }
    }

    /**
     * Fields of the struct that `chain->` or `chain.` designates: the chain is names joined by `->` and `.`, each
     * name possibly indexed (`arr[i]`).
     */
    private static void fields(String text, int operatorStart, int offset, Snapshot s, List<CompletionItem> items) {
        List<String> chain = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        int i = operatorStart;
        while (true) {
            int e = i;
            while (e > 0 && Character.isWhitespace(text.charAt(e - 1))) e--;
            int indexed = 0;
            while (e > 0 && text.charAt(e - 1) == ']') {
                int depth = 0, k = e - 1;
                for (; k >= 0 && k >= e - 400; k--) {
                    char c = text.charAt(k);
                    if (c == ']') depth++;
                    else if (c == '[' && --depth == 0) break;
                }
                if (k < 0 || k < e - 400) return;
                e = k;
                indexed++;
                while (e > 0 && Character.isWhitespace(text.charAt(e - 1))) e--;
            }
            int b = e;
            while (b > 0 && isWordChar(text.charAt(b - 1))) b--;
            if (b == e) return;
            chain.addFirst(text.substring(b, e));
            indexes.addFirst(indexed);
            int p = b;
            while (p > 0 && Character.isWhitespace(text.charAt(p - 1))) p--;
            if (text.startsWith("->", p - 2)) i = p - 2;
            else if (p > 0 && text.charAt(p - 1) == '.') i = p - 1;
            else break;
            if (chain.size() > 64) return;
        }
        int snapOffset = Scope.mapOffset(s.main.text(), text, offset);
        Type t = indexed(Scope.typeOf(s, snapOffset, chain.getFirst()), indexes.getFirst());
        for (int k = 1; k < chain.size() && t != null; k++) {
            Type.Struct st = SymbolIndex.structOf(t);
            Type.Field f = st == null ? null : st.field(chain.get(k));
            t = f == null ? null : indexed(f.type(), indexes.get(k));
        }
        Type.Struct st = t == null ? null : SymbolIndex.structOf(t);
        if (st == null) return;
        for (Type.Field f : st.fields) {
            items.add(item(f.name(), CompletionItemKind.Field, f.type() + " (offset " + f.offset() + ", " + f.type().size() + " bytes)", null));
        }
    }

    /** The type of `x[i]...` (count subscripts) for x of type t: an array's element, a pointer's target. */
    private static Type indexed(Type t, int count) {
        for (int k = 0; k < count && t != null; k++) {
            t = switch (t) {
                case Type.Array a -> a.element();
                case Type.Pointer p -> p.target();
                default -> null;
            };
        }
        return t;
    }

    /** Probe points for a spec being typed; returns whether a symbol list was cut short. */
    private static boolean probeSpecs(String spec, int specStart, String text, int offset, Snapshot s, List<CompletionItem> items) {
        TargetCatalog catalog = s != null && s.options != null && s.options.target() instanceof CatalogTarget ct ? ct.catalog() : TargetCatalog.defaultCatalog();
        Matcher m = GUEST_SYMBOL_SPEC.matcher(spec);
        if (m.find()) {
            String typed = m.group(1);
            int from = offset - typed.length();
            int n = 0;
            Range r = range(text, from, offset);
            if (s != null && s.options != null && s.options.target() instanceof CatalogTarget ct) {
                for (String name : ct.symbols().names()) {
                    if (!name.startsWith(typed)) continue;
                    if (++n > MAX_SYMBOLS) return true;
                    var sym = ct.symbols().lookup(name);
                    CompletionItem i = item(name, CompletionItemKind.Function, sym == null ? "guest symbol"
                            : sym.kind().name().toLowerCase(Locale.ROOT) + " at 0x" + Long.toHexString(sym.address()), null);
                    i.setTextEdit(Either.forLeft(new TextEdit(r, name)));
                    items.add(i);
                }
            }
            return false;
        }
        int colon = spec.lastIndexOf(':');
        String domain = colon < 0 ? null : spec.substring(0, colon);
        Range r = range(text, specStart + colon + 1, offset);
        if (domain == null) {
            for (String d : List.of("GUEST:", "VMM:", "VMX:", "TIMER:", "PROFILE:")) items.add(item(d, CompletionItemKind.Module, "probe domain or kind", null));
        } else if (domain.matches("GUEST\\d*")) {
            for (String k : GUEST_KINDS) addAt(items, item(k, CompletionItemKind.Keyword, "guest probe kind", null), r);
        } else if (domain.equals("VMM") || domain.equals("VMX")) {
            for (String k : List.of("TIMER:", "PROFILE:")) addAt(items, item(k, CompletionItemKind.Keyword, "periodic probe", null), r);
        }
        for (TargetCatalog.Probe p : catalog.probes()) {
            if (domain != null && !p.domain().name().equals(domain)) continue;
            StringBuilder doc = new StringBuilder(p.description()).append("\n\nDomain: ").append(p.domain());
            for (int a = 0; a < p.arguments().size(); a++)
                doc.append("\n- `ARG").append(a).append("` ").append(p.arguments().get(a).name()).append(": ").append(p.arguments().get(a).meaning());
            addAt(items, item(p.name(), CompletionItemKind.Event, "probe point (" + p.domain() + ")", doc.toString()), r);
        }
        return false;
    }

    private static void addAt(List<CompletionItem> items, CompletionItem i, Range r) {
        i.setTextEdit(Either.forLeft(new TextEdit(r, i.getLabel())));
        items.add(i);
    }

    private static void declared(Snapshot s, String snapText, String text, int offset, List<CompletionItem> items) {
        Checked c = s.checked();
        for (Sym.Global g : c.globals.values()) items.add(item(g.name, CompletionItemKind.Variable, g.type + (g.perVcpu ? " (per vCPU)" : ""), null));
        for (Sym.Function f : c.functions.values()) items.add(item(f.name, CompletionItemKind.Function, HoverHandler.signature(f), null));
        for (Sym.Aggr a : c.aggrs.values()) items.add(item(a.name, CompletionItemKind.Struct, "aggr [" + a.intKeys + " int, " + a.strKeys + " string keys]", null));
        for (Sym.Bag b : c.bags.values()) items.add(item(b.name, CompletionItemKind.Struct, "bag of " + b.capacity + " pairs", null));
        for (var l : Scope.locals(s, Scope.mapOffset(s.main.text(), text, offset))) items.add(item(l.name, CompletionItemKind.Variable, String.valueOf(l.type), null));
        for (String tag : s.index().structs.keySet()) items.add(item(tag, CompletionItemKind.Struct, "struct " + tag, null));
        for (var o : s.index().occurrences) if (o.kind() == SymbolIndex.Kind.TYPE && o.declaration()) items.add(item(o.name(), CompletionItemKind.TypeParameter, "typedef", null));
    }

    private static void builtins(Snapshot s, List<CompletionItem> items) {
        TargetCatalog catalog = s != null && s.options != null && s.options.target() instanceof CatalogTarget ct ? ct.catalog() : TargetCatalog.defaultCatalog();
        for (TargetCatalog.BuiltinVariable v : catalog.builtins())
            items.add(item(v.name(), CompletionItemKind.Constant, v.type() + " (built-in)", v.description() + "\n\nReadable in " + v.domains() + ", " + v.readable().spelling()));
        for (BuiltinFunction f : BuiltinFunction.values()) items.add(item(f.spelling, CompletionItemKind.Function, f.signature, f.doc));
    }

    static CompletionItem item(String label, CompletionItemKind kind, String detail, String doc) {
        CompletionItem i = new CompletionItem(label);
        i.setKind(kind);
        i.setDetail(detail);
        if (doc != null) i.setDocumentation(new MarkupContent(MarkupKind.MARKDOWN, doc));
        return i;
    }

    private static Range range(String text, int from, int to) {
        return new Range(Lsp.position(text, from), Lsp.position(text, to));
    }
}
