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
    E0301(Severity.ERROR, "name already declared"),
    E0302(Severity.ERROR, "reserved name"),
    E0303(Severity.ERROR, "unknown or undefined function"),
    E0304(Severity.ERROR, "unknown type"),
    E0305(Severity.ERROR, "built-in variable assigned"),
    E0306(Severity.ERROR, "break or continue outside a loop"),
    E0308(Severity.ERROR, "conflicting function declarations"),
    E0310(Severity.ERROR, "unknown field"),
    E0311(Severity.ERROR, "aggregate misused"),
    E0313(Severity.ERROR, "wrong keys"),
    E0314(Severity.ERROR, "local declared twice"),
    E0315(Severity.ERROR, "empty bag"),
    E0316(Severity.ERROR, "aggregate without room"),
    E0317(Severity.ERROR, "name of a built-in function"),

    // ---- E04xx: types and memory models ----
    E0400(Severity.ERROR, "type mismatch"),
    E0402(Severity.ERROR, "object too large"),
    E0403(Severity.ERROR, "pinned offsets must increase"),
    E0404(Severity.ERROR, "bad memory model"),
    E0405(Severity.ERROR, "cannot dereference"),
    E0406(Severity.ERROR, "bad member access"),
    E0407(Severity.ERROR, "cannot assign or return this"),
    E0408(Severity.ERROR, "cannot take the address"),
    E0409(Severity.ERROR, "void value"),
    E0410(Severity.ERROR, "constant required"),
    E0411(Severity.ERROR, "wrong number of arguments"),
    E0412(Severity.ERROR, "bad array length"),
    E0413(Severity.ERROR, "cannot index"),
    E0416(Severity.ERROR, "incomplete struct"),
    E0417(Severity.ERROR, "storage class on a local"),
    E0418(Severity.ERROR, "`<-` needs an aggregate or a bag"),
    E0419(Severity.ERROR, "division by zero in a constant"),

    // ---- E05xx: probe specifications, catalog, symbols ----
    E0500(Severity.ERROR, "unknown probe"),
    E0501(Severity.ERROR, "unknown guest symbol"),
    E0502(Severity.ERROR, "probe kind not supported by the target"),
    E0503(Severity.ERROR, "vCPU state read without a vCPU"),
    E0504(Severity.ERROR, "built-in variable not available here"),
    E0505(Severity.ERROR, "bad probe period"),
    E0506(Severity.ERROR, "too many probe parameters"),
    E0507(Severity.ERROR, "wrong domain"),
    E0508(Severity.ERROR, "VM index must be 0"),
    E0509(Severity.ERROR, "per-vCPU variable in a host probe"),
    E0510(Severity.ERROR, "site is not patchable"),

    // ---- E06xx: built-in functions and printf formats ----
    E0600(Severity.ERROR, "wrong arguments to a built-in"),
    E0601(Severity.ERROR, "format is not a string literal"),
    E0602(Severity.ERROR, "bad format"),
    E0603(Severity.ERROR, "format and arguments disagree in number"),
    E0604(Severity.ERROR, "format and argument disagree in type"),

    // ---- E07xx: budgets ----
    E0700(Severity.ERROR, "budget exceeded"),
    E0701(Severity.ERROR, "stack budget exceeded by a call chain"),
    E0702(Severity.ERROR, "data does not fit the runtime's memory"),

    // ---- E08xx: project file, catalog file, symbol files ----
    E0800(Severity.ERROR, "project file is invalid"),
    E0801(Severity.ERROR, "malformed JSON"),
    E0802(Severity.ERROR, "catalog file is invalid"),
    E0803(Severity.ERROR, "catalog format version not supported"),
    E0804(Severity.ERROR, "bad symbol file"),

    // ---- E09xx: the compiler itself ----
    E0900(Severity.ERROR, "internal compiler error"),

    // ---- W0xxx: warnings (same section numbering as errors) ----
    W0001(Severity.WARNING, "deprecated spelling"),
    // ---- W02xx: VP syntax warnings ----
    W0002(Severity.WARNING, "unknown pragma"),
    W0003(Severity.WARNING, "macro redefined"),
    W0004(Severity.WARNING, "extra text after directive"),
    W0005(Severity.WARNING, "include directory not found"),
    W0100(Severity.WARNING, "unknown escape sequence"),
    W0201(Severity.WARNING, "VP version differs"),
    W0202(Severity.WARNING, "unknown escape in a string"),
    W0400(Severity.WARNING, "unsigned comparison with a negative number"),
    W0401(Severity.WARNING, "ordering comparison with strcmp"),
    W0402(Severity.WARNING, "a function can end without returning its value"),
    W0403(Severity.WARNING, "assignment used as a condition"),
    W0404(Severity.WARNING, "division by zero"),
    W0500(Severity.WARNING, "deprecated probe spelling"),
    W0501(Severity.WARNING, "no probe clauses"),
    W0700(Severity.WARNING, "budget nearly used"),
    W0800(Severity.WARNING, "unknown key or name in a project or catalog file"),
    W0801(Severity.WARNING, "newer catalog format"),
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
