package dev.vp.lsp;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.ScriptSetup;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.source.SourceFile;
import dev.vp.runtime.engine.NativeEngine;
import dev.vp.vmm.Monitor;
import dev.vp.vmm.deploy.DeployProtocol;
import dev.vp.vmm.deploy.DeployServer;
import dev.vp.vmm.deploy.MonitorDeployTarget;
import dev.vp.vmm.deploy.TokenFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The editor's deploy and reset commands against a real monitor and deploy server. */
class HarnessDeployClientTest {
    @TempDir Path dir;

    @Test void deploysStreamsAndResets() throws Exception {
        if (!Boolean.getBoolean("vp.requireKvm")) assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm");
        var loader = new FileSystemSourceLoader();
        var options = ScriptSetup.resolve(dir.resolve("t.emt"), ScriptSetup.Flags.NONE, loader, new Diagnostics());
        Compilation c = Compiler.compile(new SourceFile(dir.resolve("t.emt").toString(),
                "VMM10Hz if (VCPUID == 0) { printf(\"deployed tick \\xc3\\xa9 é\\n\"); printf(\"split \\xc3\"); printf(\"\\xa9\\n\"); }\n"),
                options, loader);
        assertTrue(c.diagnostics().isEmpty(), c.diagnostics().toString());
        Path tokenFile = dir.resolve("vp/vmm.token");
        try (var token = TokenFile.create(tokenFile, TokenFile.generate());
             Monitor monitor = Monitor.start(sink -> new NativeEngine(1, sink), 1, line -> { });
             DeployServer server = new DeployServer(new InetSocketAddress("127.0.0.1", 0), false, new MonitorDeployTarget(monitor),
                     token.token(), DeployProtocol.DEFAULT_MAX_PAYLOAD_BYTES)) {
            String at = "127.0.0.1:" + server.port();
            var lines = new LinkedBlockingQueue<String>();
            var client = new HarnessDeployClient();
            String summary = client.deploy(c, at, tokenFile.toString(), lines::add);
            assertTrue(summary.startsWith("deployed t.emt ("), summary);
            String first = lines.poll(10, TimeUnit.SECONDS);
            // output is bytes, shown as UTF-8: the escaped bytes c3 a9 and a literal é (the same two bytes) both read é
            assertTrue(first != null && first.contains("deployed tick é é\n"), String.valueOf(first));
            // one stream as a terminal reads it: é's two bytes in two printf records still show as é
            var seen = new StringBuilder(first);
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); !seen.toString().contains("split é\n") && System.nanoTime() < end; ) {
                String more = lines.poll(1, TimeUnit.SECONDS);
                if (more != null) seen.append(more);
            }
            assertTrue(seen.toString().contains("split é\n") && !seen.toString().contains("\ufffd"), seen.toString());
            String report = client.reset(at, tokenFile.toString());
            assertTrue(report.contains("VMM10Hz"), report);
            var wrong = assertThrows(DeployClient.DeployException.class, () -> client.reset(at, dir.resolve("nope").toString()));
            assertTrue(wrong.getMessage().contains("no token file"), wrong.getMessage());
        }
    }

    @Test void aHarnessThatIsNotThereIsTheDeploysErrorNotAStreamTimeout() throws Exception {
        var loader = new FileSystemSourceLoader();
        var options = ScriptSetup.resolve(dir.resolve("t.emt"), ScriptSetup.Flags.NONE, loader, new Diagnostics());
        Compilation c = Compiler.compile(new SourceFile(dir.resolve("t.emt").toString(), "VMM1Hz printf(\"x\\n\");\n"), options, loader);
        assertTrue(c.diagnostics().isEmpty(), c.diagnostics().toString());
        Path tokenFile = dir.resolve("vmm.token");
        Files.writeString(tokenFile, "0123456789abcdef0123456789abcdef\n");
        int port;
        try (var free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String at = "127.0.0.1:" + port;
        var lines = new LinkedBlockingQueue<String>();
        var e = assertThrows(DeployClient.DeployException.class, () -> new HarnessDeployClient().deploy(c, at, tokenFile.toString(), lines::add));
        assertTrue(e.getMessage().contains("cannot reach a harness at " + at) && e.getMessage().contains("start one with `vp vmm`"), e.getMessage());
        assertTrue(lines.isEmpty(), "the reason went to the probe output too: " + lines);
    }

    @Test void theTokenNeverLeavesThisMachine() throws Exception {
        Path tokenFile = dir.resolve("vmm.token");
        Files.writeString(tokenFile, "0123456789abcdef0123456789abcdef\n");
        var refused = assertThrows(DeployClient.DeployException.class, () -> new HarnessDeployClient().reset("192.0.2.1:7311", tokenFile.toString()));
        assertTrue(refused.getMessage().contains("is not on this machine"), refused.getMessage());
    }
}
