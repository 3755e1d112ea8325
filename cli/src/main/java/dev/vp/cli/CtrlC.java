// Ctrl-C for the commands that run until it (run, deploy, vmm): it stops them the way --duration does.
package dev.vp.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The first SIGINT counts down the command's stop latch: the command finishes as after --duration, prints its
 * summary and exits 0, as dtrace does (the JVM's own handling would exit 130 whatever the command returns). A
 * second SIGINT exits at once with 130. SIGTERM keeps the JVM's handling, with a shutdown hook that stops the
 * command and lets it print its summary. A process that started with SIGINT ignored (e.g. `vp run ... &` from a script) keeps ignoring it.
 */
final class CtrlC {
    private CtrlC() {}

    interface Handle extends AutoCloseable {
        @Override void close();
    }

    /**
     * Stops the command on SIGINT, and at JVM shutdown (SIGTERM), where a hook counts stop down and waits up to 10 s
     * for the command to finish (print its summary); closing the handle, when the command has finished, ends both.
     */
    static Handle stops(CountDownLatch stop) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try { finished.await(10, TimeUnit.SECONDS); } catch (InterruptedException ignored) { }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        Handle sigint = sigint(stop);
        return () -> {
            finished.countDown();
            sigint.close();
            try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException ignored) { } // shutting down
        };
    }

    /** Handles SIGINT until the returned handle is closed, which restores the previous handler. */
    private static Handle sigint(CountDownLatch stop) {
        Signal sigint = new Signal("INT");
        AtomicBoolean again = new AtomicBoolean();
        SignalHandler previous;
        try {
            previous = Signal.handle(sigint, s -> {
                if (again.getAndSet(true)) System.exit(130);
                stop.countDown();
            });
        } catch (IllegalArgumentException e) {
            return () -> { }; // the JVM keeps SIGINT (e.g. -Xrs): the shutdown hook still stops the command
        }
        return () -> Signal.handle(sigint, previous);
    }
}
