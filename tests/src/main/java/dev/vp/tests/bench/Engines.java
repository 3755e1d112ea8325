// The probe engines a benchmark can run its scripts with, by name.
package dev.vp.tests.bench;

import dev.vp.compiler.output.OutputSink;
import dev.vp.runtime.engine.InterpreterEngine;
import dev.vp.runtime.engine.ProbeEngine;

public final class Engines {
    public static final String DEFAULT = "interpreter";

    private Engines() {}

    /** A new engine called {@code name} for {@code vcpus} vCPUs writing to {@code sink}. */
    public static ProbeEngine create(String name, int vcpus, OutputSink sink) {
        return switch (name) {
            case "interpreter" -> new InterpreterEngine(vcpus, sink);
            default -> throw new IllegalArgumentException("unknown engine `" + name + "`; known: interpreter");
        };
    }
}
