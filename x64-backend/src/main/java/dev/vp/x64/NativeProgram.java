// A compiled program: one text blob (helpers, functions, entries), its rodata, data layout, line table and listing.
package dev.vp.x64;

import dev.vp.compiler.ir.Loc;
import dev.vp.x64.asm.Annotation;
import dev.vp.x64.disasm.Disassembler;
import java.util.List;
import java.util.function.Function;

/**
 * What the x64 backend produces for an IrProgram, everything a loader needs: the text (position independent:
 * every branch and call is relative, so it runs wherever it is copied), the rodata blob that CTX_RODATA points
 * at, where each global, aggregate table, generation word and bag lives, the initial images of the per-vCPU,
 * global and shared blocks, and per probe its entry. See dev.vp.x64.abi.Abi for the context block.
 *
 * @param helperBytes  size of the helper library at the start of the text
 * @param lines        code offset -> source location, sorted by offset; {@link #locAt} looks a pc up
 * @param annotations  listing comments (function and probe names, source locations) at code offsets
 */
public record NativeProgram(byte[] text, int helperBytes, List<ProbeCode> probes, List<FunctionCode> functions,
                            List<LineEntry> lines, byte[] rodata, Layout layout, List<Annotation> annotations) {
    public NativeProgram {
        text = text.clone();
        rodata = rodata.clone();
        probes = List.copyOf(probes);
        functions = List.copyOf(functions);
        lines = List.copyOf(lines);
        annotations = List.copyOf(annotations);
    }

    @Override public byte[] text() { return text.clone(); }

    @Override public byte[] rodata() { return rodata.clone(); }

    /**
     * One probe clause: its entry (void entry(VpCtx *)), the bytes of its entry code plus its clause function,
     * and its static stack need in budget bytes (IR frame sizes along the deepest call chain; the budget itself
     * when the chain is recursive).
     */
    public record ProbeCode(int index, String spec, int entryOffset, int codeBytes, long stackNeed, boolean readsVcpuState,
                            boolean needsIoctl) {}

    /** frameBytes: the machine stack one call of the function takes (return address, saved RBP and its frame). */
    public record FunctionCode(String name, int offset, int size, int frameBytes) {}

    public record LineEntry(int offset, Loc loc) {}

    /**
     * Data offsets. globalOffsets[g] is in the per-vCPU block when perVcpu[g], else in the global block; aggregate
     * tables are in the per-vCPU block (each context has its own); generation words and bags in the shared
     * block. The init images hold the globals' initial values (integers little endian, strings NUL-terminated
     * and truncated), zeros elsewhere.
     */
    public record Layout(long[] globalOffsets, boolean[] perVcpu, long perVcpuBytes, long globalBytes, long[] aggrTableOffsets,
                         long[] generationOffsets, long[] bagOffsets, long sharedBytes, byte[] perVcpuInit, byte[] globalInit) {
        public Layout {
            globalOffsets = globalOffsets.clone(); perVcpu = perVcpu.clone(); aggrTableOffsets = aggrTableOffsets.clone();
            generationOffsets = generationOffsets.clone(); bagOffsets = bagOffsets.clone(); perVcpuInit = perVcpuInit.clone();
            globalInit = globalInit.clone();
        }

        @Override public long[] globalOffsets() { return globalOffsets.clone(); }
        @Override public boolean[] perVcpu() { return perVcpu.clone(); }
        @Override public long[] aggrTableOffsets() { return aggrTableOffsets.clone(); }
        @Override public long[] generationOffsets() { return generationOffsets.clone(); }
        @Override public long[] bagOffsets() { return bagOffsets.clone(); }
        @Override public byte[] perVcpuInit() { return perVcpuInit.clone(); }
        @Override public byte[] globalInit() { return globalInit.clone(); }

        public long globalOffset(int g) { return globalOffsets[g]; }
        public boolean isPerVcpu(int g) { return perVcpu[g]; }
        public long aggrTableOffset(int a) { return aggrTableOffsets[a]; }
        public long generationOffset(int a) { return generationOffsets[a]; }
        public long bagOffset(int b) { return bagOffsets[b]; }
    }

    /** The source location of the code at a text offset (CTX_CANCEL_PC), or Loc.NONE before the first entry. */
    public Loc locAt(long pc) {
        int lo = 0, hi = lines.size() - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (lines.get(mid).offset() <= pc) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return found < 0 ? Loc.NONE : lines.get(found).loc();
    }

    /** The annotated disassembly of the whole text, source locations shown as they are. */
    public String listing() { return listing(loc -> null); }

    /**
     * The annotated disassembly; sourceLine gives the text of a location's line (or null), which is printed
     * under the location so that each source line is followed by its instructions.
     */
    public String listing(Function<Loc, String> sourceLine) {
        var withSource = annotations.stream().map(an -> {
            Loc loc = parseLoc(an.text());
            String line = loc == null ? null : sourceLine.apply(loc);
            return line == null ? an : new Annotation(an.offset(), an.text() + ": " + line.strip());
        }).toList();
        return Disassembler.listing(text, withSource);
    }

    private static Loc parseLoc(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) return null;
        try {
            return new Loc(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
