package dev.vp.lsp;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.util.ByteChars;
import dev.vp.x64.image.ImageBuilder;
import dev.vp.x64.image.ProbeImageWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The editor's deploy and reset commands over the harness's deploy protocol: builds the .vpo in-process, opens
 * the output stream first (so Load output is not missed), then loads. One stream per server stays open and
 * keeps forwarding output after the command returns; a deploy to another address replaces it. Probe output and
 * summaries are bytes (one char per byte); the editor shows text, so they are decoded as UTF-8 here, the stream as
 * one (a character split over two records shows whole; a malformed sequence shows as U+FFFD).
 */
final class HarnessDeployClient implements DeployClient {
    private Thread stream;
    private String streamAddress;

    @Override
    public synchronized String deploy(Compilation c, String address, String tokenFile, Consumer<String> output) throws DeployException {
        var client = client(address, tokenFile);
        byte[] image;
        try {
            image = ProbeImageWriter.write(ImageBuilder.build(c.ir()));
        } catch (RuntimeException e) {
            throw new DeployException("the backend could not build an image: " + e.getMessage());
        }
        ensureStream(client, address, output);
        try {
            client.load(image);
        } catch (IOException e) {
            throw new DeployException(e.getMessage());
        }
        return "deployed " + Path.of(c.main().path()).getFileName() + " (" + image.length + " bytes) to " + address;
    }

    @Override
    public synchronized String reset(String address, String tokenFile) throws DeployException {
        try {
            return ByteChars.decodeUtf8(client(address, tokenFile).reset().text());
        } catch (IOException e) {
            throw new DeployException(e.getMessage());
        }
    }

    private void ensureStream(dev.vp.vmm.deploy.DeployClient client, String address, Consumer<String> output) throws DeployException {
        if (stream != null && stream.isAlive() && address.equals(streamAddress)) return;
        if (stream != null) stream.interrupt();
        CountDownLatch opened = new CountDownLatch(1);
        // Why the stream could not be opened (no harness there, a wrong token): the deploy's error, not probe output.
        var refused = new java.util.concurrent.atomic.AtomicReference<String>();
        streamAddress = address;
        // One decoder for the stream: a UTF-8 character split over two records shows whole, as on a terminal.
        var utf8 = new ByteChars.Utf8Stream();
        stream = Thread.ofPlatform().daemon(true).name("vp-lsp-output").start(() -> {
            try {
                client.streamOutput(opened::countDown, bytes -> {
                    String text = utf8.decode(bytes);
                    if (!text.isEmpty()) output.accept(text);
                });
                String rest = utf8.finish();
                if (!rest.isEmpty()) output.accept(rest);
            } catch (IOException e) {
                if (opened.getCount() > 0) {
                    refused.set(e.getMessage());
                    opened.countDown();
                    return;
                }
                output.accept(utf8.finish() + "vp: the output stream from " + address + " ended: " + e.getMessage() + "\n");
            }
        });
        try {
            if (!opened.await(5, TimeUnit.SECONDS)) throw new DeployException("the harness at " + address + " did not open its output stream");
            if (refused.get() != null) throw new DeployException(refused.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException("interrupted while connecting to " + address);
        }
    }

    private static dev.vp.vmm.deploy.DeployClient client(String address, String tokenFile) throws DeployException {
        try {
            return dev.vp.vmm.deploy.DeployClient.of(address, tokenFile == null || tokenFile.isBlank() ? null : Path.of(tokenFile), false,
                    "the editor deploys only to a `vp vmm` on this machine; use `vp deploy --allow-remote` from a terminal to do it on purpose");
        } catch (IOException | IllegalArgumentException e) {
            throw new DeployException(e.getMessage());
        }
    }
}
