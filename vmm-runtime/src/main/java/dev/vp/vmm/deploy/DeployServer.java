package dev.vp.vmm.deploy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vp.vmm.ScriptListener;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The harness's deploy server: loopback TCP, one virtual thread per connection, every request checked against
 * the token. A bad request (no or wrong token, malformed frame, oversized image) is answered with the reason and
 * the connection closed; the server and the harness keep running.
 */
public final class DeployServer implements AutoCloseable {
    private final ServerSocket socket;
    private final DeployTarget target;
    private final String token;
    private final int maxPayload;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param allowRemote binding to a non-loopback address is refused unless this is set (the --allow-remote flag)
     */
    public DeployServer(InetSocketAddress bind, boolean allowRemote, DeployTarget target, String token, int maxPayload)
            throws IOException {
        InetAddress a = bind.getAddress();
        if (a == null || !(a.isLoopbackAddress() || allowRemote))
            throw new IOException("refusing to bind the deploy server to " + bind.getHostString()
                    + ": it is not a loopback address; pass --allow-remote to do so on purpose");
        this.target = target;
        this.token = token;
        this.maxPayload = maxPayload;
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
    }

    public int port() { return socket.getLocalPort(); }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                connections.add(s);
                Thread.ofVirtual().name("vp-deploy-conn").start(() -> serve(s));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; var in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
             var out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
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
                if ("output".equals(op)) { stream(out); return; }
                if ("load".equals(op) && "true".equals(DeployProtocol.string(f.header(), "stream"))) {
                    streamScript(in, out, f.payload());
                    return;
                }
                if ("reset".equals(op)) { reset(out); continue; }
                DeployProtocol.write(out, handle(op, f.payload()), null);
            }
        } catch (IOException e) {
            // The client went away; nothing to clean up beyond the socket.
        } finally {
            connections.remove(s);
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
    private void streamScript(DataInputStream in, DataOutputStream out, byte[] image) throws IOException {
        ClientStream client = new ClientStream(out);
        JsonObject answer;
        try {
            answer = withOk(target.load(image, client));
        } catch (Exception e) {
            answer = DeployProtocol.error(message(e));
        }
        try {
            if (client.answer(answer)) while (in.read() >= 0) { } // the client sends nothing more: this returns when it leaves
        } finally {
            client.detach();
        }
    }

    /** One deploying client's stream. Output that comes before the load's answer went out waits for it. */
    private static final class ClientStream implements ScriptListener {
        private final DataOutputStream out;
        private List<String> early = new ArrayList<>();
        private JsonObject end;
        private byte[] endReport;
        private boolean gone;

        ClientStream(DataOutputStream out) { this.out = out; }

        /** Sends the answer, then what the script printed (and an end that came) meanwhile; false when the load was refused. */
        synchronized boolean answer(JsonObject answer) {
            send(answer);
            if (!answer.get("ok").getAsBoolean()) gone = true;
            for (String text : early) send(outputFrame(text));
            early = null;
            if (end != null) finish();
            return !gone;
        }

        @Override public synchronized boolean output(String text) {
            if (gone) return false;
            if (early != null) early.add(text);
            else send(outputFrame(text));
            return !gone;
        }

        @Override public synchronized void ended(String reason, String summary) {
            end = new JsonObject();
            end.addProperty("type", "end");
            end.addProperty("reason", reason);
            endReport = summary.getBytes(StandardCharsets.UTF_8);
            if (early == null) finish();
        }

        synchronized void detach() { gone = true; }

        private void finish() {
            send(end, endReport);
            gone = true;
        }

        private void send(JsonObject frame) { send(frame, null); }

        private void send(JsonObject frame, byte[] payload) {
            if (gone) return;
            try {
                DeployProtocol.write(out, frame, payload);
            } catch (IOException e) {
                gone = true;
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

    /**
     * Streams probe output to the client until it disconnects or the server closes. The acceptance goes out before
     * the listener is registered, and frames are written one at a time, so output (from whatever thread delivers it)
     * can neither overtake the acceptance nor interleave with another frame.
     */
    private void stream(DataOutputStream out) throws IOException {
        CountDownLatch gone = new CountDownLatch(1);
        DeployProtocol.write(out, DeployProtocol.ok(), null);
        try (AutoCloseable handle = target.onOutput(text -> {
            try {
                DeployProtocol.write(out, outputFrame(text), null);
            } catch (IOException e) {
                gone.countDown();
            }
        })) {
            while (!closed && !gone.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) { }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (e instanceof IOException io) throw io;
        }
    }

    @Override public void close() throws IOException {
        closed = true;
        socket.close();
        for (Socket s : connections) {
            try { s.close(); } catch (SocketException ignored) { }
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
