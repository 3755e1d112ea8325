// One vCPU's (or the host's) view for a firing: registers in KVM's sync area, probe arguments, exit fields, guest RAM.
package dev.vp.runtime.engine;

import dev.vp.compiler.interp.GuestContext;
import dev.vp.compiler.interp.GuestMemory;
import dev.vp.compiler.lang.Builtin;
import dev.vp.vmm.kvm.KvmRun;
import dev.vp.vmm.kvm.Libc;
import dev.vp.vmm.kvm.Sregs;
import dev.vp.x64.abi.Abi;
import java.lang.foreign.MemorySegment;
import java.util.function.ToLongFunction;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Created once per vCPU and once for the host, and reused for every firing: nothing here allocates. Registers
 * are read in place from the vCPU's kvm_run mapping (KVM_CAP_SYNC_REGS), so a firing sees the state of the
 * exit without a copy or an ioctl; only DR6, DR7 and KERNELGSBASE cost one (through {@code ioctlRegisters}).
 * The per-firing values the harness sets (ARG0..ARG9, the exit fields, a RIP override) live in a small native
 * block ({@link #block()}, layout in the constants) so that native code reads them from the same place.
 * The host context has no vCPU: its register reads are 0 (the compiler refuses them in VMX probes).
 */
public final class FiringContext implements GuestContext {
    public static final int HOST = -1;
    public static final int ARGS = 10;
    /**
     * Offsets in {@link #block()}: ARG0..ARG9 and the exit fields in the native ABI's fields layout (Abi.FIELDS_*,
     * so generated code reads the block in place), then the RIP override (flag, value).
     */
    public static final long ARG0 = Abi.FIELDS_ARGS, EXIT_REASON = Abi.FIELDS_EXIT_REASON, VMCS_EXIT_REASON = Abi.FIELDS_VMCS_EXIT_REASON,
            VMCS_EXIT_QUAL = Abi.FIELDS_VMCS_EXIT_QUAL, VMCS_EXIT_INTR_INFO = Abi.FIELDS_VMCS_EXIT_INTR_INFO,
            RIP_OVERRIDDEN = Abi.FIELDS_SIZE, RIP = RIP_OVERRIDDEN + 8, BLOCK_SIZE = 128;

    private static final long[] SYNC_OFFSET = new long[Builtin.values().length];

    static {
        java.util.Arrays.fill(SYNC_OFFSET, -1);
        for (KvmRun.Reg r : KvmRun.Reg.values()) SYNC_OFFSET[Builtin.valueOf(r.name()).ordinal()] = KvmRun.SYNC_REGS + 8L * r.ordinal();
        sreg(Builtin.CR0, Sregs.CR0);
        sreg(Builtin.CR2, Sregs.CR2);
        sreg(Builtin.CR3, Sregs.CR3);
        sreg(Builtin.CR4, Sregs.CR4);
        sreg(Builtin.CR8, Sregs.CR8);
        sreg(Builtin.EFER, Sregs.EFER);
        sreg(Builtin.CSBASE, Sregs.CS);
        sreg(Builtin.DSBASE, Sregs.DS);
        sreg(Builtin.ESBASE, Sregs.ES);
        sreg(Builtin.SSBASE, Sregs.SS);
        sreg(Builtin.FSBASE, Sregs.FS);
        sreg(Builtin.GSBASE, Sregs.GS);
        sreg(Builtin.GDTRBASE, Sregs.GDT);
        sreg(Builtin.IDTRBASE, Sregs.IDT);
    }

    /** A built-in that is a 64-bit field of kvm_sregs (a segment's base is at the segment's offset). */
    private static void sreg(Builtin b, long offset) { SYNC_OFFSET[b.ordinal()] = KvmRun.SYNC_SREGS + offset; }

    private final int vcpu;
    /** THREADID: the vCPU's own thread, whichever thread fires it (Load and Unload run on the loader's); 0 for the host. */
    private final long threadId;
    private final int numVcpus;
    private final MemorySegment run;
    private final GuestMemory memory;
    private final MemorySegment block;
    private final long blockAddress;
    /** The memory behind block, held so that memory from an automatic arena stays allocated while this context lives. */
    @SuppressWarnings({"unused", "FieldCanBeLocal"})
    private final MemorySegment owner;
    private final ToLongFunction<Builtin> ioctlRegisters;
    private final long wallClockOffsetMicros;

    private FiringContext(int vcpu, long threadId, int numVcpus, MemorySegment run, MemorySegment ram,
                          ToLongFunction<Builtin> ioctlRegisters, MemorySegment memory) {
        this.vcpu = vcpu;
        this.threadId = threadId;
        this.numVcpus = numVcpus;
        this.run = run;
        this.memory = new GuestMemory(ram);
        if (memory.byteSize() < BLOCK_SIZE || memory.address() % 64 != 0)
            throw new IllegalArgumentException("a firing block is " + BLOCK_SIZE + " bytes on a 64-byte boundary, not " + memory);
        this.owner = memory;
        // Viewed in the global scope so that the per-firing writes and generated code's reads pay no liveness check
        // (owner keeps an automatic arena's memory reachable; an engine's memory outlives the harness, and with it
        // every firing); on two cache lines, not three.
        this.block = MemorySegment.ofAddress(memory.address()).reinterpret(BLOCK_SIZE);
        this.blockAddress = block.address();
        this.ioctlRegisters = ioctlRegisters;
        this.wallClockOffsetMicros = System.currentTimeMillis() * 1000 - System.nanoTime() / 1000;
    }

    /**
     * The context of vCPU {@code vcpu}: {@code kvmRun} is its kvm_run mapping with the sync area filled on every exit,
     * {@code threadId} the id of the thread that runs it; {@code block} is where its native block lives
     * ({@link #BLOCK_SIZE} bytes on a 64-byte boundary, mapped for as long as the context is used).
     */
    public static FiringContext forVcpu(int vcpu, long threadId, int numVcpus, MemorySegment kvmRun, MemorySegment ram,
                                        ToLongFunction<Builtin> ioctlRegisters, MemorySegment block) {
        if (vcpu < 0 || vcpu >= numVcpus) throw new IllegalArgumentException("vCPU " + vcpu + " of " + numVcpus);
        return new FiringContext(vcpu, threadId, numVcpus, kvmRun, ram, ioctlRegisters, block);
    }

    /** The host's context for VMX-domain probes: guest memory only by physical address, no registers. */
    public static FiringContext forHost(int numVcpus, MemorySegment ram, MemorySegment block) {
        return new FiringContext(HOST, 0, numVcpus, null, ram, b -> 0, block);
    }

    public int vcpu() { return vcpu; }

    /** The native block with the arguments, exit fields and RIP override (see the offsets above). */
    public MemorySegment block() { return block; }

    /** The block's address (for the native engine, which passes it to generated code without loading the segment). */
    public long blockAddress() { return blockAddress; }

    /** The kvm_run mapping whose sync area holds the registers, or null for the host. */
    public MemorySegment kvmRun() { return run; }

    // ---------------------------------------------------------------- set by the harness before a firing

    public void setArg(int i, long value) { block.set(JAVA_LONG, ARG0 + 8L * i, value); }

    public void clearArgs() {
        for (int i = 0; i < ARGS; i++) block.set(JAVA_LONG, ARG0 + 8L * i, 0);
    }

    /** The exit fields of the exit being handled (all 0 outside exit probes). */
    public void setExit(int kvmReason, long vmcsReason, long vmcsQual, long vmcsIntrInfo) {
        block.set(JAVA_LONG, EXIT_REASON, kvmReason);
        block.set(JAVA_LONG, VMCS_EXIT_REASON, vmcsReason);
        block.set(JAVA_LONG, VMCS_EXIT_QUAL, vmcsQual);
        block.set(JAVA_LONG, VMCS_EXIT_INTR_INFO, vmcsIntrInfo);
    }

    public void clearExit() { setExit(0, 0, 0, 0); }

    /** RIP as the probe must see it (the probed site, or an EXIT probe's return address), whatever KVM reports. */
    public void overrideRip(long rip) {
        block.set(JAVA_LONG, RIP, rip);
        block.set(JAVA_LONG, RIP_OVERRIDDEN, 1);
    }

    public void clearRipOverride() { block.set(JAVA_LONG, RIP_OVERRIDDEN, 0); }

    // ---------------------------------------------------------------- GuestContext

    @Override
    public long read(Builtin var) {
        switch (var) {
            case ARG0, ARG1, ARG2, ARG3, ARG4, ARG5, ARG6, ARG7, ARG8, ARG9 -> { return block.get(JAVA_LONG, ARG0 + 8L * var.argIndex()); }
            case EXIT_REASON -> { return block.get(JAVA_LONG, EXIT_REASON); }
            case VMCS_EXIT_REASON -> { return block.get(JAVA_LONG, VMCS_EXIT_REASON); }
            case VMCS_EXIT_QUAL -> { return block.get(JAVA_LONG, VMCS_EXIT_QUAL); }
            case VMCS_EXIT_INTR_INFO -> { return block.get(JAVA_LONG, VMCS_EXIT_INTR_INFO); }
            case TSC -> { return System.nanoTime(); }
            case TSC_HZ -> { return 1_000_000_000L; }
            case PCPUID -> { return Libc.schedGetcpu(); }
            case THREADID -> { return vcpu == HOST ? Thread.currentThread().threadId() : threadId; }
            case VCPUID -> { return vcpu; }
            case NUMVCPUS -> { return numVcpus; }
            case PROBENAME -> { return 0; }
            default -> { }
        }
        if (run == null) return 0;
        if (var == Builtin.RIP && block.get(JAVA_LONG, RIP_OVERRIDDEN) != 0) return block.get(JAVA_LONG, RIP);
        long at = SYNC_OFFSET[var.ordinal()];
        if (at >= 0) return run.get(JAVA_LONG, at);
        return switch (var) {
            case CS -> selector(Sregs.CS);
            case DS -> selector(Sregs.DS);
            case ES -> selector(Sregs.ES);
            case FS -> selector(Sregs.FS);
            case GS -> selector(Sregs.GS);
            case SS -> selector(Sregs.SS);
            case CSAR -> accessRights(Sregs.CS);
            case DSAR -> accessRights(Sregs.DS);
            case ESAR -> accessRights(Sregs.ES);
            case FSAR -> accessRights(Sregs.FS);
            case GSAR -> accessRights(Sregs.GS);
            case SSAR -> accessRights(Sregs.SS);
            case CSLIMIT -> limit(Sregs.CS);
            case DSLIMIT -> limit(Sregs.DS);
            case ESLIMIT -> limit(Sregs.ES);
            case FSLIMIT -> limit(Sregs.FS);
            case GSLIMIT -> limit(Sregs.GS);
            case SSLIMIT -> limit(Sregs.SS);
            case GDTRLIMIT -> Short.toUnsignedLong(run.get(JAVA_SHORT, KvmRun.SYNC_SREGS + Sregs.GDT + 8));
            case IDTRLIMIT -> Short.toUnsignedLong(run.get(JAVA_SHORT, KvmRun.SYNC_SREGS + Sregs.IDT + 8));
            case DR6, DR7, KERNELGSBASE -> ioctlRegisters.applyAsLong(var);
            default -> 0;
        };
    }

    private long selector(long segment) { return Short.toUnsignedLong(run.get(JAVA_SHORT, KvmRun.SYNC_SREGS + segment + 12)); }

    private long limit(long segment) { return Integer.toUnsignedLong(run.get(JAVA_INT, KvmRun.SYNC_SREGS + segment + 8)); }

    /** The VMX access-rights encoding of a kvm_segment: type, S, DPL, P, AVL, L, D/B, G, unusable. */
    private long accessRights(long segment) {
        long at = KvmRun.SYNC_SREGS + segment;
        long type = run.get(JAVA_BYTE, at + 14) & 0xf, present = run.get(JAVA_BYTE, at + 15) & 1;
        long dpl = run.get(JAVA_BYTE, at + 16) & 3, db = run.get(JAVA_BYTE, at + 17) & 1, s = run.get(JAVA_BYTE, at + 18) & 1;
        long l = run.get(JAVA_BYTE, at + 19) & 1, g = run.get(JAVA_BYTE, at + 20) & 1, avl = run.get(JAVA_BYTE, at + 21) & 1;
        long unusable = run.get(JAVA_BYTE, at + 22) & 1;
        return type | s << 4 | dpl << 5 | present << 7 | avl << 12 | l << 13 | db << 14 | g << 15 | unusable << 16;
    }

    @Override
    public long hostMicros() { return System.nanoTime() / 1000 + wallClockOffsetMicros; }

    @Override
    public GuestMemory memory() { return memory; }
}
