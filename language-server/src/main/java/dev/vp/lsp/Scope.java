// What names are visible at a cursor: the snapshot's declarations plus the locals of the enclosing function or clause.
package dev.vp.lsp;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.check.Checked;
import dev.vp.compiler.check.Sym;
import dev.vp.compiler.check.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Works from a snapshot that may be older than the text: the cursor is first mapped into the snapshot's text
 * (unchanged prefix and suffix keep their offsets), so completion still finds the enclosing clause while the
 * user is typing a line the parser cannot read yet.
 */
final class Scope {
    private Scope() {}

    /** The offset in the snapshot's text of an offset in the current text. */
    static int mapOffset(String snapText, String current, int offset) {
        int n = Math.min(snapText.length(), current.length()), p = 0;
        while (p < n && snapText.charAt(p) == current.charAt(p)) p++;
        if (offset <= p) return offset;
        int s = 0;
        while (s < n - p && snapText.charAt(snapText.length() - 1 - s) == current.charAt(current.length() - 1 - s)) s++;
        int currentSuffixStart = current.length() - s;
        if (offset >= currentSuffixStart) return offset - current.length() + snapText.length();
        return Math.min(p, snapText.length());
    }

    /** The top-level function or probe clause around a snapshot offset in the main file, or null. */
    static Decl enclosing(Snapshot s, int snapOffset) {
        if (s.compilation == null || s.compilation.script() == null) return null;
        for (Decl d : s.compilation.script().items()) {
            if ((d instanceof Decl.Function || d instanceof Decl.Probe) && d.span().file() == s.main
                    && d.span().start() <= snapOffset && snapOffset <= d.span().end()) return d;
        }
        return null;
    }

    /** Locals and parameters visible at a snapshot offset: those of the enclosing declaration declared before it. */
    static List<Sym.Local> locals(Snapshot s, int snapOffset) {
        Decl d = enclosing(s, snapOffset);
        Checked c = s.checked();
        List<Sym.Local> out = new ArrayList<>();
        if (d == null || c == null) return out;
        for (var n : AstNodes.of(d)) {
            Sym.Local l = switch (n) {
                case Decl.Param p -> c.params.get(p);
                case Decl.Var v when v.span().start() < snapOffset -> c.locals.get(v);
                default -> null;
            };
            if (l != null) out.add(l);
        }
        return out;
    }

    /** The type of a name at a cursor: the nearest visible local, else a global. Null when unknown. */
    static Type typeOf(Snapshot s, int snapOffset, String name) {
        List<Sym.Local> locals = locals(s, snapOffset);
        for (int i = locals.size() - 1; i >= 0; i--) if (locals.get(i).name.equals(name)) return locals.get(i).type;
        Checked c = s.checked();
        if (c == null) return null;
        Sym.Global g = c.globals.get(name);
        return g == null ? null : g.type;
    }
}
