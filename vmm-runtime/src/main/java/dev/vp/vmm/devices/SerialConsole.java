// The serial console: guest bytes on port 0x3f8, handed on as whole lines.
package dev.vp.vmm.devices;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

public final class SerialConsole {
    private static final int MAX_LINE = 4096;
    private final Consumer<String> lines;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private long linesWritten;

    public SerialConsole(Consumer<String> lines) { this.lines = lines; }

    /** The bytes of one OUT or OUTS exit; a line longer than 4 KB is cut. */
    public synchronized void write(MemorySegment data, long offset, int count) {
        for (int i = 0; i < count; i++) {
            byte b = data.get(JAVA_BYTE, offset + i);
            if (b == '\n' || length == MAX_LINE) flush();
            if (b != '\n' && b != '\r') line[length++] = b;
        }
    }

    private void flush() {
        lines.accept(new String(line, 0, length, StandardCharsets.UTF_8));
        length = 0;
        linesWritten++;
    }

    public synchronized long linesWritten() { return linesWritten; }
}
