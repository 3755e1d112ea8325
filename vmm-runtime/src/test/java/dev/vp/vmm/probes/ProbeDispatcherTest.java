// Boots minios and checks that every probe kind of the harness fires, with the right arguments, through the engine.
package dev.vp.vmm.probes;

import static dev.vp.vmm.probes.TestPrograms.Clause;
import static dev.vp.vmm.probes.TestPrograms.program;
import static org.junit.jupiter.api.Assertions.*;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.compiler.symbols.ElfFile;
import dev.vp.runtime.engine.LoadException;
import dev.vp.vmm.GuestFault;
import dev.vp.vmm.Harness;
import dev.vp.vmm.KvmAvailability;
import dev.vp.vmm.arch.GuestLayout;
import dev.vp.vmm.devices.BlockDevice;
import dev.vp.vmm.devices.Ports;
import dev.vp.vmm.kvm.KvmRun;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProbeDispatcherTest {
    @BeforeEach
    void needKvm() { KvmAvailability.require(); }

    @Test
    void staticProbesFireWithTheirArgumentsAndExitFields() throws Exception {
        IrProgram p = program(
                Clause.of("HV_Exit"),                                                                        // 0
                Clause.of("HV_Resume"),                                                                      // 1
                Clause.of("Out", "ARG0", "ARG1", "ARG2", "VMCS_EXIT_REASON", "VMCS_EXIT_QUAL", "EXIT_REASON"), // 2
                Clause.of("In", "ARG0", "ARG1", "ARG2", "VMCS_EXIT_QUAL"),                                    // 3
                Clause.of("Guest_IRQ", "ARG0"),                                                              // 4
                Clause.of("Disk_IOStart", "ARG0", "ARG1", "ARG2", "ARG3", "ARG4", "ARG5", "ARG6", "ARG7"),    // 5
                Clause.of("Disk_IOFinish", "ARG0", "ARG1", "ARG2", "ARG3", "ARG4", "ARG5", "ARG6", "ARG7"),   // 6
                Clause.of("MAC_SendPacket", "ARG0"),                                                         // 7
                Clause.of("MAC_ReceivePacket", "ARG0"),                                                      // 8
                Clause.of("MMIO_Read", "ARG0", "ARG1", "VMCS_EXIT_REASON", "VMCS_EXIT_QUAL"),                // 9
                Clause.of("MMIO_Write", "ARG0", "ARG1", "ARG2"),                                             // 10
                Clause.of("VMMLoad", "VCPUID"),                                                              // 11
                Clause.of("VMXLoad"),                                                                        // 12
                Clause.of("VMMUnload", "VCPUID"),                                                            // 13
                Clause.of("VMXUnload"));                                                                     // 14
        try (Rig rig = new Rig(2)) {
            rig.load(p); // a first load and unload warm up the load path, so the window below is mostly the loaded time
            rig.dispatcher.unload();
            long exitsBefore = rig.harness.stats().exits();
            rig.load(p);
            assertEquals(2, rig.count(11), "VMMLoad once per vCPU");
            assertEquals(Set.of(0L, 1L), rig.rows(11).stream().map(r -> r[0]).collect(Collectors.toSet()));
            assertEquals(1, rig.count(12), "VMXLoad once");
            assertEquals(0, rig.count(13));
            rig.await("disk, network, MMIO, IN and IRQ events", Duration.ofSeconds(10), () -> rig.count(6) >= 10 && rig.count(8) >= 5
                    && rig.count(9) >= 4 && rig.count(10) >= 2 && rig.count(3) >= 2 && rig.count(4) >= 20);
            Thread.sleep(1500); // the exits while load and unload pause the vCPUs become a small part of the window
            rig.dispatcher.unload();
            long exits = rig.harness.stats().exits() - exitsBefore;
            assertEquals(2, rig.count(13), "VMMUnload once per vCPU");
            assertEquals(1, rig.count(14), "VMXUnload once");
            assertEquals(1, rig.count(12), "no second VMXLoad");
            assertEquals(Set.of(0L, 1L), rig.rows(13).stream().map(r -> r[0]).collect(Collectors.toSet()));

            long hvExit = rig.count(0), hvResume = rig.count(1);
            // The harness's own exits (kicks that park the vCPUs for load and unload) fire no HV_Exit; on a loaded
            // host they grow to several percent of the window.
            assertTrue(hvExit <= exits && hvExit >= exits * 0.85, "HV_Exit " + hvExit + " vs " + exits + " exits");
            assertTrue(Math.abs(hvExit - hvResume) <= 2, "every exit resumes: HV_Exit " + hvExit + ", HV_Resume " + hvResume);
            assertTrue(rig.count(2) + rig.count(3) + rig.count(9) + rig.count(10) <= hvExit);

            List<long[]> outs = rig.rows(2);
            assertFalse(outs.isEmpty());
            Set<Long> ports = outs.stream().map(r -> r[0]).collect(Collectors.toSet());
            assertTrue(ports.containsAll(Set.of((long) Ports.SERIAL, (long) Ports.BLOCK, (long) Ports.NET_TX, (long) Ports.NET_RX)), "ports " + ports);
            for (long[] r : outs) {
                assertEquals(30, r[3], "VMCS_EXIT_REASON of port I/O");
                assertEquals(KvmRun.EXIT_IO, r[5], "EXIT_REASON is KVM's");
                assertEquals((r[1] - 1) | (r[2] > 1 ? 0x30 : 0) | r[0] << 16, r[4], "exit qualification of OUT");
                if (r[0] == Ports.BLOCK) assertEquals(4, r[1], "outl to the block doorbell");
                if (r[0] == Ports.IDLE) assertEquals(1, r[1], "outb to the idle port");
            }
            assertTrue(outs.stream().filter(r -> r[0] == Ports.SERIAL).allMatch(r -> r[1] == 1), "console text is written bytewise");
            for (long[] r : rig.rows(3)) {
                assertArrayEquals(new long[] {Ports.SERIAL_LSR, 1, 1, 8 | (long) Ports.SERIAL_LSR << 16}, r, "IN of the line status");
            }
            assertTrue(rig.rows(4).stream().allMatch(r -> r[0] == Ports.TIMER_VECTOR));

            List<long[]> starts = rig.rows(5), finishes = rig.rows(6);
            for (long[] r : finishes) {
                assertEquals(BlockDevice.ADAPTER_TYPE, r[0]);
                assertEquals(0, r[1]);
                assertEquals(0, r[2]);
                assertTrue(r[3] == 0 || r[3] == 1);
                assertEquals(8, r[6], "diskio moves 8 sectors");
                assertEquals(0, r[5] % 8);
                assertEquals(1, r[7]);
            }
            // Every finish matches a start with the same request id, direction and sectors.
            Set<String> started = starts.stream().map(r -> r[3] + "/" + r[4] + "/" + r[5]).collect(Collectors.toSet());
            assertTrue(finishes.stream().allMatch(r -> started.contains(r[3] + "/" + r[4] + "/" + r[5])));
            assertTrue(finishes.stream().anyMatch(r -> r[3] == 1) && finishes.stream().anyMatch(r -> r[3] == 0), "reads and writes");
            assertTrue(rig.rows(7).stream().allMatch(r -> r[0] == 0) && rig.rows(8).stream().allMatch(r -> r[0] == 0));

            for (long[] r : rig.rows(9)) assertArrayEquals(new long[] {GuestLayout.MMIO_BASE, 8, 48, 1}, r, "MMIO_Read of the clock");
            for (long[] r : rig.rows(10)) {
                assertEquals(GuestLayout.MMIO_BASE + 8, r[0]);
                assertEquals(8, r[1]);
                assertTrue(r[2] > 0 && r[2] < 10_000_000, "a disk round's latency in microseconds: " + r[2]);
            }
            assertTrue(rig.harness.fault().isEmpty(), () -> "unexpected fault " + rig.harness.fault());
        }
    }

    @Test
    void guestEnterExitAndWriteProbes() throws Exception {
        try (Rig rig = new Rig(1)) {
            ElfFile guest = rig.harness.guest();
            long doSyscall = guest.symbol("do_syscall").orElseThrow().value();
            long jiffies = guest.symbol("jiffies").orElseThrow().value();
            rig.load(program(
                    Clause.guest("ENTER", "do_syscall", "ARG0", "ARG1", "RIP", "ARG3"), // 0
                    Clause.guest("EXIT", "do_syscall", "ARG0", "RIP"),            // 1
                    Clause.guest("WRITE", "jiffies", "ARG0", "ARG1", "ARG2"),     // 2
                    Clause.of("HV_Exit")));                                       // 3
            assertEquals(0xE6, rig.harness.memory().read8(doSyscall), "do_syscall's entry is patched");
            int lines = rig.console.size();
            rig.await("syscalls, returns, ticks and more console output", Duration.ofSeconds(10),
                    () -> rig.count(0) >= 100 && rig.count(1) >= 100 && rig.count(2) >= 20 && rig.console.size() > lines + 5);
            long[] inRam = new long[2];
            rig.harness.withVcpusOut(() -> {
                inRam[0] = rig.harness.memory().read64(jiffies);
                inRam[1] = rig.rows(2).getLast()[2];
            });
            assertEquals(inRam[1], inRam[0], "the last watched write reached guest RAM");
            rig.dispatcher.unload();
            assertEquals(0x90, rig.harness.memory().read8(doSyscall), "disarmed at unload");

            List<long[]> enters = rig.rows(0), exits = rig.rows(1), writes = rig.rows(2);
            assertTrue(enters.stream().allMatch(r -> r[0] <= 10 && r[2] == doSyscall), "ARG0 = nr, RIP = the probed entry");
            assertTrue(enters.stream().anyMatch(r -> r[0] == 2 && r[1] == 1), "SYS_WRITE(1, ...)");
            assertTrue(exits.size() >= enters.size() - 16, "returns observed: " + exits.size() + " of " + enters.size());
            for (long[] r : exits) {
                long ret = r[1];
                assertEquals(0xE8, rig.harness.memory().read8(ret - 5), "RIP 0x" + Long.toHexString(ret) + " follows a call");
                long target = ret + (int) rig.harness.memory().read32(ret - 4);
                assertEquals(doSyscall, target, "that call is to do_syscall");
            }
            // SYS_WRITE returns its length (ARG3). Interrupts are off inside the write, so on one vCPU its EXIT is
            // the next enter-or-exit event, unless a tick preempted the task before it turned them off (rare).
            List<OutputRecord> order = rig.snapshot().stream().filter(r -> r.text().startsWith("0 ") || r.text().startsWith("1 ")).toList();
            int writesPaired = 0, matched = 0;
            for (int i = 0; i + 1 < order.size(); i++) {
                String[] e = order.get(i).text().strip().split(" "), x = order.get(i + 1).text().strip().split(" ");
                if (!e[0].equals("0") || !e[1].equals("2") || !x[0].equals("1")) continue;
                writesPaired++;
                if (x[1].equals(e[4])) matched++;
            }
            assertTrue(writesPaired >= 3 && matched >= 3 && matched >= writesPaired / 2, "SYS_WRITE returns its length: " + matched + " of " + writesPaired);
            assertEquals(0, rig.harness.returnProbes().counts().overflows());
            for (int i = 0; i < writes.size(); i++) {
                assertEquals(jiffies, writes.get(i)[0]);
                assertEquals(8, writes.get(i)[1]);
                if (i > 0) assertEquals(writes.get(i - 1)[2] + 1, writes.get(i)[2], "jiffies counts up by one per tick");
            }
            assertEquals(rig.harness.stats().watchedWrites(), writes.size());
            assertTrue(rig.count(3) < rig.harness.stats().exits() - rig.harness.stats().entryProbeHits() - rig.harness.stats().returnProbeHits()
                    - writes.size() + 1, "mechanism exits are not HV_Exit");
            // The guest stays healthy: pending returns still come back through the trampoline after unload.
            int after = rig.console.size();
            rig.await("console output after unload", Duration.ofSeconds(5), () -> rig.console.size() > after + 3);
            rig.await("tasks sleeping in do_syscall to return through the trampoline", Duration.ofSeconds(3),
                    () -> rig.harness.returnProbes().pending() == 0);
            assertTrue(rig.harness.fault().isEmpty(), () -> "unexpected fault " + rig.harness.fault());
            assertTrue(rig.console.stream().anyMatch(l -> l.contains("diskio(") && l.contains(" 0 failed")));
        }
    }

    @Test
    void periodicProbesRunOnEveryVcpuAndOnTheHost() throws Exception {
        try (Rig rig = new Rig(2)) {
            rig.load(program(
                    Clause.of("VMM1Hz", "VCPUID"),                                  // 0
                    Clause.of("VMM10Hz", "VCPUID").withPerVcpuCounter(),                       // 1
                    Clause.periodic("VMM", "TIMER", 1_000_000).withPerVcpuCounter(),  // 2
                    Clause.of("VMX1Hz", "TSC"),                                     // 3
                    Clause.periodic("VMM", "PROFILE", 5_000_000, "VCPUID", "RIP").withPerVcpuCounter(), // 4
                    Clause.periodic("VMX", "TIMER", 50_000_000)));                  // 5
            // Lower bounds (half the nominal rate) allow for a loaded 2-core host (late timers merge periods); upper bounds are exact:
            // a periodic probe never fires faster than asked.
            long start = System.nanoTime();
            Thread.sleep(2150);
            rig.dispatcher.unload();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(Set.of(0L, 1L), rig.rows(0).stream().map(r -> r[0]).collect(Collectors.toSet()));
            assertEquals(4, rig.count(0), "VMM1Hz twice on each of 2 vCPUs");
            assertEquals(2, rig.count(3), "VMX1Hz twice");
            assertTrue(rig.records(3).stream().allMatch(r -> r.vcpu() == -1), "VMX1Hz runs on the host");
            for (int v = 0; v < 2; v++) {
                long tenHz = rig.count(1, v), timer = rig.count(2, v);
                assertTrue(tenHz >= 10 && tenHz <= 22, "VMM10Hz on vCPU " + v + ": " + tenHz);
                double rate = timer / seconds;
                System.out.printf("TIMER:1msec on vCPU %d: %d firings in %.3f s = %.0f/s%n", v, timer, seconds, rate);
                assertTrue(rate > 400 && rate < 1050, "TIMER:1msec rate on vCPU " + v + ": " + rate);
                assertTrue(rig.count(4, v) >= 200 && rig.count(4, v) <= 440, "PROFILE:5msec on vCPU " + v + ": " + rig.count(4, v));
            }
            long text = rig.harness.guest().symbol("_start").orElseThrow().value();
            assertTrue(rig.rows(4).stream().anyMatch(r -> r[1] > text), "PROFILE samples guest RIPs");
            assertTrue(rig.count(5) >= 20 && rig.count(5) <= 44, "VMX:TIMER:50msec: " + rig.count(5));
            ProbeDispatcher.KickLatency k = rig.dispatcher.kickLatency();
            System.out.printf("kick latency over %d requests: min %.1f us, median %.1f us, p99 %.1f us, max %.1f us%n",
                    k.samples(), k.minNs() / 1e3, k.medianNs() / 1e3, k.p99Ns() / 1e3, k.maxNs() / 1e3);
            assertTrue(rig.harness.fault().isEmpty(), () -> "unexpected fault " + rig.harness.fault());
        }
    }

    @Test
    void aRefusedLoadLeavesTheOldProgramRunning() throws Exception {
        try (Rig rig = new Rig(1)) {
            rig.load(program(Clause.of("HV_Exit"), Clause.of("VMMUnload")));
            ElfFile guest = rig.harness.guest();
            long notPatchable = guest.symbol("do_syscall").orElseThrow().value() + 1;
            List<IrProgram> bad = List.of(
                    program(Clause.of("Bogus_Probe")),
                    program(new Clause("GUEST:0x" + Long.toHexString(notPatchable), "GUEST", "GUEST:ADDRESS", null, 0, false, List.of())),
                    program(Clause.guest("ENTER", "no_such_function")),
                    program(Clause.guest("READ", "jiffies")),
                    program(Clause.periodic("VMM", "TIMER", 10_000)),
                    program(new Clause("VMX:HV_Exit", "VMX", "HV_Exit", null, 0, false, List.of())));
            List<String> reasons = List.of("no probe point `Bogus_Probe`", "is not a patchable site", "has no symbol `no_such_function`",
                    "cannot watch reads", "shorter than the harness's minimum of 100 usec", "is a VMM probe, not VMX");
            for (int i = 0; i < bad.size(); i++) {
                IrProgram b = bad.get(i);
                LoadException e = assertThrows(LoadException.class, () -> rig.load(b));
                assertTrue(e.getMessage().contains(reasons.get(i)), e.getMessage());
                long before = rig.count(0);
                rig.await("the old program keeps firing", Duration.ofSeconds(5), () -> rig.count(0) > before + 10);
                assertEquals(0, rig.count(1), "the old program was not unloaded");
            }
            assertSame(rig.engine.program(), rig.dispatcher.program());
            assertEquals(2, rig.engine.program().probes().size());
        }
    }

    @Test
    void aTripleFaultFiresItsProbeAndTheHarnessStaysUp() throws Exception {
        try (Rig rig = new Rig(1)) {
            rig.load(program(Clause.of("Guest_TripleFault", "VMCS_EXIT_REASON", "EXIT_REASON"), Clause.of("VMMUnload")));
            // A not-present gate for the timer vector: the next tick faults with no handler, i.e. a triple fault.
            rig.harness.withVcpusOut(() -> {
                rig.harness.memory().write64(GuestLayout.IDT + 16L * Ports.TIMER_VECTOR, 0);
                rig.harness.memory().write64(GuestLayout.IDT + 16L * Ports.TIMER_VECTOR + 8, 0);
            });
            GuestFault fault = rig.harness.awaitFault(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("no fault"));
            assertEquals(GuestFault.Kind.TRIPLE_FAULT, fault.kind());
            assertEquals(List.of(List.of(2L, (long) KvmRun.EXIT_SHUTDOWN)), rig.rows(0).stream().map(r -> List.of(r[0], r[1])).toList());
            rig.dispatcher.unload();
            assertEquals(1, rig.count(1), "unload still runs VMMUnload after the guest died");
            rig.load(program(Clause.of("VMMLoad")));
            assertEquals(1, rig.count(0), "and a new program loads");
        }
    }
}
