// The host timer behind the guest's timer interrupt: a platform thread that calls a tick at a fixed rate.
package dev.vp.vmm.devices;

import java.util.concurrent.locks.LockSupport;

public final class IntervalTimer implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private long ticks;

    public IntervalTimer(String name, int hz, Runnable tick) {
        if (hz < 1 || hz > 10_000) throw new IllegalArgumentException("timer rate must be 1..10000 Hz, was " + hz);
        long period = 1_000_000_000L / hz;
        thread = Thread.ofPlatform().name(name).daemon().unstarted(() -> {
            long next = System.nanoTime() + period;
            while (running) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                tick.run();
                synchronized (this) { ticks++; }
                next += period;
                if (System.nanoTime() - next > 10 * period) next = System.nanoTime() + period; // fell far behind: skip
            }
        });
    }

    public void start() { thread.start(); }

    public synchronized long ticks() { return ticks; }

    @Override
    public void close() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join();
    }
}
