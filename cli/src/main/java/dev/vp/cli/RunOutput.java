// Where `vp run` writes probe output: the terminal and the -o file; the first write that fails stops the run.
package dev.vp.cli;

import dev.vp.compiler.util.IoReasons;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Probe output goes to standard output with gueststack frames as guest symbols (as the VProbes toolkit's stack filter
 * did) and, raw, to the -o file; both get its bytes as they are (a script string holds one byte per char, see
 * {@link #write}). When a write to one of them fails (the reader of a pipe went away, a full disk),
 * output to it stops there, the failure is kept for the exit message, and stop runs, so that the run ends as after
 * --duration. Output is called on one thread at a time (the monitor's output thread, or the one that loads or unloads).
 */
final class RunOutput implements Consumer<String> {
    private final PrintStream out;
    private final GuestStackFilter stacks;
    private final Writer file;
    private final String fileName;
    private final Runnable stop;
    private volatile boolean outFailed, fileFailed, lineStart = true;
    private volatile String failure;
    /** Output records that did not reach standard output / the -o file because an earlier write to it failed. */
    private volatile long outLost, fileLost;

    /** file and fileName are null without -o. */
    RunOutput(PrintStream out, GuestStackFilter stacks, Writer file, String fileName, Runnable stop) {
        this.out = out;
        this.stacks = stacks;
        this.file = file;
        this.fileName = fileName;
        this.stop = stop;
    }

    @Override public void accept(String text) {
        if (!outFailed) {
            write(out, stacks.apply(text));
            if (out.checkError()) {
                outFailed = true;
                fail("cannot write standard output (it was closed, or the device is full)");
            } else if (!text.isEmpty()) {
                lineStart = text.endsWith("\n");
            }
        } else {
            outLost++;
        }
        if (file != null && !fileFailed) {
            try {
                file.write(text);
            } catch (IOException e) {
                fileFailed = true;
                fail("cannot write " + fileName + ": " + IoReasons.of(e));
            }
        } else if (file != null) {
            fileLost++;
        }
    }

    /** Flushes and closes the -o file (a failure here counts as any other). */
    void close() {
        if (file == null) return;
        try {
            file.close();
        } catch (IOException e) {
            if (failure == null) failure = "cannot write " + fileName + ": " + IoReasons.of(e);
        }
    }

    /** Prints the summary after a blank line: on standard output, or on err if writing standard output failed. */
    void summary(String text, PrintStream err) {
        PrintStream to = outFailed ? err : out;
        write(to, (outFailed || lineStart ? "\n" : "\n\n") + text);
        to.flush();
    }

    /**
     * Writes probe output (or a summary, which quotes script strings) as the bytes it holds, one per char (ISO-8859-1),
     * not encoded again: a guest's UTF-8 string and a literal "é" (its UTF-8 bytes) reach the terminal as UTF-8.
     */
    static void write(PrintStream to, String bytes) {
        byte[] b = bytes.getBytes(StandardCharsets.ISO_8859_1);
        to.write(b, 0, b.length);
    }

    /** A writer of probe output to a file, byte for byte as {@link #write} does. */
    static Writer fileWriter(OutputStream file) {
        return new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.ISO_8859_1));
    }

    /** What failed, with the count of output records that the failed output then missed; or null. */
    String failure() {
        if (failure == null) return null;
        return failure + lost(outLost, "standard output") + lost(fileLost, fileName);
    }

    private static String lost(long records, String where) {
        if (records == 0) return "";
        return "; " + records + (records == 1 ? " later output record was" : " later output records were") + " not written to " + where;
    }

    private void fail(String why) {
        if (failure == null) failure = why + "; the run stopped there";
        stop.run();
    }
}
