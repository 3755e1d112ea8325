package dev.vp.compiler.ast;

import dev.vp.compiler.source.Span;
import java.util.List;

/** Top-level items of a script; Var is also used for block-local declarations (see Stmt.Local). */
public sealed interface Decl extends Node {

    enum Storage { DEFAULT, PERTHREAD, PERVM, PERHOST }

    /** `int x;`, `perthread string s = "a";`, `struct task *t;` init may be null. */
    record Var(Span span, Storage storage, TypeRef type, String name, Span nameSpan, Expr init) implements Decl {}

    /** `aggr name[nInt][nStr] : capacity;` (capacity null when not written: the default); `aggr name;` is keyless. */
    record Aggr(Span span, String name, Span nameSpan, int intKeys, int strKeys, Integer capacity) implements Decl {}

    /** `bag name[size];` */
    record Bag(Span span, String name, Span nameSpan, int size) implements Decl {}

    /** A struct, union or enum definition on its own: `struct task { ... };` */
    record TypeDef(Span span, TypeRef type) implements Decl {}

    /** `typedef T name;` */
    record Typedef(Span span, TypeRef type, String name, Span nameSpan) implements Decl {}

    /** `memmodel guest32;` applies to the declarations after it. */
    record MemModel(Span span, String model) implements Decl {}

    /** A function; body == null for a prototype. */
    record Function(Span span, TypeRef returnType, String name, Span nameSpan, List<Param> params, Stmt.Block body)
            implements Decl {}

    /** A probe clause: spec, optional parameters bound to ARG0..ARG9, and one statement. */
    record Probe(Span span, ProbeSpec spec, List<Param> params, Stmt body) implements Decl {}

    /** VP's `(version "1.0")`. */
    record Version(Span span, String version) implements Decl {}

    record Param(Span span, TypeRef type, String name, Span nameSpan) implements Node {}
}
