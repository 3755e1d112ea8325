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

    // ---- E02xx: VP syntax ----
    E0200(Severity.ERROR, "VP syntax error"),
    E0201(Severity.ERROR, "unclosed parenthesis"),
    E0202(Severity.ERROR, "unmatched closing parenthesis"),
    E0203(Severity.ERROR, "VP forms nested too deeply"),
    E0204(Severity.ERROR, "unterminated string literal"),
    E0205(Severity.ERROR, "invalid character"),
    E0206(Severity.ERROR, "malformed integer literal"),
    E0207(Severity.ERROR, "invalid atom"),
    E0208(Severity.ERROR, "wrong number of arguments to a VP form"),
    E0209(Severity.ERROR, "VP form argument of the wrong kind"),
    E0210(Severity.ERROR, "not a top-level VP form"),
    E0211(Severity.ERROR, "definition inside a body"),
    E0212(Severity.ERROR, "statement used as a value"),
    E0213(Severity.ERROR, "malformed probe specification"),
    E0214(Severity.ERROR, "unsupported VP version"),
    E0215(Severity.ERROR, "malformed VP version"),
    E0216(Severity.ERROR, "malformed cond"),
    E0217(Severity.ERROR, "malformed type"),
    E0218(Severity.ERROR, "empty form"),

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

    // ---- W02xx: VP syntax warnings ----
    W0201(Severity.WARNING, "VP version differs"),
    W0202(Severity.WARNING, "unknown escape in a string"),
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
