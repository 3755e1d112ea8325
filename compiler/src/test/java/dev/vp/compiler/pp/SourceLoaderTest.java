// Loading files: text checks, missing and unreadable files, and editor buffers taking precedence.
package dev.vp.compiler.pp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceLoaderTest {
    @TempDir Path dir;

    private SourceLoader.Result load(String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
        return new FileSystemSourceLoader(dir).load(Path.of(name));
    }

    @Test
    void textLoadsWithItsDisplayPathAsGiven() throws IOException {
        var r = assertInstanceOf(SourceLoader.Loaded.class, load("a.emt", "int x;\n".getBytes()));
        assertEquals("a.emt", r.file().path());
        assertEquals("int x;\n", r.file().text());
    }

    @Test
    void aByteOrderMarkIsDropped() throws IOException {
        var r = assertInstanceOf(SourceLoader.Loaded.class, load("bom.emt", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'x'}));
        assertEquals("x", r.file().text());
    }

    @Test
    void nulAndControlBytesAreNotTextAndPointAtTheFirstOne() throws IOException {
        var r = assertInstanceOf(SourceLoader.Failed.class, load("bin.emt", "ab\ncd\u0000\u0001".getBytes()));
        assertEquals(Code.E0002, r.code());
        var d = r.diagnostic();
        assertEquals(2, d.span().line());
        assertEquals(3, d.span().column());
        assertTrue(d.message().contains("control byte 0x00") && d.message().contains("byte offset 5"), d.message());
    }

    @Test
    void invalidUtf8IsNotTextAndCountsCharactersBeforeIt() throws IOException {
        // "é" is two bytes but one column; 0xC3 0x28 is a broken sequence.
        var r = assertInstanceOf(SourceLoader.Failed.class, load("bad.emt", new byte[] {(byte) 0xC3, (byte) 0xA9, 'x', (byte) 0xC3, 0x28}));
        assertEquals(Code.E0002, r.code());
        assertEquals(3, r.diagnostic().span().column());
        assertTrue(r.reason().contains("byte 0xC3 is not valid UTF-8") && r.reason().contains("byte offset 3"), r.reason());
    }

    @Test
    void randomBinaryGarbageIsOneDiagnostic() throws IOException {
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        var diagnostics = new Diagnostics();
        Files.write(dir.resolve("garbage.emt"), garbage);
        assertTrue(new FileSystemSourceLoader(dir).loadReporting(Path.of("garbage.emt"), diagnostics).isEmpty());
        assertEquals(1, diagnostics.all().size());
        assertEquals(Code.E0002, diagnostics.all().getFirst().code());
    }

    @Test
    void anEmptyFileIsText() throws IOException {
        var r = assertInstanceOf(SourceLoader.Loaded.class, load("empty.emt", new byte[0]));
        assertEquals("", r.file().text());
    }

    @Test
    void missingFilesAndDirectoriesAreE0001ForAMainScript() throws IOException {
        var loader = new FileSystemSourceLoader(dir);
        assertInstanceOf(SourceLoader.Missing.class, loader.load(Path.of("nope.emt")));
        var diagnostics = new Diagnostics();
        assertTrue(loader.loadReporting(Path.of("nope.emt"), diagnostics).isEmpty());
        Files.createDirectory(dir.resolve("sub"));
        assertTrue(loader.loadReporting(Path.of("sub"), diagnostics).isEmpty());
        assertEquals(2, diagnostics.errorCount());
        assertEquals("cannot read nope.emt: no such file", diagnostics.all().get(0).message());
        assertEquals("cannot read sub: it is a directory, not a file", diagnostics.all().get(1).message());
        assertTrue(diagnostics.all().stream().allMatch(d -> d.code() == Code.E0001));
    }

    @Test
    void openBuffersWinOverTheDiskUntilClosed() throws IOException {
        Files.writeString(dir.resolve("a.emt"), "disk");
        var overlay = new OverlaySourceLoader(new FileSystemSourceLoader(dir));
        overlay.open(Path.of("./a.emt"), "buffer");
        assertEquals("buffer", ((SourceLoader.Loaded) overlay.load(Path.of("a.emt"))).file().text());
        overlay.close(Path.of("a.emt"));
        assertEquals("disk", ((SourceLoader.Loaded) overlay.load(Path.of("a.emt"))).file().text());
    }

    @Test
    void buffersAreCheckedForBinaryCharactersToo() {
        var overlay = new OverlaySourceLoader(p -> new SourceLoader.Missing(p.toString()));
        overlay.open(Path.of("b.emt"), "ok\n\u0000");
        var r = assertInstanceOf(SourceLoader.Failed.class, overlay.load(Path.of("b.emt")));
        assertEquals(Code.E0002, r.code());
        assertEquals(2, r.diagnostic().span().line());
    }
}
