// Holds every encoding of the Assembler to GNU as's bytes for the same Intel-syntax text.
package dev.vp.x64.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssemblerVsGnuAsTest {
    @Test
    void everyFormMatchesGnuAsByteForByte() throws Exception {
        List<InstructionCorpus.Case> corpus = InstructionCorpus.generate(0x5eed_1234L);
        assertTrue(corpus.size() > 5000, "corpus has " + corpus.size() + " instructions");
        byte[] expected = GnuBinutils.assemble(corpus.stream().map(InstructionCorpus.Case::text).toList());
        int at = 0;
        var hex = HexFormat.ofDelimiter(" ");
        for (var c : corpus) {
            var asm = new Assembler();
            c.emit().accept(asm);
            byte[] ours = asm.finish();
            int end = Math.min(at + ours.length, expected.length);
            byte[] theirs = java.util.Arrays.copyOfRange(expected, at, end);
            if (!java.util.Arrays.equals(ours, theirs)) {
                fail("'" + c.text() + "' at offset " + at + ": ours " + hex.formatHex(ours) + ", as "
                        + hex.formatHex(java.util.Arrays.copyOfRange(expected, at, Math.min(at + 15, expected.length))));
            }
            at += ours.length;
        }
        assertEquals(expected.length, at, "as emitted more bytes than we did");
    }
}
