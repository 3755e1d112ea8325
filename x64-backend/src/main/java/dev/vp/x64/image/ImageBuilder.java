// Turns a compiled program (IR description plus NativeProgram) into the ProbeImage that is written as a .vpo.
package dev.vp.x64.image;

import dev.vp.compiler.check.BudgetCheck;
import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.abi.Abi;
import dev.vp.x64.gen.NativeCompiler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The IR program supplies the names, probe points and limits; the NativeProgram the code, rodata and data
 * layout. The compiler's rodata is kept as is (generated code addresses it through CTX_RODATA) and the format
 * texts the host consumer needs are appended after it. The text is position independent, so there are no
 * relocations. A probe's region in the image is its entry stub: its clause function lies elsewhere in the text
 * (NativeProgram.ProbeCode counts both, the figure `vp build --stats` prints).
 */
public final class ImageBuilder {
    private ImageBuilder() {}

    /**
     * Machine stack the helper library may use below a generated frame: its deepest chain (the string reader's
     * 264-byte buffer frame, then strcpy, or the formatter's frame and its put helpers) stays under 1 KB.
     */
    static final int HELPER_STACK_BYTES = 1024;
    /** The entry stub's return address and six saved registers. */
    static final int ENTRY_STACK_BYTES = 7 * 8;

    /** Compiles program with the x64 backend and builds its image. */
    public static ProbeImage build(IrProgram program) {
        return build(program, NativeCompiler.compile(program));
    }

    public static ProbeImage build(IrProgram program, NativeProgram code) {
        int maxString = program.limits().stringBytes() - 1;
        NativeProgram.Layout layout = code.layout();
        var globals = new ArrayList<ProbeImage.Global>();
        for (int g = 0; g < program.globals().size(); g++) {
            IrProgram.Global def = program.globals().get(g);
            globals.add(new ProbeImage.Global(def.name(), def.string(), def.perVcpu(), layout.globalOffset(g),
                    def.string() ? 0 : def.initInt(), def.string() ? truncate(def.initString(), maxString) : ""));
        }
        var aggregates = new ArrayList<ProbeImage.Aggregate>();
        for (int a = 0; a < program.aggrs().size(); a++) {
            IrProgram.Aggr def = program.aggrs().get(a);
            aggregates.add(new ProbeImage.Aggregate(def.name(), def.intKeys(), def.strKeys(), def.capacity(),
                    layout.aggrTableOffset(a), DataLayout.aggrTableBytes(def), layout.generationOffset(a)));
        }
        var bags = new ArrayList<ProbeImage.Bag>();
        for (int b = 0; b < program.bags().size(); b++) {
            IrProgram.Bag def = program.bags().get(b);
            bags.add(new ProbeImage.Bag(def.name(), def.capacity(), layout.bagOffset(b), DataLayout.bagBytes(def)));
        }
        var rodata = new ByteArrayOutputStream();
        rodata.writeBytes(code.rodata());
        var formats = new ArrayList<ProbeImage.Format>();
        for (IrProgram.Format f : program.formats()) {
            byte[] text = f.text().getBytes(StandardCharsets.ISO_8859_1);
            formats.add(new ProbeImage.Format(rodata.size(), text.length));
            rodata.writeBytes(text);
            rodata.write(0);
        }
        while (rodata.size() % ProbeImage.ALIGNMENT != 0) rodata.write(0);
        byte[] ro = rodata.toByteArray();
        var data = new ProbeImage.Data(layout.perVcpuBytes(), layout.globalBytes(), layout.sharedBytes(), globals, aggregates, bags, formats);

        var probes = new ArrayList<ProbeImage.Probe>();
        for (int p = 0; p < program.probes().size(); p++) {
            IrProgram.Probe def = program.probes().get(p);
            NativeProgram.ProbeCode pc = code.probes().get(p);
            int stub = pc.codeBytes() - code.functions().get(def.function()).size();
            probes.add(new ProbeImage.Probe(def.spec(), def.point(), def.domain(), def.symbol(), def.address(), def.periodNs(),
                    pc.entryOffset(), stub, Math.toIntExact(Math.min(Integer.MAX_VALUE, nativeStackNeed(program, code, def.function()))),
                    def.readsVcpuState(), def.needsIoctl(), def.loc()));
        }

        byte[] text = code.text();
        var lines = new ArrayList<ProbeImage.LineEntry>();
        for (NativeProgram.LineEntry e : code.lines()) {
            if (e.offset() >= text.length) continue;
            // Two marks at one offset: the later one is where the code there comes from.
            if (!lines.isEmpty() && lines.getLast().codeOffset() == e.offset()) lines.removeLast();
            lines.add(new ProbeImage.LineEntry(e.offset(), e.loc()));
        }
        IrProgram.Limits limits = program.limits();
        long dataBytes = data.vcpuBlockBytes() + data.globalBlockBytes() + data.sharedBlockBytes() + ro.length;
        var budget = new ProbeImage.Budget(text.length, dataBytes, probes.size(), limits.stackBytes(), limits.loopFuel(), limits.stringBytes());
        return new ProbeImage(Abi.VERSION, text, ro, data, probes, List.of(), lines, budget);
    }

    /**
     * A bound on the machine stack one firing of a clause needs: the entry stub, the generated frames along the
     * deepest call chain, and the helpers below the last frame. The frames are the code generator's own
     * (NativeProgram.FunctionCode.frameBytes): its spill slots follow its webs and intervals, not the IR registers.
     * When the chain can recurse, every frame on the stack (the clause's included) has been charged its IR frame
     * and together they stay within the stack budget, so the native frames take at most the budget times the
     * largest ratio of native to IR frame among the functions the clause can reach (not the whole program: a large
     * frame elsewhere must not make a small recursion look deep).
     */
    public static long nativeStackNeed(IrProgram program, NativeProgram code, int function) {
        long frames = deepest(program, code, function, new boolean[program.functions().size()]);
        if (frames < 0) {
            boolean[] reached = new boolean[program.functions().size()];
            reach(program, function, reached);
            long budget = program.limits().stackBytes();
            for (int f = 0; f < reached.length; f++) {
                if (!reached[f]) continue;
                long ir = program.functions().get(f).frameBytes(), nat = code.functions().get(f).frameBytes();
                frames = Math.max(frames, budget > Integer.MAX_VALUE / nat ? Integer.MAX_VALUE : Math.ceilDiv(budget * nat, ir));
            }
        }
        return ENTRY_STACK_BYTES + frames + HELPER_STACK_BYTES;
    }

    /**
     * What vp check and the editor check against the budgets once the code exists: the text, each clause's code
     * bytes and its machine stack bound ({@link #nativeStackNeed}); the runtime adds the machine stack it gives a
     * firing and whether its memory holds the data (null when it does).
     */
    public static BudgetCheck.Measured measured(IrProgram program, NativeProgram code, long stackAllowance, String arenaRefusal) {
        return new BudgetCheck.Measured(code.text().length, code.probes().stream().map(p -> (long) p.codeBytes()).toList(),
                program.probes().stream().map(p -> nativeStackNeed(program, code, p.function())).toList(), stackAllowance,
                arenaRefusal);
    }

    /** Marks f and every function it can call. */
    private static void reach(IrProgram program, int f, boolean[] reached) {
        if (reached[f]) return;
        reached[f] = true;
        for (var block : program.functions().get(f).blocks()) {
            for (Insn insn : block.insns()) {
                if (insn instanceof Insn.Call c) reach(program, c.function(), reached);
            }
        }
    }

    private static long deepest(IrProgram program, NativeProgram code, int f, boolean[] onPath) {
        if (onPath[f]) return -1;
        onPath[f] = true;
        long below = 0;
        IrFunction fn = program.functions().get(f);
        for (var block : fn.blocks()) {
            for (Insn insn : block.insns()) {
                if (insn instanceof Insn.Call c) {
                    long d = deepest(program, code, c.function(), onPath);
                    if (d < 0) { onPath[f] = false; return -1; }
                    below = Math.max(below, d);
                }
            }
        }
        onPath[f] = false;
        return code.functions().get(f).frameBytes() + below;
    }

    /** The interpreter's truncation of a string constant: at the first NUL, then at maxString characters. */
    private static String truncate(String text, int maxString) {
        String s = text == null ? "" : text;
        int nul = s.indexOf('\0');
        return s.substring(0, Math.min(nul < 0 ? s.length() : nul, maxString));
    }
}
