package dev.vp.compiler.lang;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in variables of LANGUAGE.md section 9: what a probe can read about the vCPU, the host and the
 * firing. The target catalog says which of them a given probe may read; this enum says what they are.
 */
public enum Builtin {
    RIP, RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP, R8, R9, R10, R11, R12, R13, R14, R15, RFLAGS,
    CS, CSAR, CSBASE, CSLIMIT, DS, DSAR, DSBASE, DSLIMIT, ES, ESAR, ESBASE, ESLIMIT,
    FS, FSAR, FSLIMIT, GS, GSAR, GSLIMIT, SS, SSAR, SSBASE, SSLIMIT,
    GDTRBASE, GDTRLIMIT, IDTRBASE, IDTRLIMIT,
    CR0, CR2, CR3, CR4, CR8, DR6, DR7, EFER, FSBASE, GSBASE, KERNELGSBASE,
    TSC, TSC_HZ, VCPUID, PCPUID, THREADID, NUMVCPUS,
    ARG0, ARG1, ARG2, ARG3, ARG4, ARG5, ARG6, ARG7, ARG8, ARG9,
    PROBENAME(true),
    VMCS_EXIT_REASON, VMCS_EXIT_QUAL, VMCS_EXIT_INTR_INFO, EXIT_REASON;

    private final boolean string;

    Builtin() { this(false); }
    Builtin(boolean string) { this.string = string; }

    /** PROBENAME is the only string-valued built-in variable. */
    public boolean isString() { return string; }

    /** True for values that exist only on a vCPU (registers, vCPU ids, exit fields); false for host values. */
    public boolean needsVcpu() {
        return switch (this) {
            case TSC, TSC_HZ, PCPUID, THREADID, NUMVCPUS, PROBENAME,
                 ARG0, ARG1, ARG2, ARG3, ARG4, ARG5, ARG6, ARG7, ARG8, ARG9 -> false;
            default -> true;
        };
    }

    /** Values outside KVM's shared sync area: reading them costs an ioctl, so the image marks the clause. */
    public boolean needsIoctl() {
        return switch (this) {
            case DR6, DR7, KERNELGSBASE -> true;
            default -> false;
        };
    }

    public int argIndex() { return ordinal() >= ARG0.ordinal() && ordinal() <= ARG9.ordinal() ? ordinal() - ARG0.ordinal() : -1; }

    private static final Map<String, Builtin> BY_NAME = new HashMap<>();
    static { for (Builtin b : values()) BY_NAME.put(b.name(), b); }

    /** The built-in with this exact spelling, or null. */
    public static Builtin byName(String name) { return BY_NAME.get(name); }

    public String spelling() { return name().toUpperCase(Locale.ROOT); }
}
