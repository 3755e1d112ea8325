// The sixteen general-purpose registers, numbered as the hardware encodes them.
package dev.vp.x64.asm;

/** A general-purpose register; its ordinal is the 4-bit hardware number (REX bit + 3-bit field). */
public enum Reg implements Operand {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15;

    private static final String[] LEGACY = {"a", "c", "d", "b", "sp", "bp", "si", "di"};

    public int code() {
        return ordinal();
    }

    public static Reg of(int code) {
        return values()[code];
    }

    /** The register's name at a size, as Intel syntax spells it (rax/eax/ax/al, r8/r8d/r8w/r8b, spl). */
    public String name(Size size) {
        int n = code();
        if (n >= 8) {
            return switch (size) {
                case BYTE -> "r" + n + "b";
                case WORD -> "r" + n + "w";
                case DWORD -> "r" + n + "d";
                case QWORD -> "r" + n;
            };
        }
        String base = LEGACY[n];
        boolean abcd = n < 4;
        return switch (size) {
            case BYTE -> base + "l";
            case WORD -> abcd ? base + "x" : base;
            case DWORD -> abcd ? "e" + base + "x" : "e" + base;
            case QWORD -> abcd ? "r" + base + "x" : "r" + base;
        };
    }
}
