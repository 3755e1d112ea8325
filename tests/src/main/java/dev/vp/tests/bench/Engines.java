// The probe engines a benchmark can run its scripts with, by name.
package dev.vp.tests.bench;

import dev.vp.compiler.output.OutputSink;
import dev.vp.runtime.engine.InterpreterEngine;
import dev.vp.runtime.engine.NativeEngine;
import dev.vp.runtime.engine.ProbeEngine;
import java.util.List;

public final class Engines {
    /** The engine `vp run` will use and every figure should be taken with. */
    public static final String DEFAULT = "native";

    public static final List<String> NAMES = List.of("native", "interpreter");

    private Engines() {}

    /** A new engine called {@code name} for {@code vcpus} vCPUs writing to {@code sink}. */
    public static ProbeEngine create(String name, int vcpus, OutputSink sink) {
        return switch (name) {
            case "native" -> new NativeEngine(vcpus, sink);
            case "interpreter" -> new InterpreterEngine(vcpus, sink);
            default -> throw new IllegalArgumentException("unknown engine `" + name + "`; known: " + NAMES);
        };
    }
}
