package dev.vp.vmm.deploy;

import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** A client of a running `vp vmm`: one request per connection, or a long-lived output stream. */
public final class DeployClient {
    /** How long a request waits for the harness's answer by default. */
    public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

    private final InetSocketAddress address;
    private final String token;
    private final Duration answerTimeout;

    public DeployClient(InetSocketAddress address, String token) { this(address, token, ANSWER_TIMEOUT); }

    /** answerTimeout: how long to wait for the answer to a request (not for a stream's output, which may be sparse). */
    public DeployClient(InetSocketAddress address, String token, Duration answerTimeout) {
        this.address = address;
        this.token = token;
        this.answerTimeout = answerTimeout;
    }

    /**
     * The client of the harness at address ("host:port"; null or blank: 127.0.0.1 and the default port) with the token
     * in tokenFile (null: TokenFile.defaultPath()). The token travels in clear text, so an address off this machine
     * is refused (IllegalArgumentException, its message ending in remoteHint) unless allowRemote; so is a bad address.
     */
    public static DeployClient of(String address, Path tokenFile, boolean allowRemote, String remoteHint) throws IOException {
        String text = address == null || address.isBlank() ? "127.0.0.1:" + DeployProtocol.DEFAULT_PORT : address;
        InetSocketAddress harness = parseAddress(text);
        if (!allowRemote && harness.getAddress() != null && !harness.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException(text + " is not on this machine: the token would travel there in clear text; " + remoteHint);
        }
        return new DeployClient(harness, TokenFile.read(tokenFile == null ? TokenFile.defaultPath() : tokenFile));
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
    public JsonObject probes() throws IOException { return request("probes", null); }
    public JsonObject globals() throws IOException { return request("globals", null); }
    public JsonObject status() throws IOException { return request("status", null); }

    /** Unloads the running script: what it printed while it was unloaded, and its summary. */
    public DeployProtocol.Unloaded reset() throws IOException {
        DeployProtocol.Frame f = exchange("reset", null);
        String outputBytes = DeployProtocol.string(f.header(), "outputBytes");
        int n = outputBytes == null ? 0 : Math.clamp(Long.parseLong(outputBytes), 0, f.payload().length);
        return new DeployProtocol.Unloaded(new String(f.payload(), 0, n, StandardCharsets.UTF_8),
                new String(f.payload(), n, f.payload().length - n, StandardCharsets.UTF_8));
    }

    /** Sends one request; a refusal ("ok": false) becomes an IOException with the harness's reason. */
    public JsonObject request(String op, byte[] payload) throws IOException { return exchange(op, payload).header(); }

    private DeployProtocol.Frame exchange(String op, byte[] payload) throws IOException {
        try (Socket s = connect(); var in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
             var out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
            DeployProtocol.write(out, header(op), payload);
            return answer(s, in);
        }
    }

    /** How a deployed script's stream ended: why the script was unloaded, and its summary. */
    public record Ended(String reason, String report) {}

    /**
     * Loads image and streams its output until it is unloaded: loaded receives the answer, output every record the
     * script prints (this script's only), and the result says how it ended. Interrupting the calling (virtual)
     * thread closes the stream and leaves the script loaded.
     */
    public Ended deploy(byte[] image, Consumer<JsonObject> loaded, Consumer<String> output) throws IOException {
        try (Socket s = connect(); var in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
             var out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
            JsonObject h = header("load");
            h.addProperty("stream", true);
            DeployProtocol.write(out, h, image);
            loaded.accept(answer(s, in).header());
            s.setSoTimeout(0);
            try {
                for (DeployProtocol.Frame f; (f = DeployProtocol.read(in, DeployProtocol.DEFAULT_MAX_PAYLOAD_BYTES)) != null; ) {
                    String type = DeployProtocol.string(f.header(), "type");
                    if ("output".equals(type)) output.accept(DeployProtocol.string(f.header(), "text"));
                    else if ("end".equals(type)) return new Ended(DeployProtocol.string(f.header(), "reason"), new String(f.payload(), StandardCharsets.UTF_8));
                }
            } catch (DeployProtocol.ProtocolException e) {
                // cut off inside a frame: as below
            }
            throw new IOException("the harness at " + where() + " closed the stream without saying why (did `vp vmm` stop,"
                    + " or disconnect this client for not reading? its log says)");
        }
    }

    /** Streams output lines to the listener until the harness closes the stream or the thread is interrupted. */
    public void streamOutput(Consumer<String> listener) throws IOException { streamOutput(() -> { }, listener); }

    /** As {@link #streamOutput(Consumer)}; opened runs once the harness has accepted the stream, before any output. */
    public void streamOutput(Runnable opened, Consumer<String> listener) throws IOException {
        try (Socket s = connect(); var in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
             var out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
            DeployProtocol.write(out, header("output"), null);
            answer(s, in);
            s.setSoTimeout(0);
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
            throw new IOException("cannot reach a harness at " + where()
                    + " (" + e.getMessage() + "); start one with `vp vmm`");
        }
        return s;
    }

    private String where() { return address.getHostString() + ":" + address.getPort(); }

    private JsonObject header(String op) {
        JsonObject h = new JsonObject();
        h.addProperty("op", op);
        h.addProperty("token", token);
        return h;
    }

    /** Reads the answer to a request, waiting at most answerTimeout for it. */
    private DeployProtocol.Frame answer(Socket s, DataInputStream in) throws IOException {
        s.setSoTimeout((int) answerTimeout.toMillis());
        DeployProtocol.Frame f;
        try {
            f = DeployProtocol.read(in, DeployProtocol.DEFAULT_MAX_PAYLOAD_BYTES);
        } catch (SocketTimeoutException e) {
            throw new IOException("the harness at " + where() + " did not answer within "
                    + (answerTimeout.toMillis() % 1000 == 0 ? answerTimeout.toSeconds() + "s" : answerTimeout.toMillis() + "ms"));
        } catch (DeployProtocol.ProtocolException e) {
            throw new IOException(where() + " is not a vp harness: its answer is not a deploy protocol frame (is `vp vmm` listening there?)");
        }
        if (f == null) throw new IOException("the harness closed the connection without an answer");
        JsonObject h = f.header();
        if (!h.has("ok") || !h.get("ok").getAsBoolean())
            throw new IOException("the harness refused: " + DeployProtocol.string(h, "error"));
        return f;
    }
}
