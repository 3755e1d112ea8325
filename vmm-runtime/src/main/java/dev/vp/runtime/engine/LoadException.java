// A program the runtime refuses to load, with the reason a user can act on; the running program stays.
package dev.vp.runtime.engine;

public final class LoadException extends Exception {
    public LoadException(String message) { super(message); }
}
