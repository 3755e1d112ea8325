// The port-I/O ABI between the harness and its guests (guests/minios/minios.h holds the same numbers).
package dev.vp.vmm.devices;

public final class Ports {
    public static final int SERIAL = 0x3f8;
    /** IN: the 16550 line status register; always "transmitter empty" ({@link #SERIAL_READY}). */
    public static final int SERIAL_LSR = 0x3fd, SERIAL_READY = 0x60;
    /** OUT: block this vCPU until its next interrupt (HLT faults at CPL 3). */
    public static final int IDLE = 0x500;
    /** OUT32: address of a NUL-terminated message; the guest gave up. */
    public static final int PANIC = 0x501;
    public static final int BLOCK = 0x510;
    public static final int NET_TX = 0x520, NET_RX = 0x521;
    /** The port armed execution probes write (an imm8 port: `out %al, $0xE0`). */
    public static final int PROBE_ENTRY = 0xE0;
    /** The port the return trampoline writes (GUEST:EXIT probes). */
    public static final int PROBE_RETURN = 0xE1;
    public static final int TIMER_VECTOR = 0x20;

    private Ports() {}
}
