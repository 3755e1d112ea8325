// What a loaded image is bound to: the guest's RAM, each vCPU's register files, the TSC rate, and how to disarm.
package dev.vp.runtime;

import java.util.List;

/**
 * Host addresses of the guest: RAM (ramBase, ramSize bytes) and per vCPU the kvm_regs and kvm_sregs areas of
 * its kvm_run mapping (KVM_CAP_SYNC_REGS), which generated code reads in place, and its thread. tscHz is the TSC rate (0: the
 * runtime's own calibration). disarm is called before this binding's image is replaced or unloaded; it must
 * return only when the harness delivers no more firings for the image (probe points disarmed, running firings
 * finished or abandoned).
 */
public record GuestBinding(long ramBase, long ramSize, long tscHz, List<Vcpu> vcpus, Runnable disarm) {
    public GuestBinding {
        vcpus = List.copyOf(vcpus);
        if (vcpus.isEmpty()) throw new IllegalArgumentException("a guest binding needs at least one vCPU");
        if (ramBase == 0 || ramSize <= 0) throw new IllegalArgumentException("guest RAM at 0x" + Long.toHexString(ramBase) + " of " + ramSize + " bytes is not usable");
    }

    /**
     * A vCPU's register files (host addresses of its kvm_regs and kvm_sregs, never 0) and the id of the monitor
     * thread that runs it (THREADID in its firings).
     */
    public record Vcpu(long regsAddress, long sregsAddress, long threadId) {
        public Vcpu {
            if (regsAddress == 0 || sregsAddress == 0) throw new IllegalArgumentException("a vCPU's register file addresses must not be 0");
        }
    }
}
