package dev.vp.compiler.lang;

/** Where a probe fires: GUEST and VMM probes run on a vCPU with its state; VMX probes run once on the host. */
public enum Domain {
    GUEST, VMM, VMX;

    public boolean hasVcpu() { return this != VMX; }
}
