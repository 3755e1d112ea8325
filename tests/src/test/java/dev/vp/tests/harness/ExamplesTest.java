// Every script in examples/ runs on minios through `vp run` (in-process) and shows the behaviour it promises.
package dev.vp.tests.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vp.cli.GuestStackFilter;
import dev.vp.compiler.symbols.ElfFile;
import dev.vp.vmm.Harness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checks are about behaviour, not numbers: the right processes with their pids, the right keys, counts that
 * agree with each other and with the unload report. minios's tasks and pids are fixed by its task_init_all.
 */
class ExamplesTest {
    static final Map<String, Integer> PIDS = Map.of("init", 1, "shell", 2, "diskio", 3, "netd", 4, "compute", 5);
    static final Set<String> SYSCALLS = Set.of("getpid", "getppid", "write", "sleep", "yield", "uptime", "disk_read", "disk_write",
            "net_send", "net_recv", "comm");

    private static ElfFile minios;

    @BeforeAll
    static void guest() throws IOException { minios = Harness.minios(); }

    @BeforeEach
    void needKvm() { KvmRequired.check(); }

    /** Runs an example on 2 vCPUs for {@code duration}; it must finish cleanly with no drops or cancellations. */
    private static RunOutput run(String example, String duration) {
        Vp.Result r = Vp.run("run", "--duration", duration, "--vcpus", "2", Vp.example(example));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("vp: running "), r::toString);
        RunOutput out = new RunOutput(r.out());
        assertTrue(r.out().contains("\ndrops: none\n"), r::toString);
        assertEquals(0, out.cancellations(), r::toString);
        return out;
    }

    @Test
    void everyExampleHasATest() throws IOException {
        Set<String> tested = Set.of("hello.emt", "strace.emt", "guest_top.emt", "vt_exits.emt", "exits.vp", "disk_latency.emt",
                "packets.emt", "rip_profile.emt", "stacks.emt", "task_walk.emt");
        try (Stream<Path> files = Files.list(Vp.root().resolve("examples"))) {
            Set<String> present = new HashSet<>(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".emt") || n.endsWith(".vp")).toList());
            assertEquals(tested, present, "examples without an end-to-end test here, or tests of removed examples");
        }
    }

    @Test
    void hello() {
        RunOutput out = run("hello.emt", "2500ms");
        assertTrue(out.text().startsWith("hello from vp: probing 2 vCPU(s)\n"), out.text());
        Matcher m = Pattern.compile("^tick: (\\d+) exits on vCPU 0 so far$", Pattern.MULTILINE).matcher(out.text());
        long last = 0;
        int ticks = 0;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            assertTrue(n >= last && n > 0, "the exit count grows: " + out.text());
            last = n;
            ticks++;
        }
        assertTrue(ticks >= 1, out.text());
        assertEquals(2, out.firings("VMMLoad"));
        assertTrue(out.firings("HV_Exit") >= last, out.text());
    }

    @Test
    void straceShowsSystemCallsOfKnownTasksWithTheirPids() {
        RunOutput out = run("strace.emt", "3s");
        Matcher m = Pattern.compile("^(\\S+)\\((\\d+)\\) (\\w+)\\((.*)\\)$", Pattern.MULTILINE).matcher(out.text());
        int lines = 0, writes = 0;
        Set<String> callers = new HashSet<>();
        while (m.find()) {
            lines++;
            String task = m.group(1), call = m.group(3);
            assertEquals(PIDS.get(task), Integer.valueOf(m.group(2)), "pid of " + task + " in: " + m.group());
            assertTrue(SYSCALLS.contains(call), "a minios system call: " + m.group());
            if (call.equals("write")) {
                writes++;
                assertTrue(m.group(4).matches("1, 0x[0-9a-f]+, \\d+"), "write(fd, buffer, length): " + m.group());
            }
            callers.add(task);
        }
        assertTrue(lines >= 20 && writes >= 2, "traced lines " + lines + ", writes " + writes + ":\n" + out.text());
        assertTrue(callers.containsAll(Set.of("diskio", "netd", "shell")), "callers " + callers);
        long calls = counts(out.entries("calls")).values().stream().mapToLong(Long::longValue).sum();
        assertEquals(out.firings("GUEST:ENTER:do_syscall"), calls, "every entry is counted once by name");
        assertTrue(out.entries("calls").stream().anyMatch(e -> e.keys().equals("\"write\"")), out.text());
        long returns = out.firings("GUEST:EXIT:do_syscall");
        assertTrue(returns <= calls && returns >= calls - PIDS.size(),
                "every call returned but those in flight at unload, at most one per task: " + returns + " of " + calls);
    }

    @Test
    void guestTopNamesTheTasksWithTheirPids() {
        RunOutput out = run("guest_top.emt", "4s");
        Pattern key = Pattern.compile("0x([0-9a-f]+), \"(.+)\"");
        Map<String, Long> samples = new HashMap<>();
        for (RunOutput.Entry e : out.entries("samples")) {
            Matcher m = key.matcher(e.keys());
            assertTrue(m.matches(), e.toString());
            String name = m.group(2);
            int pid = Integer.parseInt(m.group(1), 16);
            if (name.matches("idle/[0-3]|\\(none\\)")) assertEquals(0, pid, e.toString());
            else assertEquals(PIDS.get(name), Integer.valueOf(pid), "pid of " + name);
            samples.merge(name, e.count(), Long::sum);
        }
        // compute is CPU-bound and always sampled; the other tasks sleep almost all the time and a 4 s sample
        // catches each only by chance, so any one of them will do.
        assertTrue(samples.containsKey("compute"), "the CPU-bound task is sampled: " + samples);
        long named = samples.keySet().stream().filter(PIDS::containsKey).count();
        assertTrue(named >= 2, "compute and at least one other task: " + samples);
        assertTrue(out.text().contains("--- samples per process ---"), out.text());
        long total = samples.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(total <= out.firings("PROFILE:1msec"), "every sample is a PROFILE firing");
    }

    @Test
    void vtExitsCountsByReasonNameAndPort() {
        RunOutput out = run("vt_exits.emt", "2500ms");
        Map<String, Long> byReason = counts(out.entries("byreason")), byName = counts(out.entries("byname")),
                ports = counts(out.entries("ports"));
        assertTrue(byReason.getOrDefault("0x1e", 0L) > 0, "I/O instruction exits (30): " + byReason);
        assertEquals(byReason.get("0x1e"), byName.get("\"io-instruction\""), "numeric and string keys count the same exits");
        assertEquals(byReason.getOrDefault("0x30", 0L), byName.getOrDefault("\"ept-violation\"", 0L), "MMIO exits (48) both ways");
        assertEquals(byReason.get("0x1e"), ports.values().stream().mapToLong(Long::longValue).sum(), "every I/O exit has a port");
        assertTrue(ports.containsKey("0x3f8") && ports.containsKey("0x510"), "serial and block ports: " + ports);
        assertEquals(out.firings("HV_Exit"), byName.values().stream().mapToLong(Long::longValue).sum(), "every exit has a reason name");
    }

    @Test
    void exitsVpCountsExitsPerVcpu() {
        RunOutput out = run("exits.vp", "2500ms");
        assertTrue(out.text().contains("exits per vCPU:\n"), out.text());
        Map<String, Long> perVcpu = counts(out.entries("exits"));
        assertEquals(Set.of("0x0", "0x1"), perVcpu.keySet(), out.text());
        assertTrue(perVcpu.get("0x0") > 0 && perVcpu.get("0x1") > 0, out.text());
        assertEquals(out.firings("HV_Exit"), perVcpu.values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void diskLatencyKeysReadsAndWritesIntoTheirBuckets() {
        RunOutput out = run("disk_latency.emt", "2500ms");
        assertTrue(out.text().contains("disk latency (key: operation, microseconds bucket):"), out.text());
        List<RunOutput.Entry> latency = out.entries("latency");
        Pattern key = Pattern.compile("0x([0-9a-f]+), \"(read|write)\"");
        Set<String> ops = new HashSet<>();
        for (RunOutput.Entry e : latency) {
            Matcher m = key.matcher(e.keys());
            assertTrue(m.matches(), e.toString());
            ops.add(m.group(2));
            long bucketUs = Long.parseLong(m.group(1), 16);
            assertTrue(e.min() >= bucketUs * 1000 && e.max() < (bucketUs + 1) * 1000, "latency within its microsecond bucket: " + e);
        }
        assertEquals(Set.of("read", "write"), ops, out.text());
        for (RunOutput.Entry e : out.entries("requests")) assertEquals(8, e.avg(), "diskio moves 8 sectors a request: " + e);
    }

    @Test
    void packetsAreCountedBySendingProcess() {
        RunOutput out = run("packets.emt", "2500ms");
        assertTrue(Pattern.compile("^\\d+ packets sent, \\d+ received on vCPU 0$", Pattern.MULTILINE).matcher(out.text()).find(), out.text());
        List<RunOutput.Entry> sent = out.entries("sent");
        assertFalse(sent.isEmpty(), out.text());
        for (RunOutput.Entry e : sent) assertEquals("\"netd\"", e.keys(), "only netd sends");
        long sends = out.firings("MAC_SendPacket"), receives = out.firings("MAC_ReceivePacket");
        assertTrue(sends > 0 && Math.abs(sends - receives) <= 1, "the loopback echoes every frame: " + sends + " / " + receives);
        assertEquals(sends, sent.getLast().count(), "the last count printed is the total");
    }

    @Test
    void ripProfileSamplesAddressesInsideMinios() {
        RunOutput out = run("rip_profile.emt", "2500ms");
        Matcher m = Pattern.compile("^samples: user (\\d+), kernel (\\d+) \\(vCPU 0\\)$", Pattern.MULTILINE).matcher(out.text());
        assertTrue(m.find(), out.text());
        assertTrue(Long.parseLong(m.group(1)) > Long.parseLong(m.group(2)), "minios runs at CPL 3 but for its interrupt stub");
        List<RunOutput.Entry> hot = out.entries("hot");
        assertFalse(hot.isEmpty(), out.text());
        GuestStackFilter symbols = GuestStackFilter.of(minios); // assembly functions have no size: the nearest one below counts
        for (RunOutput.Entry e : hot) {
            String named = symbols.apply("GUEST_" + e.keys());
            assertTrue(named.matches("[a-z_]\\w*(\\+0x[0-9a-f]+)?"), e.keys() + " lies in a minios function: " + named);
        }
    }

    @Test
    void stacksShowGuestFramesWithMiniosSymbols() {
        RunOutput out = run("stacks.emt", "2500ms");
        List<RunOutput.Entry> stacks = out.entries("stacks");
        assertFalse(stacks.isEmpty(), out.text());
        GuestStackFilter filter = GuestStackFilter.of(minios);
        for (RunOutput.Entry e : stacks) {
            String shown = filter.apply(e.keys());
            assertTrue(shown.matches("\"[a-z_]\\w*(\\+0x[0-9a-f]+)?( <- [a-z_0-9x+]+)*\""), "frames named by minios symbols: " + e.keys() + " -> " + shown);
        }
        String all = filter.apply(out.text());
        assertTrue(all.contains("compute_task+0x"), "the CPU-bound task shows up in its own frame:\n" + all);
    }

    @Test
    void taskWalkListsTheFiveTasksWithTheirParents() {
        RunOutput out = run("task_walk.emt", "1500ms");
        assertTrue(out.text().contains("pid  ppid  name\n"), out.text());
        Matcher m = Pattern.compile("^(\\d+) +(\\d+) +(\\S+)$", Pattern.MULTILINE).matcher(out.text());
        Map<String, int[]> rows = new HashMap<>();
        while (m.find()) rows.put(m.group(3), new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        for (var task : PIDS.entrySet()) {
            int[] row = rows.get(task.getKey());
            if (row == null) fail("no row for " + task.getKey() + ":\n" + out.text());
            assertEquals(task.getValue(), row[0], "pid of " + task.getKey());
            assertEquals(task.getKey().equals("init") ? 0 : 1, row[1], "parent of " + task.getKey());
        }
        assertFalse(out.text().contains("walk stopped"), out.text());
    }

    /**
     * The final count per key: the last printed value (every logaggr prints the totals so far, and the unload report
     * prints the aggregate again if it changed after its last logaggr).
     */
    private static Map<String, Long> counts(List<RunOutput.Entry> entries) {
        Map<String, Long> out = new HashMap<>();
        for (RunOutput.Entry e : entries) out.put(e.keys(), e.count());
        return out;
    }
}
