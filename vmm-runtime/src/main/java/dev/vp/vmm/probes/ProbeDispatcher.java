// Turns the harness's events into firings of a loaded program's clauses, and loads and unloads programs.
package dev.vp.vmm.probes;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import dev.vp.compiler.symbols.ElfFile;
import dev.vp.runtime.engine.FiringContext;
import dev.vp.runtime.engine.LoadException;
import dev.vp.runtime.engine.ProbeEngine;
import dev.vp.vmm.Harness;
import dev.vp.vmm.arch.GuestLayout;
import dev.vp.vmm.kvm.KvmException;
import dev.vp.vmm.kvm.KvmRun;
import dev.vp.vmm.kvm.Vcpu;
import dev.vp.vmm.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Built at load from the program's probe list: every probe point maps to its clauses in source order, in arrays
 * (static points by {@link StaticProbe#ordinal()}, guest sites in sorted address arrays), so the event methods
 * neither allocate nor look anything up in a map. The load sequence is ARCHITECTURE.md's: validate and resolve
 * guest probes against the running guest's ELF symbols, prepare the engine's data (a refusal stops here and the
 * old program keeps running), then with every vCPU out of the guest: disarm, VMMUnload on every vCPU, VMXUnload on
 * the host, drop the old program, install the new one, VMMLoad on every vCPU, VMXLoad, arm; then start the
 * periodic timer.
 * <p>
 * Periodic VMM probes (VMM1Hz, VMM10Hz, TIMER, PROFILE) are served on each vCPU's own thread: the timer thread marks
 * the group pending and asks the harness to kick the vCPU (or wake it from its idle wait); VMX ones (VMX1Hz,
 * VMX:TIMER) run on the timer thread with the host context.
 */
public final class ProbeDispatcher implements ProbeEvents {
    /** The shortest period a periodic probe may have (the catalog's minTimerPeriodNs). */
    public static final long MIN_PERIOD_NS = 100_000;
    /** Distinct periodic groups (point, domain, period) one program may have: one pending bit each. */
    public static final int MAX_PERIODIC_GROUPS = 64;
    private static final int LATENCY_SAMPLES = 1024;
    private static final int[] NONE = new int[0];

    private final ProbeEngine engine;
    private final Object loadLock = new Object();
    private Harness harness;
    private FiringContext[] contexts;
    /** Each vCPU's kvm_run, held here so that an exit reaches it without going through the harness's lists. */
    private KvmRun[] runs;
    private FiringContext host;
    private volatile Tables tables;
    private PeriodicTimer timer;
    private AtomicLongArray pendingGroups;
    private long[] requestedAt;
    private long[][] latency;
    private long[] latencyCount;

    /** A periodic group: its clauses run every periodNs, on every vCPU or (host) once on the timer thread. */
    private record Group(String point, long periodNs, boolean host, int[] clauses) {}

    /** The loaded program's dispatch tables. Sites and watch addresses are sorted, with clauses at the same index. */
    private record Tables(int[][] byPoint, long[] enterSites, int[][] enterClauses, long[] exitSites, int[][] exitClauses,
                          long[] watchAddresses, int[][] watchClauses, long[] watchPages, Group[] groups, boolean exitFields) {}

    public ProbeDispatcher(ProbeEngine engine) { this.engine = engine; }

    /**
     * Binds the dispatcher to the harness whose events it receives (boot the harness with
     * {@code config.withProbes(dispatcher)}); creates one firing context per vCPU and one for the host.
     */
    public synchronized void attach(Harness harness) {
        if (this.harness != null) throw new IllegalStateException("the dispatcher is already attached to a harness");
        int n = harness.vcpuCount();
        engine.attach(harness); // first: an engine that refuses this harness leaves the dispatcher unattached
        // The engine may place the blocks next to its own per-firing data; else they live as long as their contexts.
        MemorySegment blocks = engine.firingBlocks(n + 1);
        if (blocks == null) blocks = Arena.ofAuto().allocate((long) (n + 1) * FiringContext.BLOCK_SIZE, 64);
        contexts = new FiringContext[n];
        runs = new KvmRun[n];
        for (int v = 0; v < n; v++) {
            int vcpu = v;
            contexts[v] = FiringContext.forVcpu(v, harness.vcpuThreadId(v), n, harness.kvmRun(v).segment(), harness.memory().segment(),
                    b -> ioctlRegister(vcpu, b), blocks.asSlice((long) v * FiringContext.BLOCK_SIZE, FiringContext.BLOCK_SIZE));
            runs[v] = harness.kvmRun(v);
        }
        host = FiringContext.forHost(n, harness.memory().segment(), blocks.asSlice((long) n * FiringContext.BLOCK_SIZE, FiringContext.BLOCK_SIZE));
        pendingGroups = new AtomicLongArray(n);
        requestedAt = new long[n];
        latency = new long[n][LATENCY_SAMPLES];
        latencyCount = new long[n];
        this.harness = harness;
    }

    private long ioctlRegister(int vcpu, Builtin b) {
        return switch (b) {
            case DR6 -> harness.debugRegister(vcpu, 6);
            case DR7 -> harness.debugRegister(vcpu, 7);
            case KERNELGSBASE -> harness.msr(vcpu, Vcpu.MSR_KERNEL_GS_BASE);
            default -> 0;
        };
    }

    public ProbeEngine engine() { return engine; }

    /** The loaded program, or null. */
    public IrProgram program() { return engine.program(); }

    // ---------------------------------------------------------------- load and unload

    /** Loads {@code program} in place of the running one; a refused program ({@link LoadException}) changes nothing. */
    public void load(IrProgram program) throws LoadException, InterruptedException {
        synchronized (loadLock) {
            if (harness == null) throw new IllegalStateException("attach the dispatcher to a harness before loading");
            load(engine.prepare(program));
        }
    }

    /** Loads a program the engine has prepared (e.g. a built image), in place of the running one. */
    public void load(ProbeEngine.Prepared prepared) throws LoadException, InterruptedException { load(prepared, () -> { }); }

    /**
     * As {@link #load(ProbeEngine.Prepared)}; switched runs once the old program is unloaded (its output delivered)
     * and before the new one's Load clauses fire, with every vCPU out of the guest.
     */
    public void load(ProbeEngine.Prepared prepared, Runnable switched) throws LoadException, InterruptedException {
        synchronized (loadLock) {
            if (harness == null) throw new IllegalStateException("attach the dispatcher to a harness before loading");
            Tables next = resolve(prepared.program());
            stopTimer();
            KvmException[] failed = {null};
            harness.withVcpusOut(() -> {
                unloadOutOfGuest();
                switched.run();
                engine.load(prepared);
                tables = next;
                for (int v = 0; v < contexts.length; v++) fireQuiet(next.byPoint[StaticProbe.VMMLoad.ordinal()], v, contexts[v]);
                fireQuiet(next.byPoint[StaticProbe.VMXLoad.ordinal()], FiringContext.HOST, host);
                try {
                    for (int i = 0; i < next.enterSites.length; i++) harness.entryProbes().arm(next.enterSites[i], false);
                    for (long site : next.exitSites) harness.entryProbes().arm(site, true);
                    harness.memorySlots().watch(next.watchPages);
                } catch (KvmException e) {
                    failed[0] = e;
                    unloadOutOfGuest();
                }
            });
            if (failed[0] != null)
                throw new LoadException("arming the program's guest probes failed, so it was unloaded: " + failed[0].getMessage());
            startTimer(next);
        }
    }

    /** Unloads the running program (VMMUnload on every vCPU, VMXUnload on the host); no-op when none is loaded. */
    public void unload() throws InterruptedException {
        synchronized (loadLock) {
            if (harness == null) return;
            stopTimer();
            harness.withVcpusOut(this::unloadOutOfGuest);
        }
    }

    /** Runs with every vCPU out of the guest and the periodic timer stopped. */
    private void unloadOutOfGuest() {
        Tables t = tables;
        if (t == null) return;
        harness.entryProbes().disarmAll();
        try {
            harness.memorySlots().watch(new long[0]);
        } catch (KvmException e) {
            throw new IllegalStateException("cannot restore guest RAM's writable memory slot: " + e.getMessage(), e);
        }
        for (int v = 0; v < contexts.length; v++) fireQuiet(t.byPoint[StaticProbe.VMMUnload.ordinal()], v, contexts[v]);
        fireQuiet(t.byPoint[StaticProbe.VMXUnload.ordinal()], FiringContext.HOST, host);
        for (int v = 0; v < contexts.length; v++) pendingGroups.set(v, 0);
        tables = null;
        engine.unload();
    }

    /** Fires load/unload clauses outside any exit: no exit fields, arguments or RIP override. */
    private void fireQuiet(int[] clauses, int vcpu, FiringContext c) {
        c.clearArgs();
        c.clearExit();
        c.clearRipOverride();
        fire(clauses, vcpu, c);
    }

    private void startTimer(Tables t) {
        if (t.groups.length == 0) return;
        long[] periods = new long[t.groups.length];
        for (int g = 0; g < periods.length; g++) periods[g] = t.groups[g].periodNs;
        timer = new PeriodicTimer(periods, this::periodDue);
        timer.start();
    }

    private void stopTimer() throws InterruptedException {
        if (timer == null) return;
        timer.close();
        timer = null;
    }

    /** Builds the dispatch tables, refusing what the harness cannot arm. Nothing running changes. */
    private Tables resolve(IrProgram program) throws LoadException {
        List<List<Integer>> byPoint = new ArrayList<>();
        for (int i = 0; i < StaticProbe.values().length; i++) byPoint.add(new ArrayList<>());
        TreeMap<Long, List<Integer>> enter = new TreeMap<>(), exit = new TreeMap<>(), watch = new TreeMap<>();
        Map<String, List<Integer>> groupClauses = new LinkedHashMap<>();
        Map<String, Group> groupShape = new LinkedHashMap<>();
        List<IrProgram.Probe> probes = program.probes();
        for (int i = 0; i < probes.size(); i++) {
            IrProgram.Probe p = probes.get(i);
            String where = "probe " + (i + 1) + " (" + p.spec() + ")";
            switch (p.point()) {
                case "TIMER", "PROFILE" -> {
                    if (p.domain() == Domain.GUEST || p.point().equals("PROFILE") && p.domain() == Domain.VMX)
                        throw new LoadException(where + ": " + p.point() + " probes run in the VMM"
                                + (p.point().equals("TIMER") ? " or VMX" : "") + " domain, not " + p.domain());
                    if (p.periodNs() < MIN_PERIOD_NS)
                        throw new LoadException(where + ": period " + p.periodNs() + " ns is shorter than the harness's minimum of "
                                + MIN_PERIOD_NS / 1000 + " usec");
                    group(groupClauses, groupShape, p.point(), p.periodNs(), p.domain() == Domain.VMX, i);
                }
                case "GUEST:ENTER", "GUEST:ADDRESS", "GUEST:SYMBOL", "GUEST:OFFSET" ->
                        enter.computeIfAbsent(executionSite(p, where), k -> new ArrayList<>()).add(i);
                case "GUEST:EXIT" -> exit.computeIfAbsent(executionSite(p, where), k -> new ArrayList<>()).add(i);
                case "GUEST:WRITE" -> watch.computeIfAbsent(watchedAddress(p, where), k -> new ArrayList<>()).add(i);
                case "GUEST:READ" -> throw new LoadException(where + ": " + HarnessCatalog.NO_READ_WATCHPOINTS);
                default -> {
                    StaticProbe sp = StaticProbe.named(p.point());
                    if (sp == null)
                        throw new LoadException(where + ": the harness has no probe point `" + p.point() + "`; `vp probes` lists them");
                    if (p.domain() != sp.domain())
                        throw new LoadException(where + ": `" + sp.name() + "` is a " + sp.domain() + " probe, not " + p.domain());
                    switch (sp) {
                        case VMM1Hz -> group(groupClauses, groupShape, sp.name(), 1_000_000_000L, false, i);
                        case VMM10Hz -> group(groupClauses, groupShape, sp.name(), 100_000_000L, false, i);
                        case VMX1Hz -> group(groupClauses, groupShape, sp.name(), 1_000_000_000L, true, i);
                        default -> byPoint.get(sp.ordinal()).add(i);
                    }
                }
            }
        }
        if (groupShape.size() > MAX_PERIODIC_GROUPS)
            throw new LoadException("the program has " + groupShape.size() + " distinct periodic probes (point and period); the harness runs at most "
                    + MAX_PERIODIC_GROUPS);
        Group[] groups = groupShape.entrySet().stream().map(e -> new Group(e.getValue().point, e.getValue().periodNs, e.getValue().host,
                ints(groupClauses.get(e.getKey())))).toArray(Group[]::new);
        long[] pages = watch.keySet().stream().mapToLong(a -> a & -4096L).distinct().toArray();
        boolean exitFields = false;
        for (StaticProbe sp : StaticProbe.values()) exitFields |= sp.exitProbe() && !byPoint.get(sp.ordinal()).isEmpty();
        return new Tables(byPoint.stream().map(ProbeDispatcher::ints).toArray(int[][]::new),
                keys(enter), values(enter), keys(exit), values(exit), keys(watch), values(watch), pages, groups, exitFields);
    }

    private static void group(Map<String, List<Integer>> clauses, Map<String, Group> shape, String point, long period, boolean host, int clause) {
        String key = point + "/" + (host ? "VMX" : "VMM") + "/" + period;
        shape.putIfAbsent(key, new Group(point, period, host, NONE));
        clauses.computeIfAbsent(key, k -> new ArrayList<>()).add(clause);
    }

    private static int[] ints(List<Integer> list) { return list.stream().mapToInt(Integer::intValue).toArray(); }

    private static long[] keys(TreeMap<Long, List<Integer>> m) { return m.keySet().stream().mapToLong(Long::longValue).toArray(); }

    private static int[][] values(TreeMap<Long, List<Integer>> m) { return m.values().stream().map(ProbeDispatcher::ints).toArray(int[][]::new); }

    /** A guest address by the running guest's symbols (addresses change with every build), else as compiled. */
    private long guestAddress(IrProgram.Probe p, String where) throws LoadException {
        if (p.symbol() == null) return p.address();
        ElfFile guest = harness.guest();
        if (p.symbol().contains("!"))
            throw new LoadException(where + ": `" + p.symbol() + "` names a module symbol; the running guest "
                    + guest.name() + " has no modules");
        long base;
        if (p.symbol().matches("0[xX][0-9a-fA-F]+|[0-9]+")) base = Long.decode(p.symbol());
        else {
            Optional<ElfFile.Symbol> s = guest.symbol(p.symbol());
            if (s.isEmpty()) throw new LoadException(where + ": the running guest " + guest.name() + " has no symbol `" + p.symbol() + "`");
            base = s.get().value();
        }
        if (!p.point().equals("GUEST:OFFSET")) return base;
        String n = p.spec().substring(p.spec().lastIndexOf(':') + 1);
        try {
            return base + Long.decode(n);
        } catch (NumberFormatException e) {
            throw new LoadException(where + ": cannot read the offset `" + n + "` of an OFFSET probe");
        }
    }

    private long executionSite(IrProgram.Probe p, String where) throws LoadException {
        long site = guestAddress(p, where);
        if (!harness.entryProbes().isPatchable(site))
            throw new LoadException(where + ": 0x" + Long.toHexString(site) + " is not a patchable site of the running guest "
                    + "(execution probes arm only at function entries built with -fpatchable-function-entry)");
        return site;
    }

    /** The guest-physical address a WRITE probe watches (guest linear addresses translate through vCPU 0's CR3). */
    private long watchedAddress(IrProgram.Probe p, String where) throws LoadException {
        long linear = guestAddress(p, where);
        long physical = harness.memory().translate(harness.kvmRun(0).cr3(), linear);
        if (physical == GuestMemory.NOT_MAPPED || !harness.memory().contains(physical, 1))
            throw new LoadException(where + ": 0x" + Long.toHexString(linear) + " is not mapped to guest RAM");
        if (physical < GuestLayout.IMAGE_BASE)
            throw new LoadException(where + ": 0x" + Long.toHexString(linear) + " lies in the monitor's own pages below 0x"
                    + Long.toHexString(GuestLayout.IMAGE_BASE) + " and cannot be watched");
        return physical;
    }

    // ---------------------------------------------------------------- events (vCPU threads; nothing allocates)

    private void fire(int[] clauses, int vcpu, FiringContext c) {
        for (int clause : clauses) engine.fire(clause, vcpu, c);
    }

    /** Sets the exit fields only when a loaded exit probe can read them. */
    @Override
    public void exit(int vcpu, int kvmExitReason) {
        Tables t = tables;
        if (t == null || !t.exitFields) return;
        FiringContext c = contexts[vcpu];
        setExitFields(c, runs[vcpu], kvmExitReason);
        fire(t.byPoint[StaticProbe.HV_Exit.ordinal()], vcpu, c);
    }

    /** VMCS_EXIT_REASON/QUAL/INTR_INFO in Intel's encoding, derived from what KVM reports (0 where not valid). */
    static void setExitFields(FiringContext c, KvmRun run, int reason) {
        switch (reason) {
            case KvmRun.EXIT_IO -> {
                long qual = (run.ioSize() - 1) | (run.ioDirection() == KvmRun.IO_IN ? 8 : 0)
                        | (run.ioCount() > 1 ? 0x30 : 0) | (long) run.ioPort() << 16;
                c.setExit(reason, 30, qual, 0);
            }
            case KvmRun.EXIT_HLT -> c.setExit(reason, 12, 0, 0);
            case KvmRun.EXIT_MMIO -> c.setExit(reason, 48, run.mmioIsWrite() ? 2 : 1, 0);
            case KvmRun.EXIT_IRQ_WINDOW_OPEN -> c.setExit(reason, 7, 0, 0);
            case KvmRun.EXIT_SHUTDOWN -> c.setExit(reason, 2, 0, 0);
            case KvmRun.EXIT_INTR -> c.setExit(reason, 1, 0, 0);
            default -> c.setExit(reason, 0, 0, 0);
        }
    }

    @Override
    public void resume(int vcpu) {
        Tables t = tables;
        if (t == null) return;
        FiringContext c = contexts[vcpu];
        c.clearExit();
        c.clearArgs();
        fire(t.byPoint[StaticProbe.HV_Resume.ordinal()], vcpu, c);
    }

    @Override
    public void io(int vcpu, int direction, int port, int size, int count) {
        Tables t = tables;
        if (t == null) return;
        FiringContext c = contexts[vcpu];
        c.clearArgs();
        c.setArg(0, port);
        c.setArg(1, size);
        c.setArg(2, count);
        fire(t.byPoint[(direction == IO_IN ? StaticProbe.In : StaticProbe.Out).ordinal()], vcpu, c);
    }

    @Override
    public void irq(int vcpu, int vector) {
        Tables t = tables;
        if (t == null) return;
        FiringContext c = contexts[vcpu];
        c.clearArgs();
        c.setArg(0, vector);
        fire(t.byPoint[StaticProbe.Guest_IRQ.ordinal()], vcpu, c);
    }

    @Override
    public void tripleFault(int vcpu) {
        Tables t = tables;
        if (t == null) return;
        FiringContext c = contexts[vcpu];
        c.clearArgs();
        fire(t.byPoint[StaticProbe.Guest_TripleFault.ordinal()], vcpu, c);
    }

    @Override
    public void diskStart(int vcpu, long adapterType, long controller, long drive, long read, long requestId,
                          long startSector, long sectorCount, long scatterGatherEntries) {
        disk(StaticProbe.Disk_IOStart, vcpu, adapterType, controller, drive, read, requestId, startSector, sectorCount, scatterGatherEntries);
    }

    @Override
    public void diskFinish(int vcpu, long adapterType, long controller, long drive, long read, long requestId,
                           long startSector, long sectorCount, long scatterGatherEntries) {
        disk(StaticProbe.Disk_IOFinish, vcpu, adapterType, controller, drive, read, requestId, startSector, sectorCount, scatterGatherEntries);
    }

    private void disk(StaticProbe point, int vcpu, long adapterType, long controller, long drive, long read, long requestId,
                      long startSector, long sectorCount, long scatterGatherEntries) {
        Tables t = tables;
        if (t == null) return;
        FiringContext c = contexts[vcpu];
        c.clearArgs();
        c.setArg(0, adapterType);
        c.setArg(1, controller);
        c.setArg(2, drive);
        c.setArg(3, read);
        c.setArg(4, requestId);
        c.setArg(5, startSector);
        c.setArg(6, sectorCount);
        c.setArg(7, scatterGatherEntries);
        fire(t.byPoint[point.ordinal()], vcpu, c);
    }

    @Override
    public void macSend(int vcpu, int adapter) { mac(StaticProbe.MAC_SendPacket, vcpu, adapter); }

    @Override
    public void macReceive(int vcpu, int adapter) { mac(StaticProbe.MAC_ReceivePacket, vcpu, adapter); }

    private void mac(StaticProbe point, int vcpu, int adapter) {
        Tables t = tables;
        if (t == null) return;
        FiringContext c = contexts[vcpu];
        c.clearArgs();
        c.setArg(0, adapter);
        fire(t.byPoint[point.ordinal()], vcpu, c);
    }

    @Override
    public void mmio(int vcpu, boolean write, long address, int size, long value) {
        Tables t = tables;
        if (t == null) return;
        FiringContext c = contexts[vcpu];
        c.clearArgs();
        c.setArg(0, address);
        c.setArg(1, size);
        if (write) c.setArg(2, value);
        fire(t.byPoint[(write ? StaticProbe.MMIO_Write : StaticProbe.MMIO_Read).ordinal()], vcpu, c);
    }

    /** ENTER: ARG0..ARG9 by the System V convention (RDI, RSI, RDX, RCX, R8, R9, then the stack above the return address). */
    @Override
    public void guestEntry(int vcpu, long siteAddress) {
        Tables t = tables;
        if (t == null) return;
        int at = Arrays.binarySearch(t.enterSites, siteAddress);
        if (at < 0) return;
        FiringContext c = contexts[vcpu];
        KvmRun run = harness.kvmRun(vcpu);
        c.clearExit();
        c.setArg(0, run.reg(KvmRun.Reg.RDI));
        c.setArg(1, run.reg(KvmRun.Reg.RSI));
        c.setArg(2, run.reg(KvmRun.Reg.RDX));
        c.setArg(3, run.reg(KvmRun.Reg.RCX));
        c.setArg(4, run.reg(KvmRun.Reg.R8));
        c.setArg(5, run.reg(KvmRun.Reg.R9));
        long rsp = run.reg(KvmRun.Reg.RSP), cr3 = run.cr3();
        for (int i = 6; i < FiringContext.ARGS; i++) c.setArg(i, stackWord(cr3, rsp + 8L * (i - 5)));
        c.overrideRip(siteAddress);
        fire(t.enterClauses[at], vcpu, c);
        c.clearRipOverride();
    }

    /** A guest stack word for ARG6..ARG9, or 0 when it is not mapped. */
    private long stackWord(long cr3, long linear) {
        GuestMemory memory = harness.memory();
        long physical = memory.translate(cr3, linear);
        return physical != GuestMemory.NOT_MAPPED && memory.contains(physical, 8) ? memory.read64(physical) : 0;
    }

    /** EXIT: ARG0 is the return value (RAX); RIP is the return address. */
    @Override
    public void guestReturn(int vcpu, long siteAddress, long returnAddress) {
        Tables t = tables;
        if (t == null) return;
        int at = Arrays.binarySearch(t.exitSites, siteAddress);
        if (at < 0) return;
        FiringContext c = contexts[vcpu];
        c.clearExit();
        c.clearArgs();
        c.setArg(0, harness.kvmRun(vcpu).reg(KvmRun.Reg.RAX));
        c.overrideRip(returnAddress);
        fire(t.exitClauses[at], vcpu, c);
        c.clearRipOverride();
    }

    /** WRITE: fires the clauses of every watched address the write covers; ARG0 address, ARG1 size, ARG2 value. */
    @Override
    public void guestWrite(int vcpu, long address, int size, long value) {
        Tables t = tables;
        if (t == null) return;
        FiringContext c = contexts[vcpu];
        for (int i = 0; i < t.watchAddresses.length; i++) {
            long w = t.watchAddresses[i];
            if (w < address || w >= address + size) continue;
            c.clearExit();
            c.clearArgs();
            c.setArg(0, address);
            c.setArg(1, size);
            c.setArg(2, value);
            fire(t.watchClauses[i], vcpu, c);
        }
    }

    // ---------------------------------------------------------------- periodic probes

    /** On the timer thread: VMX groups run here; VMM groups are marked pending on every vCPU, which is kicked. */
    private void periodDue(int group) {
        Tables t = tables;
        if (t == null || group >= t.groups.length) return;
        Group g = t.groups[group];
        if (g.host) {
            fireQuiet(g.clauses, FiringContext.HOST, host);
            return;
        }
        long bit = 1L << group, now = System.nanoTime();
        for (int v = 0; v < contexts.length; v++) {
            long before = pendingGroups.getAndAccumulate(v, bit, (a, b) -> a | b);
            if (before == 0) requestedAt[v] = now;
            harness.requestService(v);
        }
    }

    /** On vCPU {@code vcpu}'s thread, out of the guest: runs every periodic group pending for it. */
    @Override
    public void service(int vcpu) {
        long bits = pendingGroups.getAndSet(vcpu, 0);
        Tables t = tables;
        if (bits == 0 || t == null) return;
        long waited = System.nanoTime() - requestedAt[vcpu];
        latency[vcpu][(int) (latencyCount[vcpu]++ % LATENCY_SAMPLES)] = waited;
        FiringContext c = contexts[vcpu];
        c.clearExit();
        c.clearArgs();
        for (long b = bits; b != 0; b &= b - 1) {
            int group = Long.numberOfTrailingZeros(b);
            if (group < t.groups.length) fire(t.groups[group].clauses, vcpu, c);
        }
    }

    /** How long periodic requests waited for their vCPU (kick or idle wake-up to service), over the last samples. */
    public record KickLatency(long samples, long minNs, long medianNs, long p99Ns, long maxNs) {}

    /** Latency figures over every vCPU's most recent samples (up to 1024 each); meant for reports, it allocates. */
    public synchronized KickLatency kickLatency() {
        long total = 0;
        List<Long> all = new ArrayList<>();
        for (int v = 0; v < contexts.length; v++) {
            total += latencyCount[v];
            for (int i = 0; i < Math.min(latencyCount[v], LATENCY_SAMPLES); i++) all.add(latency[v][i]);
        }
        if (all.isEmpty()) return new KickLatency(0, 0, 0, 0, 0);
        long[] s = all.stream().mapToLong(Long::longValue).sorted().toArray();
        return new KickLatency(total, s[0], s[s.length / 2], s[(int) Math.min(s.length - 1, (long) s.length * 99 / 100)], s[s.length - 1]);
    }

    /**
     * Stops the periodic timer. The firing contexts' memory is not freed here: it belongs to the engine or is freed
     * with the contexts, so a harness still running (closed after this) writes only to live memory.
     */
    public synchronized void close() throws InterruptedException {
        synchronized (loadLock) { stopTimer(); }
    }
}
