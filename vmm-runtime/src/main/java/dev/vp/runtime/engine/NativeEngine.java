// The native engine: clauses compiled to x86-64, loaded into the Runtime's arena, fired by a downcall.
package dev.vp.runtime.engine;

import dev.vp.compiler.interp.ProbeCounters.CancelSite;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.output.FormatSpec;
import dev.vp.compiler.output.OutputSink;
import dev.vp.runtime.GuestBinding;
import dev.vp.runtime.ImageRefusedException;
import dev.vp.runtime.Runtime;
import dev.vp.runtime.RuntimeConfig;
import dev.vp.runtime.RuntimeReport;
import dev.vp.vmm.Harness;
import dev.vp.vmm.kvm.KvmRun;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.gen.NativeCompiler;
import dev.vp.x64.image.ImageBuilder;
import dev.vp.x64.image.ProbeImage;
import dev.vp.x64.image.ProbeImageException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * prepare compiles (or takes a built image), builds and checks the image against the runtime's arena, so a
 * refusal never touches the running program. Generated code reads guest RAM and the vCPUs' register files in
 * place (the binding made at {@link #attach}), and the firing's arguments and exit fields in place in the
 * FiringContext's native block, whose layout is the ABI's fields block; fire calls the clause's entry with it,
 * copying and allocating nothing.
 * <p>
 * The Runtime itself runs the Load and Unload clauses (with no arguments) as part of loading and unloading, so
 * the dispatcher's firings of those points are not run again here. The binding's disarm callback stops this
 * engine from starting firings; the Runtime then waits for the ones in flight. The dispatcher calls load and
 * unload with every vCPU out of the guest and its timer stopped, so in practice there are none.
 */
public final class NativeEngine implements ProbeEngine {
    /** How often output rings are drained to the sink. */
    private static final long DRAIN_MILLIS = 20;
    private static final long RIP = KvmRun.SYNC_REGS + 8L * KvmRun.Reg.RIP.ordinal();

    private final int vcpus;
    private final Runtime runtime;
    private GuestBinding binding;
    /** The harness attached, which must be closed before this engine: its vCPUs write the firing blocks in our arena. */
    private Harness harness;
    /** Whether {@link #firingBlocks} has handed its area out (once: the blocks are the attached harness's). */
    private boolean blocksGiven;
    private Image loaded, last;
    /** The loaded image's {@link Image#special} bits, all fire() reads of it; null when nothing is loaded or the binding was disarmed. */
    private volatile byte[] armed;

    /** Bits of {@link Image#special}: a Load/Unload clause the Runtime runs itself; a clause reading DR6, DR7 or KERNELGSBASE. */
    private static final byte RUNTIME_FIRES = 1, NEEDS_IOCTL = 2;

    /**
     * A checked image; program is its probe and data description (a built image's has no IR functions: its code
     * is native). special holds each clause's RUNTIME_FIRES and NEEDS_IOCTL bits, in one array so that a firing
     * reads one cache line for both.
     */
    private record Image(ProbeImage image, IrProgram program, byte[] special) implements Prepared {}

    public NativeEngine(int vcpus, OutputSink sink, RuntimeConfig config) {
        if (vcpus < 1) throw new IllegalArgumentException("an engine needs at least 1 vCPU, got " + vcpus);
        this.vcpus = vcpus;
        this.runtime = new Runtime(config);
        runtime.addSink(sink);
        runtime.startDraining(DRAIN_MILLIS);
    }

    public NativeEngine(int vcpus, OutputSink sink) { this(vcpus, sink, RuntimeConfig.DEFAULT); }

    @Override
    public synchronized void attach(Harness harness) {
        if (harness.vcpuCount() != vcpus) {
            throw new IllegalArgumentException("the engine was made for " + vcpus + " vCPUs, the harness has " + harness.vcpuCount());
        }
        var list = new ArrayList<GuestBinding.Vcpu>();
        for (int v = 0; v < vcpus; v++) {
            long run = harness.kvmRun(v).segment().address();
            list.add(new GuestBinding.Vcpu(run + KvmRun.SYNC_REGS, run + KvmRun.SYNC_SREGS, harness.vcpuThreadId(v)));
        }
        MemorySegment ram = harness.memory().segment();
        binding = new GuestBinding(ram.address(), ram.byteSize(), 0, list, () -> armed = null);
        this.harness = harness;
    }

    /**
     * In the runtime's data page, next to the context blocks (see {@link ProbeEngine#firingBlocks}), for the harness
     * attached: null before {@link #attach(Harness)}, for a second request, or when count blocks do not fit. The area
     * is handed out once and no image ever writes it, so it is still as mapped: zero.
     */
    @Override
    public synchronized MemorySegment firingBlocks(int count) {
        MemorySegment area = runtime.firingBlocks();
        long need = (long) count * FiringContext.BLOCK_SIZE;
        if (harness == null || blocksGiven || need > area.byteSize()) return null;
        blocksGiven = true;
        return area.asSlice(0, need);
    }

    /** Binds to a guest that is not a harness (tests with a fake guest). */
    public synchronized void attach(GuestBinding guest) {
        if (guest.vcpus().size() != vcpus) {
            throw new IllegalArgumentException("the engine was made for " + vcpus + " vCPUs, the binding has " + guest.vcpus().size());
        }
        binding = new GuestBinding(guest.ramBase(), guest.ramSize(), guest.tscHz(), guest.vcpus(), () -> {
            armed = null;
            guest.disarm().run();
        });
    }

    @Override
    public Prepared prepare(IrProgram program) throws LoadException {
        NativeProgram code;
        try {
            code = NativeCompiler.compile(program);
        } catch (IllegalArgumentException e) {
            throw new LoadException("the program cannot be compiled to native code: " + e.getMessage());
        }
        return prepare(program, code);
    }

    /** Prepares a program whose native code the caller has already generated (to measure it against the code budget). */
    public Prepared prepare(IrProgram program, NativeProgram code) throws LoadException {
        ProbeImage image;
        try {
            image = ImageBuilder.build(program, code);
        } catch (IllegalArgumentException | ProbeImageException e) {
            throw new LoadException("the program cannot be compiled to native code: " + e.getMessage());
        }
        return checked(image, program);
    }

    /** Prepares a built image (a .vpo file or a deployed one) already read by ProbeImageReader. */
    public Prepared prepare(ProbeImage image) throws LoadException {
        return checked(image, describe(image));
    }

    private synchronized Image checked(ProbeImage image, IrProgram program) throws LoadException {
        if (binding == null) throw new IllegalStateException("attach the engine to a guest before preparing programs");
        try {
            runtime.check(image, binding);
        } catch (ImageRefusedException e) {
            throw new LoadException(e.getMessage());
        }
        int n = image.probes().size();
        byte[] special = new byte[n];
        for (int i = 0; i < n; i++) {
            ProbeImage.Probe p = image.probes().get(i);
            boolean runtimeFires = switch (p.point()) {
                case "VMMLoad", "VMXLoad", "VMMUnload", "VMXUnload" -> true;
                default -> false;
            };
            special[i] = (byte) ((runtimeFires ? RUNTIME_FIRES : 0) | (p.needsIoctl() ? NEEDS_IOCTL : 0));
        }
        return new Image(image, program, special);
    }

    /** The dispatcher's view of a built image: its probes, data and limits as an IR program without functions. */
    static IrProgram describe(ProbeImage image) {
        ProbeImage.Data d = image.data();
        var globals = d.globals().stream().map(g -> new IrProgram.Global(g.name(), g.string(), g.perVcpu(), g.initInt(), g.initString())).toList();
        var aggrs = d.aggregates().stream().map(a -> new IrProgram.Aggr(a.name(), a.intKeys(), a.strKeys(), a.capacity())).toList();
        var bags = d.bags().stream().map(b -> new IrProgram.Bag(b.name(), b.capacity())).toList();
        var formats = new ArrayList<IrProgram.Format>();
        for (int f = 0; f < d.formats().size(); f++) {
            String text = image.formatText(f);
            var spec = (FormatSpec) FormatSpec.parse(text);
            formats.add(new IrProgram.Format(text, spec.conversions().stream().map(FormatSpec.Conversion::takesString).toList()));
        }
        var probes = image.probes().stream().map(p -> new IrProgram.Probe(p.spec(), p.domain(), p.point(),
                p.symbol().isEmpty() ? null : p.symbol(), p.address(), p.periodNs(), -1, p.readsVcpuState(), p.needsIoctl(), p.loc())).toList();
        ProbeImage.Budget b = image.budget();
        return new IrProgram(globals, aggrs, bags, List.of(), formats, List.of(), probes,
                new IrProgram.Limits(b.stackBytes(), b.loopFuel(), b.stringBytes()));
    }

    @Override
    public synchronized void load(Prepared prepared) {
        if (loaded != null) throw new IllegalStateException("unload the loaded program first");
        if (!(prepared instanceof Image image)) throw new IllegalArgumentException("not prepared by this engine: " + prepared);
        try {
            runtime.load(image.image, binding);
        } catch (ImageRefusedException e) {
            throw new IllegalStateException("an image checked by prepare was refused at load: " + e.getMessage(), e);
        }
        loaded = image;
        last = image;
        armed = image.special;
    }

    @Override
    public void fire(int clause, int vcpu, FiringContext ctx) {
        byte[] flags = armed;
        if (flags == null) return;
        int special = flags[clause];
        if ((special & RUNTIME_FIRES) != 0) return;
        if ((special & NEEDS_IOCTL) != 0) {
            runtime.setIoctlState(vcpu, ctx.read(Builtin.DR6), ctx.read(Builtin.DR7), ctx.read(Builtin.KERNELGSBASE));
        }
        long block = ctx.blockAddress(); // read by address: the block lives as long as the harness, past every firing
        MemorySegment run = ctx.kvmRun();
        // Generated code reads RIP from the sync area; KVM reads it back only when marked dirty, which this is not.
        boolean override = run != null && Runtime.ADDRESS_SPACE.get(JAVA_LONG, block + FiringContext.RIP_OVERRIDDEN) != 0;
        long real = 0;
        if (override) {
            real = run.get(JAVA_LONG, RIP);
            run.set(JAVA_LONG, RIP, Runtime.ADDRESS_SPACE.get(JAVA_LONG, block + FiringContext.RIP));
        }
        // One call site, so that the JIT inlines Runtime.fire here once rather than compiling it apart.
        try {
            runtime.fire(clause, vcpu, block);
        } finally {
            if (override) run.set(JAVA_LONG, RIP, real);
        }
    }

    @Override
    public synchronized void unload() {
        if (loaded == null) return;
        runtime.unload();
        loaded = null;
    }

    @Override
    public synchronized IrProgram program() { return loaded == null ? null : loaded.program; }

    /** The loaded (or last) image. */
    public synchronized ProbeImage image() { return last == null ? null : last.image; }

    @Override
    public ClauseCounts lastCounts(int clause) {
        RuntimeReport r = runtime.report();
        if (r == null) throw new IllegalStateException("no program has been loaded");
        RuntimeReport.Clause c = r.clauses().get(clause);
        return new ClauseCounts(c.firings(), c.exits(), c.cancellations());
    }

    @Override
    public RunReport report() {
        RuntimeReport r = runtime.report();
        ProbeImage image = image();
        if (r == null || image == null) return new RunReport(List.of(), List.of(), List.of());
        var clauses = new ArrayList<RunReport.Clause>();
        for (int i = 0; i < r.clauses().size(); i++) {
            RuntimeReport.Clause c = r.clauses().get(i);
            ProbeImage.Probe p = image.probes().get(i);
            var cancels = new ArrayList<RunReport.Cancel>();
            for (CancelSite s : c.sites()) cancels.add(new RunReport.Cancel(s.cause().shortName, s.loc(), s.count(), s.description()));
            if (c.unattributed() != 0) {
                cancels.add(new RunReport.Cancel("cancelled", p.loc(), c.unattributed(), "at sites beyond the runtime's site table"));
            }
            clauses.add(new RunReport.Clause(c.spec(), p.loc(), c.firings(), c.exits(), cancels));
        }
        var drops = new ArrayList<RunReport.Drop>();
        for (RuntimeReport.Drops d : r.aggregateDrops()) drops.add(new RunReport.Drop("updates of aggregate " + d.name(), d.count()));
        for (RuntimeReport.Drops d : r.bagDrops()) drops.add(new RunReport.Drop("inserts into bag " + d.name(), d.count()));
        drops.add(new RunReport.Drop("output records (ring full)", r.ringDrops()));
        drops.add(new RunReport.Drop("malformed output records", r.malformedRecords()));
        return new RunReport(clauses, drops, r.pendingAggregates());
    }

    /** Integer global g of the loaded program on vcpu (or FiringContext.HOST). */
    public long intGlobal(int g, int vcpu) { return runtime.intGlobal(g, vcpu); }

    /** String global g of the loaded program on vcpu (or FiringContext.HOST). */
    public String stringGlobal(int g, int vcpu) { return runtime.stringGlobal(g, vcpu); }

    /** Delivers the output the rings hold now (the drainer does this every few milliseconds). */
    public void drain() { runtime.drain(); }

    /** Unmaps the arena: the attached harness, whose vCPUs write the firing blocks in it, must be closed first. */
    @Override
    public synchronized void close() {
        if (harness != null && !harness.stopped())
            throw new IllegalStateException("close the harness before its probe engine: its vCPUs write firing data in the engine's memory");
        runtime.close();
    }
}
