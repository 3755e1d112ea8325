// Shifts and rotates of the 0xC0/0xC1/0xD0-0xD3 group.
package dev.vp.x64.asm;

/** A shift or rotate; {@link #ext} is its /digit in the shift group (6 is an undocumented alias of SHL). */
public enum Shift {
    ROL(0), ROR(1), SHL(4), SHR(5), SAR(7);

    public final int ext;

    Shift(int ext) {
        this.ext = ext;
    }
}
