// The kvm_sregs and kvm_segment layouts (KVM_GET_SREGS/KVM_SET_SREGS), as offsets into a 312-byte block.
package dev.vp.vmm.kvm;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

public final class Sregs {
    public static final int SIZE = 312;
    public static final long CS = 0, DS = 24, ES = 48, FS = 72, GS = 96, SS = 120, TR = 144, LDT = 168;
    public static final long GDT = 192, IDT = 208, CR0 = 224, CR2 = 232, CR3 = 240, CR4 = 248, CR8 = 256, EFER = 264;

    private Sregs() {}

    /** A kvm_segment: the hidden part of a segment register as KVM wants it. */
    public record Segment(long base, int limit, int selector, int type, boolean present, int dpl, boolean db,
                          boolean s, boolean l, boolean g) {
        public void writeTo(MemorySegment sregs, long at) {
            sregs.set(JAVA_LONG, at, base);
            sregs.set(JAVA_INT, at + 8, limit);
            sregs.set(JAVA_SHORT, at + 12, (short) selector);
            sregs.set(JAVA_BYTE, at + 14, (byte) type);
            sregs.set(JAVA_BYTE, at + 15, (byte) (present ? 1 : 0));
            sregs.set(JAVA_BYTE, at + 16, (byte) dpl);
            sregs.set(JAVA_BYTE, at + 17, (byte) (db ? 1 : 0));
            sregs.set(JAVA_BYTE, at + 18, (byte) (s ? 1 : 0));
            sregs.set(JAVA_BYTE, at + 19, (byte) (l ? 1 : 0));
            sregs.set(JAVA_BYTE, at + 20, (byte) (g ? 1 : 0));
            sregs.set(JAVA_BYTE, at + 21, (byte) 0);
            sregs.set(JAVA_BYTE, at + 22, (byte) 0);
        }
    }

    /** A descriptor-table register (GDTR/IDTR): base and limit. */
    public static void writeTable(MemorySegment sregs, long at, long base, int limit) {
        sregs.set(JAVA_LONG, at, base);
        sregs.set(JAVA_SHORT, at + 8, (short) limit);
    }
}
