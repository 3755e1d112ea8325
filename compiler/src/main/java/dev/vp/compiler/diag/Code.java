package dev.vp.compiler.diag;

/**
 * Every diagnostic code the compiler can emit. Codes are stable: never renumber or reuse one.
 * Each code has a test file named after it (compiler/src/test/resources/diag/E0123.emt).
 * Sections are owned by one phase each; add new codes at the end of their section.
 */
public enum Code {
    // ---- E00xx: input and preprocessor ----
    E0001(Severity.ERROR, "file cannot be read"),
    E0002(Severity.ERROR, "input is not text"),
    E0003(Severity.ERROR, "include file not found"),
    E0004(Severity.ERROR, "include cycle"),
    E0005(Severity.ERROR, "includes nested too deeply"),
    E0006(Severity.ERROR, "malformed directive"),
    E0007(Severity.ERROR, "unsupported preprocessor feature"),
    E0008(Severity.ERROR, "unbalanced conditional directive"),
    E0009(Severity.ERROR, "invalid #if expression"),
    E0010(Severity.ERROR, "#error directive"),
    E0011(Severity.ERROR, "macro expansion too large"),
    E0012(Severity.ERROR, "invalid budget pragma"),

    // ---- E01xx: Emmett syntax ----
    E0100(Severity.ERROR, "syntax error"),

    // ---- E02xx: VP syntax ----
    E0200(Severity.ERROR, "VP syntax error"),

    // ---- E03xx: names and declarations ----
    E0300(Severity.ERROR, "unknown name"),

    // ---- E04xx: types and memory models ----
    E0400(Severity.ERROR, "type mismatch"),

    // ---- E05xx: probe specifications, catalog, symbols ----
    E0500(Severity.ERROR, "unknown probe"),

    // ---- E06xx: built-in functions and printf formats ----
    E0600(Severity.ERROR, "wrong arguments to a built-in"),

    // ---- E07xx: budgets ----
    E0700(Severity.ERROR, "budget exceeded"),

    // ---- E08xx: project file, catalog file, symbol files ----
    E0800(Severity.ERROR, "project file is invalid"),

    // ---- W0xxx: warnings (same section numbering as errors) ----
    W0001(Severity.WARNING, "deprecated spelling"),
    W0002(Severity.WARNING, "unknown pragma"),
    W0003(Severity.WARNING, "macro redefined"),
    W0004(Severity.WARNING, "extra text after directive"),
    ;

    private final Severity severity;
    private final String title;

    Code(Severity severity, String title) {
        this.severity = severity;
        this.title = title;
    }

    public Severity severity() { return severity; }
    public String title() { return title; }
}
