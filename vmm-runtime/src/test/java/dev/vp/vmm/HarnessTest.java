// Boots minios on KVM and checks what a user of the harness notices: console, scheduling, devices, probes, stop.
package dev.vp.vmm;

import static org.junit.jupiter.api.Assertions.*;

import dev.vp.compiler.symbols.ElfFile;
import dev.vp.vmm.devices.Ports;
import dev.vp.vmm.probes.ProbeEvents;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HarnessTest {
    private static final Pattern TASK_LINE = Pattern.compile("^\\[\\d+\\] (\\w+)\\((\\d+)\\): ");

    /** Counts every probe event; the guestEntry sites are remembered. */
    static final class CountingProbes implements ProbeEvents {
        final AtomicLongArray exitsPerVcpu = new AtomicLongArray(4), resumesPerVcpu = new AtomicLongArray(4);
        final AtomicLong irqs = new AtomicLong(), serialOuts = new AtomicLong(), diskStarts = new AtomicLong(),
                diskFinishes = new AtomicLong(), sends = new AtomicLong(), receives = new AtomicLong(), triples = new AtomicLong();
        final Set<Long> entrySites = ConcurrentHashMap.newKeySet();
        final AtomicLong entries = new AtomicLong();

        @Override public void exit(int vcpu, int reason) { exitsPerVcpu.incrementAndGet(vcpu); }
        @Override public void resume(int vcpu) { resumesPerVcpu.incrementAndGet(vcpu); }
        @Override public void io(int vcpu, int direction, int port, int size, int count) {
            if (port == Ports.SERIAL && direction == IO_OUT) serialOuts.incrementAndGet();
        }
        @Override public void irq(int vcpu, int vector) { if (vector == Ports.TIMER_VECTOR) irqs.incrementAndGet(); }
        @Override public void tripleFault(int vcpu) { triples.incrementAndGet(); }
        @Override public void diskStart(int vcpu, long type, long ctl, long drive, long read, long id, long sector, long count, long sg) {
            diskStarts.incrementAndGet();
        }
        @Override public void diskFinish(int vcpu, long type, long ctl, long drive, long read, long id, long sector, long count, long sg) {
            diskFinishes.incrementAndGet();
        }
        @Override public void macSend(int vcpu, int adapter) { sends.incrementAndGet(); }
        @Override public void macReceive(int vcpu, int adapter) { receives.incrementAndGet(); }
        @Override public void guestEntry(int vcpu, long site) {
            entrySites.add(site);
            entries.incrementAndGet();
        }
    }

    private final List<String> console = new CopyOnWriteArrayList<>();
    private final CountingProbes probes = new CountingProbes();

    @BeforeEach
    void needKvm() { KvmAvailability.require(); }

    private Harness boot(int vcpus) throws IOException {
        return Harness.boot(Harness.minios(), Harness.Config.of(vcpus, console::add).withProbes(probes));
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end)
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; exits per vCPU " + probes.exitsPerVcpu
                        + ", entry hits " + probes.entries + ", last console lines " + console.subList(Math.max(0, console.size() - 5), console.size()));
            Thread.sleep(20);
        }
    }

    private Set<String> tasksSeen() {
        Set<String> names = ConcurrentHashMap.newKeySet();
        for (String line : console) {
            Matcher m = TASK_LINE.matcher(line);
            if (m.find()) names.add(m.group(1));
        }
        return names;
    }

    @Test
    void oneVcpuRunsEveryTaskAndItsDevices() throws Exception {
        try (Harness harness = boot(1)) {
            await("lines from init, shell, diskio, netd and compute", Duration.ofSeconds(10),
                    () -> tasksSeen().containsAll(Set.of("init", "shell", "diskio", "netd", "compute")));
            assertEquals("minios: booted, tasks ready", console.getFirst());
            await("disk and network traffic", Duration.ofSeconds(5), () -> probes.diskFinishes.get() >= 10 && probes.receives.get() >= 5);
            assertTrue(harness.fault().isEmpty(), () -> "unexpected fault: " + harness.fault());
            Harness.Stats stats = harness.stats();
            assertTrue(stats.injectedInterrupts() > 10, "timer interrupts injected: " + stats);
            assertTrue(probes.irqs.get() >= stats.injectedInterrupts(), "every injection is a Guest_IRQ event");
            assertTrue(probes.diskStarts.get() >= probes.diskFinishes.get() && probes.diskStarts.get() - probes.diskFinishes.get() <= 1);
            assertTrue(probes.serialOuts.get() > 0 && probes.exitsPerVcpu.get(0) > 0 && probes.resumesPerVcpu.get(0) > 0);
            // The CPU-bound compute task never yields for long: other tasks printing on one vCPU means the timer preempts it.
            assertTrue(console.stream().anyMatch(l -> l.contains("diskio(") && l.contains("0 failed")), "disk reads return what was written");
            assertTrue(console.stream().anyMatch(l -> l.contains("netd(") && l.contains("mismatched 0") && !l.contains("received 0")));
        }
    }

    @Test
    void twoVcpusBothRunAndTheSchedulerSwitchesTasks() throws Exception {
        try (Harness harness = boot(2)) {
            long finishSwitch = harness.guest().symbol("finish_switch").orElseThrow().value();
            await("boot", Duration.ofSeconds(10), () -> !console.isEmpty());
            harness.armEntry(finishSwitch);
            await("task switches on both vCPUs", Duration.ofSeconds(10),
                    () -> probes.entries.get() >= 20 && probes.exitsPerVcpu.get(0) > 0 && probes.exitsPerVcpu.get(1) > 0);
            await("lines from several tasks", Duration.ofSeconds(10), () -> tasksSeen().size() >= 4);
            assertEquals(Set.of(finishSwitch), probes.entrySites);
            assertTrue(harness.fault().isEmpty(), () -> "unexpected fault: " + harness.fault());
        }
    }

    @Test
    void guestEntryProbeOnDoSyscallFiresAndDisarmsCleanly() throws Exception {
        try (Harness harness = boot(1)) {
            ElfFile guest = harness.guest();
            long doSyscall = guest.symbol("do_syscall").orElseThrow().value();
            assertTrue(guest.patchableEntries().contains(doSyscall), "do_syscall has a patchable entry");
            await("boot", Duration.ofSeconds(10), () -> !console.isEmpty());
            harness.armEntry(doSyscall);
            assertEquals(0xE6, harness.memory().read8(doSyscall));
            await("do_syscall hits", Duration.ofSeconds(5), () -> probes.entries.get() >= 50);
            harness.disarmEntry(doSyscall);
            assertEquals(0x90, harness.memory().read8(doSyscall));
            assertEquals(0x90, harness.memory().read8(doSyscall + 1));
            long afterDisarm = probes.entries.get();
            int linesBefore = console.size();
            await("the guest keeps running", Duration.ofSeconds(5), () -> console.size() > linesBefore + 3);
            assertEquals(afterDisarm, probes.entries.get(), "no hits once disarmed");
            assertEquals(Set.of(doSyscall), probes.entrySites);
            assertTrue(harness.stats().entryProbeHits() >= 50);
            assertThrows(IllegalArgumentException.class, () -> harness.armEntry(doSyscall + 1), "only patchable entries arm");
            assertTrue(harness.fault().isEmpty(), () -> "unexpected fault: " + harness.fault());
        }
    }

    @Test
    void stopLeavesNoThreadsAndNoFileDescriptors() throws Exception {
        int fdsBefore = openFds();
        try (Harness harness = boot(2)) {
            await("boot", Duration.ofSeconds(10), () -> !console.isEmpty());
            assertTrue(harnessThreads() >= 3, "two vCPU threads and the timer run");
        }
        assertEquals(0, harnessThreads(), "threads left after close");
        assertEquals(fdsBefore, openFds(), "file descriptors left after close");
    }

    @Test
    void aTripleFaultIsReportedAndTheHarnessStaysUp() throws Exception {
        byte[] bytes = Harness.class.getResourceAsStream(Harness.MINIOS_RESOURCE).readAllBytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(24, 0x10); // e_entry in the unmapped page 0
        ElfFile broken = ElfFile.parse("minios-bad-entry", bytes);
        try (Harness harness = Harness.boot(broken, Harness.Config.of(1, console::add).withProbes(probes))) {
            GuestFault fault = harness.awaitFault(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("no fault reported"));
            assertEquals(GuestFault.Kind.TRIPLE_FAULT, fault.kind());
            assertEquals(1, probes.triples.get());
            assertTrue(fault.toString().contains("triple fault"), fault.toString());
        }
        assertEquals(0, harnessThreads());
    }

    @Test
    void aCorruptGuestImageIsRefusedWithTheBadField() throws Exception {
        byte[] bytes = Harness.class.getResourceAsStream(Harness.MINIOS_RESOURCE).readAllBytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(32, bytes.length - 8); // e_phoff near the end
        var e = assertThrows(ElfFile.FormatException.class, () -> ElfFile.parse("minios-corrupt", bytes));
        assertTrue(e.getMessage().contains("minios-corrupt: corrupt or unsupported ELF file: program header table (e_phoff)"), e.getMessage());
    }

    private static long harnessThreadsCount() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("vp-")).count();
    }

    private static int harnessThreads() { return (int) harnessThreadsCount(); }

    private static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
