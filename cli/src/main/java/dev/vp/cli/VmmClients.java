package dev.vp.cli;

import dev.vp.vmm.deploy.DeployClient;
import java.io.IOException;
import java.nio.file.Path;

/** Builds a deploy client from --vmm [HOST:PORT], --token-file and --allow-remote, with the harness's defaults. */
final class VmmClients {
    private VmmClients() {}

    static DeployClient client(Args args) throws IOException, Args.UsageException {
        Path tokenFile = args.one("--token-file") == null ? null : Path.of(args.one("--token-file"));
        try {
            return DeployClient.of(args.one("--vmm"), tokenFile, args.has("--allow-remote"), "pass --allow-remote to send it there on purpose");
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }
}
