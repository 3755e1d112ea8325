package dev.vp.compiler.ir;

/** Why a firing was cancelled; shortName is what excname() returns. */
public enum Cause {
    GUEST_FAULT("guest-fault"), LOOP_FUEL("loop-fuel"), STACK("stack"), DIVISION_BY_ZERO("division-by-zero"),
    ASSERT("assert");

    public final String shortName;

    Cause(String shortName) { this.shortName = shortName; }
}
