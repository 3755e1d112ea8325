// Decides whether a KVM test runs: skipped without /dev/kvm, unless -Dvp.requireKvm=true makes that a failure.
package dev.vp.vmm;

import static org.junit.jupiter.api.Assertions.fail;

import dev.vp.vmm.kvm.Kvm;
import org.junit.jupiter.api.Assumptions;

public final class KvmAvailability {
    private KvmAvailability() {}

    public static void require() {
        if (Kvm.available()) return;
        if (Boolean.getBoolean("vp.requireKvm")) fail("/dev/kvm is missing or not accessible, and vp.requireKvm=true");
        Assumptions.abort("/dev/kvm is missing or not accessible: KVM tests skipped");
    }
}
