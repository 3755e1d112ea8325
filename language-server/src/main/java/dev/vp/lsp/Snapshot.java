// One immutable compiled state of an open document: what every request handler reads.
package dev.vp.lsp;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.check.BudgetCheck;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.source.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The text a compilation saw, its options and result. compilation is null when the setup failed (a bad
 * vp.json or catalog); setupProblems then says why, exactly as `vp check` would print it. The symbol index is
 * built on first use and never changes afterwards.
 */
final class Snapshot {
    final String uri;
    final int version;
    final SourceFile main;
    final CompileOptions options;
    final Compilation compilation;
    final List<Diagnostic> setupProblems;
    final Optional<BudgetCheck.Measured> codeSizes;
    private volatile SymbolIndex index;

    Snapshot(String uri, int version, SourceFile main, CompileOptions options, Compilation compilation,
             List<Diagnostic> setupProblems, Optional<BudgetCheck.Measured> codeSizes) {
        this.uri = uri;
        this.version = version;
        this.main = main;
        this.options = options;
        this.compilation = compilation;
        this.setupProblems = List.copyOf(setupProblems);
        this.codeSizes = codeSizes;
    }

    /** The same state with the backend's code sizes, measured after the diagnostics went out. */
    Snapshot withCodeSizes(Optional<BudgetCheck.Measured> sizes) {
        return new Snapshot(uri, version, main, options, compilation, setupProblems, sizes);
    }

    /**
     * Every diagnostic of this state, in `vp check`'s order: setup problems first, then the compilation's, then the
     * code budget's once the backend has measured the code.
     */
    List<Diagnostic> diagnostics() {
        List<Diagnostic> all = new ArrayList<>(setupProblems);
        if (compilation != null) all.addAll(compilation.diagnostics());
        if (compilation != null && codeSizes.isPresent()) {
            all.addAll(BudgetCheck.code(compilation, codeSizes.get()));
        }
        return all;
    }

    /** Whether the document is a VP script (its name, or the language the editor gave an unnamed buffer). */
    boolean isVp() { return SourceFile.isVp(main.path()); }

    Checked checked() { return compilation == null ? null : compilation.checked(); }

    /** Whether the parser had nothing to recover from: such a snapshot is the fallback while the user types. */
    boolean syntaxClean() {
        if (compilation == null || compilation.checked() == null) return false;
        for (Diagnostic d : compilation.diagnostics()) {
            String c = d.code().name();
            if (d.isError() && (c.startsWith("E01") || c.startsWith("E02") || c.startsWith("E00"))) return false;
        }
        return true;
    }

    SymbolIndex index() {
        SymbolIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (index == null) index = SymbolIndex.build(this);
                i = index;
            }
        }
        return i;
    }

    /** The URI of a file this compilation read: the document's own for the main file. */
    String uriOf(SourceFile f) { return f == main ? uri : Lsp.uri(f); }

    /** A URI another compile gave a file: this document's own URI (the client's spelling) when it names this document. */
    String clientUri(String other) { return Lsp.path(other).equals(Lsp.path(uri)) ? uri : other; }

    org.eclipse.lsp4j.Location location(dev.vp.compiler.source.Span s) {
        return new org.eclipse.lsp4j.Location(uriOf(s.file()), Lsp.range(s));
    }
}
