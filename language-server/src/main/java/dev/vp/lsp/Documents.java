// The open documents, their overlay over the disk, and the compile job that turns each edit into a snapshot.
package dev.vp.lsp;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.ScriptSetup;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.pp.OverlaySourceLoader;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Edits update a document's text at once (on the protocol thread, cheap); compiling happens on one compile
 * thread. Each edit replaces the document's queued compile, so a burst of edits compiles once; a compile that
 * finishes after a newer edit is discarded unpublished. Compiles of one document start at most once per
 * {@link #DEBOUNCE_MS}: an isolated edit compiles at once, a burst is coalesced. Requests that need positions
 * to match the text wait for {@link Doc#current()}; completion reads the latest snapshot and the live text.
 */
final class Documents {
    static final long DEBOUNCE_MS = 50;

    /** One open document. text and version change on the protocol thread; snapshots on the compile thread. */
    static final class Doc {
        final String uri;
        final Path path;
        volatile String text;
        volatile int version;
        volatile Snapshot latest;
        /** The newest snapshot whose parse was clean: completion's fallback while the text has syntax errors. */
        volatile Snapshot lastClean;
        private CompletableFuture<Snapshot> current = new CompletableFuture<>();
        private ScheduledFuture<?> queued;
        private long lastStartNanos;

        Doc(String uri, String text, int version) { this(uri, null, text, version); }

        /**
         * languageId decides the language of a document whose name does not (an untitled buffer set to VP): its
         * path then ends in .vp, as the compiler tells the languages apart by the file name.
         */
        Doc(String uri, String languageId, String text, int version) {
            this.uri = uri;
            Path p = Lsp.path(uri);
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            this.path = !SourceFile.isScript(name) && "vp".equals(languageId) ? p.resolveSibling(name + ".vp") : p;
            this.text = text;
            this.version = version;
        }

        /** The snapshot of the current text, once compiled. */
        synchronized CompletableFuture<Snapshot> current() { return current; }

        boolean isVp() { return SourceFile.isVp(path.toString()); }
    }

    private record Setup(CompileOptions options, List<Diagnostic> problems) {}

    final OverlaySourceLoader loader = new OverlaySourceLoader(new FileSystemSourceLoader());
    private final Map<String, Doc> docs = new ConcurrentHashMap<>();
    private final Map<Path, Setup> setups = new ConcurrentHashMap<>();
    private final ScheduledExecutorService compileThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vp-compile");
        t.setDaemon(true);
        return t;
    });
    private final CodeSizer sizer;
    private final Consumer<Snapshot> published;
    private final Consumer<Throwable> failed;

    /** published: called on the compile thread with each snapshot that is still current. */
    Documents(CodeSizer sizer, Consumer<Snapshot> published, Consumer<Throwable> failed) {
        this.sizer = sizer;
        this.published = published;
        this.failed = failed;
    }

    Doc get(String uri) { return docs.get(uri); }

    java.util.Collection<Doc> all() { return docs.values(); }

    void open(String uri, String languageId, String text, int version) {
        Doc d = new Doc(uri, languageId, text, version);
        Doc old = docs.put(uri, d);
        if (old != null) cancel(old);
        loader.open(d.path, text);
        schedule(d);
        scheduleDependents(d);
    }

    void change(Doc d, String text, int version) {
        synchronized (d) {
            d.text = text;
            d.version = version;
            CompletableFuture<Snapshot> older = d.current;
            d.current = new CompletableFuture<>();
            d.current.thenAccept(older::complete);
        }
        loader.open(d.path, text);
        schedule(d);
        scheduleDependents(d);
    }

    void close(String uri) {
        Doc d = docs.remove(uri);
        if (d == null) return;
        cancel(d);
        loader.close(d.path);
        scheduleDependents(d);
    }

    /** Project files or settings changed: forget the resolved setups and recompile everything open. */
    void invalidateSetups() {
        setups.clear();
        recompileAll();
    }

    /** An include changed on disk: recompile everything open with the setups it has. */
    void recompileAll() {
        docs.values().forEach(this::schedule);
    }

    /** An open document that includes another, with the include's file as that document's compile read it. */
    record Includer(Snapshot snapshot, SourceFile file) {}

    /**
     * The open documents whose up-to-date compile included the snapshot's document with the same text, so offsets
     * in the one are offsets in the other, and read the same name at offset: references and renames in an include
     * reach the uses in its includers.
     */
    List<Includer> includersOf(Snapshot s, int offset) {
        List<Includer> out = new java.util.ArrayList<>();
        Doc self = docs.get(s.uri);
        SymbolIndex.Occurrence o = s.index().at(s.main, offset);
        if (self == null || o == null) return out;
        for (Doc d : docs.values()) {
            Snapshot other = d.latest;
            if (d == self || other == null || other.version != d.version) continue;
            SourceFile f = included(other, self.path);
            if (f == null || !f.text().equals(s.main.text())) continue;
            SymbolIndex.Occurrence same = other.index().at(f, offset);
            if (same != null && same.name().equals(o.name())) out.add(new Includer(other, f));
        }
        return out;
    }

    /** The file at path as the snapshot's compile read it, when that compile included it; else null. */
    private static SourceFile included(Snapshot s, Path path) {
        if (s.compilation == null) return null;
        for (SourceFile f : s.compilation.files()) {
            if (f != s.main && Path.of(f.path()).toAbsolutePath().normalize().equals(path)) return f;
        }
        return null;
    }

    /** Compiles the document's current text now (behind queued work) and returns the snapshot. */
    CompletableFuture<Snapshot> compileNow(Doc d) {
        CompletableFuture<Snapshot> f = new CompletableFuture<>();
        compileThread.execute(() -> {
            try {
                Snapshot s = compile(d);
                if (s.compilation != null && s.compilation.ir() != null) s = s.withCodeSizes(sizer.measure(s.compilation));
                f.complete(s);
            } catch (RuntimeException | Error e) {
                failed.accept(e);
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    void shutdown() { compileThread.shutdownNow(); }

    private void schedule(Doc d) {
        synchronized (d) {
            if (d.queued != null) d.queued.cancel(false);
            long wait = Math.max(0, d.lastStartNanos + TimeUnit.MILLISECONDS.toNanos(DEBOUNCE_MS) - System.nanoTime());
            d.queued = compileThread.schedule(() -> run(d), wait, TimeUnit.NANOSECONDS);
        }
    }

    private void cancel(Doc d) {
        synchronized (d) {
            if (d.queued != null) d.queued.cancel(false);
        }
    }

    /** Open documents that include this one (as of their latest compile) see its new text. */
    private void scheduleDependents(Doc changed) {
        for (Doc d : docs.values()) {
            if (d != changed && d.latest != null && included(d.latest, changed.path) != null) schedule(d);
        }
    }

    private void run(Doc d) {
        try {
            synchronized (d) { d.lastStartNanos = System.nanoTime(); }
            int version = d.version;
            Snapshot s = compile(d);
            if (docs.get(d.uri) != d || d.version != version || s.version != version) return;  // stale: a newer edit is queued
            d.latest = s;
            if (s.syntaxClean()) d.lastClean = s;
            CompletableFuture<Snapshot> f;
            synchronized (d) { f = d.current; }
            published.accept(s);
            // Diagnostics go out first; the backend's exact code sizes follow (they cost a native compile).
            if (s.compilation != null && s.compilation.ir() != null) {
                Snapshot sized = s.withCodeSizes(sizer.measure(s.compilation));
                if (docs.get(d.uri) == d && d.version == version) {
                    d.latest = sized;
                    if (sized.syntaxClean()) d.lastClean = sized;
                    if (sized.codeSizes.isPresent()) published.accept(sized);
                    s = sized;
                }
            }
            f.complete(s);
        } catch (RuntimeException | Error e) {
            failed.accept(e);
        }
    }

    private Snapshot compile(Doc d) {
        String text;
        int version;
        synchronized (d) { text = d.text; version = d.version; }
        SourceFile main = new SourceFile(d.path.toString(), text);
        Setup setup = setups.computeIfAbsent(d.path.getParent() == null ? Path.of("/") : d.path.getParent(), dir -> resolve(d.path));
        if (setup.options == null) return new Snapshot(d.uri, version, main, null, null, setup.problems, Optional.empty());
        // A buffer that is not text gets `vp check`'s one E0002, not a syntax error per control character.
        if (OverlaySourceLoader.buffer(d.path, text) instanceof SourceLoader.Failed f) {
            Diagnostic notText = new Diagnostic(f.code(), f.reason(), Span.at(main, f.offset()));
            List<Diagnostic> problems = new java.util.ArrayList<>(setup.problems);
            problems.add(notText);
            return new Snapshot(d.uri, version, main, null, null, problems, Optional.empty());
        }
        Compilation c = Compiler.compile(main, setup.options, loader);
        return new Snapshot(d.uri, version, main, setup.options, c, setup.problems, Optional.empty());
    }

    private Setup resolve(Path script) {
        Diagnostics problems = new Diagnostics();
        CompileOptions options = ScriptSetup.resolve(script, ScriptSetup.Flags.NONE, loader, problems);
        return new Setup(options, problems.all());
    }
}
