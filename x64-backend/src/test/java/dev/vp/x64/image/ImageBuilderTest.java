// Every IR test program builds an image the validator accepts and that round-trips.
package dev.vp.x64.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.gen.NativeCompiler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ImageBuilderTest {
    static final Path COMPILER_TESTS = Path.of("..", "compiler", "src", "test", "resources");

    @TestFactory
    Stream<DynamicTest> irPrograms() throws IOException {
        return files(COMPILER_TESTS.resolve("ir"), ".ir").map(p -> DynamicTest.dynamicTest(p.getFileName().toString(),
                () -> roundTrip(IrParser.parse(Files.readString(p, StandardCharsets.UTF_8), p.getFileName().toString()))));
    }

    static Stream<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> list = s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
            if (list.isEmpty()) throw new IllegalStateException("no " + suffix + " files in " + dir.toAbsolutePath());
            return list.stream();
        }
    }

    static void roundTrip(IrProgram program) {
        NativeProgram code = NativeCompiler.compile(program);
        ProbeImage image = ImageBuilder.build(program, code);
        ProbeImageValidator.validate(image);
        assertEquals(image, ProbeImageReader.read(ProbeImageWriter.write(image)));
        assertEquals(code.text().length, image.text().length);
        for (int p = 0; p < image.probes().size(); p++) {
            ProbeImage.Probe probe = image.probes().get(p);
            assertEquals(program.probes().get(p).spec(), probe.spec());
            assertTrue(probe.codeSize() <= code.probes().get(p).codeBytes(), "an entry stub is part of the probe's code");
            assertTrue(probe.stackNeed() > 0);
        }
        for (int f = 0; f < program.formats().size(); f++) assertEquals(program.formats().get(f).text(), image.formatText(f));
        for (int g = 0; g < program.globals().size(); g++) assertEquals(program.globals().get(g).name(), image.data().globals().get(g).name());
    }

    @Test
    void recursionIsBoundedByTheStackBudget() throws IOException {
        // stack.ir: @rec (2 registers, no slots) recurses until the 4096-byte budget cancels it, 127 levels deep.
        Path file = COMPILER_TESTS.resolve("ir").resolve("stack.ir");
        IrProgram program = IrParser.parse(Files.readString(file), "stack.ir");
        ProbeImage image = ImageBuilder.build(program);
        long recFrame = 16 + 8 * 2;
        long nativeRecFrame = 16 + 24 + 8 * 2 + 15;
        for (ProbeImage.Probe p : image.probes()) {
            assertTrue(p.stackNeed() >= ImageBuilder.ENTRY_STACK_BYTES + ImageBuilder.HELPER_STACK_BYTES);
        }
        long deepest = image.probes().stream().mapToLong(ProbeImage.Probe::stackNeed).max().orElseThrow();
        assertTrue(deepest >= 4096 / recFrame * nativeRecFrame, "the bound covers every native frame the budget allows: " + deepest);
    }

    @Test
    void theStackBoundUsesTheGeneratedFramesWhichCanOutgrowTheIrRegisters() {
        // Three IR registers live across 50 calls: after webs, linear scan spills one value per call into its own
        // slot, so the native frame holds far more than one slot per IR register.
        var ir = new StringBuilder("global $g int pervm = 1\nformat fmt0 = \"%d %d %d\\n\" (int, int, int)\n");
        ir.append("function @f() -> void regs 0 slots 0 {\nb0:\n    ret\n}\n");
        ir.append("function @main() -> void regs 3 slots 0 {\nb0:\n");
        for (int i = 0; i < 50; i++) {
            ir.append("    v0 = load $g\n    v1 = load $g\n    v2 = load $g\n    call @f()\n    printf fmt0(v0, v1, v2)\n");
        }
        ir.append("    ret\n}\nprobe \"VMM1Hz\" VMM point \"VMM1Hz\" symbol - address 0x0 period 0 @main\n");
        IrProgram program = IrParser.parse(ir.toString(), "spills.ir");
        NativeProgram code = NativeCompiler.compile(program);
        int main = code.functions().get(1).frameBytes(), f = code.functions().get(0).frameBytes();
        assertTrue(main > 16 + 24 + 8 * 3 + 15 + 8 * 3, "the frame holds the spill slots of the webs: " + main);
        long need = ImageBuilder.build(program, code).probes().getFirst().stackNeed();
        assertEquals(ImageBuilder.ENTRY_STACK_BYTES + main + f + ImageBuilder.HELPER_STACK_BYTES, need);
    }

    @Test
    void aRecursiveClauseIsBoundedByItsOwnFramesNotTheLargestFrameOfTheScript() {
        // @rec recurses in 24-byte IR frames; @big (5 string slots) is another clause's. The recursive clause's bound
        // must come from the functions it reaches: with @big's frame counted once per 24 budget bytes it was over
        // 300 KB, and the runtime refused the script natively while the interpreter ran it.
        String rec = "limits stack 4096 fuel 100000 string 256\n"
                + "function @rec() -> void regs 1 slots 0 {\nb0:\n    call @rec()\n    ret\n}\n"
                + "function @main() -> void regs 1 slots 0 {\nb0:\n    call @rec()\n    ret\n}\n"
                + "probe \"VMMLoad\" VMM point \"VMMLoad\" symbol - address 0x0 period 0 @main\n";
        String big = "function @big() -> void regs 1 slots 5 {\nb0:\n    ret\n}\n"
                + "probe \"VMMUnload\" VMM point \"VMMUnload\" symbol - address 0x0 period 0 @big\n";
        IrProgram alone = IrParser.parse(rec, "rec.ir");
        IrProgram both = IrParser.parse(rec + big, "recbig.ir");
        long need = ImageBuilder.build(alone).probes().getFirst().stackNeed();
        assertEquals(need, ImageBuilder.build(both).probes().getFirst().stackNeed(), "another clause's frame does not count");
        NativeProgram code = NativeCompiler.compile(alone);
        long deepest = 0;
        for (int f = 0; f < 2; f++) {
            long frames = 4096 / alone.functions().get(f).frameBytes() * code.functions().get(f).frameBytes();
            deepest = Math.max(deepest, frames);
        }
        assertTrue(need >= ImageBuilder.ENTRY_STACK_BYTES + deepest + ImageBuilder.HELPER_STACK_BYTES, "still covers the recursion: " + need);
        assertTrue(need <= 65536, "within the runtime's native stack allowance: " + need);
    }
}
