// Compiles Emmett text for the built-in harness target (the minios catalog and preload), as `vp run` does.
package dev.vp.tests.bench;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.ScriptSetup;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.diag.render.DiagnosticRenderer;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.source.SourceFile;

public final class Scripts {
    private Scripts() {}

    /** The program of {@code text}; a script with errors is a bug in the caller, reported with its diagnostics. */
    public static IrProgram compile(String name, String text) {
        Diagnostics setup = new Diagnostics();
        var loader = new FileSystemSourceLoader();
        CompileOptions options = ScriptSetup.resolve(null, ScriptSetup.Flags.NONE, loader, setup);
        if (options == null) throw new IllegalStateException("the default target could not be set up:\n" + DiagnosticRenderer.render(setup));
        Compilation c = Compiler.compile(new SourceFile(name, text), options, loader);
        if (c.hasErrors()) {
            Diagnostics shown = new Diagnostics();
            c.diagnostics().forEach(shown::add);
            throw new IllegalArgumentException(name + " does not compile:\n" + DiagnosticRenderer.render(shown));
        }
        return c.ir();
    }
}
