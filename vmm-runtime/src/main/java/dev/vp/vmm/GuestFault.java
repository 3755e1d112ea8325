// Why a guest stopped on its own: a triple fault, a panic message, or an exit the harness cannot handle.
package dev.vp.vmm;

public record GuestFault(int vcpu, Kind kind, long rip, String message) {
    public enum Kind { TRIPLE_FAULT, PANIC, UNHANDLED_EXIT, KVM_ERROR }

    @Override
    public String toString() {
        return "vCPU " + vcpu + ": " + kind.name().toLowerCase().replace('_', ' ') + " at RIP 0x" + Long.toHexString(rip) + ": " + message;
    }
}
