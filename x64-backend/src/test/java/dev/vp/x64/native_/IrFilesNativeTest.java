// Every IR test program of the compiler, run on the interpreter and natively: transcripts equal and as expected.
package dev.vp.x64.native_;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.interp.GuestState;
import dev.vp.compiler.interp.IrFileScript;
import dev.vp.compiler.ir.IrProgram;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Reads compiler/src/test/resources/ir/*.ir (the interpreter's own file tests, read by the compiler's
 * IrFileScript) and carries out each file's directives on both engines at once through DualEngine, which
 * compares every firing; the native transcript must also equal the file's expected ";>" lines.
 */
class IrFilesNativeTest {
    static final Path IR_DIR = Path.of("..", "compiler", "src", "test", "resources", "ir");

    @TestFactory
    Stream<DynamicTest> irFiles() throws IOException {
        return IrFileScript.tests(IR_DIR, IrFilesNativeTest::run);
    }

    static void run(IrFileScript script) throws Exception {
        try (Arena arena = Arena.ofConfined(); var engines = new Engines(arena)) {
            assertEquals(script.expected, script.run(engines), script.name + ": native transcript");
        }
    }

    /** RAM in native memory (the native code reads it by address) and, at the first firing, a DualEngine. */
    private static final class Engines implements IrFileScript.Engines, AutoCloseable {
        private final Arena arena;
        private DualEngine started;

        Engines(Arena arena) { this.arena = arena; }

        @Override public MemorySegment newRam(long bytes) { return DualEngine.newRam(arena, bytes); }

        @Override public IrFileScript.Engine start(IrProgram program, int vcpus, MemorySegment ram, GuestState guest) {
            DualEngine engines = new DualEngine(program, vcpus, arena, ram, guest);
            started = engines;
            return new IrFileScript.Engine() {
                @Override public String fire(int probe, int vcpu, GuestState state, String where) { return engines.fire(probe, vcpu, where); }
                @Override public String report() { return engines.report(); }
            };
        }

        @Override public void close() { if (started != null) started.close(); }
    }
}
