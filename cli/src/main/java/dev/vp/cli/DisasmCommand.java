// `vp disasm`: prints a probe image's header figures, its probe table and its code with probe labels and source lines.
package dev.vp.cli;

import dev.vp.compiler.ir.Loc;
import dev.vp.x64.asm.Annotation;
import dev.vp.x64.disasm.Disassembler;
import dev.vp.x64.image.ProbeImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

final class DisasmCommand {
    static final String HELP = """
            usage: vp disasm FILE.vpo

            Reads a probe image built by `vp build -o` (refusing a malformed one with the reason) and prints its
            header (ABI, sizes, budgets), its probe table (entry offsets, code and stack sizes, source locations)
            and the disassembled text: each probe's entry is labelled, and each line-table entry is shown with
            its source line when the source file can be read from here.

            options:
              --help            this text
            """;

    private final PrintStream out, err;

    DisasmCommand(PrintStream out, PrintStream err) { this.out = out; this.err = err; }

    int run(List<String> argv) throws Args.UsageException {
        Args args = Args.parse(argv, Set.of(), Set.of("--help"));
        if (args.has("--help")) { out.print(HELP); return Main.OK; }
        if (args.positional.size() != 1) throw new Args.UsageException("disasm takes one .vpo file");
        Path file = Path.of(args.positional.get(0));
        ProbeImage image;
        try {
            image = Images.read(file);
        } catch (IOException e) {
            err.println("vp disasm: " + e.getMessage());
            return Main.SCRIPT_ERRORS;
        }
        out.print(header(file, image));
        out.print(probeTable(image));
        out.print(Disassembler.listing(image.text(), annotations(image)));
        return Main.OK;
    }

    static String header(Path file, ProbeImage image) {
        ProbeImage.Budget b = image.budget();
        ProbeImage.Data d = image.data();
        return String.format("%s: probe image, ABI version %d, x86-64%n", file, image.abiVersion())
                + String.format("  text %,d bytes, rodata %,d bytes, %d relocations, %d line entries%n", image.text().length,
                        image.rodata().length, image.relocations().size(), image.lines().size())
                + String.format("  data: per-vCPU block %,d, global block %,d, shared block %,d bytes; %d globals, %d aggregates, %d bags, %d formats%n",
                        d.vcpuBlockBytes(), d.globalBlockBytes(), d.sharedBlockBytes(), d.globals().size(), d.aggregates().size(),
                        d.bags().size(), d.formats().size())
                + String.format("  uses: code %,d bytes, data %,d bytes, %d clauses; limits per firing: stack %,d bytes, loop fuel %,d,"
                        + " strings %d bytes%n", b.codeBytes(), b.dataBytes(), b.clauses(), b.stackBytes(), b.loopFuel(), b.stringBytes());
    }

    static String probeTable(ProbeImage image) {
        var sb = new StringBuilder("probes:\n");
        for (int i = 0; i < image.probes().size(); i++) {
            ProbeImage.Probe p = image.probes().get(i);
            sb.append(String.format("  %2d %-28s %-4s %-14s entry 0x%05x, %4d bytes, stack %,d%s%s  %s%n", i, p.spec(), p.domain(), p.point(),
                    p.entryOffset(), p.codeSize(), p.stackNeed(), p.readsVcpuState() ? ", reads vCPU state" : "",
                    p.needsIoctl() ? ", needs ioctl state" : "", p.loc()));
        }
        return sb.toString();
    }

    /** Probe entry labels and line-table entries (with the source line when its file is readable), by offset. */
    static List<Annotation> annotations(ProbeImage image) {
        var list = new ArrayList<Annotation>();
        for (int i = 0; i < image.probes().size(); i++) {
            ProbeImage.Probe p = image.probes().get(i);
            list.add(new Annotation(p.entryOffset(), "probe " + i + " " + p.spec() + " entry"));
        }
        Map<String, List<String>> sources = new HashMap<>();
        for (ProbeImage.LineEntry e : image.lines()) {
            String line = sourceLine(sources, e.loc());
            list.add(new Annotation(e.codeOffset(), e.loc() + (line == null ? "" : ": " + line.strip())));
        }
        list.sort(Comparator.comparingInt(Annotation::offset));
        return list;
    }

    private static String sourceLine(Map<String, List<String>> sources, Loc loc) {
        List<String> lines = sources.computeIfAbsent(loc.file(), f -> {
            try {
                return f.isEmpty() ? List.of() : Files.readAllLines(Path.of(f));
            } catch (IOException | RuntimeException e) {
                return List.of();
            }
        });
        return loc.line() >= 1 && loc.line() <= lines.size() ? lines.get(loc.line() - 1) : null;
    }
}
