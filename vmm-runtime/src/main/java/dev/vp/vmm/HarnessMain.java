// For manual checks: boots minios for a few seconds, prints its console and the harness's counters.
package dev.vp.vmm;

import java.time.Duration;
import java.util.Optional;

public final class HarnessMain {
    private HarnessMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 2 || (args.length > 0 && !args[0].matches("\\d+")) || (args.length > 1 && !args[1].matches("[1-4]"))) {
            System.err.println("usage: HarnessMain [seconds (default 5)] [vCPUs 1-4 (default 2)]");
            System.exit(2);
        }
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int vcpus = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        long start = System.nanoTime();
        long[] firstLine = {0};
        Harness.Stats s;
        Optional<GuestFault> fault;
        double secs;
        try (Harness harness = Harness.boot(Harness.minios(), Harness.Config.of(vcpus, line -> {
            if (firstLine[0] == 0) firstLine[0] = System.nanoTime();
            System.out.println(line);
        }))) {
            fault = harness.awaitFault(Duration.ofSeconds(seconds));
            s = harness.stats();
            secs = (System.nanoTime() - start) / 1e9;
        }
        System.out.printf("--- %d vCPU(s), %.2f s: first console line after %.1f ms%n", vcpus, secs,
                firstLine[0] == 0 ? Double.NaN : (firstLine[0] - start) / 1e6);
        System.out.printf("exits %d (%.0f/s), injected interrupts %d (%.0f/s), timer ticks %d, kicks %d, idle waits %d%n",
                s.exits(), s.exits() / secs, s.injectedInterrupts(), s.injectedInterrupts() / secs, s.timerTicks(), s.kicks(), s.idleWaits());
        System.out.printf("disk requests %d, packets sent %d received %d, console lines %d%n",
                s.diskRequests(), s.packetsSent(), s.packetsReceived(), s.consoleLines());
        fault.ifPresent(f -> System.out.println("guest fault: " + f));
    }
}
