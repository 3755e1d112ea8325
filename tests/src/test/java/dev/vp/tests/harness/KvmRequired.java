// Decides whether an end-to-end test runs: skipped without /dev/kvm, unless -Dvp.requireKvm=true makes that a failure.
package dev.vp.tests.harness;

import static org.junit.jupiter.api.Assertions.fail;

import dev.vp.vmm.kvm.Kvm;
import org.junit.jupiter.api.Assumptions;

final class KvmRequired {
    private KvmRequired() {}

    static void check() {
        if (Kvm.available()) return;
        if (Boolean.getBoolean("vp.requireKvm")) fail("/dev/kvm is missing or not accessible, and vp.requireKvm=true");
        Assumptions.abort("/dev/kvm is missing or not accessible: end-to-end tests skipped");
    }
}
