package dev.vp.cli;

import dev.vp.vmm.deploy.DeployClient;
import dev.vp.vmm.deploy.DeployProtocol;
import dev.vp.vmm.deploy.TokenFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** Builds a deploy client from --vmm [HOST:PORT], --token-file and --allow-remote, with the harness's defaults. */
final class VmmClients {
    private VmmClients() {}

    static DeployClient client(Args args) throws IOException, Args.UsageException {
        String address = args.one("--vmm");
        if (address == null || address.isEmpty()) address = "127.0.0.1:" + DeployProtocol.DEFAULT_PORT;
        Path tokenFile = args.one("--token-file") == null ? TokenFile.defaultPath() : Path.of(args.one("--token-file"));
        InetSocketAddress harness;
        try {
            harness = DeployClient.parseAddress(address);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        // the token travels in clear text: only to this machine, unless the user says otherwise (as vmm's --listen)
        if (harness.getAddress() != null && !harness.getAddress().isLoopbackAddress() && !args.has("--allow-remote")) {
            throw new Args.UsageException("--vmm " + address + " is not on this machine: the token would travel there in clear text;"
                    + " pass --allow-remote to send it there on purpose");
        }
        return new DeployClient(harness, TokenFile.read(tokenFile));
    }
}
