// The test VMM: boots a guest ELF on KVM with N vCPUs, runs its devices and timer, and stops cleanly.
package dev.vp.vmm;

import dev.vp.compiler.symbols.ElfFile;
import dev.vp.vmm.arch.GuestLayout;
import dev.vp.vmm.arch.LongMode;
import dev.vp.vmm.devices.BlockDevice;
import dev.vp.vmm.devices.IntervalTimer;
import dev.vp.vmm.devices.MmioClock;
import dev.vp.vmm.devices.NetDevice;
import dev.vp.vmm.devices.Ports;
import dev.vp.vmm.devices.SerialConsole;
import dev.vp.vmm.kvm.Kvm;
import dev.vp.vmm.kvm.KvmRun;
import dev.vp.vmm.kvm.Sregs;
import dev.vp.vmm.kvm.Vcpu;
import dev.vp.vmm.kvm.Vm;
import dev.vp.vmm.memory.GuestMemory;
import dev.vp.vmm.memory.MemorySlots;
import dev.vp.vmm.probes.EntryProbes;
import dev.vp.vmm.probes.ProbeEvents;
import dev.vp.vmm.probes.ReturnProbes;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Guest boot protocol (what a guest ELF must provide): PT_LOAD segments at or above 1 MB; a FUNC symbol
 * {@code isr_timer} (the CPL-0 entry of vector 0x20); an OBJECT symbol {@code cpus} of 4 equal per-vCPU
 * blocks. Each vCPU starts at the ELF entry at CPL 3 with RDI = its index, RFLAGS.IF = 1 (the guest masks interrupts in software),
 * GS.base = its block of {@code cpus}. Devices: see {@link Ports}.
 */
public final class Harness implements AutoCloseable {
    public static final String MINIOS_RESOURCE = "/guests/minios.elf";

    /** How to run a guest. {@code console} receives each serial line; {@code probes} every probe event. */
    public record Config(int vcpus, int timerHz, long ramBytes, int diskSectors, Consumer<String> console, ProbeEvents probes) {
        public Config {
            if (vcpus < 1 || vcpus > GuestLayout.MAX_VCPUS)
                throw new IllegalArgumentException("vCPU count must be 1.." + GuestLayout.MAX_VCPUS + ", was " + vcpus);
        }

        public static Config of(int vcpus, Consumer<String> console) {
            return new Config(vcpus, 100, 32L << 20, 2048, console, ProbeEvents.NONE);
        }

        public Config withProbes(ProbeEvents events) { return new Config(vcpus, timerHz, ramBytes, diskSectors, console, events); }
        public Config withTimerHz(int hz) { return new Config(vcpus, hz, ramBytes, diskSectors, console, probes); }
    }

    /** Counters since boot, for reports and tests. */
    public record Stats(long exits, long injectedInterrupts, long kicks, long idleWaits, long entryProbeHits,
                        long returnProbeHits, long watchedWrites, long timerTicks, long diskRequests, long packetsSent,
                        long packetsReceived, long consoleLines) {}

    private final ElfFile guest;
    private final Config config;
    private final Kvm kvm;
    private final Vm vm;
    private final GuestMemory memory;
    private final SerialConsole serial;
    private final BlockDevice block;
    private final NetDevice net;
    private final EntryProbes entryProbes;
    private final ReturnProbes returnProbes;
    private final MemorySlots slots;
    private final MmioClock clock = new MmioClock(GuestLayout.MMIO_BASE);
    private final List<VcpuThread> vcpus = new ArrayList<>();
    private final IntervalTimer timer;

    /** Guards pausing, idling and stopping of the vCPU threads. */
    private final Object gate = new Object();
    private volatile boolean pauseRequested;
    private int paused;
    private int running;
    private volatile boolean stopping;
    private volatile GuestFault fault;
    private boolean closed;
    private volatile boolean stopped;

    private Harness(ElfFile guest, Config config, Kvm kvm, Vm vm, GuestMemory memory, MemorySlots slots) {
        this.guest = guest;
        this.config = config;
        this.kvm = kvm;
        this.vm = vm;
        this.memory = memory;
        this.slots = slots;
        this.serial = new SerialConsole(config.console());
        this.block = new BlockDevice(memory, config.probes(), config.diskSectors());
        this.net = new NetDevice(memory, config.probes());
        this.entryProbes = new EntryProbes(memory, guest.patchableEntries(), Ports.PROBE_ENTRY);
        this.returnProbes = new ReturnProbes(memory, GuestLayout.TRAMPOLINE_PAGE, Ports.PROBE_RETURN, config.vcpus());
        this.timer = new IntervalTimer("vp-timer", config.timerHz(), this::tick);
    }

    /** The built-in minios guest from this module's resources. */
    public static ElfFile minios() throws IOException {
        try (InputStream in = Harness.class.getResourceAsStream(MINIOS_RESOURCE)) {
            if (in == null) throw new IOException("resource " + MINIOS_RESOURCE + " is missing: build vmm-runtime with Maven (it runs make on guests/minios)");
            return ElfFile.parse("minios", in.readAllBytes()); // the name messages give the guest (e.g. "minios has no symbol")
        }
    }

    /** Loads {@code guest} and starts its vCPUs; the guest then runs until {@link #close()} or a fault. */
    public static Harness boot(ElfFile guest, Config config) throws IOException {
        Kvm kvm = Kvm.open();
        Vm vm = null;
        GuestMemory memory = null;
        Harness harness = null;
        try {
            vm = kvm.createVm();
            if (config.ramBytes() > GuestLayout.MMIO_BASE)
                throw new IOException("guest RAM of " + config.ramBytes() + " bytes would overlap the MMIO window at 0x"
                        + Long.toHexString(GuestLayout.MMIO_BASE));
            memory = new GuestMemory(config.ramBytes());
            harness = new Harness(guest, config, kvm, vm, memory, new MemorySlots(vm, memory));
            harness.load();
            harness.start();
            return harness;
        } catch (IOException | RuntimeException e) {
            if (harness != null) harness.close();
            else {
                if (memory != null) memory.close();
                if (vm != null) vm.close();
                kvm.close();
            }
            throw e;
        }
    }

    private long requireSymbol(String name, ElfFile.SymbolKind kind) throws IOException {
        return guest.symbol(name).filter(s -> s.kind() == kind)
                .orElseThrow(() -> new IOException(guest.name() + " has no " + kind + " symbol '" + name
                        + "': not a harness guest (see the boot protocol in Harness)"))
                .value();
    }

    private void load() throws IOException {
        for (ElfFile.Segment s : guest.segments()) {
            if (s.vaddr() < GuestLayout.IMAGE_BASE || !memory.contains(s.vaddr(), s.memSize()))
                throw new IOException(guest.name() + ": segment at 0x" + Long.toHexString(s.vaddr()) + " (+" + s.memSize()
                        + " bytes) lies outside guest RAM above 0x" + Long.toHexString(GuestLayout.IMAGE_BASE));
            byte[] bytes = guest.fileBytes(s);
            memory.write(s.vaddr(), bytes, 0, bytes.length);
            memory.slice(s.vaddr() + bytes.length, s.memSize() - bytes.length).fill((byte) 0);
        }
        long isr = requireSymbol("isr_timer", ElfFile.SymbolKind.FUNC);
        ElfFile.Symbol cpus = guest.symbol("cpus").filter(s -> s.kind() == ElfFile.SymbolKind.OBJECT)
                .orElseThrow(() -> new IOException(guest.name() + " has no OBJECT symbol 'cpus': not a harness guest"));
        if (cpus.size() == 0 || cpus.size() % GuestLayout.MAX_VCPUS != 0)
            throw new IOException(guest.name() + ": 'cpus' is " + cpus.size() + " bytes, not " + GuestLayout.MAX_VCPUS + " equal blocks");
        long[] vectors = new long[256];
        vectors[Ports.TIMER_VECTOR] = isr;
        LongMode.writeTables(memory, config.vcpus(), vectors);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = arena.allocate(Sregs.SIZE, 8);
            MemorySegment regs = arena.allocate(Vcpu.REGS_SIZE, 8);
            for (int i = 0; i < config.vcpus(); i++) {
                Vcpu vcpu = vm.createVcpu(i);
                vcpus.add(new VcpuThread(this, vcpu, config.probes()));
                vcpu.getSregs(sregs);
                LongMode.configureSregs(sregs, i, cpus.value() + cpus.size() / GuestLayout.MAX_VCPUS * i);
                vcpu.setSregs(sregs);
                regs.fill((byte) 0);
                regs.set(JAVA_LONG, 8L * KvmRun.Reg.RIP.ordinal(), guest.entry());
                regs.set(JAVA_LONG, 8L * KvmRun.Reg.RDI.ordinal(), i);
                regs.set(JAVA_LONG, 8L * KvmRun.Reg.RFLAGS.ordinal(), LongMode.INITIAL_RFLAGS);
                vcpu.setRegs(regs);
            }
        }
    }

    private void start() {
        synchronized (gate) { running = vcpus.size(); }
        for (VcpuThread v : vcpus) v.thread.start();
        timer.start();
    }

    private void tick() {
        for (VcpuThread v : vcpus) v.raise(Ports.TIMER_VECTOR);
    }

    public ElfFile guest() { return guest; }
    public GuestMemory memory() { return memory; }
    public int vcpuCount() { return vcpus.size(); }
    /** The kvm_run mapping of a vCPU (registers in its sync area), for the probe runtime's context blocks. */
    public KvmRun kvmRun(int vcpu) { return vcpus.get(vcpu).vcpu().kvmRun(); }
    /** The id of the monitor thread that runs a vCPU (the THREADID its probes see). */
    public long vcpuThreadId(int vcpu) { return vcpus.get(vcpu).thread.threadId(); }
    public EntryProbes entryProbes() { return entryProbes; }
    public ReturnProbes returnProbes() { return returnProbes; }
    /** The memory slots; {@link MemorySlots#watch} only inside {@link #withVcpusOut}. */
    public MemorySlots memorySlots() { return slots; }
    public MmioClock mmioClock() { return clock; }

    /** DR6 or DR7 of a vCPU (an ioctl): on its own thread, or while it is out of the guest. */
    public long debugRegister(int vcpu, int n) { return vcpus.get(vcpu).vcpu().debugRegister(n); }

    /** An MSR of a vCPU (an ioctl): on its own thread, or while it is out of the guest. */
    public long msr(int vcpu, int index) { return vcpus.get(vcpu).vcpu().msr(index); }

    /**
     * Asks for {@link ProbeEvents#service} on vCPU {@code vcpu}'s thread soon: a kick out of KVM_RUN (the signal
     * protocol of KVM-NOTES.md) or a wake-up from the idle wait. A kick is not an exit the guest sees.
     */
    public void requestService(int vcpu) { vcpus.get(vcpu).requestService(); }
    SerialConsole serial() { return serial; }
    BlockDevice block() { return block; }
    NetDevice net() { return net; }

    /** The first fault that stopped the guest, if any. */
    public Optional<GuestFault> fault() { return Optional.ofNullable(fault); }

    /** Waits until the guest faults or {@code timeout} passes. */
    public Optional<GuestFault> awaitFault(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (gate) {
            while (fault == null && System.nanoTime() < end) gate.wait(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        }
        return fault();
    }

    public Stats stats() {
        long exits = 0, injected = 0, kicks = 0, idle = 0, hits = 0, returns = 0, writes = 0;
        for (VcpuThread v : vcpus) {
            exits += v.exits;
            injected += v.injected;
            kicks += v.kicks;
            idle += v.idleWaits;
            hits += v.entryHits;
            returns += v.returnHits;
            writes += v.watchHits;
        }
        return new Stats(exits, injected, kicks, idle, hits, returns, writes, timer.ticks(), block.requests(), net.sent(),
                net.received(), serial.linesWritten());
    }

    /** Arms the GUEST execution probe at a patchable entry, with every vCPU out of the guest meanwhile. */
    public void armEntry(long site) throws InterruptedException { withVcpusOut(() -> entryProbes.arm(site, false)); }

    public void disarmEntry(long site) throws InterruptedException { withVcpusOut(() -> entryProbes.disarm(site)); }

    /** Runs {@code action} while no vCPU executes guest code (all parked at their checkpoint, idle, or finished). */
    public void withVcpusOut(Runnable action) throws InterruptedException {
        if (vcpus.stream().anyMatch(v -> v.thread == Thread.currentThread()))
            throw new IllegalStateException("withVcpusOut must not be called from a vCPU thread");
        synchronized (gate) {
            while (pauseRequested) gate.wait();
            pauseRequested = true;
            gate.notifyAll();
        }
        try {
            for (VcpuThread v : vcpus) v.vcpu().kick();
            synchronized (gate) {
                while (paused < running) gate.wait(50);
                action.run();
            }
        } finally {
            synchronized (gate) {
                pauseRequested = false;
                gate.notifyAll();
            }
        }
    }

    /** The vCPU's checkpoint before entering the guest: parks while a pause is requested; false once stopping. */
    boolean checkpoint() throws InterruptedException {
        if (!stopping && !pauseRequested) return true;
        synchronized (gate) {
            if (pauseRequested && !stopping) {
                paused++;
                gate.notifyAll();
                while (pauseRequested && !stopping) gate.wait();
                paused--;
            }
            return !stopping;
        }
    }

    void wakeIdle() {
        synchronized (gate) { gate.notifyAll(); }
    }

    /** Blocks an idle vCPU until a vector is pending, a pause is requested (it counts as out) or the guest stops. */
    void awaitIdleWake(VcpuThread v) throws InterruptedException {
        synchronized (gate) {
            if (v.interruptPending() || v.serviceRequested() || stopping) return;
            if (pauseRequested) {
                paused++;
                gate.notifyAll();
                while (pauseRequested && !stopping) gate.wait();
                paused--;
            }
            while (!v.interruptPending() && !v.serviceRequested() && !stopping && !pauseRequested) gate.wait();
        }
    }

    void vcpuFinished() {
        synchronized (gate) {
            running--;
            gate.notifyAll();
        }
    }

    /** Records the first fault and stops every vCPU; the harness itself stays usable until {@link #close()}. */
    void fault(GuestFault f) {
        synchronized (gate) {
            if (fault == null) fault = f;
            stopping = true;
            gate.notifyAll();
        }
        for (VcpuThread v : vcpus) v.vcpu().kick();
    }

    /**
     * Whether {@link #close} has stopped the timer and every vCPU thread: from then on nothing of this harness
     * fires a probe or writes a firing block. False while close() runs, and after one that gave up on a thread.
     */
    public boolean stopped() { return stopped; }

    /** Stops the timer and every vCPU thread, then releases the vCPUs, the VM, guest RAM and /dev/kvm. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        synchronized (gate) {
            stopping = true;
            gate.notifyAll();
        }
        boolean interrupted = false;
        try {
            timer.close();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        for (VcpuThread v : vcpus) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (v.thread.isAlive() && System.nanoTime() < deadline) {
                v.vcpu().kick();
                try {
                    v.thread.join(20);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (v.thread.isAlive())
                throw new IllegalStateException("vCPU thread " + v.thread.getName() + " did not stop within 10 s; its fds stay open");
        }
        stopped = true;
        for (VcpuThread v : vcpus) v.vcpu().close();
        vm.close();
        memory.close();
        kvm.close();
        if (interrupted) Thread.currentThread().interrupt();
    }
}
