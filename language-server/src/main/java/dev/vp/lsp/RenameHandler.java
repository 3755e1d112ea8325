// textDocument/prepareRename and rename: renames a script's own variable, function, aggregate, bag, field or type.
package dev.vp.lsp;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.check.BuiltinFunction;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/**
 * Built-in names, guest symbols and names declared in preloads (not the user's files) cannot be renamed. A new
 * name must be an identifier that is not a keyword, not all capitals (reserved for built-ins) and not already
 * declared: the refusal says which.
 */
final class RenameHandler {
    private RenameHandler() {}

    private static final Set<SymbolIndex.Kind> RENAMABLE = Set.of(SymbolIndex.Kind.GLOBAL, SymbolIndex.Kind.LOCAL, SymbolIndex.Kind.PARAMETER,
            SymbolIndex.Kind.FUNCTION, SymbolIndex.Kind.AGGREGATE, SymbolIndex.Kind.BAG, SymbolIndex.Kind.FIELD, SymbolIndex.Kind.TYPE,
            SymbolIndex.Kind.ENUM_CONSTANT);

    /** The range of the renamable name under the cursor, or null. */
    static Range prepare(Snapshot s, int offset) {
        SymbolIndex.Occurrence o = s.index().at(s.main, offset);
        return o == null || why(s, o) != null ? null : Lsp.range(o.span());
    }

    /** In an include, the open documents that include it are renamed too (and can refuse the name). */
    static WorkspaceEdit rename(Snapshot s, int offset, String newName, List<Documents.Includer> includers) {
        WorkspaceEdit edit = rename(s, s.main, offset, newName);
        for (Documents.Includer i : includers) {
            rename(i.snapshot(), i.file(), offset, newName).getChanges().forEach((uri, edits) -> {
                List<TextEdit> into = edit.getChanges().computeIfAbsent(s.clientUri(uri), k -> new ArrayList<>());
                for (TextEdit e : edits) if (into.stream().noneMatch(x -> x.getRange().equals(e.getRange()))) into.add(e);
            });
        }
        return edit;
    }

    static WorkspaceEdit rename(Snapshot s, SourceFile file, int offset, String newName) {
        SymbolIndex.Occurrence o = s.index().at(file, offset);
        if (o == null) throw refuse("there is no name to rename here");
        String why = why(s, o);
        if (why != null) throw refuse(why);
        if (!newName.matches("[A-Za-z_][A-Za-z0-9_]*")) throw refuse("`" + newName + "` is not a name: use letters, digits and `_`, not starting with a digit");
        if (newName.equals(newName.toUpperCase(java.util.Locale.ROOT)) && newName.chars().anyMatch(Character::isLetter))
            throw refuse("`" + newName + "` is all capitals, which is reserved for built-in names");
        if (CompletionHandler.STATEMENT_KEYWORDS.contains(newName) || CompletionHandler.DECLARATION_KEYWORDS.contains(newName) || CompletionHandler.TYPES.contains(newName))
            throw refuse("`" + newName + "` is a keyword");
        if (BuiltinFunction.byName(newName) != null) throw refuse("`" + newName + "` is a built-in function");
        String clash = clash(s, o, newName);
        if (clash != null) throw refuse(clash);
        Map<String, List<TextEdit>> changes = new LinkedHashMap<>();
        for (SymbolIndex.Occurrence x : s.index().sameAs(o))
            changes.computeIfAbsent(s.uriOf(x.span().file()), k -> new ArrayList<>()).add(new TextEdit(Lsp.range(x.span()), newName));
        return new WorkspaceEdit(changes);
    }

    /** Variables, functions, aggregates, bags and enum constants share one namespace. */
    private static final Set<SymbolIndex.Kind> SCRIPT_NAMES = Set.of(SymbolIndex.Kind.GLOBAL, SymbolIndex.Kind.FUNCTION,
            SymbolIndex.Kind.AGGREGATE, SymbolIndex.Kind.BAG, SymbolIndex.Kind.ENUM_CONSTANT);
    private static final Set<SymbolIndex.Kind> LOCAL_NAMES = Set.of(SymbolIndex.Kind.LOCAL, SymbolIndex.Kind.PARAMETER);

    /**
     * Why the new name would collide or change what another name means: a declaration of it in the same namespace
     * and scope, a local of that name hiding the renamed global where it is used, the renamed local hiding a
     * global of that name that its function uses, the renamed name hiding a guest symbol the script takes the
     * address of (`&sym`), or a typedef sharing its name with any other name but a field (the parser reads a
     * typedef name as a type). Null when it is free.
     */
    private static String clash(Snapshot s, SymbolIndex.Occurrence o, String newName) {
        List<SymbolIndex.Occurrence> renamed = s.index().sameAs(o);
        Decl home = LOCAL_NAMES.contains(o.kind()) ? enclosing(s, o.span()) : null;
        for (SymbolIndex.Occurrence x : s.index().occurrences) {
            if (!x.name().equals(newName) || x.key().equals(o.key())) continue;
            // `&sym` is the guest symbol only while no script name is sym: the renamed name would take it over
            if (x.kind() == SymbolIndex.Kind.GUEST_SYMBOL && (SCRIPT_NAMES.contains(o.kind()) || home != null && enclosing(s, x.span()) == home))
                return "`" + newName + "` is the guest symbol used at " + x.span() + ", which the renamed name would hide";
            // the parser reads a typedef's name as a type wherever it stands, so no other name may share it
            if (x.declaration() && x.kind() == SymbolIndex.Kind.TYPE && (SCRIPT_NAMES.contains(o.kind()) || LOCAL_NAMES.contains(o.kind())))
                return "`" + newName + "` is the typedef declared at " + x.span() + ": a variable, function, aggregate or bag of that name would not parse";
            if (o.kind() == SymbolIndex.Kind.TYPE && x.declaration() && (SCRIPT_NAMES.contains(x.kind()) || LOCAL_NAMES.contains(x.kind())))
                return "`" + newName + "` is already declared at " + x.span() + ": a typedef of that name would hide it from the parser";
            boolean sameNamespace = SCRIPT_NAMES.contains(o.kind()) ? SCRIPT_NAMES.contains(x.kind()) : x.kind() == o.kind();
            if (x.declaration() && sameNamespace && !LOCAL_NAMES.contains(o.kind()))
                return "`" + newName + "` is already declared at " + x.span();
            if (SCRIPT_NAMES.contains(o.kind()) && LOCAL_NAMES.contains(x.kind()) && x.declaration()) {
                Decl f = enclosing(s, x.span());
                for (SymbolIndex.Occurrence r : renamed)
                    if (f != null && enclosing(s, r.span()) == f)
                        return "the local `" + newName + "` declared at " + x.span() + " would hide `" + o.name() + "` where it is used at " + r.span();
            }
            if (home != null && (LOCAL_NAMES.contains(x.kind()) && x.declaration() || SCRIPT_NAMES.contains(x.kind())) && enclosing(s, x.span()) == home)
                return LOCAL_NAMES.contains(x.kind()) ? "`" + newName + "` is already declared at " + x.span()
                        : "`" + newName + "` would hide the global `" + newName + "` used at " + x.span();
        }
        return null;
    }

    /** The function or probe clause whose text holds a span, in whichever script of the compilation it is. */
    private static Decl enclosing(Snapshot s, Span span) {
        if (s.compilation == null) return null;
        for (var script : s.compilation.scripts())
            for (Decl d : script.items())
                if ((d instanceof Decl.Function || d instanceof Decl.Probe) && d.span().file() == span.file()
                        && d.span().start() <= span.start() && span.end() <= d.span().end()) return d;
        return null;
    }

    private static String why(Snapshot s, SymbolIndex.Occurrence o) {
        if (!RENAMABLE.contains(o.kind())) return "`" + o.name() + "` is a built-in or guest name, not the script's own";
        if (!o.span().text().equals(o.name())) return "`" + o.name() + "` is written through a macro here; rename it where it is defined";
        for (SymbolIndex.Occurrence x : s.index().sameAs(o))
            if (x.span().file().path().startsWith("classpath:") || s.options != null && s.options.preloads().contains(x.span().file()))
                return "`" + o.name() + "` is declared in a preload (" + x.span().file().path() + "), not in the workspace";
        return null;
    }

    private static ResponseErrorException refuse(String message) {
        return new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidRequest, "cannot rename: " + message, null));
    }
}
