// The harness describes its own probe points, probe kinds and built-ins as a target catalog (`vp probes --json`).
package dev.vp.vmm.probes;

import dev.vp.compiler.catalog.Location;
import dev.vp.compiler.catalog.ProbeKind;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import dev.vp.compiler.project.Budgets;
import dev.vp.vmm.Harness;
import dev.vp.vmm.arch.GuestLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Built from the harness's own data ({@link StaticProbe}, {@link ProbeDispatcher#MIN_PERIOD_NS}, the mechanisms
 * it has), so that what it reports is what it does. The compiler ships a copy as its default catalog; a test keeps
 * the two equal.
 */
public final class HarnessCatalog {
    public static final String NAME = "kvm-harness";
    public static final String PRELOAD = "classpath:guests/minios.emt";
    /** Why GUEST:READ is refused, by the catalog at compile time and by the dispatcher at load time. */
    public static final String NO_READ_WATCHPOINTS = "the KVM harness cannot watch reads: hardware watchpoints do not work "
            + "under this KVM and read-only slots only trap writes";

    private HarnessCatalog() {}

    /** The catalog of a harness with the most vCPUs it can run (what scripts are checked against by default). */
    public static TargetCatalog catalog() { return catalog(GuestLayout.MAX_VCPUS); }

    /** The catalog of a running harness with numVcpus vCPUs (what `vp probes --vmm` reports). */
    public static TargetCatalog catalog(int numVcpus) {
        List<TargetCatalog.Probe> probes = new ArrayList<>();
        for (StaticProbe p : StaticProbe.values()) {
            List<TargetCatalog.Argument> args = p.args().stream().map(a -> new TargetCatalog.Argument(a.name(), a.meaning())).toList();
            probes.add(new TargetCatalog.Probe(p.name(), p.domain(), args, p.vcpuState(), p.exitProbe(), p.description()));
        }
        List<Domain> guest = List.of(Domain.GUEST);
        List<TargetCatalog.KindSupport> kinds = List.of(
                new TargetCatalog.KindSupport(ProbeKind.ENTER, true, null, guest, true, null,
                        "first instruction of a function: an OUT patched over its patchable entry NOPs"),
                new TargetCatalog.KindSupport(ProbeKind.EXIT, true, null, guest, true, null,
                        "the function returns: a return trampoline installed from its patchable entry; fires at the return address"),
                new TargetCatalog.KindSupport(ProbeKind.OFFSET, true, null, guest, true, null,
                        "execution of an address, a symbol or OFFSET:SYM:N; only at patchable sites (function entries)"),
                new TargetCatalog.KindSupport(ProbeKind.READ, false, NO_READ_WATCHPOINTS, guest, false, null, "data read watchpoint"),
                new TargetCatalog.KindSupport(ProbeKind.WRITE, true, null, guest, false, "page",
                        "data write watchpoint: the page is mapped read-only and writes to the watched address fire the probe"),
                new TargetCatalog.KindSupport(ProbeKind.TIMER, true, null, List.of(Domain.VMM, Domain.VMX), false, null,
                        "periodic: a host timer kicks every vCPU (VMM) or runs once on the host (VMX)"),
                new TargetCatalog.KindSupport(ProbeKind.PROFILE, true, null, List.of(Domain.VMM), false, null,
                        "periodic sampling on every vCPU, the same as VMM:TIMER"));
        List<TargetCatalog.BuiltinVariable> builtins = new ArrayList<>();
        for (Builtin b : Builtin.values()) builtins.add(builtin(b));
        return new TargetCatalog(TargetCatalog.FORMAT_VERSION, NAME, "the built-in KVM test harness running the minios guest",
                numVcpus, ProbeDispatcher.MIN_PERIOD_NS, List.of(PRELOAD),
                List.of(new TargetCatalog.GuestImage("minios", "classpath:" + Harness.MINIOS_RESOURCE.substring(1))),
                Budgets.DEFAULTS, probes, kinds, builtins, false, new Location.Classpath(TargetCatalog.DEFAULT_RESOURCE));
    }

    /** How the harness provides a built-in: where it is readable and what it holds here. */
    private static TargetCatalog.BuiltinVariable builtin(Builtin b) {
        List<Domain> vcpu = List.of(Domain.GUEST, Domain.VMM), all = List.of(Domain.GUEST, Domain.VMM, Domain.VMX);
        String n = b.name();
        if (b.argIndex() >= 0)
            return new TargetCatalog.BuiltinVariable(b, "probe argument " + b.argIndex() + ": a static probe's documented argument, "
                    + "or at a GUEST:ENTER probe the System V argument (RDI, RSI, RDX, RCX, R8, R9, then the stack); ARG0 at an "
                    + "EXIT probe is the return value", all, TargetCatalog.Availability.PROBE_ARGUMENTS);
        String exit = switch (b) {
            case VMCS_EXIT_REASON -> "exit reason in Intel's VMCS encoding, derived from the KVM exit (0 where the field would not be valid)";
            case VMCS_EXIT_QUAL -> "exit qualification in Intel's encoding (0 where the field would not be valid)";
            case VMCS_EXIT_INTR_INFO -> "exit interruption information in Intel's encoding (0 where the field would not be valid)";
            case EXIT_REASON -> "KVM's own exit reason (KVM_EXIT_*)";
            default -> null;
        };
        if (exit != null) return new TargetCatalog.BuiltinVariable(b, exit, List.of(Domain.VMM), TargetCatalog.Availability.EXIT_PROBES);
        String host = switch (b) {
            case TSC -> "host time stamp counter";
            case TSC_HZ -> "time stamp counter ticks per second";
            case PCPUID -> "host CPU the probe runs on";
            case THREADID -> "host thread the probe runs on";
            case NUMVCPUS -> "number of vCPUs of the VM";
            case PROBENAME -> "the name of the probe that fired";
            default -> null;
        };
        if (host != null) return new TargetCatalog.BuiltinVariable(b, host, all, TargetCatalog.Availability.ALWAYS);
        String description = switch (b) {
            case RIP -> "instruction pointer; at a GUEST execution probe the probed address, at an EXIT probe the return address";
            case RFLAGS -> "guest flags register";
            case GDTRBASE, IDTRBASE -> "guest " + n.substring(0, 4) + " base address";
            case GDTRLIMIT, IDTRLIMIT -> "guest " + n.substring(0, 4) + " limit";
            case CR0, CR4 -> "guest control register " + n.substring(2);
            case CR2 -> "guest page-fault linear address";
            case CR3 -> "guest page-table root";
            case CR8 -> "guest task priority register";
            case DR6 -> "guest debug status register (read costs an ioctl)";
            case DR7 -> "guest debug control register (read costs an ioctl)";
            case EFER -> "guest extended feature enable MSR";
            case FSBASE, GSBASE -> "guest " + n.substring(0, 2) + " base MSR";
            case KERNELGSBASE -> "guest kernel GS base MSR, swapped by SWAPGS (read costs an ioctl)";
            case VCPUID -> "index of the vCPU the probe runs on";
            case CS, DS, ES, FS, GS, SS -> "guest " + n + " selector";
            case CSAR, DSAR, ESAR, FSAR, GSAR, SSAR -> "guest " + n.substring(0, 2) + " access rights (VMX encoding)";
            case CSBASE, DSBASE, ESBASE, SSBASE -> "guest " + n.substring(0, 2) + " base address";
            case CSLIMIT, DSLIMIT, ESLIMIT, FSLIMIT, GSLIMIT, SSLIMIT -> "guest " + n.substring(0, 2) + " segment limit";
            default -> "guest general-purpose register " + n;
        };
        return new TargetCatalog.BuiltinVariable(b, description, vcpu, TargetCatalog.Availability.ALWAYS);
    }
}
