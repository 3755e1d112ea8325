package dev.vp.vmm.deploy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
                case "load" -> withOk(target.load(payload));
                case "reset" -> withOk(target.reset());
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
            return DeployProtocol.error(e.getMessage() == null ? e.toString() : e.getMessage());
        }
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
            JsonObject o = new JsonObject();
            o.addProperty("type", "output");
            o.addProperty("text", text);
            try {
                synchronized (out) {
                    DeployProtocol.write(out, o, null);
                }
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
