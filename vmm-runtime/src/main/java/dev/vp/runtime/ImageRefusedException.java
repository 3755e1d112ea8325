// A load that the runtime refused: the image is malformed, breaks a budget, or does not fit; the old image runs on.
package dev.vp.runtime;

/** Thrown by {@link Runtime#load} before anything of the running image is touched. */
public final class ImageRefusedException extends Exception {
    public ImageRefusedException(String message) {
        super(message);
    }
}
