package dev.vp.vmm.deploy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vp.vmm.ScriptListener;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The harness's deploy server: loopback TCP, one virtual thread per connection, every request checked against
 * the token. A bad request (no or wrong token, malformed frame, oversized image) is answered with the reason and
 * the connection closed; the server and the harness keep running.
 * <p>
 * A client that stops reading holds up nobody else: streamed output waits for it in a bounded queue that its own
 * thread writes from (see {@link ClientStream}), and a write to any client that makes no progress for the write
 * timeout closes that client's connection, with a line in the log.
 */
public final class DeployServer implements AutoCloseable {
    /** How long a write to a client may make no progress (the client takes less than 64 KB) before it is disconnected. */
    public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The most output (in characters, each record counted with {@link #RECORD_OVERHEAD} more for its frame) waiting
     * for one streaming client; while it is not reading, more is dropped and counted.
     */
    public static final int MAX_QUEUED_OUTPUT = 1 << 20;
    /**
     * What a queued record costs beyond its text (its frame's header on the wire, its place in the queue): without
     * it, records with little or no text (printf("")) were never dropped and a client that stopped reading made
     * the queue grow without bound until the write timeout.
     */
    static final int RECORD_OVERHEAD = 64;
    private static final int WRITE_CHUNK = 64 * 1024;
    /** How long close waits for streams to send what they have queued (a script's end, above all). */
    private static final long CLOSE_GRACE_NANOS = Duration.ofSeconds(2).toNanos();

    private final ServerSocket socket;
    private final DeployTarget target;
    private final String token;
    private final int maxPayload;
    private final long writeTimeoutNanos;
    private final Consumer<String> log;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor, watchdog;
    private volatile boolean closed;

    /** As the full constructor, with {@link #WRITE_TIMEOUT} and the log on standard error. */
    public DeployServer(InetSocketAddress bind, boolean allowRemote, DeployTarget target, String token, int maxPayload)
            throws IOException {
        this(bind, allowRemote, target, token, maxPayload, WRITE_TIMEOUT, line -> System.err.println("vp vmm: " + line));
    }

    /**
     * @param allowRemote binding to a non-loopback address is refused unless this is set (the --allow-remote flag)
     * @param writeTimeout a client whose connection takes no data for this long is disconnected
     * @param log receives a line for each client disconnected that way
     */
    public DeployServer(InetSocketAddress bind, boolean allowRemote, DeployTarget target, String token, int maxPayload,
                        Duration writeTimeout, Consumer<String> log) throws IOException {
        InetAddress a = bind.getAddress();
        if (a == null || !(a.isLoopbackAddress() || allowRemote))
            throw new IOException("refusing to bind the deploy server to " + bind.getHostString()
                    + ": it is not a loopback address; pass --allow-remote to do so on purpose");
        this.target = target;
        this.token = token;
        this.maxPayload = maxPayload;
        this.writeTimeoutNanos = writeTimeout.toNanos();
        this.log = log;
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(bind);
        } catch (IOException e) {
            socket.close();
            String at = bind.getHostString() + ":" + bind.getPort();
            throw new IOException(e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")
                    ? at + " is in use (another `vp vmm`?): stop it, or give --listen another port (port 0 picks a free one)"
                    : "cannot listen on " + at + ": " + e.getMessage());
        }
        acceptor = Thread.ofPlatform().name("vp-deploy-accept").daemon(true).start(this::acceptLoop);
        watchdog = Thread.ofPlatform().name("vp-deploy-watchdog").daemon(true).start(this::watch);
    }

    public int port() { return socket.getLocalPort(); }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                try {
                    Connection c = new Connection(s);
                    connections.add(c);
                    Thread.ofVirtual().name("vp-deploy-conn").start(() -> serve(c));
                } catch (IOException e) {
                    s.close();
                }
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void serve(Connection c) {
        try (c.socket; var in = new DataInputStream(new BufferedInputStream(c.socket.getInputStream()));
             var out = new DataOutputStream(new BufferedOutputStream(c))) {
            while (!closed) {
                DeployProtocol.Frame f;
                try {
                    f = DeployProtocol.read(in, maxPayload, token);
                } catch (DeployProtocol.ProtocolException e) {
                    DeployProtocol.write(out, DeployProtocol.error(e.getMessage()), null);
                    return;
                }
                if (f == null) return;
                String op = DeployProtocol.string(f.header(), "op");
                if ("output".equals(op)) { stream(c, in, out); return; }
                if ("load".equals(op) && "true".equals(DeployProtocol.string(f.header(), "stream"))) {
                    streamScript(c, in, out, f.payload());
                    return;
                }
                if ("reset".equals(op)) { reset(out); continue; }
                DeployProtocol.write(out, handle(op, f.payload()), null);
            }
        } catch (IOException e) {
            // The client went away; nothing to clean up beyond the socket.
        } finally {
            connections.remove(c);
        }
    }

    private JsonObject handle(String op, byte[] payload) {
        try {
            return switch (op == null ? "" : op) {
                case "load" -> withOk(target.load(payload, null));
                case "probes" -> {
                    JsonObject o = DeployProtocol.ok();
                    o.add("catalog", JsonParser.parseString(target.catalogJson()));
                    yield o;
                }
                case "globals" -> withOk(target.globals());
                case "status" -> withOk(target.status());
                default -> DeployProtocol.error("unknown op `" + op + "`: use load, reset, probes, globals, status or output");
            };
        } catch (Exception e) {
            return DeployProtocol.error(message(e));
        }
    }

    /** The payload is the output the script printed while it was unloaded, then its summary (either may be large). */
    private void reset(DataOutputStream out) throws IOException {
        DeployProtocol.Unloaded u;
        try {
            u = target.reset();
        } catch (Exception e) {
            DeployProtocol.write(out, DeployProtocol.error(message(e)), null);
            return;
        }
        byte[] output = u.output().getBytes(StandardCharsets.UTF_8), report = u.report().getBytes(StandardCharsets.UTF_8);
        JsonObject o = DeployProtocol.ok();
        o.addProperty("outputBytes", output.length);
        byte[] payload = java.util.Arrays.copyOf(output, output.length + report.length);
        System.arraycopy(report, 0, payload, output.length, report.length);
        DeployProtocol.write(out, o, payload);
    }

    private static String message(Exception e) { return e.getMessage() == null ? e.toString() : e.getMessage(); }

    /**
     * Loads an image for a client that streams the script's output: the answer goes out first, then the output (what
     * its Load clauses printed first), then an "end" frame when the script is unloaded. A client that closes the
     * connection before detaches: the script keeps running, and its output counts as dropped.
     */
    private void streamScript(Connection c, DataInputStream in, DataOutputStream out, byte[] image) throws IOException {
        ClientStream client = new ClientStream(c, out);
        JsonObject answer;
        try {
            answer = withOk(target.load(image, client));
        } catch (Exception e) {
            answer = DeployProtocol.error(message(e));
        }
        if (!answer.get("ok").getAsBoolean()) { // nothing is streamed
            client.detach();
            DeployProtocol.write(out, answer, null);
            return;
        }
        try {
            client.start(answer);
            while (in.read() >= 0) { } // the client sends nothing more: this returns when it leaves
        } finally {
            client.detach();
        }
    }

    /** Streams every script's output to the client until it disconnects or the server closes. */
    private void stream(Connection c, DataInputStream in, DataOutputStream out) throws IOException {
        ClientStream client = new ClientStream(c, out);
        try (AutoCloseable handle = target.onOutput(client)) {
            client.start(DeployProtocol.ok());
            while (in.read() >= 0) { }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            // closing the listener's handle does not fail
        } finally {
            client.detach();
            if (client.dropped() != 0 && !c.timedOut)
                log.accept("the output stream to " + c.peer() + " ended; " + client.dropped() + " records it did not read in time were dropped");
        }
    }

    /**
     * What goes out to one streaming client. Frames wait in a queue that the stream's own writer thread empties, so
     * whoever produces output (the runtime's output thread, an unload, another deploy) never waits for the client.
     * While the client does not read, output beyond {@link #MAX_QUEUED_OUTPUT} characters is dropped and counted
     * ({@link #dropped}); the first frame (the answer) and the end always get in, and the answer goes out first.
     */
    private static final class ClientStream implements ScriptListener, Consumer<String> {
        /** A frame to write; an output record's (text not null) is built by the writer. */
        private record Frame(JsonObject header, byte[] payload, String text) {}

        private final Connection connection;
        private final DataOutputStream out;
        private final ArrayDeque<Frame> queue = new ArrayDeque<>();
        private long queuedChars, dropped;
        /** ended: the end is queued, nothing follows; gone: the client left or its connection failed. */
        private boolean ended, gone, writing;

        ClientStream(Connection connection, DataOutputStream out) {
            this.connection = connection;
            this.out = out;
        }

        /** Queues the answer before whatever was queued meanwhile, and starts writing. */
        synchronized void start(JsonObject answer) {
            queue.addFirst(new Frame(answer, null, null));
            connection.stream = this;
            Thread.ofVirtual().name("vp-deploy-write").start(this::write);
        }

        @Override public synchronized boolean output(String text) {
            if (gone || ended) return false;
            long cost = text.length() + RECORD_OVERHEAD;
            if (queuedChars > 0 && queuedChars + cost > MAX_QUEUED_OUTPUT) {
                dropped++;
                return true; // counted here, so not also as a record nobody received
            }
            queue.add(new Frame(null, null, text));
            queuedChars += cost;
            notifyAll();
            return true;
        }

        @Override public void accept(String text) { output(text); }

        @Override public synchronized void ended(String reason, String summary) {
            if (gone || ended) return;
            JsonObject end = new JsonObject();
            end.addProperty("type", "end");
            end.addProperty("reason", reason);
            queue.add(new Frame(end, summary.getBytes(StandardCharsets.UTF_8), null));
            ended = true;
            notifyAll();
        }

        @Override public synchronized long dropped() { return dropped; }

        /** The client left or its connection failed: what it was not sent counts as dropped. */
        synchronized void detach() {
            if (gone) return;
            gone = true;
            for (Frame f : queue) if (f.text() != null) dropped++;
            queue.clear();
            queuedChars = 0;
            notifyAll();
        }

        /** Waits until everything queued went out, the client left, or the deadline (System.nanoTime) passed. */
        synchronized void awaitSent(long deadline) throws InterruptedException {
            for (long left; (writing || !queue.isEmpty()) && !gone && (left = deadline - System.nanoTime()) > 0; )
                wait(Math.max(1, left / 1_000_000));
        }

        /** The writer thread: sends the queued frames until the end went out or the client is gone. */
        private void write() {
            while (true) {
                Frame f;
                synchronized (this) {
                    writing = false;
                    notifyAll();
                    try {
                        while (queue.isEmpty() && !gone && !ended) wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (gone || queue.isEmpty()) return;
                    f = queue.poll();
                    if (f.text() != null) queuedChars -= f.text().length() + RECORD_OVERHEAD;
                    writing = true;
                }
                try {
                    DeployProtocol.write(out, f.text() == null ? f.header() : outputFrame(f.text()), f.payload());
                } catch (IOException e) {
                    detach();
                    try { connection.socket.close(); } catch (IOException ignored) { } // the stream is over: so is the connection
                    return;
                }
            }
        }
    }

    /**
     * A client's connection: its output stream times every write, so that the watchdog can close the connection of a
     * client that takes no data for the write timeout (writes go out in chunks, so a slow client that reads is not one).
     */
    private static final class Connection extends FilterOutputStream {
        final Socket socket;
        /** System.nanoTime() when the write in progress began; 0 when none is. */
        volatile long writingSince;
        /** The stream this connection carries, if any. */
        volatile ClientStream stream;
        /** The watchdog closed it. */
        volatile boolean timedOut;

        Connection(Socket socket) throws IOException {
            super(socket.getOutputStream());
            this.socket = socket;
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            for (int n; len > 0; off += n, len -= n) {
                n = Math.min(len, WRITE_CHUNK);
                writingSince = System.nanoTime() | 1;
                try {
                    out.write(b, off, n);
                } finally {
                    writingSince = 0;
                }
            }
        }

        @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

        String peer() { return socket.getInetAddress().getHostAddress() + ":" + socket.getPort(); }
    }

    /** Closes the connection of every client that took no data for the write timeout, with a line in the log. */
    private void watch() {
        long period = Math.clamp(writeTimeoutNanos / 4 / 1_000_000, 10, 1000);
        while (!closed) {
            long now = System.nanoTime();
            for (Connection c : connections) {
                long since = c.writingSince;
                if (since == 0 || now - since < writeTimeoutNanos || !connections.remove(c)) continue;
                c.timedOut = true;
                ClientStream stream = c.stream;
                if (stream != null) stream.detach();
                try { c.socket.close(); } catch (IOException ignored) { }
                log.accept("disconnected the client at " + c.peer() + ": it read nothing for " + Duration.ofNanos(now - since).toSeconds()
                        + "s (stopped, or too slow)" + (stream == null ? "" : "; " + stream.dropped() + " output records it did not read were dropped"));
            }
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static JsonObject outputFrame(String text) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "output");
        o.addProperty("text", text);
        return o;
    }

    private static JsonObject withOk(JsonObject body) {
        JsonObject o = body == null ? new JsonObject() : body.deepCopy();
        o.addProperty("ok", true);
        return o;
    }

    /** Stops serving; streams get a moment to send what they have queued (a script's end above all), then every connection closes. */
    @Override public void close() throws IOException {
        closed = true;
        socket.close();
        try {
            long deadline = System.nanoTime() + CLOSE_GRACE_NANOS;
            for (Connection c : connections) {
                ClientStream stream = c.stream;
                if (stream != null) stream.awaitSent(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c : connections) {
            try { c.socket.close(); } catch (SocketException ignored) { }
        }
        try {
            acceptor.join(2000);
            watchdog.interrupt();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
