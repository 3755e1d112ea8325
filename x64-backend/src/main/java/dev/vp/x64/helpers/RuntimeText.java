// The fixed texts the helper library reads from the start of every program's rodata.
package dev.vp.x64.helpers;

import dev.vp.compiler.ir.Cause;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The rodata prefix shared by every program: cancellation texts (byte-for-byte the interpreter's), digit tables
 * and gueststack's prefix, each NUL-terminated, then a u32 table of the cause names' offsets (by Cause ordinal).
 * The helpers address them as rodata + offset.
 */
public final class RuntimeText {
    private RuntimeText() {}

    public static final int DIGITS_LOWER, DIGITS_UPPER, FAULT_A, FAULT_BYTE, FAULT_PLURAL, FAULT_B, FUEL_A, FUEL_B, STACK_A, STACK_B, SEPARATOR,
            ASSERT_DEFAULT, GUEST_PREFIX, CAUSE_NAMES;
    private static final byte[] BYTES;

    static {
        var out = new ByteArrayOutputStream();
        DIGITS_LOWER = put(out, "0123456789abcdef");
        DIGITS_UPPER = put(out, "0123456789ABCDEF");
        FAULT_A = put(out, "guest-fault: cannot read ");
        FAULT_BYTE = put(out, " byte");
        FAULT_PLURAL = put(out, "s");
        FAULT_B = put(out, " at 0x");
        FUEL_A = put(out, "loop-fuel: loop budget of ");
        FUEL_B = put(out, " back-edges exhausted");
        STACK_A = put(out, "stack: stack budget of ");
        STACK_B = put(out, " bytes exceeded");
        SEPARATOR = put(out, ": ");
        ASSERT_DEFAULT = put(out, "assertion failed");
        GUEST_PREFIX = put(out, "GUEST_0x");
        int[] names = new int[Cause.values().length];
        for (Cause c : Cause.values()) names[c.ordinal()] = put(out, c.shortName);
        while (out.size() % 4 != 0) out.write(0);
        CAUSE_NAMES = out.size();
        for (int n : names) {
            for (int i = 0; i < 4; i++) out.write(n >>> (8 * i));
        }
        while (out.size() % 8 != 0) out.write(0);
        BYTES = out.toByteArray();
    }

    private static int put(ByteArrayOutputStream out, String s) {
        int at = out.size();
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        out.write(0);
        return at;
    }

    /** The prefix's bytes (a multiple of 8 long). */
    public static byte[] bytes() { return BYTES.clone(); }

    public static int size() { return BYTES.length; }
}
