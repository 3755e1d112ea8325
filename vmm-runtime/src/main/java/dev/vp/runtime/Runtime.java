// The native probe runtime: one arena mapped at startup, image loads that replace atomically, and allocation-free firing.
package dev.vp.runtime;

import dev.vp.compiler.interp.ProbeCounters.CancelSite;
import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.output.OutputSink;
import dev.vp.runtime.arena.NativeArena;
import dev.vp.x64.abi.Abi;
import dev.vp.x64.asm.Alu;
import dev.vp.x64.asm.Assembler;
import dev.vp.x64.asm.Mem;
import dev.vp.x64.asm.Reg;
import dev.vp.x64.asm.Shift;
import dev.vp.x64.asm.Size;
import dev.vp.x64.image.ProbeImage;
import dev.vp.x64.image.ProbeImageException;
import dev.vp.x64.image.ProbeImageValidator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs probe images natively. The arena (text and data, sizes from {@link RuntimeConfig}) is mapped once by the
 * constructor; nothing is mapped or allocated natively afterwards, and {@link #fire} allocates nothing on the Java
 * heap and takes no lock.
 *
 * <p>{@link #load}: validate the image, check budgets and arena fit, and build the new placement (any failure
 * here is an {@link ImageRefusedException} and the running image keeps running); only then unload the old image
 * (its binding's disarm callback, wait for firings in flight, its Unload probes, drain its rings, keep its
 * report), copy the text with relocations applied, initialise data and context blocks, run the new image's Load
 * probes, and publish it. Firings read the published image through a volatile reference and mark their context
 * busy (a Dekker-style flag pair with the loader), so no firing ever runs code or data of a half-loaded image.
 *
 * <p>Threads: firings of one vCPU come from one thread at a time; different vCPUs and the host may fire at the
 * same time. load, unload, drain and report serialise among themselves.
 */
public final class Runtime implements AutoCloseable {
    /** The host context: VMX-domain probes fire on it. */
    public static final int HOST = -1;
    /** fire()'s result: the probe completed, called exit(), or nothing is loaded; 2 + Cause.ordinal() for a cancellation. */
    public static final int COMPLETED = 0, EXITED = 1, NOT_LOADED = -1;

    private static final VarHandle BUSY = MethodHandles.arrayElementVarHandle(long[].class);
    /** rdtsc; rdx:rax -> [rdi]; the runtime's only code of its own, placed after the image's text. */
    private static final byte[] TSC_STUB = tscStub();

    private final RuntimeConfig config;
    private final NativeArena arena;
    private final MemorySegment data;
    /**
     * The whole address space as one segment, for the firing path's reads of native memory whose lifetime the
     * reader guarantees itself (here: a context's outcome, read only while its busy flag holds a published image;
     * close unloads, waiting for every busy flag, before the arena is unmapped). A static final, so the JIT folds
     * it to a constant and a firing loads no segment object. Nothing else may use it.
     */
    public static final MemorySegment ADDRESS_SPACE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private final long calibratedTscHz;
    private final OutputConsumer consumer = new OutputConsumer();
    private final List<OutputSink> sinks = new CopyOnWriteArrayList<>();
    private final Object control = new Object();
    private volatile LoadedImage current;
    private RuntimeReport lastReport;
    private long malformedAtLoad;
    private Thread drainer;

    public Runtime(RuntimeConfig config) {
        this.config = config;
        this.arena = new NativeArena(config.textBytes(), config.dataBytes());
        this.data = arena.data();
        arena.installText(TSC_STUB);
        this.calibratedTscHz = calibrate(arena.entry(0, NativeArena.Linkage.CRITICAL));
    }

    public RuntimeConfig config() { return config; }

    /**
     * A fixed area at the start of the data page that no image uses (LoadedImage.FIRING_BLOCKS_BYTES bytes, 64-byte
     * aligned), for a caller's per-vCPU firing blocks: the fields blocks it passes to {@link #fire(int, int, long)}.
     * Writing a firing's fields there brings the page holding the context blocks and aggregate tables (those that fit
     * in the first 2 MB: all of a small image's) into the TLB.
     * Mapped until {@link #close}.
     */
    public MemorySegment firingBlocks() {
        return data.asSlice(LoadedImage.FIRING_BLOCKS, LoadedImage.FIRING_BLOCKS_BYTES);
    }

    /** Output goes to every sink added, in the order records are merged. */
    public void addSink(OutputSink sink) { sinks.add(sink); }

    public void removeSink(OutputSink sink) { sinks.remove(sink); }

    /** The loaded image, or null. */
    public ProbeImage image() {
        LoadedImage l = current;
        return l == null ? null : l.image;
    }

    /** Loads image bound to the guest, replacing the running image only if the new one is accepted. */
    public void load(ProbeImage image, GuestBinding binding) throws ImageRefusedException {
        synchronized (control) {
            var next = place(image, binding);
            unloadLocked();
            arena.installText(linkedText(next));
            initialise(next);
            malformedAtLoad = consumer.malformed();
            runPoint(next, "VMMLoad", "VMXLoad");
            current = next;
        }
    }

    /**
     * Everything load checks (validation, budgets, native stack, arena fit) without loading: an image that passes
     * is refused by load only if the arena's configuration changed, which it cannot.
     */
    public void check(ProbeImage image, GuestBinding binding) throws ImageRefusedException {
        place(image, binding);
    }

    private LoadedImage place(ProbeImage image, GuestBinding binding) throws ImageRefusedException {
        try {
            ProbeImageValidator.validate(image);
        } catch (ProbeImageException e) {
            throw new ImageRefusedException("image refused: " + e.getMessage());
        }
        return new LoadedImage(image, binding, config, arena, TSC_STUB.length);
    }

    /** Unloads the running image (see load) and returns its final report; with nothing loaded, the last report or null. */
    public RuntimeReport unload() {
        synchronized (control) {
            unloadLocked();
            return lastReport;
        }
    }

    private void unloadLocked() {
        LoadedImage old = current;
        if (old == null) return;
        old.binding.disarm().run();
        current = null;
        for (int c = 0; c < old.contexts; c++) {
            while ((long) BUSY.getVolatile(old.lanes, c * LoadedImage.LANE_STRIDE + LoadedImage.LANE_BUSY) != 0) Thread.onSpinWait();
        }
        runPoint(old, "VMMUnload", "VMXUnload");
        consumer.drain(old, data, sinks);
        lastReport = report(old);
    }

    /**
     * Runs clause on vcpu (or HOST) and returns the outcome (COMPLETED, EXITED, 2 + Cause.ordinal(), or NOT_LOADED),
     * with the arguments and exit fields set in the context by {@link #setArgs} and {@link #setExit}.
     */
    public int fire(int clause, int vcpu) {
        return fire(clause, vcpu, OWN_FIELDS);
    }

    /** For {@link #fire(int, int, long)}: the context's own fields block, as {@link #setArgs} and {@link #setExit} set it. */
    public static final long OWN_FIELDS = 0;

    /**
     * fire() with the firing's ARG0..ARG9 and exit fields in the caller's fields block (Abi.FIELDS_* layout), which
     * generated code reads in place: nothing is copied. {@code fields} is the block's address: it must hold
     * Abi.FIELDS_SIZE readable bytes that stay mapped, and unchanged by other threads, until the call returns.
     * (An address rather than a segment, so that a firing right after a VM exit loads one object fewer.)
     */
    public int fire(int clause, int vcpu, long fields) {
        LoadedImage l = current;
        if (l == null) return NOT_LOADED;
        int c = l.context(vcpu), lane = c * LoadedImage.LANE_STRIDE;
        BUSY.setVolatile(l.lanes, lane + LoadedImage.LANE_BUSY, 1L);
        try {
            if (current != l) return NOT_LOADED;
            return run(l, clause, c, fields);
        } finally {
            BUSY.setRelease(l.lanes, lane + LoadedImage.LANE_BUSY, 0L);
        }
    }

    /**
     * The firing itself, for fire and for the Load and Unload clauses that load and unload run while they hold the
     * image (not yet, or no longer, current). The entry counts the firing; only the outcome is read back here.
     */
    private int run(LoadedImage l, int clause, int c, long fields) {
        if (clause < 0 || clause >= l.entries.length) throw noClause(l, clause);
        long ctx = l.lanes[c * LoadedImage.LANE_STRIDE + LoadedImage.LANE_CTX_ADDRESS];
        if (c == l.vcpus) ADDRESS_SPACE.set(ValueLayout.JAVA_LONG, ctx + Abi.CTX_THREADID, Thread.currentThread().threadId());
        try {
            NativeArena.UNGUARDED_CALL.invokeExact(l.entries[clause], ctx, fields == OWN_FIELDS ? ctx + Abi.CTX_OWN_FIELDS : fields);
        } catch (Throwable t) {
            throw couldNotRun(clause, t);
        }
        long outcome = ADDRESS_SPACE.get(ValueLayout.JAVA_LONG, ctx + Abi.CTX_OUTCOME);
        if (outcome != COMPLETED) countOutcome(l, l.counters[c], clause, ctx - data.address(), outcome);
        return (int) outcome;
    }

    private void countOutcome(LoadedImage l, ContextCounters k, int clause, long ctx, long outcome) {
        if (outcome == EXITED) {
            k.exits[clause]++;
        } else if (outcome >= 2 && outcome < 2 + CAUSES.length) {
            int line = l.lineIndex(data.get(ValueLayout.JAVA_LONG, ctx + Abi.CTX_CANCEL_PC));
            k.cancelled(clause, line, (int) outcome - 2, data, ctx + Abi.CTX_EXC_DESC);
        } else {
            k.cancellations[clause]++; // an outcome code the ABI does not define: counted, attributed to no site
            k.unattributed[clause]++;
        }
    }

    private static IllegalArgumentException noClause(LoadedImage l, int clause) {
        return new IllegalArgumentException("no clause " + clause + ": the image has " + l.entries.length);
    }

    private static IllegalStateException couldNotRun(int clause, Throwable t) {
        return new IllegalStateException("probe clause " + clause + " could not run: " + t.getMessage(), t);
    }

    private static final Cause[] CAUSES = Cause.values();

    // ---- per-firing context fields (the caller's thread for that vCPU writes them before fire) ----

    /** ARG0.. of the next firing on vcpu (at most 10 values). */
    public void setArgs(int vcpu, long... args) {
        LoadedImage l = loaded();
        if (args.length > 10) throw new IllegalArgumentException("a probe has at most 10 arguments, got " + args.length);
        long ctx = l.ctxOffset[l.context(vcpu)];
        for (int i = 0; i < args.length; i++) data.set(ValueLayout.JAVA_LONG, ctx + Abi.CTX_OWN_FIELDS + Abi.FIELDS_ARGS + 8L * i, args[i]);
    }

    /** One argument, without the varargs array (for the allocation-free path). */
    public void setArg(int vcpu, int index, long value) {
        LoadedImage l = loaded();
        if (index < 0 || index >= 10) throw new IllegalArgumentException("argument index " + index + " is not 0..9");
        data.set(ValueLayout.JAVA_LONG, l.ctxOffset[l.context(vcpu)] + Abi.CTX_OWN_FIELDS + Abi.FIELDS_ARGS + 8L * index, value);
    }

    /** The exit fields of the next firing: KVM's exit reason and the VMCS-style fields derived from it. */
    public void setExit(int vcpu, long exitReason, long vmcsExitReason, long vmcsExitQual, long vmcsExitIntrInfo) {
        LoadedImage l = loaded();
        long ctx = l.ctxOffset[l.context(vcpu)];
        data.set(ValueLayout.JAVA_LONG, ctx + Abi.CTX_OWN_FIELDS + Abi.FIELDS_EXIT_REASON, exitReason);
        data.set(ValueLayout.JAVA_LONG, ctx + Abi.CTX_OWN_FIELDS + Abi.FIELDS_VMCS_EXIT_REASON, vmcsExitReason);
        data.set(ValueLayout.JAVA_LONG, ctx + Abi.CTX_OWN_FIELDS + Abi.FIELDS_VMCS_EXIT_QUAL, vmcsExitQual);
        data.set(ValueLayout.JAVA_LONG, ctx + Abi.CTX_OWN_FIELDS + Abi.FIELDS_VMCS_EXIT_INTR_INFO, vmcsExitIntrInfo);
    }

    /** State that costs an ioctl, for clauses flagged needsIoctl. */
    public void setIoctlState(int vcpu, long dr6, long dr7, long kernelGsBase) {
        LoadedImage l = loaded();
        long ctx = l.ctxOffset[l.context(vcpu)];
        data.set(ValueLayout.JAVA_LONG, ctx + Abi.CTX_DR6, dr6);
        data.set(ValueLayout.JAVA_LONG, ctx + Abi.CTX_DR7, dr7);
        data.set(ValueLayout.JAVA_LONG, ctx + Abi.CTX_KERNELGSBASE, kernelGsBase);
    }

    /** The TSC firings on vcpu see (0: the live counter); for deterministic tests and replays. */
    public void setTsc(int vcpu, long tsc) {
        LoadedImage l = loaded();
        data.set(ValueLayout.JAVA_LONG, l.ctxOffset[l.context(vcpu)] + Abi.CTX_TSC, tsc);
    }

    private LoadedImage loaded() {
        LoadedImage l = current;
        if (l == null) throw new IllegalStateException("no image is loaded");
        return l;
    }

    // ---- globals (for status views: a value being written by a firing may be read half old, half new) ----

    /** Integer global g of the loaded image on vcpu (or HOST; per-VM globals ignore vcpu). */
    public long intGlobal(int g, int vcpu) {
        LoadedImage l = loaded();
        return data.get(ValueLayout.JAVA_LONG, globalAt(l, g, vcpu));
    }

    /** String global g of the loaded image on vcpu (or HOST; per-VM globals ignore vcpu). */
    public String stringGlobal(int g, int vcpu) {
        LoadedImage l = loaded();
        return OutputConsumer.cString(data, globalAt(l, g, vcpu), l.image.budget().stringBytes());
    }

    private static long globalAt(LoadedImage l, int g, int vcpu) {
        ProbeImage.Global def = l.image.data().globals().get(g);
        return (def.perVcpu() ? l.blockOffset[l.context(vcpu)] : l.globalOffset) + def.offset();
    }

    // ---- output and reports ----

    /** Delivers every record the rings hold now to the sinks; returns how many. */
    public int drain() {
        synchronized (control) {
            LoadedImage l = current;
            return l == null ? 0 : consumer.drain(l, data, sinks);
        }
    }

    /** Drains every periodMillis on a daemon thread until close. */
    public void startDraining(long periodMillis) {
        synchronized (control) {
            if (drainer != null) throw new IllegalStateException("the runtime is already draining");
            drainer = Thread.ofPlatform().daemon().name("vp-output").start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    drain();
                    try {
                        Thread.sleep(periodMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
    }

    /** Counts of the loaded image (or the last report after unload; null when nothing was ever loaded). */
    public RuntimeReport report() {
        synchronized (control) {
            LoadedImage l = current;
            return l == null ? lastReport : report(l);
        }
    }

    private RuntimeReport report(LoadedImage l) {
        ProbeImage image = l.image;
        var clauses = new ArrayList<RuntimeReport.Clause>();
        for (int i = 0; i < image.probes().size(); i++) {
            long firings = 0, exits = 0, cancellations = 0, unattributed = 0;
            var sites = new LinkedHashMap<Long, long[]>();
            var descriptions = new LinkedHashMap<Long, String>();
            var latest = new HashMap<Long, Long>();
            for (int c = 0; c < l.contexts; c++) {
                ContextCounters k = l.counters[c];
                firings += data.get(ValueLayout.JAVA_LONG, l.ctxOffset[c] + Abi.CTX_FIRINGS + 8L * i);
                exits += k.exits[i];
                cancellations += k.cancellations[i];
                unattributed += k.unattributed[i];
                for (int s = 0; s < ContextCounters.SITES; s++) {
                    long key = k.siteKey[s];
                    if (key == 0 || ContextCounters.clause(key) != i) continue;
                    sites.computeIfAbsent(key, x -> new long[1])[0] += k.siteCount[s];
                    // the latest description over the contexts, as the interpreter keeps the latest
                    if (!latest.containsKey(key) || k.siteTime[s] - latest.get(key) > 0) {
                        latest.put(key, k.siteTime[s]);
                        descriptions.put(key, cString(k.siteDescription, s * ContextCounters.DESCRIPTION_BYTES));
                    }
                }
            }
            ProbeImage.Probe p = image.probes().get(i);
            var list = new ArrayList<CancelSite>();
            for (var e : sites.entrySet()) {
                int line = ContextCounters.line(e.getKey());
                Loc loc = line < 0 ? p.loc() : image.lines().get(line).loc();
                list.add(new CancelSite(CAUSES[ContextCounters.cause(e.getKey())], loc, e.getValue()[0], descriptions.get(e.getKey())));
            }
            clauses.add(new RuntimeReport.Clause(p.spec(), p.loc().toString(), firings, exits, cancellations, list, unattributed));
        }
        long ringDrops = 0;
        for (int c = 0; c < l.contexts; c++) ringDrops += data.get(ValueLayout.JAVA_LONG, l.ringOffset[c] + Abi.RING_DROPPED);
        var aggregateDrops = new ArrayList<RuntimeReport.Drops>();
        var pending = new ArrayList<String>();
        for (int i = 0; i < image.data().aggregates().size(); i++) {
            ProbeImage.Aggregate a = image.data().aggregates().get(i);
            String printed = consumer.printLive(l, data, i);
            if (l.lastLogged[i] == null ? !printed.equals(l.printedEmpty[i]) : !printed.equals(l.lastLogged[i])) pending.add(printed);
            long generation = data.get(ValueLayout.JAVA_LONG, l.sharedOffset + a.generationOffset());
            long dropped = 0;
            for (int c = 0; c < l.contexts; c++) {
                long table = l.blockOffset[c] + a.tableOffset();
                if (data.get(ValueLayout.JAVA_LONG, table + Abi.AGGR_GENERATION) == generation) {
                    dropped += data.get(ValueLayout.JAVA_LONG, table + Abi.AGGR_DROPPED);
                }
            }
            aggregateDrops.add(new RuntimeReport.Drops(a.name(), dropped));
        }
        var bagDrops = new ArrayList<RuntimeReport.Drops>();
        for (ProbeImage.Bag b : image.data().bags()) {
            bagDrops.add(new RuntimeReport.Drops(b.name(), data.get(ValueLayout.JAVA_LONG, l.sharedOffset + b.offset() + Abi.BAG_DROPPED)));
        }
        return new RuntimeReport(clauses, ringDrops, consumer.malformed() - malformedAtLoad, aggregateDrops, bagDrops, pending);
    }

    private static String cString(byte[] bytes, int from) {
        int n = 0;
        while (n < ContextCounters.DESCRIPTION_BYTES && bytes[from + n] != 0) n++;
        return new String(bytes, from, n, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        Thread d;
        synchronized (control) {
            unloadLocked();
            d = drainer;
            drainer = null;
        }
        if (d != null) {
            d.interrupt();
            try {
                d.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        arena.close();
    }

    LoadedImage loadedForTests() { return current; }

    MemorySegment dataForTests() { return data; }

    // ---- loading ----

    /** The image's text with relocations applied, then the TSC stub. */
    private byte[] linkedText(LoadedImage l) {
        byte[] text = java.util.Arrays.copyOf(l.image.text(), l.stubOffset + TSC_STUB.length);
        java.util.Arrays.fill(text, l.image.text().length, l.stubOffset, (byte) 0xCC);
        System.arraycopy(TSC_STUB, 0, text, l.stubOffset, TSC_STUB.length);
        for (ProbeImage.Relocation r : l.image.relocations()) {
            long target = r.addend() + switch (r.kind()) {
                case TEXT_ADDRESS -> arena.textAddress();
                case RODATA_ADDRESS -> data.address() + l.rodataOffset;
            };
            for (int i = 0; i < 8; i++) text[r.textOffset() + i] = (byte) (target >>> (8 * i));
        }
        return text;
    }

    private void initialise(LoadedImage l) {
        data.asSlice(LoadedImage.IMAGE_DATA, l.dataBytes - LoadedImage.IMAGE_DATA).fill((byte) 0);
        ProbeImage image = l.image;
        GuestBinding b = l.binding;
        long base = data.address();
        long tscHz = b.tscHz() != 0 ? b.tscHz() : calibratedTscHz;
        long timeTsc = readTsc(arena.entry(l.stubOffset, NativeArena.Linkage.CRITICAL));
        long timeMicros = System.currentTimeMillis() * 1000;
        for (int c = 0; c < l.contexts; c++) {
            long ring = l.ringOffset[c];
            data.set(ValueLayout.JAVA_LONG, ring + Abi.RING_CAPACITY, l.ringCapacity);
            long ctx = l.ctxOffset[c];
            boolean host = c == l.vcpus;
            put(ctx + Abi.CTX_REGS, host ? base + l.hostRegsOffset : b.vcpus().get(c).regsAddress());
            put(ctx + Abi.CTX_SREGS, host ? base + l.hostRegsOffset + LoadedImage.HOST_SREGS : b.vcpus().get(c).sregsAddress());
            put(ctx + Abi.CTX_RAM_BASE, b.ramBase());
            put(ctx + Abi.CTX_RAM_SIZE, b.ramSize());
            put(ctx + Abi.CTX_GLOBAL_DATA, base + l.globalOffset);
            put(ctx + Abi.CTX_RING, base + ring);
            put(ctx + Abi.CTX_FUEL_BUDGET, image.budget().loopFuel());
            put(ctx + Abi.CTX_STACK_BUDGET, image.budget().stackBytes());
            put(ctx + Abi.CTX_VCPUID, host ? -1 : c);
            put(ctx + Abi.CTX_NUMVCPUS, l.vcpus);
            put(ctx + Abi.CTX_TSC_HZ, tscHz);
            put(ctx + Abi.CTX_TIME_TSC, timeTsc);
            put(ctx + Abi.CTX_TIME_MICROS, timeMicros);
            put(ctx + Abi.CTX_RODATA, base + l.rodataOffset);
            put(ctx + Abi.CTX_SHARED, base + l.sharedOffset);
            put(ctx + Abi.CTX_CONTEXTS, base + l.contextTableOffset);
            put(ctx + Abi.CTX_CONTEXT_COUNT, l.contexts);
            put(l.contextTableOffset + 8L * c, base + ctx);
            put(ctx + Abi.CTX_TLB_USED, 1);
            put(ctx + Abi.CTX_PCPUID, -1);
            if (!host) put(ctx + Abi.CTX_THREADID, b.vcpus().get(c).threadId());
        }
        for (ProbeImage.Global g : image.data().globals()) {
            for (int c = 0; c < (g.perVcpu() ? l.contexts : 1); c++) {
                long at = (g.perVcpu() ? l.blockOffset[c] : l.globalOffset) + g.offset();
                if (g.string()) {
                    byte[] bytes = g.initString().getBytes(StandardCharsets.ISO_8859_1);
                    MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, at, bytes.length);
                } else {
                    put(at, g.initInt());
                }
            }
        }
        MemorySegment.copy(image.rodata(), 0, data, ValueLayout.JAVA_BYTE, l.rodataOffset, image.rodata().length);
    }

    private void put(long offset, long value) {
        data.set(ValueLayout.JAVA_LONG, offset, value);
    }

    /** Fires the clauses on a Load/Unload point: the VMM one on every vCPU, the VMX one on the host; no arguments or exit. */
    private void runPoint(LoadedImage l, String vmmPoint, String vmxPoint) {
        for (int c = 0; c < l.contexts; c++) {
            data.asSlice(l.ctxOffset[c] + Abi.CTX_OWN_FIELDS, Abi.FIELDS_SIZE).fill((byte) 0);
        }
        // vCPU by vCPU, then the host, as the dispatcher fires these points for the interpreter; each firing's output
        // is delivered before the next runs, so the output keeps the interpreter's order and every firing finds its
        // ring empty
        for (int c = 0; c <= l.vcpus; c++) {
            String point = c < l.vcpus ? vmmPoint : vmxPoint;
            for (int i = 0; i < l.image.probes().size(); i++) {
                if (!l.image.probes().get(i).point().equals(point)) continue;
                run(l, i, c, OWN_FIELDS);
                consumer.drain(l, data, sinks);
            }
        }
    }

    // ---- the TSC ----

    private static byte[] tscStub() {
        var asm = new Assembler();
        asm.rdtsc();
        asm.shift(Shift.SHL, Size.QWORD, Reg.RDX, 32);
        asm.alu(Alu.OR, Size.QWORD, Reg.RAX, Reg.RDX);
        asm.mov(Size.QWORD, Mem.of(Reg.RDI, 0), Reg.RAX);
        asm.ret();
        return asm.finish();
    }

    private long readTsc(MethodHandle stub) {
        try {
            stub.invokeExact(MemorySegment.ofAddress(data.address() + LoadedImage.SCRATCH));
        } catch (Throwable t) {
            throw new IllegalStateException("the runtime's TSC stub failed: " + t.getMessage(), t);
        }
        return data.get(ValueLayout.JAVA_LONG, LoadedImage.SCRATCH);
    }

    /** TSC ticks per second, measured against System.nanoTime over 20 ms. */
    private long calibrate(MethodHandle stub) {
        long t0 = System.nanoTime(), c0 = readTsc(stub);
        long t1;
        do { t1 = System.nanoTime(); } while (t1 - t0 < 20_000_000L);
        long c1 = readTsc(stub);
        return Math.round((c1 - c0) * 1e9 / (t1 - t0));
    }
}
