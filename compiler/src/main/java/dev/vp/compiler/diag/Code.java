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

    // ---- E01xx: Emmett syntax ----
    E0100(Severity.ERROR, "syntax error"),
    E0101(Severity.ERROR, "unterminated comment"),
    E0102(Severity.ERROR, "unterminated string literal"),
    E0103(Severity.ERROR, "unterminated character literal"),
    E0104(Severity.ERROR, "integer literal too large"),
    E0105(Severity.ERROR, "invalid character literal"),
    E0106(Severity.ERROR, "unexpected character"),
    E0107(Severity.ERROR, "invalid digit in integer literal"),
    E0108(Severity.ERROR, "insert operator inside an expression"),
    E0109(Severity.ERROR, "nesting too deep"),
    E0110(Severity.ERROR, "switch is not supported"),
    E0111(Severity.ERROR, "goto is not supported"),
    E0112(Severity.ERROR, "do/while is not supported"),
    E0113(Severity.ERROR, "floating point is not supported"),
    E0114(Severity.ERROR, "static is not supported"),
    E0115(Severity.ERROR, "extern is not supported"),
    E0116(Severity.ERROR, "register is not supported"),
    E0117(Severity.ERROR, "volatile is not supported"),
    E0118(Severity.ERROR, "comma operator is not supported"),
    E0119(Severity.ERROR, "call of something that is not a function name"),
    E0120(Severity.ERROR, "function pointers are not supported"),
    E0121(Severity.ERROR, "nested function definition"),
    E0122(Severity.ERROR, "invalid type specifiers"),
    E0123(Severity.ERROR, "declaration declares nothing"),
    E0124(Severity.ERROR, "bit-fields are not supported"),
    E0125(Severity.ERROR, "malformed probe specification"),
    E0126(Severity.ERROR, "bad time unit"),
    E0127(Severity.ERROR, "aggregate or bag size out of range"),
    E0128(Severity.ERROR, "expression too long"),
    E0129(Severity.ERROR, "declaration only allowed at top level"),
    E0130(Severity.ERROR, "parameter without a name"),
    E0131(Severity.ERROR, "field offset pinned twice"),

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
    W0100(Severity.WARNING, "unknown escape sequence"),
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
