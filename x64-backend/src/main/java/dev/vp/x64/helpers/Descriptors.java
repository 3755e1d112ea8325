// The rodata encodings of formats and aggregates that generated code hands to the helpers.
package dev.vp.x64.helpers;

import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.output.FormatSpec;
import java.io.ByteArrayOutputStream;

/**
 * A format descriptor is u8 argument count, one u8 per argument (1 for a string), then the pieces: LIT (u8
 * length, bytes; long literals are split), CONV (u8 conversion letter, flags, width, precision), END. The
 * helpers never parse printf syntax: FormatSpec has already done that. An aggregate descriptor is six u32:
 * integer keys, string keys, capacity, entry bytes, the offset of its generation word in the shared block and
 * its index.
 */
public final class Descriptors {
    private Descriptors() {}

    public static final int END = 0, LIT = 1, CONV = 2;
    public static final int LEFT = 1, PLUS = 2, SPACE = 4, ALT = 8, ZERO = 16, HAS_PRECISION = 32;

    public static final int AGGR_INT_KEYS = 0, AGGR_STR_KEYS = 4, AGGR_CAPACITY = 8, AGGR_ENTRY_BYTES = 12,
            AGGR_GENERATION = 16, AGGR_INDEX = 20, AGGR_SIZE = 24;

    public static byte[] format(IrProgram.Format format, FormatSpec spec) {
        var out = new ByteArrayOutputStream();
        out.write(format.stringArgs().size());
        for (boolean s : format.stringArgs()) out.write(s ? 1 : 0);
        for (FormatSpec.Piece piece : spec.pieces()) {
            switch (piece) {
                case FormatSpec.Literal l -> {
                    String text = l.text();
                    for (int at = 0; at < text.length(); at += 255) {
                        String part = text.substring(at, Math.min(text.length(), at + 255));
                        out.write(LIT);
                        out.write(part.length());
                        for (int i = 0; i < part.length(); i++) out.write(part.charAt(i));
                    }
                }
                case FormatSpec.Conversion c -> {
                    out.write(CONV);
                    out.write(c.conversion());
                    out.write((c.leftAlign() ? LEFT : 0) | (c.plus() ? PLUS : 0) | (c.space() ? SPACE : 0)
                            | (c.alternate() ? ALT : 0) | (c.zeroPad() ? ZERO : 0) | (c.precision() >= 0 ? HAS_PRECISION : 0));
                    out.write(Math.max(c.width(), 0));
                    out.write(Math.max(c.precision(), 0));
                }
            }
        }
        out.write(END);
        return out.toByteArray();
    }

    public static byte[] aggregate(IrProgram.Aggr a, int index, long generationOffset) {
        int[] words = {a.intKeys(), a.strKeys(), a.capacity(), Math.toIntExact(DataLayout.aggrEntryBytes(a)),
                Math.toIntExact(generationOffset), index};
        byte[] out = new byte[AGGR_SIZE];
        for (int w = 0; w < words.length; w++) {
            for (int i = 0; i < 4; i++) out[4 * w + i] = (byte) (words[w] >>> (8 * i));
        }
        return out;
    }
}
