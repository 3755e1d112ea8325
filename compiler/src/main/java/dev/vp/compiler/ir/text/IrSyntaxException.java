// A syntax error in IR text, with the line and column where it is.
package dev.vp.compiler.ir.text;

/** Thrown by IrParser; the message reads "file:line:col: what is wrong". */
public final class IrSyntaxException extends RuntimeException {
    public IrSyntaxException(String message) { super(message); }
}
