// The benchmark's exit-storm guest (vmm-runtime/bench/exitguest.S), built with the repository's script on first use.
package dev.vp.tests.harness;

import dev.vp.compiler.symbols.ElfFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

final class ExitGuest {
    private static ElfFile built;

    private ExitGuest() {}

    /** exitguest.elf: every vCPU does OUTs to port 0x80 as fast as it can, forever. */
    static synchronized ElfFile elf() throws IOException, InterruptedException {
        if (built != null) return built;
        Path root = Vp.root(), out = root.resolve("tests/target/bench");
        Process p = new ProcessBuilder("bash", root.resolve("vmm-runtime/bench/build.sh").toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("vmm-runtime/bench/build.sh failed (it needs gcc, as minios does):\n" + log);
        built = ElfFile.read(out.resolve("exitguest.elf"));
        return built;
    }
}
