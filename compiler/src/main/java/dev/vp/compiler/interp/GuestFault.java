// The failure of a guest memory read: what could not be read, for the guest-fault cancellation.
package dev.vp.compiler.interp;

/** A guest read that hit an unmapped, non-canonical or out-of-RAM address. Carries no stack trace: it is control flow. */
public final class GuestFault extends RuntimeException {
    private final long address;
    private final int size;

    public GuestFault(long address, int size) {
        super(null, null, false, false);
        this.address = address;
        this.size = size;
    }

    public long address() { return address; }
    public int size() { return size; }

    /** The cancellation description both engines print. */
    @Override public String getMessage() {
        return "guest-fault: cannot read " + size + (size == 1 ? " byte" : " bytes") + " at 0x" + Long.toHexString(address);
    }
}
