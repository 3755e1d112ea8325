// The harness's static probe points as data: name, domain, arguments, vCPU state, exit probe, when it fires.
package dev.vp.vmm.probes;

import dev.vp.compiler.lang.Domain;
import java.util.List;

/**
 * LANGUAGE.md section 12 with VProbes' names and argument layouts. {@link HarnessCatalog} reports these, and
 * {@link ProbeDispatcher} indexes its clause table by {@link #ordinal()}.
 */
public enum StaticProbe {
    VMMLoad(Domain.VMM, false, "on every vCPU when a script is loaded"),
    VMMUnload(Domain.VMM, false, "on every vCPU when a script is unloaded"),
    VMXLoad(Domain.VMX, false, "once on the host when a script is loaded"),
    VMXUnload(Domain.VMX, false, "once on the host when a script is unloaded"),
    VMM1Hz(Domain.VMM, false, "on every vCPU, once a second"),
    VMM10Hz(Domain.VMM, false, "on every vCPU, 10 times a second"),
    VMX1Hz(Domain.VMX, false, "once a second on the host"),
    HV_Exit(Domain.VMM, true, "after every exit from the guest, before it is handled"),
    HV_Resume(Domain.VMM, false, "before every re-entry into the guest"),
    In(Domain.VMM, true, "a guest port read", Arg.PORT, Arg.SIZE, Arg.COUNT),
    Out(Domain.VMM, true, "a guest port write", Arg.PORT, Arg.SIZE, Arg.COUNT),
    Guest_IRQ(Domain.VMM, false, "before the harness injects an interrupt", new Arg("vector", "the interrupt vector")),
    Guest_TripleFault(Domain.VMM, true, "the guest shut down (triple fault)"),
    Disk_IOStart(Domain.VMM, false, "the block device starts a request", Arg.DISK),
    Disk_IOFinish(Domain.VMM, false, "the block device completes a request", Arg.DISK),
    MAC_SendPacket(Domain.VMM, false, "the network device sends a packet", new Arg("adapter", "adapter")),
    MAC_ReceivePacket(Domain.VMM, false, "the network device receives a packet", new Arg("adapter", "adapter")),
    MMIO_Read(Domain.VMM, true, "a guest MMIO read the harness handles", Arg.ADDRESS, Arg.ACCESS_SIZE),
    MMIO_Write(Domain.VMM, true, "a guest MMIO write the harness handles", Arg.ADDRESS, Arg.ACCESS_SIZE,
            new Arg("value", "the value written"));

    /** What ARGn means at a probe (n is its index). */
    public record Arg(String name, String meaning) {
        static final Arg PORT = new Arg("port", "the I/O port"), SIZE = new Arg("size", "operand size in bytes"),
                COUNT = new Arg("count", "repeat count"), ADDRESS = new Arg("address", "the guest physical address"),
                ACCESS_SIZE = new Arg("size", "access size in bytes");
        static final Arg[] DISK = {new Arg("adapterType", "adapter type"), new Arg("controller", "controller"),
                new Arg("drive", "drive"), new Arg("isRead", "1 read / 0 write"), new Arg("requestId", "request id"),
                new Arg("startSector", "start sector"), new Arg("sectorCount", "sector count"),
                new Arg("sgEntries", "scatter/gather entries")};
    }

    private final Domain domain;
    private final boolean exitProbe;
    private final String description;
    private final List<Arg> args;

    StaticProbe(Domain domain, boolean exitProbe, String description, Arg... args) {
        this.domain = domain;
        this.exitProbe = exitProbe;
        this.description = description;
        this.args = List.of(args);
    }

    public Domain domain() { return domain; }

    /** VMCS_EXIT_REASON, VMCS_EXIT_QUAL, VMCS_EXIT_INTR_INFO and EXIT_REASON are readable there. */
    public boolean exitProbe() { return exitProbe; }

    /** Whether it runs on a vCPU with its state (every VMM probe; never a VMX one). */
    public boolean vcpuState() { return domain.hasVcpu(); }

    public String description() { return description; }

    public List<Arg> args() { return args; }

    /** The probe with this exact name, or null. */
    public static StaticProbe named(String name) {
        for (StaticProbe p : values()) if (p.name().equals(name)) return p;
        return null;
    }
}
