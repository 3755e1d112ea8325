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
}
