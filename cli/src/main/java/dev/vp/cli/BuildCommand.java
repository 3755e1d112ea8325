// `vp build`: compiles a script to a .vpo image, or prints its IR, VP, annotated assembly or sizes.
package dev.vp.cli;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.ir.text.IrPrinter;
import dev.vp.compiler.parse.vp.VpPrinter;
import dev.vp.compiler.pp.Pragma;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.util.IoReasons;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.image.ImageBuilder;
import dev.vp.x64.image.ProbeImage;
import dev.vp.x64.image.ProbeImageException;
import dev.vp.x64.image.ProbeImageValidator;
import dev.vp.x64.image.ProbeImageWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** `vp build`: compiles one script to a probe image (-o), or prints one of its forms (IR, VP, annotated assembly) or its sizes. */
final class BuildCommand {
    static final String HELP = """
            usage: vp build [options] [-o FILE.vpo] [--emit ir|vp|asm] [--stats] FILE

            Compiles one script. -o writes the probe image (.vpo) that `vp run`, `vp deploy` and `vp disasm`
            take. --emit ir prints the intermediate representation, --emit vp the script in the VP language,
            --emit asm the native code with each source line followed by its instructions. --stats prints the
            exact code bytes of each probe and of the helper library, the data bytes and the stack figures.
            Diagnostics go to standard error; exit status 1 when the script has errors.

            """ + ScriptOptions.help("build", """
              -o FILE           write the probe image to FILE
              --emit FORM       ir, vp or asm
              --stats           print code, data and stack sizes
            """);

    private final PrintStream out, err;

    BuildCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        Args args = Args.parse(argv, ScriptOptions.valued(Set.of("--emit", "-o")), Set.of("--help", "--stats"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        String emit = args.one("--emit"), output = args.one("-o");
        boolean stats = args.has("--stats");
        if (emit == null && output == null && !stats) throw new Args.UsageException("say what to build: -o FILE.vpo, --emit ir|vp|asm or --stats");
        if (output != null && output.isEmpty()) throw new Args.UsageException("-o needs a file name");
        if (emit != null && !Set.of("ir", "vp", "asm").contains(emit)) throw new Args.UsageException("--emit takes ir, vp or asm, not " + emit);
        List<ScriptOptions.Input> inputs = ScriptOptions.inputs(args);
        if (inputs.size() != 1) throw new Args.UsageException("build takes one script");
        Path script = inputs.get(0).path();
        if (output != null && script != null && ScriptOptions.sameFile(Path.of(output), script)) {
            throw new Args.UsageException("-o " + output + " is the script itself; name the image FILE.vpo");
        }
        ScriptOptions.Compiled compiled = ScriptOptions.compileReporting(inputs.get(0), args, err);
        if (compiled == null) return Main.SCRIPT_ERRORS;
        Compilation c = compiled.compilation();
        if ("ir".equals(emit)) out.print(IrPrinter.print(c.ir()));
        if ("vp".equals(emit)) {
            // budget pragmas live in the preprocessor, not in the tree: print them first so the VP means the same
            for (Pragma p : c.pragmas()) out.println("#pragma budget " + p.kind() + " " + p.value());
            out.print(VpPrinter.print(c.script()));
        }
        if (!"asm".equals(emit) && output == null && !stats) return Main.OK;

        NativeProgram code = compiled.code();
        ProbeImage image;
        try {
            if (code == null) throw new IllegalArgumentException(compiled.refusal());
            image = ImageBuilder.build(c.ir(), code);
            ProbeImageValidator.validate(image);
        } catch (IllegalArgumentException | ProbeImageException e) {
            err.println("vp build: internal error: the native code generator failed on this script: " + e.getMessage());
            return Main.RUNTIME;
        }
        if ("asm".equals(emit)) out.print(code.listing(sourceLines(c.files())));
        if (stats) out.print(stats(c, code, image));
        if (output != null) {
            try {
                Files.write(Path.of(output), ProbeImageWriter.write(image));
            } catch (IOException e) {
                err.println("vp build: cannot write " + output + ": " + IoReasons.of(e));
                return Main.RUNTIME;
            }
        }
        return Main.OK;
    }

    /** The text of a location's line in the compiled files, or null (a generated location). */
    static Function<Loc, String> sourceLines(List<SourceFile> files) {
        return loc -> {
            for (SourceFile f : files) {
                if (f.path().equals(loc.file()) && loc.line() >= 1 && loc.line() <= f.lineCount()) return f.lineText(loc.line());
            }
            return null;
        };
    }

    static String stats(Compilation c, NativeProgram code, ProbeImage image) {
        IrProgram program = c.ir();
        var sb = new StringBuilder();
        sb.append(String.format("code: %,d bytes (helper library %,d, generated %,d)%n", image.text().length, code.helperBytes(),
                image.text().length - code.helperBytes()));
        for (NativeProgram.ProbeCode p : code.probes()) {
            IrProgram.Probe def = program.probes().get(p.index());
            int function = code.functions().get(def.function()).size();
            sb.append(String.format("  probe %-28s %,7d bytes (entry %d + clause %d)  %s%n", def.spec(), p.codeBytes(), p.codeBytes() - function,
                    function, def.loc()));
        }
        var clauseFunctions = program.probes().stream().map(IrProgram.Probe::function).collect(java.util.stream.Collectors.toSet());
        for (int f = 0; f < code.functions().size(); f++) {
            if (clauseFunctions.contains(f)) continue;
            NativeProgram.FunctionCode fn = code.functions().get(f);
            sb.append(String.format("  function %-25s %,7d bytes%n", fn.name(), fn.size()));
        }
        ProbeImage.Data d = image.data();
        sb.append(String.format("data: %,d bytes in the image (per-vCPU block %,d, global block %,d, shared block %,d, rodata %,d)%n",
                image.budget().dataBytes(), d.vcpuBlockBytes(), d.globalBlockBytes(), d.sharedBlockBytes(), image.rodata().length));
        sb.append(String.format("  the data budget counts %,d bytes (per-vCPU storage once per vCPU of the target): %d%% of %,d%n",
                c.usage().dataBytes(), c.usage().dataBytes() * 100 / c.budgets().data(), c.budgets().data()));
        sb.append(String.format("stack: budget %,d bytes per firing; loop fuel %,d; strings %d bytes%n", image.budget().stackBytes(),
                image.budget().loopFuel(), image.budget().stringBytes()));
        for (int i = 0; i < image.probes().size(); i++) {
            sb.append(String.format("  probe %-28s budget need %,d bytes, native stack at most %,d bytes%n", image.probes().get(i).spec(),
                    code.probes().get(i).stackNeed(), image.probes().get(i).stackNeed()));
        }
        return sb.toString();
    }
}
