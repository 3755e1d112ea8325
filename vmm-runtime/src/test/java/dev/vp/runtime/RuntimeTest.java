// The runtime with hand-assembled images: load, fire, output, cancellations, drops, refusals and replacement.
package dev.vp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.interp.ProbeCounters.CancelSite;
import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.lang.Domain;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.x64.abi.Abi;
import dev.vp.x64.image.ProbeImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RuntimeTest {
    static final int PRINT = 0, CANCEL = 1, EMPTY = 2, EXIT = 3, STRINGS = 4;

    private final Arena native_ = Arena.ofShared();
    private final List<OutputRecord> out = new ArrayList<>();
    private final AtomicInteger disarms = new AtomicInteger();
    private Runtime runtime;

    @BeforeEach
    void start() {
        runtime = new Runtime(new RuntimeConfig(64 << 10, 1 << 20, 4096, 64 << 10));
        runtime.addSink(out::add);
    }

    @AfterEach
    void stop() {
        runtime.close();
        native_.close();
    }

    GuestBinding binding(int vcpus) {
        MemorySegment ram = native_.allocate(4096, 4096);
        var list = new ArrayList<GuestBinding.Vcpu>();
        for (int i = 0; i < vcpus; i++) {
            MemorySegment regs = native_.allocate(1024, 64);
            list.add(new GuestBinding.Vcpu(regs.address(), regs.address() + 256, 1));
        }
        return new GuestBinding(ram.address(), ram.byteSize(), 1_000_000_000L, list, disarms::incrementAndGet);
    }

    /** PRINT prints ARG0, CANCEL divides by zero at line 21, EMPTY completes, EXIT exits, STRINGS prints a string; plus Load/Unload. */
    static HandProgram standard(String prefix) {
        var p = new HandProgram().formatPrefix(prefix);
        p.clause("HV_Exit", "HV_Exit", Domain.VMM, 10, a -> { HandProgram.printf(a, 0, null, HandProgram.ARG0); HandProgram.complete(a); });
        p.clause("In", "In", Domain.VMM, 20, a -> p.cancel(a, 21, Cause.DIVISION_BY_ZERO, "division-by-zero"));
        p.clause("VMM1Hz", "VMM1Hz", Domain.VMM, 30, HandProgram::complete);
        p.clause("Out", "Out", Domain.VMM, 40, a -> { a.mov(dev.vp.x64.asm.Size.QWORD, dev.vp.x64.asm.Mem.of(dev.vp.x64.asm.Reg.RDI, Abi.CTX_OUTCOME), 1); a.ret(); });
        p.clause("VMX1Hz", "VMX1Hz", Domain.VMX, 50, a -> {
            HandProgram.printf(a, 2, "hi", HandProgram.ARG0, Abi.CTX_VCPUID);
            HandProgram.complete(a);
        });
        p.clause("VMMLoad", "VMMLoad", Domain.VMM, 60, a -> { HandProgram.printf(a, 1, null, Abi.CTX_VCPUID); HandProgram.complete(a); });
        p.clause("VMMUnload", "VMMUnload", Domain.VMM, 70, a -> { HandProgram.printf(a, 0, null, Abi.CTX_VCPUID); HandProgram.complete(a); });
        return p;
    }

    private List<String> texts() {
        var t = new ArrayList<String>();
        for (OutputRecord r : out) t.add(r.vcpu() + "@" + r.timestamp() + ":" + r.text());
        out.clear();
        return t;
    }

    @Test
    void loadRunsLoadProbesAndOutputIsMergedByTsc() throws Exception {
        runtime.load(standard("").build(), binding(2));
        runtime.drain();
        assertEquals(List.of("0@0:loaded on vCPU 0\n", "1@0:loaded on vCPU 1\n"), texts());
        runtime.setTsc(1, 200);
        runtime.setArgs(1, 11);
        assertEquals(Runtime.COMPLETED, runtime.fire(PRINT, 1));
        runtime.setTsc(0, 100);
        runtime.setArgs(0, 22);
        assertEquals(Runtime.COMPLETED, runtime.fire(PRINT, 0));
        runtime.setTsc(Runtime.HOST, 150);
        runtime.setArgs(Runtime.HOST, -5);
        assertEquals(Runtime.COMPLETED, runtime.fire(STRINGS, Runtime.HOST));
        assertEquals(3, runtime.drain());
        assertEquals(List.of("0@100:value 22\n", "-1@150:hi -5 -1\n", "1@200:value 11\n"), texts());
    }

    @Test
    void cancellationsAndExitsAreCountedWithTheirLine() throws Exception {
        runtime.load(standard("").build(), binding(2));
        for (int i = 0; i < 3; i++) assertEquals(2 + Cause.DIVISION_BY_ZERO.ordinal(), runtime.fire(CANCEL, i % 2));
        assertEquals(Runtime.EXITED, runtime.fire(EXIT, 0));
        RuntimeReport report = runtime.report();
        RuntimeReport.Clause cancel = report.clauses().get(CANCEL);
        assertEquals(3, cancel.firings());
        assertEquals(3, cancel.cancellations());
        assertEquals(List.of(new CancelSite(Cause.DIVISION_BY_ZERO, new Loc(HandProgram.FILE, 21), 3, "division-by-zero")), cancel.sites());
        assertEquals(1, report.clauses().get(EXIT).exits());
        assertEquals(2, report.clauses().get(5).firings(), "VMMLoad ran once per vCPU");
        assertTrue(report.text().contains("probe In (hand.emt:20): 3 firings, 3 cancelled\n  3 x division-by-zero at hand.emt:21, the latest: division-by-zero\n"),
                report.text());
    }

    @Test
    void ringFullDropsAreCountedExactly() throws Exception {
        runtime.load(standard("").build(), binding(1));
        runtime.drain();
        texts();
        int fired = 1000;
        for (int i = 0; i < fired; i++) {
            runtime.setArg(0, 0, i);
            runtime.fire(PRINT, 0);
        }
        int delivered = runtime.drain();
        RuntimeReport report = runtime.report();
        assertTrue(report.ringDrops() > 0, "a 4 KB ring cannot hold 1000 32-byte records");
        assertEquals(fired, delivered + report.ringDrops());
        assertTrue(report.text().contains("output: " + report.ringDrops() + " records dropped (ring full)"), report.text());
        List<String> got = texts();
        for (int i = 0; i < delivered; i++) assertEquals("0@0:value " + i + "\n", got.get(i), "the first records are kept in order");
    }

    @Test
    void wrappingRingsDeliverEverythingInOrder() throws Exception {
        runtime.load(standard("").build(), binding(1));
        runtime.drain();
        texts();
        int fired = 20_000, delivered = 0;
        for (int i = 0; i < fired; i++) {
            runtime.setArg(0, 0, i);
            runtime.fire(PRINT, 0);
            if (i % 37 == 36) delivered += runtime.drain();
        }
        delivered += runtime.drain();
        assertEquals(fired, delivered);
        assertEquals(0, runtime.report().ringDrops());
        assertEquals(0, runtime.report().malformedRecords());
        List<String> got = texts();
        for (int i = 0; i < fired; i++) assertEquals("0@0:value " + i + "\n", got.get(i));
    }

    @Test
    void anImageThatDoesNotFitIsRefusedWithTheFiguresAndTheOldOneRuns() throws Exception {
        runtime.load(standard("old ").build(), binding(1));
        ProbeImage big = standard("new ").vcpuBlockBytes(600_008).build();
        var e = assertThrows(ImageRefusedException.class, () -> runtime.load(big, binding(1)));
        // 2 contexts of: a context block of 832 (768 + 7 firing counters, rounded to 64), 600,008 bytes of per-vCPU data
        // padded to 600,064, a ring of 64 + 4,096; rodata 64; the runtime's scratch 64, firing blocks 1,024 and host
        // registers 1,024
        assertEquals("data needs 1,212,352 bytes, the arena has 1,048,576: 2 contexts of 605,056 bytes (context block 832, "
                + "per-vCPU data 600,064, ring 4,160), global 0, shared 0, rodata 64, runtime 2,176", e.getMessage());
        assertEquals(0, disarms.get(), "a refused load does not disarm the running image");
        runtime.drain();
        texts();
        runtime.setArgs(0, 5);
        assertEquals(Runtime.COMPLETED, runtime.fire(PRINT, 0));
        runtime.drain();
        assertEquals(List.of("0@0:old value 5\n"), texts());
    }

    @Test
    void aMalformedImageIsRefusedBeforeAnythingChanges() throws Exception {
        runtime.load(standard("").build(), binding(1));
        ProbeImage good = standard("").build();
        var probes = new ArrayList<>(good.probes());
        ProbeImage.Probe p = probes.get(0);
        probes.set(0, new ProbeImage.Probe(p.spec(), p.point(), p.domain(), p.symbol(), p.address(), p.periodNs(), 0x1f40, p.codeSize(),
                p.stackNeed(), p.readsVcpuState(), p.needsIoctl(), p.loc()));
        var bad = new ProbeImage(good.abiVersion(), good.text(), good.rodata(), good.data(), probes, good.relocations(), good.lines(), good.budget());
        var e = assertThrows(ImageRefusedException.class, () -> runtime.load(bad, binding(1)));
        assertTrue(e.getMessage().contains("probe 0 entry offset 0x1f40 is outside the text"), e.getMessage());
        assertEquals(Runtime.COMPLETED, runtime.fire(EMPTY, 0));
        assertEquals(0, disarms.get());
    }

    @Test
    void replacingAnImageUnloadsTheOldOneFirst() throws Exception {
        runtime.load(standard("A ").build(), binding(2));
        runtime.setArgs(0, 1);
        runtime.fire(PRINT, 0);
        runtime.fire(CANCEL, 1);
        runtime.load(standard("B ").build(), binding(2));
        assertEquals(1, disarms.get());
        runtime.setArgs(0, 2);
        runtime.fire(PRINT, 0);
        runtime.drain();
        // Load and Unload output is delivered firing by firing; the firings' equal TSCs merge in context order, and A's
        // VMMUnload prints VCPUID with format 0.
        assertEquals(List.of("0@0:A loaded on vCPU 0\n", "1@0:A loaded on vCPU 1\n", "0@0:A value 1\n", "0@0:A value 0\n",
                "1@0:A value 1\n", "0@0:B loaded on vCPU 0\n", "1@0:B loaded on vCPU 1\n", "0@0:B value 2\n"), texts());
        RuntimeReport report = runtime.report();
        assertEquals(0, report.clauses().get(CANCEL).cancellations(), "counters start again with the new image");
        RuntimeReport last = runtime.unload();
        assertEquals(1, last.clauses().get(PRINT).firings());
        assertEquals(Runtime.NOT_LOADED, runtime.fire(PRINT, 0));
        assertEquals(last, runtime.report());
    }

    @Test
    void firingBlocksLieInTheDataPageAndOutliveLoads() throws Exception {
        MemorySegment blocks = runtime.firingBlocks();
        long data = blocks.address() - 64;
        assertEquals(0, blocks.address() % 64);
        assertTrue(blocks.byteSize() >= 5 * 128, "room for four vCPUs and the host");
        blocks.set(ValueLayout.JAVA_LONG, 128 + Abi.FIELDS_ARGS, 41);
        runtime.load(standard("A ").build(), binding(2));
        runtime.load(standard("B ").build(), binding(2));
        assertEquals(41, blocks.get(ValueLayout.JAVA_LONG, 128 + Abi.FIELDS_ARGS), "loading leaves the caller's blocks alone");
        runtime.fire(PRINT, 1, blocks.address() + 128);
        runtime.drain();
        assertTrue(texts().contains("1@0:B value 41\n"), "the firing reads ARG0 from the block it was given");
        // a small image's context blocks and their per-vCPU data (aggregate tables) share the blocks' huge page
        LoadedImage l = runtime.loadedForTests();
        for (int c = 0; c < l.contexts; c++) {
            assertEquals(Abi.vcpuData(l.image.probes().size()), l.blockOffset[c] - l.ctxOffset[c], "per-vCPU data follows context " + c);
            assertTrue(l.blockOffset[c] + l.image.data().vcpuBlockBytes() <= (2 << 20) - (data % (2 << 20)), "context " + c + " in the page");
        }
    }

    /** A script compiled by the real compiler and backend, for the default catalog. */
    private static ProbeImage compiled(String script) {
        var diags = new dev.vp.compiler.diag.Diagnostics();
        var loader = new dev.vp.compiler.pp.FileSystemSourceLoader();
        var options = dev.vp.compiler.ScriptSetup.resolve(null, dev.vp.compiler.ScriptSetup.Flags.NONE, loader, diags);
        var c = dev.vp.compiler.Compiler.compile(new dev.vp.compiler.source.SourceFile("t.emt", script), options, loader);
        assertTrue(!c.hasErrors(), () -> c.diagnostics().toString());
        return dev.vp.x64.image.ImageBuilder.build(c.ir());
    }

    @Test
    void globalsAreInitialisedInEveryContext() throws Exception {
        runtime.load(standard("").build(), binding(2));
        assertEquals(7, runtime.dataForTests().get(ValueLayout.JAVA_LONG, runtime.loadedForTests().blockOffset[1]));
    }

    @Test
    void logaggrPrintsEveryVcpusTableAsTheCallFoundItEvenWhenAClearFollows() throws Exception {
        // The host formats records later, after vCPU 1 has emptied its table for the clear: the record must carry it.
        runtime.load(compiled("""
                HV_Exit { hits[VCPUID]++; }
                VMM10Hz { logaggr(hits); clearaggr(hits); }
                """), binding(2));
        texts();
        runtime.fire(0, 0);
        runtime.fire(0, 1);
        runtime.fire(0, 1);
        runtime.fire(1, 0);
        runtime.fire(0, 1);
        runtime.fire(1, 0);
        runtime.drain();
        List<String> logged = texts().stream().map(t -> t.substring(t.indexOf(':') + 1)).toList();
        assertEquals(List.of("aggr: hits (1 integer key) (0 string keys)\nhits[0x0] == avg 1 count 1 min 1 max 1 latest 1\n"
                        + "hits[0x1] == avg 1 count 2 min 1 max 1 latest 1\n",
                "aggr: hits (1 integer key) (0 string keys)\nhits[0x1] == avg 1 count 1 min 1 max 1 latest 1\n"), logged);
    }

    @Test
    void aCancellationSiteShowsItsLatestDescriptionOverAllVcpus() throws Exception {
        runtime.load(compiled("""
                VMM10Hz { long x; x = *(long *)(VCPUID == 0 ? 0x7ff000000 : 0x7ff001000); }
                """), binding(2));
        runtime.fire(0, 1);
        runtime.fire(0, 0);
        assertTrue(runtime.report().text().contains("2 x guest-fault at t.emt:1, the latest: guest-fault: cannot read 8 bytes at 0x7ff000000\n"),
                runtime.report().text());
        runtime.fire(0, 1);
        assertTrue(runtime.report().text().contains("3 x guest-fault at t.emt:1, the latest: guest-fault: cannot read 8 bytes at 0x7ff001000\n"),
                runtime.report().text());
    }

    @Test
    void firingWhileImagesAreReplacedNeverSeesHalfAnImage() throws Exception {
        runtime.load(standard("").build(), binding(1));
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var bad = new AtomicInteger();
        var fired = new AtomicInteger();
        Thread firing = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                int r = runtime.fire(EMPTY, 0);
                if (r == Runtime.COMPLETED) fired.incrementAndGet();
                else if (r != Runtime.NOT_LOADED) bad.incrementAndGet();
            }
        });
        for (int i = 0; i < 50; i++) runtime.load(standard("v" + i + " ").build(), binding(1));
        stop.set(true);
        firing.join();
        assertEquals(0, bad.get());
        assertTrue(fired.get() > 0);
    }

    @Test
    void firingAllocatesNothing() throws Exception {
        runtime.load(standard("").build(), binding(1));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long fewest = Long.MAX_VALUE; // best of the rounds after warm-up: a late recompilation may allocate once
        for (int round = 0; round < 5; round++) {
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 1_000_000; i++) {
                runtime.setArg(0, 0, i);
                runtime.fire(EMPTY, 0);
                runtime.fire(PRINT, 0);   // the ring fills and drops: the drop path too
                if ((i & 1023) == 0) runtime.fire(CANCEL, 0);
            }
            if (round >= 2) fewest = Math.min(fewest, threads.getThreadAllocatedBytes(id) - before);
        }
        assertEquals(0, fewest, "bytes allocated over a million firings after warm-up");
    }

    @Test
    void nothingLoadedMeansNoReport() {
        assertNull(runtime.report());
        assertEquals(Runtime.NOT_LOADED, runtime.fire(0, 0));
    }
}
