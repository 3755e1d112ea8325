// An in-memory byte pipe between the test's client and server whose writes never block and ignore interrupts.
package dev.vp.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * PipedInput/OutputStream give up when the thread that wrote last has ended, and an NIO pipe closes when a writing
 * thread is interrupted; the server's compile thread is interrupted at shutdown, possibly while it publishes. Here a
 * write is a non-blocking offer of a copy, so no writer's interrupt or end can break the stream for the others.
 */
final class QueuePipe {
    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();

    final OutputStream out = new OutputStream() {
        @Override public void write(int b) { chunks.offer(new byte[] {(byte) b}); }

        @Override public void write(byte[] b, int off, int len) { if (len > 0) chunks.offer(Arrays.copyOfRange(b, off, off + len)); }
    };

    final InputStream in = new InputStream() {
        private byte[] chunk = new byte[0];
        private int at;

        @Override public int read() throws java.io.InterruptedIOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override public int read(byte[] b, int off, int len) throws java.io.InterruptedIOException {
            if (len == 0) return 0;
            while (at == chunk.length) {
                try {
                    chunk = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("the reader was interrupted");
                }
                at = 0;
            }
            int n = Math.min(len, chunk.length - at);
            System.arraycopy(chunk, at, b, off, n);
            at += n;
            return n;
        }
    };
}
