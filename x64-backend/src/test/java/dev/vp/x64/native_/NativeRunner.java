// A test-only loader: lays out a NativeProgram per the Abi in native memory and fires its probes like the runtime.
package dev.vp.x64.native_;

import static dev.vp.x64.abi.Abi.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.vp.compiler.interp.FiringResult;
import dev.vp.compiler.interp.GuestContext;
import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.output.AggregatePrinter;
import dev.vp.compiler.output.AggregateTable;
import dev.vp.compiler.output.FormatSpec;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.compiler.output.OutputSink;
import dev.vp.compiler.output.PrintfFormatter;
import dev.vp.x64.NativeProgram;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the text (mmap, then mprotect read+execute: W^X), and allocates contexts (one per vCPU plus the host's),
 * register files, per-vCPU data, the global and shared blocks, rodata and output rings. fire() copies a
 * GuestContext's built-ins into the register files and context as the runtime would, calls the entry through a
 * critical downcall, then drains the ring into the sink formatted as the host consumer does (PrintfFormatter,
 * AggregatePrinter). The text runs from any address: vmm-runtime's NativeArena is the real home for it.
 */
public final class NativeRunner implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("mmap"),
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MPROTECT = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("mprotect"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("munmap"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle ENTRY = LINKER.downcallHandle(FunctionDescriptor.ofVoid(ADDRESS, ADDRESS), Linker.Option.critical(false));
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final IrProgram program;
    private final NativeProgram code;
    private final int vcpus;
    private final MemorySegment ram;
    private final OutputSink sink;
    private final Arena arena = Arena.ofShared();
    private final long textBase, textSize;
    private final MemorySegment[] ctx, regs, sregs, data, rings;
    private final MemorySegment global, shared, rodata;
    private final MemorySegment[] entries, ctxArgument, fieldsArgument;
    private final FormatSpec[] formats;

    public NativeRunner(IrProgram program, NativeProgram code, int vcpus, MemorySegment ram, long ringCapacity, OutputSink sink) {
        this.program = program;
        this.code = code;
        this.vcpus = vcpus;
        this.ram = ram;
        this.sink = sink;
        byte[] text = code.text();
        textSize = (text.length + 4095) & ~4095L;
        try {
            var mapped = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, textSize, 3, 0x22, -1, 0L);
            textBase = mapped.address();
            MemorySegment.copy(MemorySegment.ofArray(text), 0, mapped.reinterpret(textSize), 0, text.length);
            if ((int) MPROTECT.invokeExact(mapped, textSize, 5) != 0) throw new IllegalStateException("mprotect failed");
        } catch (Throwable t) {
            throw new IllegalStateException("cannot map the text", t);
        }
        int contexts = vcpus + 1;
        ctx = new MemorySegment[contexts];
        regs = new MemorySegment[contexts];
        sregs = new MemorySegment[contexts];
        data = new MemorySegment[contexts];
        rings = new MemorySegment[contexts];
        NativeProgram.Layout layout = code.layout();
        global = arena.allocate(layout.globalBytes(), 64);
        MemorySegment.copy(MemorySegment.ofArray(layout.globalInit()), 0, global, 0, layout.globalBytes());
        shared = arena.allocate(layout.sharedBytes(), 64);
        byte[] ro = code.rodata();
        rodata = arena.allocate(Math.max(ro.length, 8), 64);
        MemorySegment.copy(MemorySegment.ofArray(ro), 0, rodata, 0, ro.length);
        MemorySegment contextTable = arena.allocate(8L * contexts, 64);
        for (int c = 0; c < contexts; c++) {
            // The per-vCPU data block follows the context block (Abi.vcpuData).
            long ctxBytes = vcpuData(program.probes().size());
            MemorySegment both = arena.allocate(ctxBytes + layout.perVcpuBytes(), 64);
            ctx[c] = both.asSlice(0, ctxBytes);
            regs[c] = arena.allocate(256, 64);
            sregs[c] = arena.allocate(512, 64);
            data[c] = both.asSlice(ctxBytes, layout.perVcpuBytes());
            MemorySegment.copy(MemorySegment.ofArray(layout.perVcpuInit()), 0, data[c], 0, layout.perVcpuBytes());
            rings[c] = arena.allocate(RING_DATA + ringCapacity, 64);
            rings[c].set(LONG, RING_CAPACITY, ringCapacity);
            MemorySegment x = ctx[c];
            x.set(LONG, CTX_REGS, regs[c].address());
            x.set(LONG, CTX_SREGS, sregs[c].address());
            x.set(LONG, CTX_RAM_BASE, ram.address());
            x.set(LONG, CTX_RAM_SIZE, ram.byteSize());
            x.set(LONG, CTX_GLOBAL_DATA, global.address());
            x.set(LONG, CTX_RING, rings[c].address());
            x.set(LONG, CTX_FUEL_BUDGET, program.limits().loopFuel());
            x.set(LONG, CTX_STACK_BUDGET, program.limits().stackBytes());
            x.set(LONG, CTX_VCPUID, c == vcpus ? -1 : c);
            x.set(LONG, CTX_NUMVCPUS, vcpus);
            x.set(LONG, CTX_RODATA, rodata.address());
            x.set(LONG, CTX_SHARED, shared.address());
            x.set(LONG, CTX_CONTEXTS, contextTable.address());
            x.set(LONG, CTX_CONTEXT_COUNT, contexts);
            contextTable.setAtIndex(LONG, c, x.address());
            x.set(LONG, CTX_TLB_USED, 1);
            x.set(LONG, CTX_TIME_TSC, -1L);
        }
        ctxArgument = new MemorySegment[contexts];
        fieldsArgument = new MemorySegment[contexts];
        for (int c = 0; c < contexts; c++) { // plain addresses: no scope check per call
            ctxArgument[c] = MemorySegment.ofAddress(ctx[c].address());
            fieldsArgument[c] = MemorySegment.ofAddress(ctx[c].address() + CTX_OWN_FIELDS);
        }
        entries = new MemorySegment[program.probes().size()];
        for (int p = 0; p < entries.length; p++) entries[p] = MemorySegment.ofAddress(textBase + code.probes().get(p).entryOffset());
        formats = new FormatSpec[program.formats().size()];
        for (int f = 0; f < formats.length; f++) formats[f] = (FormatSpec) FormatSpec.parse(program.formats().get(f).text());
    }

    private int context(int vcpu) { return vcpu < 0 ? vcpus : vcpu; }

    /** Copies the guest's built-ins into context c's register files and block (what the runtime does per exit). */
    public void prepare(int vcpu, GuestContext guest) {
        int c = context(vcpu);
        writeRegisters(guest, regs[c], sregs[c]);
        MemorySegment x = ctx[c];
        for (int i = 0; i < 10; i++) x.set(LONG, CTX_OWN_FIELDS + FIELDS_ARGS + 8L * i, guest.read(Builtin.values()[Builtin.ARG0.ordinal() + i]));
        x.set(LONG, CTX_TSC_HZ, guest.read(Builtin.TSC_HZ));
        x.set(LONG, CTX_OWN_FIELDS + FIELDS_EXIT_REASON, guest.read(Builtin.EXIT_REASON));
        x.set(LONG, CTX_OWN_FIELDS + FIELDS_VMCS_EXIT_REASON, guest.read(Builtin.VMCS_EXIT_REASON));
        x.set(LONG, CTX_OWN_FIELDS + FIELDS_VMCS_EXIT_QUAL, guest.read(Builtin.VMCS_EXIT_QUAL));
        x.set(LONG, CTX_OWN_FIELDS + FIELDS_VMCS_EXIT_INTR_INFO, guest.read(Builtin.VMCS_EXIT_INTR_INFO));
        x.set(LONG, CTX_DR6, guest.read(Builtin.DR6));
        x.set(LONG, CTX_DR7, guest.read(Builtin.DR7));
        x.set(LONG, CTX_KERNELGSBASE, guest.read(Builtin.KERNELGSBASE));
        x.set(LONG, CTX_PCPUID, guest.read(Builtin.PCPUID));
        x.set(LONG, CTX_THREADID, guest.read(Builtin.THREADID));
        x.set(LONG, CTX_TSC, guest.read(Builtin.TSC));
        x.set(LONG, CTX_TIME_MICROS, guest.hostMicros());
    }

    /**
     * The guest's general registers into r and its segment, descriptor-table and control registers into s,
     * laid out as KVM's kvm_regs and kvm_sregs (what the runtime's register files hold).
     */
    public static void writeRegisters(GuestContext guest, MemorySegment r, MemorySegment s) {
        Builtin[] gprs = {Builtin.RAX, Builtin.RBX, Builtin.RCX, Builtin.RDX, Builtin.RSI, Builtin.RDI, Builtin.RSP, Builtin.RBP,
                Builtin.R8, Builtin.R9, Builtin.R10, Builtin.R11, Builtin.R12, Builtin.R13, Builtin.R14, Builtin.R15, Builtin.RIP, Builtin.RFLAGS};
        for (int i = 0; i < gprs.length; i++) r.set(LONG, 8L * i, guest.read(gprs[i]));
        segment(s, KVM_SREGS_CS, guest, Builtin.CS, Builtin.CSBASE, Builtin.CSLIMIT, Builtin.CSAR);
        segment(s, KVM_SREGS_DS, guest, Builtin.DS, Builtin.DSBASE, Builtin.DSLIMIT, Builtin.DSAR);
        segment(s, KVM_SREGS_ES, guest, Builtin.ES, Builtin.ESBASE, Builtin.ESLIMIT, Builtin.ESAR);
        segment(s, KVM_SREGS_FS, guest, Builtin.FS, Builtin.FSBASE, Builtin.FSLIMIT, Builtin.FSAR);
        segment(s, KVM_SREGS_GS, guest, Builtin.GS, Builtin.GSBASE, Builtin.GSLIMIT, Builtin.GSAR);
        segment(s, KVM_SREGS_SS, guest, Builtin.SS, Builtin.SSBASE, Builtin.SSLIMIT, Builtin.SSAR);
        s.set(LONG, KVM_SREGS_GDT, guest.read(Builtin.GDTRBASE));
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, KVM_SREGS_GDT + 8, (short) guest.read(Builtin.GDTRLIMIT));
        s.set(LONG, KVM_SREGS_IDT, guest.read(Builtin.IDTRBASE));
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, KVM_SREGS_IDT + 8, (short) guest.read(Builtin.IDTRLIMIT));
        s.set(LONG, KVM_SREGS_CR0, guest.read(Builtin.CR0));
        s.set(LONG, KVM_SREGS_CR2, guest.read(Builtin.CR2));
        s.set(LONG, KVM_SREGS_CR3, guest.read(Builtin.CR3));
        s.set(LONG, KVM_SREGS_CR4, guest.read(Builtin.CR4));
        s.set(LONG, KVM_SREGS_CR8, guest.read(Builtin.CR8));
        s.set(LONG, KVM_SREGS_EFER, guest.read(Builtin.EFER));
    }

    private static void segment(MemorySegment s, int at, GuestContext g, Builtin selector, Builtin base, Builtin limit, Builtin ar) {
        s.set(LONG, at + SEG_BASE, g.read(base));
        s.set(ValueLayout.JAVA_INT_UNALIGNED, at + SEG_LIMIT, (int) g.read(limit));
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + SEG_SELECTOR, (short) g.read(selector));
        long v = g.read(ar);
        int[][] fields = {{SEG_TYPE, 0, 15}, {SEG_S, 4, 1}, {SEG_DPL, 5, 3}, {SEG_PRESENT, 7, 1}, {SEG_AVL, 12, 1}, {SEG_L, 13, 1},
                {SEG_DB, 14, 1}, {SEG_G, 15, 1}, {SEG_UNUSABLE, 16, 1}};
        for (int[] f : fields) s.set(ValueLayout.JAVA_BYTE, at + f[0], (byte) ((v >>> f[1]) & f[2]));
    }

    /** Runs the probe once on vcpu (or -1 for the host) after prepare(); drains the ring; returns the outcome. */
    public FiringResult fire(int probe, int vcpu) {
        FiringResult r = call(probe, vcpu);
        drain(vcpu);
        return r;
    }

    /** The bare call, no allocation: the outcome stays in the context block. */
    public long fireRaw(int probe, int vcpu) {
        int c = context(vcpu);
        MemorySegment x = ctx[c];
        try {
            ENTRY.invokeExact(entries[probe], ctxArgument[c], fieldsArgument[c]);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return x.get(LONG, CTX_OUTCOME);
    }

    private FiringResult call(int probe, int vcpu) {
        long outcome = fireRaw(probe, vcpu);
        MemorySegment x = ctx[context(vcpu)];
        if (outcome == 0) return FiringResult.COMPLETED;
        if (outcome == 1) return FiringResult.EXITED;
        Cause cause = Cause.values()[(int) outcome - 2];
        String desc = x.getString(CTX_EXC_DESC, StandardCharsets.ISO_8859_1);
        return FiringResult.cancelled(cause, code.locAt(x.get(LONG, CTX_CANCEL_PC)), desc);
    }

    /** Formats and consumes every record in a context's ring. */
    public void drain(int vcpu) {
        MemorySegment ring = rings[context(vcpu)];
        long head = ring.get(LONG, RING_HEAD), tail = ring.get(LONG, RING_TAIL), capacity = ring.get(LONG, RING_CAPACITY);
        while (tail < head) {
            long at = RING_DATA + (tail & (capacity - 1));
            int length = ring.get(ValueLayout.JAVA_INT_UNALIGNED, at + REC_LENGTH);
            int type = ring.get(ValueLayout.JAVA_INT_UNALIGNED, at + REC_TYPE);
            if (length <= 0 || (length & 7) != 0) throw new IllegalStateException("bad record length " + length + " at " + tail);
            tail += length;
            if (type == REC_PAD) continue; // only its length and type: it may end the data area 8 bytes after them
            long tsc = ring.get(LONG, at + REC_TSC);
            int id = ring.get(ValueLayout.JAVA_INT_UNALIGNED, at + REC_ID);
            int count = ring.get(ValueLayout.JAVA_INT_UNALIGNED, at + REC_ARGC);
            switch (type) {
                case REC_PRINTF -> sink.accept(new OutputRecord(vcpu, tsc, PrintfFormatter.format(formats[id], printfArgs(ring, at + REC_ARGS, id, count))));
                case REC_LOGAGGR -> sink.accept(new OutputRecord(vcpu, tsc, logaggr(ring, at + REC_ARGS, id, count)));
                default -> throw new IllegalStateException("unknown record type " + type);
            }
        }
        ring.set(LONG, RING_TAIL, tail);
    }

    private List<PrintfFormatter.Arg> printfArgs(MemorySegment ring, long at, int format, int count) {
        var out = new ArrayList<PrintfFormatter.Arg>();
        List<Boolean> kinds = program.formats().get(format).stringArgs();
        for (int i = 0; i < count; i++) {
            long v = ring.get(LONG, at);
            at += 8;
            if (kinds.get(i)) {
                byte[] bytes = ring.asSlice(at, v).toArray(ValueLayout.JAVA_BYTE);
                out.add(PrintfFormatter.of(new String(bytes, StandardCharsets.ISO_8859_1)));
                at += (v + 7) & ~7L;
            } else {
                out.add(PrintfFormatter.of(v));
            }
        }
        return out;
    }

    /** A REC_LOGAGGR record: per context {n, dropped} and n entries, merged in context order. */
    private String logaggr(MemorySegment ring, long at, int aggr, int contexts) {
        IrProgram.Aggr def = program.aggrs().get(aggr);
        long size = DataLayout.aggrEntryBytes(def);
        var tables = new ArrayList<AggregateTable>();
        for (int c = 0; c < contexts; c++) {
            var t = new AggregateTable(def.intKeys(), def.strKeys(), def.capacity());
            long n = ring.get(LONG, at);
            t.addDropped(ring.get(LONG, at + 8));
            at += 16;
            for (int e = 0; e < n; e++, at += size) addEntry(t, def, ring, at);
            tables.add(t);
        }
        return AggregatePrinter.print(def.name(), tables);
    }

    private static void addEntry(AggregateTable t, IrProgram.Aggr def, MemorySegment s, long entry) {
        long[] ints = new long[def.intKeys()];
        for (int k = 0; k < ints.length; k++) ints[k] = s.get(LONG, entry + ENTRY_KEYS + 8L * k);
        String[] strs = new String[def.strKeys()];
        for (int k = 0; k < strs.length; k++) {
            strs[k] = s.getString(entry + ENTRY_KEYS + 8L * def.intKeys() + 256L * k, StandardCharsets.ISO_8859_1);
        }
        t.addEntry(ints, strs, s.get(LONG, entry + ENTRY_COUNT), s.get(LONG, entry + ENTRY_SUM), s.get(LONG, entry + ENTRY_MIN),
                s.get(LONG, entry + ENTRY_MAX), s.get(LONG, entry + ENTRY_LATEST), s.get(LONG, entry + ENTRY_TIME));
    }

    public long intGlobal(int g, int vcpu) {
        var layout = code.layout();
        return (layout.isPerVcpu(g) ? data[context(vcpu)] : global).get(LONG, layout.globalOffset(g));
    }

    public String stringGlobal(int g, int vcpu) {
        var layout = code.layout();
        return (layout.isPerVcpu(g) ? data[context(vcpu)] : global).getString(layout.globalOffset(g), StandardCharsets.ISO_8859_1);
    }

    /** The aggregate as the unload summary prints it: every context's table of the current generation. */
    public String printAggregate(int aggr) {
        IrProgram.Aggr def = program.aggrs().get(aggr);
        long generation = shared.get(LONG, code.layout().generationOffset(aggr));
        var tables = new ArrayList<AggregateTable>();
        for (int c = 0; c <= vcpus; c++) {
            var t = new AggregateTable(def.intKeys(), def.strKeys(), def.capacity());
            readLive(t, aggr, c, generation);
            tables.add(t);
        }
        return AggregatePrinter.print(def.name(), tables);
    }

    /** Context c's live table of the aggregate into t, when it belongs to the given generation. */
    private void readLive(AggregateTable t, int aggr, int c, long generation) {
        IrProgram.Aggr def = program.aggrs().get(aggr);
        MemorySegment table = data[c].asSlice(code.layout().aggrTableOffset(aggr));
        if (table.get(LONG, AGGR_GENERATION) != generation) return;
        t.addDropped(table.get(LONG, AGGR_DROPPED));
        long size = DataLayout.aggrEntryBytes(def);
        for (int e = 0; e < def.capacity(); e++) {
            long entry = AGGR_ENTRIES + e * size;
            if (table.get(LONG, entry + ENTRY_HASH) != 0) addEntry(t, def, table, entry);
        }
    }

    public long bagDrops(int bag) { return shared.get(LONG, code.layout().bagOffset(bag) + BAG_DROPPED); }

    /** The context block of a vCPU (or -1 for the host). */
    public MemorySegment contextBlock(int vcpu) { return ctx[context(vcpu)]; }

    /** The fields block (ARG0..ARG9, exit fields; Abi.FIELDS_*) the runner passes to vcpu's firings. */
    public MemorySegment fieldsBlock(int vcpu) { return ctx[context(vcpu)].asSlice(CTX_OWN_FIELDS, FIELDS_SIZE); }

    @Override public void close() {
        try {
            int rc = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(textBase), textSize);
            if (rc != 0) throw new IllegalStateException("munmap failed");
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
    }
}
