package dev.vp.compiler.ir;

/** How a basic block ends. */
public sealed interface Terminator {
    Loc loc();

    record Jump(Loc loc, int target) implements Terminator {}

    /** To ifTrue when the register is non-zero. */
    record Branch(Loc loc, int cond, int ifTrue, int ifFalse) implements Terminator {}

    /** value is a register, a slot (string functions) or -1 (void functions and probes). */
    record Return(Loc loc, int value) implements Terminator {}

    /** End the firing normally: exit(). Not counted as an error. */
    record Exit(Loc loc) implements Terminator {}

    /** Cancel the firing (a failed assert): message is a string slot with the text, or -1. */
    record Cancel(Loc loc, Cause cause, int message) implements Terminator {}
}
