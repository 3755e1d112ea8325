// The operand size of an instruction: it picks the 0x66 prefix, REX.W and the byte-sized opcodes.
package dev.vp.x64.asm;

/** Operand size; {@link #ptr} is the Intel-syntax memory size keyword. */
public enum Size {
    BYTE(1, "BYTE"), WORD(2, "WORD"), DWORD(4, "DWORD"), QWORD(8, "QWORD");

    public final int bytes;
    public final String ptr;

    Size(int bytes, String ptr) {
        this.bytes = bytes;
        this.ptr = ptr;
    }

    public int bits() {
        return bytes * 8;
    }

    /** The value reduced to this size and sign-extended back to 64 bits. */
    public long signExtend(long value) {
        return switch (this) {
            case BYTE -> (byte) value;
            case WORD -> (short) value;
            case DWORD -> (int) value;
            case QWORD -> value;
        };
    }

    /** The value reduced to this size as an unsigned number (QWORD keeps all 64 bits). */
    public long zeroExtend(long value) {
        return bytes == 8 ? value : value & ((1L << bits()) - 1);
    }
}
