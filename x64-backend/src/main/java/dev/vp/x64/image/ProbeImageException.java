// A probe image that cannot be loaded: the message names the field that is wrong and how.
package dev.vp.x64.image;

/** Thrown by the reader and the validator; nothing from a refused image is ever mapped. */
public final class ProbeImageException extends RuntimeException {
    public ProbeImageException(String message) {
        super(message);
    }
}
