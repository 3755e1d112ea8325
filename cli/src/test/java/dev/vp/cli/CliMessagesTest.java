package dev.vp.cli;

import static dev.vp.cli.CliTest.vp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages of the vp command that name the problem: the reason a file could not be written, a usage mistake. */
class CliMessagesTest {
    @TempDir Path dir;

    @Test void aFailedWriteSaysWhy() {
        Path out = dir.resolve("nonexistent").resolve("x.vpo");
        CliTest.Result r = vp("build", "-o", out.toString(), "-e", "VMMLoad { }");
        assertEquals(3, r.code());
        assertEquals("vp build: cannot write " + out + ": no such directory " + out.getParent() + "\n", r.err());
        r = vp("build", "-o", dir.toString(), "-e", "VMMLoad { }");
        assertEquals("vp build: cannot write " + dir + ": is a directory\n", r.err());
    }

    @Test void anEmptyOutputNameIsAUsageError() {
        CliTest.Result r = vp("build", "-o", "", "-e", "VMMLoad { }");
        assertEquals(2, r.code());
        assertEquals("vp build: -o needs a file name (see `vp build --help`)\n", r.err());
    }
}
