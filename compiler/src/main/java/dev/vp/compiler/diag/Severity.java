package dev.vp.compiler.diag;

/** How bad a diagnostic is. Only errors stop a script from building. */
public enum Severity {
    ERROR, WARNING, NOTE;

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
