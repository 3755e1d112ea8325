// The compiler's IR test programs end to end: IR -> native code -> .vpo bytes -> reader -> Runtime, against the interpreter.
package dev.vp.runtime;

import static dev.vp.x64.abi.Abi.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.interp.FiringResult;
import dev.vp.compiler.interp.GuestMemory;
import dev.vp.compiler.interp.GuestState;
import dev.vp.compiler.interp.Interpreter;
import dev.vp.compiler.interp.IrFileScript;
import dev.vp.compiler.interp.ProbeCounters;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.lang.Builtin;
import dev.vp.x64.image.ImageBuilder;
import dev.vp.x64.image.ProbeImage;
import dev.vp.x64.image.ProbeImageReader;
import dev.vp.x64.image.ProbeImageWriter;
import dev.vp.x64.native_.NativeRunner;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Carries out each IR file's directives (IrFileTest's: vcpus, ram, map, poke, poke64, set, fire, report) on the
 * interpreter and on the runtime with the image that went through the .vpo writer and reader. After every
 * firing the output text, the outcome and every global must be equal (Load and Unload clauses run on both as
 * the runtime runs them, their output not compared: see start); at the end the per-clause counts,
 * cancellation sites (cause, line, count, description), bag and aggregate drops and the aggregates pending a
 * logaggr must be equal too.
 */
class IrFilesImageTest {
    static final Path IR_DIR = Path.of("..", "compiler", "src", "test", "resources", "ir");
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    @TestFactory
    Stream<DynamicTest> irFiles() throws IOException {
        return IrFileScript.tests(IR_DIR, IrFilesImageTest::run);
    }

    static void run(IrFileScript script) throws Exception {
        ProbeImage image = ProbeImageReader.read(ProbeImageWriter.write(ImageBuilder.build(script.program)));
        try (Arena arena = Arena.ofShared(); var engines = new Engines(script.program, image, arena)) {
            script.run(engines);
            engines.compareReports(script.name);
        }
    }

    /**
     * The interpreter and the runtime side by side; every firing is compared here, so the transcript stays empty
     * (start drops the Load clauses' output, and the counts are compared at unload instead of by `report`).
     */
    private static final class Engines implements IrFileScript.Engines, IrFileScript.Engine, AutoCloseable {
        private final IrProgram program;
        private final ProbeImage image;
        private final Arena arena;
        private final StringBuilder interpOut = new StringBuilder(), nativeOut = new StringBuilder();
        private int vcpus;
        private MemorySegment ram, fields;
        private MemorySegment[] regs;
        private Interpreter interp;
        private Runtime runtime;

        Engines(IrProgram program, ProbeImage image, Arena arena) {
            this.program = program;
            this.image = image;
            this.arena = arena;
        }

        @Override public MemorySegment newRam(long bytes) {
            MemorySegment segment = arena.allocate(bytes, 4096);
            segment.fill((byte) 0);
            return segment;
        }

        @Override public IrFileScript.Engine start(IrProgram program, int vcpus, MemorySegment ram, GuestState guest)
                throws ImageRefusedException {
            this.vcpus = vcpus;
            this.ram = ram;
            interp = new Interpreter(program, vcpus, r -> interpOut.append(r.text()));
            runtime = new Runtime(new RuntimeConfig(256 << 10, 16 << 20, 1 << 20, 1 << 20));
            runtime.addSink(r -> nativeOut.append(r.text()));
            regs = new MemorySegment[vcpus];
            var list = new ArrayList<GuestBinding.Vcpu>();
            for (int v = 0; v < vcpus; v++) {
                regs[v] = arena.allocate(1024, 64);
                list.add(new GuestBinding.Vcpu(regs[v].address(), regs[v].address() + 256, 1));
            }
            fields = arena.allocate(FIELDS_SIZE, 8);
            runtime.load(image, new GuestBinding(ram.address(), ram.byteSize(), 1_000_000_000L, list, () -> { }));
            runtime.drain();
            firePoint("VMMLoad", "VMXLoad");
            // Not compared: the runtime runs a point on every vCPU before draining, and a logaggr record is merged
            // with the other vCPUs' tables as they are when it is drained (Abi), so they already hold later updates.
            interpOut.setLength(0);
            nativeOut.setLength(0);
            return this;
        }

        /** What the runtime does at load and unload, on the interpreter: the VMM point on every vCPU, the VMX one on the host. */
        private void firePoint(String vmm, String vmx) {
            var quiet = new GuestState(new GuestMemory(ram));
            for (int p = 0; p < program.probes().size(); p++) {
                String point = program.probes().get(p).point();
                if (point.equals(vmm)) for (int v = 0; v < vcpus; v++) interp.fire(p, v, quiet);
                else if (point.equals(vmx)) interp.fire(p, Interpreter.HOST, quiet);
            }
        }

        @Override public String fire(int probe, int vcpu, GuestState guest, String where) {
            if (guest.read(Builtin.TSC) == 0) guest.set(Builtin.TSC, 1); // CTX_TSC 0 means the live counter
            int before = interpOut.length(), nativeBefore = nativeOut.length();
            FiringResult expected = interp.fire(probe, vcpu, guest);
            prepare(vcpu, guest);
            int outcome = runtime.fire(probe, vcpu, fields.address());
            runtime.drain();
            assertEquals(interpOut.substring(before), nativeOut.substring(nativeBefore), where + ": output");
            int expectedOutcome = switch (expected.outcome()) {
                case COMPLETED -> Runtime.COMPLETED;
                case EXITED -> Runtime.EXITED;
                case CANCELLED -> 2 + expected.cause().ordinal();
            };
            assertEquals(expectedOutcome, outcome, where + ": outcome (interpreter: " + expected + ")");
            LoadedImage l = runtime.loadedForTests();
            MemorySegment data = runtime.dataForTests();
            for (int g = 0; g < image.data().globals().size(); g++) {
                ProbeImage.Global def = image.data().globals().get(g);
                for (int v = -1; v < vcpus; v++) {
                    int c = v < 0 ? vcpus : v;
                    long at = (def.perVcpu() ? l.blockOffset[c] : l.globalOffset) + def.offset();
                    int iv = v < 0 ? Interpreter.HOST : v;
                    if (def.string()) {
                        assertEquals(interp.stringGlobal(g, iv), data.getString(at, StandardCharsets.ISO_8859_1), where + ": " + def.name());
                    } else {
                        assertEquals(interp.intGlobal(g, iv), data.get(LONG, at), where + ": " + def.name());
                    }
                }
            }
            return "";
        }

        /** The guest's registers into the vCPU's register files, the firing's fields into the block, the rest into the context. */
        private void prepare(int vcpu, GuestState guest) {
            for (int i = 0; i < 10; i++) fields.set(LONG, FIELDS_ARGS + 8L * i, guest.read(Builtin.values()[Builtin.ARG0.ordinal() + i]));
            fields.set(LONG, FIELDS_EXIT_REASON, guest.read(Builtin.EXIT_REASON));
            fields.set(LONG, FIELDS_VMCS_EXIT_REASON, guest.read(Builtin.VMCS_EXIT_REASON));
            fields.set(LONG, FIELDS_VMCS_EXIT_QUAL, guest.read(Builtin.VMCS_EXIT_QUAL));
            fields.set(LONG, FIELDS_VMCS_EXIT_INTR_INFO, guest.read(Builtin.VMCS_EXIT_INTR_INFO));
            LoadedImage l = runtime.loadedForTests();
            MemorySegment data = runtime.dataForTests();
            long ctx = l.ctxOffset[l.context(vcpu < 0 ? Runtime.HOST : vcpu)];
            data.set(LONG, ctx + CTX_TSC, guest.read(Builtin.TSC));
            data.set(LONG, ctx + CTX_TSC_HZ, guest.read(Builtin.TSC_HZ));
            data.set(LONG, ctx + CTX_TIME_TSC, -1L);
            data.set(LONG, ctx + CTX_TIME_MICROS, guest.hostMicros());
            data.set(LONG, ctx + CTX_PCPUID, guest.read(Builtin.PCPUID));
            data.set(LONG, ctx + CTX_THREADID, guest.read(Builtin.THREADID));
            data.set(LONG, ctx + CTX_DR6, guest.read(Builtin.DR6));
            data.set(LONG, ctx + CTX_DR7, guest.read(Builtin.DR7));
            data.set(LONG, ctx + CTX_KERNELGSBASE, guest.read(Builtin.KERNELGSBASE));
            // The IR files give the host the guest's registers too; the harness gives it none (FiringContext.forHost).
            MemorySegment r = vcpu < 0 ? data.asSlice(l.hostRegsOffset, LoadedImage.HOST_REGS_BYTES) : regs[vcpu];
            MemorySegment s = r.asSlice(vcpu < 0 ? LoadedImage.HOST_SREGS : 256);
            NativeRunner.writeRegisters(guest, r, s);
        }

        @Override public String report() { return ""; }

        void compareReports(String name) {
            if (runtime == null) return;
            RuntimeReport report = runtime.unload();
            firePoint("VMMUnload", "VMXUnload");
            for (int p = 0; p < program.probes().size(); p++) {
                ProbeCounters expected = interp.counters(p);
                RuntimeReport.Clause actual = report.clauses().get(p);
                assertEquals(expected.firings(), actual.firings(), name + ": firings of probe " + p);
                assertEquals(expected.exits(), actual.exits(), name + ": exits of probe " + p);
                assertEquals(expected.cancellations(), actual.cancellations(), name + ": cancellations of probe " + p);
                assertEquals(expected.sites().stream().map(Object::toString).sorted().toList(),
                        actual.sites().stream().map(Object::toString).sorted().toList(), name + ": cancellation sites of probe " + p);
            }
            for (int b = 0; b < program.bags().size(); b++) assertEquals(interp.bagDrops(b), report.bagDrops().get(b).count(), name + ": bag drops");
            var pending = new ArrayList<String>();
            for (int a = 0; a < program.aggrs().size(); a++) {
                assertEquals(interp.aggregateDrops(a), report.aggregateDrops().get(a).count(), name + ": aggregate drops");
                if (interp.updatedSinceLog(a)) pending.add(interp.printAggregate(a));
            }
            assertEquals(pending, report.pendingAggregates(), name + ": aggregates pending a logaggr");
        }

        @Override public void close() { if (runtime != null) runtime.close(); }
    }
}
