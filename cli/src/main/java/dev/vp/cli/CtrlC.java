// Ctrl-C for the commands that run until it (run, deploy, vmm): it stops them the way --duration does.
package dev.vp.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The first SIGINT counts down the command's stop latch: the command finishes as after --duration, prints its
 * summary and exits 0, as dtrace does (the JVM's own handling would exit 130 whatever the command returns). A
 * second SIGINT exits at once with 130. SIGTERM keeps the JVM's handling (the commands' shutdown hooks still
 * print the summary). A process that started with SIGINT ignored (e.g. `vp run ... &` from a script) keeps ignoring it.
 */
final class CtrlC {
    private CtrlC() {}

    interface Handle extends AutoCloseable {
        @Override void close();
    }

    /** Handles SIGINT until the returned handle is closed, which restores the previous handler. */
    static Handle stops(CountDownLatch stop) {
        Signal sigint = new Signal("INT");
        AtomicBoolean again = new AtomicBoolean();
        SignalHandler previous;
        try {
            previous = Signal.handle(sigint, s -> {
                if (again.getAndSet(true)) System.exit(130);
                stop.countDown();
            });
        } catch (IllegalArgumentException e) {
            return () -> { }; // the JVM keeps SIGINT (e.g. -Xrs): its shutdown hooks still stop the command
        }
        return () -> Signal.handle(sigint, previous);
    }
}
