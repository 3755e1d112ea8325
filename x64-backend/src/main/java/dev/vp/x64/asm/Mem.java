// A memory operand [base + index*scale + disp] as the ModRM/SIB bytes can express it.
package dev.vp.x64.asm;

/**
 * A memory operand {@code [base + index*scale + disp]}; {@code index} may be null. RSP cannot be an
 * index (its SIB code means "no index"), so it is refused here rather than mis-encoded later.
 */
public record Mem(Reg base, Reg index, int scale, int disp) implements Operand {
    public Mem {
        if (base == null) {
            throw new IllegalArgumentException("memory operand needs a base register");
        }
        if (index == Reg.RSP) {
            throw new IllegalArgumentException("rsp cannot be an index register in [" + base.name(Size.QWORD) + "+rsp*" + scale + "]");
        }
        if (scale != 1 && scale != 2 && scale != 4 && scale != 8) {
            throw new IllegalArgumentException("scale must be 1, 2, 4 or 8, not " + scale);
        }
        if (index == null && scale != 1) {
            throw new IllegalArgumentException("scale " + scale + " without an index register");
        }
    }

    public static Mem of(Reg base, int disp) {
        return new Mem(base, null, 1, disp);
    }

    public static Mem of(Reg base, Reg index, int scale, int disp) {
        return new Mem(base, index, scale, disp);
    }

    /** Intel syntax, e.g. {@code [rdi+rsi*4+0x8]} or {@code [rbp-0x10]}. */
    @Override
    public String toString() {
        var sb = new StringBuilder("[").append(base.name(Size.QWORD));
        if (index != null) {
            sb.append('+').append(index.name(Size.QWORD)).append('*').append(scale);
        }
        if (disp != 0) {
            sb.append(disp < 0 ? "-0x" : "+0x").append(Long.toHexString(Math.abs((long) disp)));
        }
        return sb.append(']').toString();
    }
}
