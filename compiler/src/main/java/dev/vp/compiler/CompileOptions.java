package dev.vp.compiler;

import dev.vp.compiler.check.Target;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.source.SourceFile;
import java.nio.file.Path;
import java.util.List;

/**
 * What a compilation needs besides the script: include directories, preload scripts, the target (catalog
 * plus guest symbols) and the budgets that apply before the script's own pragmas.
 */
public record CompileOptions(List<Path> includeDirs, List<SourceFile> preloads, Target target, Budgets budgets, int vcpus) {
    public CompileOptions {
        includeDirs = List.copyOf(includeDirs);
        preloads = List.copyOf(preloads);
    }
}
