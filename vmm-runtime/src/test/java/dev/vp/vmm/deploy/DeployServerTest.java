package dev.vp.vmm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.vp.vmm.ScriptListener;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deploy server refuses bad requests with clear reasons and keeps serving good ones. */
class DeployServerTest {
    @TempDir Path dir;
    private final List<byte[]> loaded = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final List<ScriptListener> clients = new CopyOnWriteArrayList<>();
    private DeployServer server;
    private String token;
    private TokenFile.Owned owned;

    private final DeployTarget target = new DeployTarget() {
        public JsonObject load(byte[] image, ScriptListener client) throws Exception {
            if (image.length == 0) throw new IllegalArgumentException("image refused: empty");
            loaded.add(image);
            if (client != null) {
                clients.add(client);
                client.output("load output\n"); // a Load clause prints before the answer goes out
            }
            JsonObject o = new JsonObject();
            o.addProperty("bytes", image.length);
            return o;
        }
        public DeployProtocol.Unloaded reset() {
            loaded.clear();
            for (ScriptListener c : clients) c.ended("unloaded by `vp reset`", "summary\n");
            return new DeployProtocol.Unloaded("unload output", "summary\n");
        }
        public String catalogJson() { return "{\"name\":\"test\"}"; }
        public JsonObject globals() { return new JsonObject(); }
        public JsonObject status() { JsonObject o = new JsonObject(); o.addProperty("scripts", loaded.size()); return o; }
        public AutoCloseable onOutput(Consumer<String> l) { listeners.add(l); return () -> listeners.remove(l); }
    };

    @BeforeEach void start() throws IOException {
        token = TokenFile.generate();
        owned = TokenFile.create(dir.resolve("vp/vmm.token"), token);
        server = new DeployServer(new InetSocketAddress("127.0.0.1", 0), false, target, token, 1024);
    }

    @AfterEach void stop() throws IOException {
        server.close();
        owned.close();
    }

    private DeployClient client(String t) { return new DeployClient(new InetSocketAddress("127.0.0.1", server.port()), t); }

    @Test void tokenFileIsPrivate() throws IOException {
        Path f = dir.resolve("vp/vmm.token");
        assertEquals(java.util.Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(f));
        assertEquals(token, TokenFile.read(f));
    }

    @Test void aTokenFileInUseIsNotTakenOverNorRemovedByAnother() throws IOException {
        Path f = dir.resolve("vp/vmm.token");
        IOException taken = assertThrows(IOException.class, () -> TokenFile.create(f, TokenFile.generate()));
        assertTrue(taken.getMessage().contains("is the token file of a running `vp vmm`"), taken.getMessage());
        assertEquals(token, TokenFile.read(f));
        IOException inUse = assertThrows(IOException.class,
                () -> new DeployServer(new InetSocketAddress("127.0.0.1", server.port()), false, target, "other", 1024));
        assertEquals("127.0.0.1:" + server.port() + " is in use (another `vp vmm`?): stop it, or give --listen another port (port 0 picks a free one)",
                inUse.getMessage());
        assertEquals(token, TokenFile.read(f));
        IOException directory = assertThrows(IOException.class, () -> TokenFile.create(dir, TokenFile.generate()));
        assertEquals("the token file " + dir + " is a directory: name a file", directory.getMessage());

        Path other = dir.resolve("other.token");
        TokenFile.create(other, "first").close();
        assertTrue(Files.notExists(other), "closing removes the file it wrote");
        try (TokenFile.Owned first = TokenFile.create(other, "first")) {
            Files.writeString(other, "second\n"); // another harness took the file over meanwhile
        }
        assertEquals("second", TokenFile.read(other), "closing leaves a file holding another token alone");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".vmm")).toList(), "no temporary token files");
        }
    }

    @Test void loadsWithTheRightToken() throws IOException {
        JsonObject r = client(token).load(new byte[] {1, 2, 3});
        assertEquals(3, r.get("bytes").getAsInt());
        assertEquals(1, client(token).status().get("scripts").getAsInt());
        assertEquals("test", client(token).probes().getAsJsonObject("catalog").get("name").getAsString());
    }

    @Test void refusesAWrongOrMissingToken() throws IOException {
        IOException wrong = assertThrows(IOException.class, () -> client("nope").load(new byte[] {1}));
        assertTrue(wrong.getMessage().contains("wrong token"), wrong.getMessage());
        IOException missing = assertThrows(IOException.class, () -> client(null).status());
        assertTrue(missing.getMessage().contains("missing token"), missing.getMessage());
        assertEquals(0, loaded.size());
        client(token).status();   // still serving
    }

    @Test void refusesOversizedImagesAndMalformedFrames() throws IOException {
        IOException big = assertThrows(IOException.class, () -> client(token).load(new byte[2048]));
        assertTrue(big.getMessage().contains("image too large: 2048 bytes"), big.getMessage());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            var out = new DataOutputStream(s.getOutputStream());
            out.writeInt(5);
            out.write("hello".getBytes());
            out.flush();
            var reply = DeployProtocol.read(new DataInputStream(s.getInputStream()), 1024);
            assertTrue(DeployProtocol.string(reply.header(), "error").startsWith("malformed frame: the header is not"));
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            new DataOutputStream(s.getOutputStream()).writeInt(Integer.MAX_VALUE);
            var reply = DeployProtocol.read(new DataInputStream(s.getInputStream()), 1024);
            assertTrue(DeployProtocol.string(reply.header(), "error").startsWith("malformed frame: header length"));
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            // An unauthenticated client is refused on its header: the harness never reads the 1 KB it announces.
            var out = new DataOutputStream(s.getOutputStream());
            byte[] header = "{\"v\":1,\"op\":\"load\",\"token\":\"nope\",\"payloadBytes\":1024}".getBytes();
            out.writeInt(header.length);
            out.write(header);
            out.flush();
            var reply = DeployProtocol.read(new DataInputStream(s.getInputStream()), 1024);
            assertTrue(DeployProtocol.string(reply.header(), "error").startsWith("wrong token"));
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            var out = new DataOutputStream(s.getOutputStream());
            byte[] header = "{\"v\":\"one\",\"op\":\"status\"}".getBytes();
            out.writeInt(header.length);
            out.write(header);
            out.flush();
            var reply = DeployProtocol.read(new DataInputStream(s.getInputStream()), 1024);
            assertEquals("malformed frame: `v` must be a whole number", DeployProtocol.string(reply.header(), "error"));
        }
        IOException refused = assertThrows(IOException.class, () -> client(token).load(new byte[0]));
        assertTrue(refused.getMessage().contains("image refused: empty"));
        client(token).status();
    }

    @Test void refusesNonLoopbackBindWithoutTheFlag() throws Exception {
        var any = new InetSocketAddress("0.0.0.0", 0);
        IOException e = assertThrows(IOException.class, () -> new DeployServer(any, false, target, token, 1024));
        assertTrue(e.getMessage().contains("--allow-remote"), e.getMessage());
    }

    @Test void aServerThatNeverAnswersTimesOut() throws Exception {
        try (var silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            var at = new InetSocketAddress("127.0.0.1", silent.getLocalPort());
            var client = new DeployClient(at, token, java.time.Duration.ofMillis(300));
            long started = System.nanoTime();
            IOException e = assertThrows(IOException.class, client::reset);
            assertEquals("the harness at 127.0.0.1:" + silent.getLocalPort() + " did not answer within 300ms", e.getMessage());
            IOException stream = assertThrows(IOException.class, () -> client.streamOutput(text -> { }));
            assertTrue(stream.getMessage().contains("did not answer within 300ms"), stream.getMessage());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test void aDeployStreamsItsScriptsOutputAfterTheAnswerUntilTheEnd() throws Exception {
        var events = new LinkedBlockingQueue<String>();
        var ended = new java.util.concurrent.CompletableFuture<DeployClient.Ended>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                ended.complete(client(token).deploy(new byte[] {1}, answer -> events.add("answer " + answer.get("bytes")), events::add));
            } catch (IOException e) {
                ended.completeExceptionally(e);
            }
        });
        assertEquals("answer 1", events.poll(5, TimeUnit.SECONDS));
        assertEquals("load output\n", events.poll(5, TimeUnit.SECONDS));
        assertTrue(clients.get(0).output("tick\n"));
        assertEquals("tick\n", events.poll(5, TimeUnit.SECONDS));
        DeployProtocol.Unloaded reset = client(token).reset();
        assertEquals("unload output\n\nsummary\n", reset.text());
        assertEquals(new DeployClient.Ended("unloaded by `vp reset`", "summary\n"), ended.get(5, TimeUnit.SECONDS));
        assertTrue(!clients.get(0).output("late\n"), "an ended stream takes no more output");

        // a client that leaves detaches: its script's output is no longer taken as received
        Thread leaving = Thread.ofVirtual().start(() -> {
            try { client(token).deploy(new byte[] {2}, answer -> { }, text -> { }); } catch (IOException ignored) { }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (clients.size() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
        Thread.sleep(100);
        leaving.interrupt();
        leaving.join(5000);
        while (clients.get(1).output("x\n") && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(!clients.get(1).output("x\n"));
        t.join(5000);
    }

    /** A client that stops reading (as a `vp deploy` under kill -STOP) delays neither output, nor a reset, nor other clients. */
    @Test void aClientThatStopsReadingHoldsUpNobodyAndIsDisconnected() throws Exception {
        var log = new LinkedBlockingQueue<String>();
        server.close();
        server = new DeployServer(new InetSocketAddress("127.0.0.1", 0), false, target, token, 1024, java.time.Duration.ofSeconds(1), log::add);
        try (Socket deploy = neverReading(); Socket stream = neverReading()) {
            send(deploy, "{\"v\":1,\"op\":\"load\",\"stream\":true,\"token\":\"" + token + "\",\"payloadBytes\":1}", new byte[] {7});
            send(stream, "{\"v\":1,\"op\":\"output\",\"token\":\"" + token + "\"}", new byte[0]);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((clients.isEmpty() || listeners.isEmpty()) && System.nanoTime() < deadline) Thread.sleep(10);
            ScriptListener script = clients.get(0);

            // far more output than the sockets' buffers hold, in bursts as the runtime's output thread delivers it: it never waits
            String line = "x".repeat(1000) + "\n";
            var delivered = java.util.concurrent.CompletableFuture.runAsync(() -> {
                for (int burst = 0; burst < 64; burst++) {
                    for (int i = 0; i < 500; i++) {
                        assertTrue(script.output(line), "taken, or dropped and counted");
                        for (Consumer<String> l : listeners) l.accept(line);
                    }
                    try { Thread.sleep(10); } catch (InterruptedException e) { throw new IllegalStateException(e); }
                }
            });
            delivered.get(10, TimeUnit.SECONDS);
            assertTrue(script.dropped() > 0, "what the client did not read is counted");

            // the reset (which ends the stuck client's stream) and other clients are answered at once
            long started = System.nanoTime();
            assertEquals("unload output\n\nsummary\n", client(token).reset().text());
            assertEquals(0, client(token).status().get("scripts").getAsInt());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "answered in " + (System.nanoTime() - started) / 1_000_000 + " ms");

            // both stuck clients are disconnected after the write timeout, each with a line in the log
            List<String> lines = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) lines.add(log.poll(10, TimeUnit.SECONDS));
            for (Socket s : List.of(deploy, stream))
                assertTrue(lines.stream().anyMatch(l -> l != null && l.startsWith("disconnected the client at 127.0.0.1:" + s.getLocalPort()
                        + ": it read nothing for 1s (stopped, or too slow); ") && l.endsWith(" output records it did not read were dropped")), lines.toString());
        }
        client(token).status(); // still serving
    }

    /** Empty and short records cost memory too: a client that is not reading cannot make the queue grow without bound. */
    @Test void recordsThatCarryLittleTextStillFillTheQueueOfAClientThatIsNotReading() throws Exception {
        try (Socket deploy = neverReading()) {
            send(deploy, "{\"v\":1,\"op\":\"load\",\"stream\":true,\"token\":\"" + token + "\",\"payloadBytes\":1}", new byte[] {7});
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (clients.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            ScriptListener script = clients.get(0);
            // printf("") makes a record with no text; each still takes a frame in the queue
            for (int i = 0; i < 2_000_000; i++) assertTrue(script.output(""), "taken, or dropped and counted");
            assertTrue(script.dropped() > 0, "two million empty records were all queued for a client that reads nothing");
        }
    }

    /** A connection that reads nothing, with a small receive buffer so that it fills soon. */
    private Socket neverReading() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        return s;
    }

    private static void send(Socket s, String header, byte[] payload) throws IOException {
        var out = new DataOutputStream(s.getOutputStream());
        byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(h.length);
        out.write(h);
        out.write(payload);
        out.flush();
    }

    @Test void aPeerThatIsNotAHarnessOrATokenFileThatIsADirectoryIsSaidSo() throws Exception {
        try (var http = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = http.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
                    s.getInputStream().read();
                } catch (IOException ignored) { }
            });
            var client = new DeployClient(new InetSocketAddress("127.0.0.1", http.getLocalPort()), token);
            IOException e = assertThrows(IOException.class, client::status);
            assertEquals("127.0.0.1:" + http.getLocalPort() + " is not a vp harness: its answer is not a deploy protocol frame"
                    + " (is `vp vmm` listening there?)", e.getMessage());
        }
        IOException directory = assertThrows(IOException.class, () -> TokenFile.read(dir));
        assertEquals("the token file " + dir + " is a directory: name the file `vp vmm` wrote", directory.getMessage());
    }

    @Test void streamsOutput() throws Exception {
        var lines = new LinkedBlockingQueue<String>();
        Thread t = Thread.ofVirtual().start(() -> {
            try { client(token).streamOutput(lines::add); } catch (IOException ignored) { }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (listeners.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        listeners.forEach(l -> l.accept("tick 1\n"));
        assertEquals("tick 1\n", lines.poll(5, TimeUnit.SECONDS));
        server.close();
        t.join(5000);
    }
}
