package dev.vp.cli;

import dev.vp.vmm.deploy.DeployClient;
import dev.vp.vmm.deploy.DeployProtocol;
import dev.vp.vmm.deploy.TokenFile;
import java.io.IOException;
import java.nio.file.Path;

/** Builds a deploy client from --vmm [HOST:PORT] and --token-file, with the harness's defaults. */
final class VmmClients {
    private VmmClients() {}

    static DeployClient client(Args args) throws IOException, Args.UsageException {
        String address = args.one("--vmm");
        if (address == null || address.isEmpty()) address = "127.0.0.1:" + DeployProtocol.DEFAULT_PORT;
        Path tokenFile = args.one("--token-file") == null ? TokenFile.defaultPath() : Path.of(args.one("--token-file"));
        try {
            return new DeployClient(DeployClient.parseAddress(address), TokenFile.read(tokenFile));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }
}
