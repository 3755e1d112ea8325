package dev.vp.compiler.check;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.lang.Domain;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The checker's product: the symbols of a script and what each expression means. Lowering reads only this. */
public final class Checked {
    public final Map<String, Sym.Global> globals = new LinkedHashMap<>();
    public final Map<String, Sym.Function> functions = new LinkedHashMap<>();
    public final Map<String, Sym.Aggr> aggrs = new LinkedHashMap<>();
    public final Map<String, Sym.Bag> bags = new LinkedHashMap<>();
    public final List<ProbeInfo> probes = new ArrayList<>();
    /** Struct and union tags with their layouts (offsets and sizes in the memory model they were defined in). */
    public final Map<String, Type.Struct> structs = new LinkedHashMap<>();

    /** Designated type of each expression (a char array stays an array: the context decides string or pointer). */
    public final Map<Expr, Type> types = new IdentityHashMap<>();
    /** Names, calls and aggregate/bag index bases resolved to their symbols. */
    public final Map<Expr, Sym> refs = new IdentityHashMap<>();
    public final Map<Expr.Call, BuiltinFunction> builtinCalls = new IdentityHashMap<>();
    public final Map<Expr.Member, Type.Field> fields = new IdentityHashMap<>();
    public final Map<Decl.Var, Sym.Local> locals = new IdentityHashMap<>();
    public final Map<Decl.Param, Sym.Local> params = new IdentityHashMap<>();
    /** Values of the constant expressions lowering needs: global initializers, sizeof, string lengths. */
    public final Map<Expr, Long> constants = new IdentityHashMap<>();

    /** A probe clause after checking its specification against the target. */
    public record ProbeInfo(Decl.Probe decl, String spec, Domain domain, String point, String symbol, long address,
                            long periodNs, boolean exitProbe, List<Sym.Local> params) {}

    /** The language each file was read in: a script's own, which its headers share. */
    final Map<SourceFile, Syntax> syntaxes = new HashMap<>();

    public Type type(Expr e) { return types.getOrDefault(e, Type.ERROR); }

    /** The language a diagnostic at the span speaks: the one its file was read in. */
    public Syntax syntax(Span span) {
        if (span == null) return Syntax.EMMETT;
        Syntax s = syntaxes.get(span.file());
        return s != null ? s : Syntax.byName(span.file());
    }

    void clearPass() {
        probes.clear(); types.clear(); refs.clear(); builtinCalls.clear(); fields.clear(); constants.clear(); locals.clear(); params.clear();
    }
}
