// The host thread behind periodic probes: calls back each group of probes when its period has elapsed.
package dev.vp.vmm.probes;

import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * One platform thread for all periods of a loaded program. Deadlines advance by whole periods, so the long-run
 * rate is exact even though each wake-up is late by the host's timer slack; a group more than 10 periods behind
 * (the host was starved) skips ahead instead of firing a burst.
 */
final class PeriodicTimer implements AutoCloseable {
    private final long[] periods;
    private final IntConsumer due;
    private final Thread thread;
    private volatile boolean running = true;

    PeriodicTimer(long[] periodsNs, IntConsumer due) {
        this.periods = periodsNs.clone();
        this.due = due;
        this.thread = Thread.ofPlatform().name("vp-periodic").daemon().unstarted(this::loop);
    }

    void start() { thread.start(); }

    private void loop() {
        long start = System.nanoTime();
        long[] next = new long[periods.length];
        for (int g = 0; g < next.length; g++) next[g] = start + periods[g];
        while (running) {
            long now = System.nanoTime(), earliest = Long.MAX_VALUE;
            for (long n : next) earliest = Math.min(earliest, n);
            if (earliest - now > 0) {
                LockSupport.parkNanos(earliest - now);
                continue;
            }
            for (int g = 0; g < next.length && running; g++) {
                if (next[g] - now > 0) continue;
                due.accept(g);
                next[g] += periods[g];
                if (now - next[g] > 10 * periods[g]) next[g] = now + periods[g];
            }
        }
    }

    /** Stops the thread and waits for a callback in progress to finish. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        if (thread.isAlive()) thread.join();
    }
}
