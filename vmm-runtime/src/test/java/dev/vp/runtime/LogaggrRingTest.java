// A logaggr of full tables is bigger than a small ring: the load sizes the rings for it where the arena has room.
package dev.vp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.interp.GuestMemory;
import dev.vp.compiler.interp.GuestState;
import dev.vp.compiler.interp.Interpreter;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.text.IrParser;
import dev.vp.x64.image.ImageBuilder;
import dev.vp.x64.image.ProbeImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * Two vCPUs each put 1,000 keys into a 1,000-entry aggregate, then one logaggr carries both tables: a record of
 * 128 KB, against a configured ring of 4 KB. The runtime must print what the interpreter prints when its arena
 * holds rings big enough, and count the record as dropped (not refuse the image) when it does not.
 */
class LogaggrRingTest {
    static final int KEYS = 1000, FILL = 0, LOG = 1;
    static final String PROGRAM = """
            limits stack 4096 fuel 100000 string 256
            aggr $a[1][0] capacity 1000
            function @fill() -> void regs 4 slots 0 {
            b0:
                v0 = const 0
                v1 = const %d
                v2 = const 1
                jump b1
            b1:
                v3 = ult v0, v1
                br v3, b2, b3
            b2:
                aggradd $a[v0], v0
                v0 = add v0, v2
                fuel
                jump b1
            b3:
                ret
            }
            function @log() -> void regs 0 slots 0 {
            b0:
                logaggr $a
                ret
            }
            probe "HV_Exit" VMM point "HV_Exit" symbol - address 0x0 period 0 @fill
            probe "VMM1Hz" VMM point "VMM1Hz" symbol - address 0x0 period 0 @log
            """.formatted(KEYS);

    private final IrProgram program = IrParser.parse(PROGRAM, "ring.ir");
    private final ProbeImage image = ImageBuilder.build(program);

    @Test void aLogaggrBiggerThanTheConfiguredRingIsPrintedWhenTheArenaHasRoom() throws Exception {
        String expected = interpreted();
        assertTrue(expected.lines().count() == KEYS + 1, "the interpreter prints every key once: " + expected.lines().count());
        Run run = runNatively(4 << 20);
        assertTrue(run.ringBytes >= 256 << 10, "rings sized for twice the full record: " + run.ringBytes);
        assertEquals(0, run.report.ringDrops(), run.report.text());
        assertEquals(expected, run.output);
    }

    @Test void whereTheArenaHasNoRoomTheRingsShrinkAndTheRecordIsCountedNotTheImageRefused() throws Exception {
        Run run = runNatively(512 << 10);
        assertTrue(run.ringBytes < 128 << 10 && run.ringBytes >= 4096, "rings as big as the arena allows: " + run.ringBytes);
        assertEquals(1, run.report.ringDrops(), run.report.text());
        assertEquals("", run.output);
    }

    private String interpreted() {
        var out = new StringBuilder();
        var interp = new Interpreter(program, 2, r -> out.append(r.text()));
        try (Arena arena = Arena.ofConfined()) {
            var guest = new GuestState(new GuestMemory(arena.allocate(4096, 4096)));
            interp.fire(FILL, 0, guest);
            interp.fire(FILL, 1, guest);
            interp.fire(LOG, 0, guest);
        }
        return out.toString();
    }

    private record Run(String output, long ringBytes, RuntimeReport report) {}

    private Run runNatively(long dataBytes) throws ImageRefusedException {
        var out = new StringBuilder();
        try (Arena arena = Arena.ofShared(); var runtime = new Runtime(new RuntimeConfig(256 << 10, dataBytes, 4096, 64 << 10))) {
            runtime.addSink(r -> out.append(r.text()));
            MemorySegment ram = arena.allocate(4096, 4096);
            var vcpus = new ArrayList<GuestBinding.Vcpu>();
            for (int v = 0; v < 2; v++) {
                MemorySegment regs = arena.allocate(1024, 64);
                vcpus.add(new GuestBinding.Vcpu(regs.address(), regs.address() + 256, 1));
            }
            runtime.load(image, new GuestBinding(ram.address(), ram.byteSize(), 1_000_000_000L, vcpus, () -> { }));
            long ringBytes = runtime.loadedForTests().ringCapacity;
            assertEquals(Runtime.COMPLETED, runtime.fire(FILL, 0));
            assertEquals(Runtime.COMPLETED, runtime.fire(FILL, 1));
            assertEquals(Runtime.COMPLETED, runtime.fire(LOG, 0));
            runtime.drain();
            String printed = out.toString();
            return new Run(printed, ringBytes, runtime.unload());
        }
    }
}
