// Where formatted probe output goes: a terminal, a file, a deploy client, or a test's list.
package dev.vp.compiler.output;

/** Receives output records in the order they were produced. */
@FunctionalInterface
public interface OutputSink {
    void accept(OutputRecord record);
}
