// A failed KVM operation: which call, which errno, and what to check.
package dev.vp.vmm.kvm;

import java.io.IOException;

public final class KvmException extends IOException {
    public KvmException(String message) { super(message); }

    static KvmException of(String call, int errno) {
        return new KvmException(call + " failed: " + Libc.describe(errno)
                + (errno == 13 ? "; check that /dev/kvm is readable and writable by this user" : ""));
    }
}
