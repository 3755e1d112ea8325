package dev.vp.vmm.deploy;

import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.Consumer;

/** A client of a running `vp vmm`: one request per connection, or a long-lived output stream. */
public final class DeployClient {
    private final InetSocketAddress address;
    private final String token;

    public DeployClient(InetSocketAddress address, String token) {
        this.address = address;
        this.token = token;
    }

    /** "host:port" or ":port" or "port"; the host defaults to 127.0.0.1. */
    public static InetSocketAddress parseAddress(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : s.substring(0, colon);
        String port = colon < 0 ? s : s.substring(colon + 1);
        if (host.isEmpty()) host = "127.0.0.1";
        try {
            return new InetSocketAddress(host, Integer.parseInt(port));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad harness address `" + text + "`: write HOST:PORT, e.g. 127.0.0.1:" + DeployProtocol.DEFAULT_PORT);
        }
    }

    public JsonObject load(byte[] image) throws IOException { return request("load", image); }
    public JsonObject reset() throws IOException { return request("reset", null); }
    public JsonObject probes() throws IOException { return request("probes", null); }
    public JsonObject globals() throws IOException { return request("globals", null); }
    public JsonObject status() throws IOException { return request("status", null); }

    /** Sends one request; a refusal ("ok": false) becomes an IOException with the harness's reason. */
    public JsonObject request(String op, byte[] payload) throws IOException {
        try (Socket s = connect(); var in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
             var out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
            DeployProtocol.write(out, header(op), payload);
            return answer(DeployProtocol.read(in, DeployProtocol.DEFAULT_MAX_PAYLOAD_BYTES));
        }
    }

    /** Streams output lines to the listener until the harness closes the stream or the thread is interrupted. */
    public void streamOutput(Consumer<String> listener) throws IOException { streamOutput(() -> { }, listener); }

    /** As {@link #streamOutput(Consumer)}; opened runs once the harness has accepted the stream, before any output. */
    public void streamOutput(Runnable opened, Consumer<String> listener) throws IOException {
        try (Socket s = connect(); var in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
             var out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
            DeployProtocol.write(out, header("output"), null);
            answer(DeployProtocol.read(in, DeployProtocol.DEFAULT_MAX_PAYLOAD_BYTES));
            opened.run();
            for (DeployProtocol.Frame f; (f = DeployProtocol.read(in, DeployProtocol.DEFAULT_MAX_PAYLOAD_BYTES)) != null; ) {
                String text = DeployProtocol.string(f.header(), "text");
                if (text != null) listener.accept(text);
            }
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, 3000);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot reach a harness at " + address.getHostString() + ":" + address.getPort()
                    + " (" + e.getMessage() + "); start one with `vp vmm`");
        }
        return s;
    }

    private JsonObject header(String op) {
        JsonObject h = new JsonObject();
        h.addProperty("op", op);
        h.addProperty("token", token);
        return h;
    }

    private static JsonObject answer(DeployProtocol.Frame f) throws IOException {
        if (f == null) throw new IOException("the harness closed the connection without an answer");
        JsonObject h = f.header();
        if (!h.has("ok") || !h.get("ok").getAsBoolean())
            throw new IOException("the harness refused: " + DeployProtocol.string(h, "error"));
        return h;
    }
}
