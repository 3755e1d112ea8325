// IR program -> NativeProgram: data layout, rodata, the helper library, every function and one entry per probe.
package dev.vp.x64.gen;

import static dev.vp.x64.asm.Reg.*;

import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.IrVerifier;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.output.FormatSpec;
import dev.vp.x64.NativeProgram;
import dev.vp.x64.asm.Assembler;
import dev.vp.x64.asm.Label;
import dev.vp.x64.asm.Reg;
import dev.vp.x64.asm.Size;
import dev.vp.x64.helpers.Descriptors;
import dev.vp.x64.helpers.HelperLibrary;
import dev.vp.x64.helpers.RuntimeText;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The backend's entry point. Text layout: the helper library, then every IR function, then the probes' entry
 * code. An entry pushes the callee-saved registers, loads RBX = ctx, lets the helper set up the firing
 * (entry RSP, fuel, try state, the probe's frame charged against the stack budget, R12/R13), calls the clause
 * and returns through the shared epilogue that cancellation also uses.
 */
public final class NativeCompiler {
    private NativeCompiler() {}

    public static NativeProgram compile(IrProgram program) {
        List<String> problems = IrVerifier.verify(program);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the IR program is not well formed:\n  " + String.join("\n  ", problems));
        }
        int maxString = program.limits().stringBytes() - 1;
        var rodata = new Rodata(program, maxString);
        var layout = layout(program, maxString);

        var a = new Assembler();
        var helpers = new HelperLibrary(a, maxString, rodata.probeNames, program.probes().size());
        helpers.emit();
        Label helpersEnd = a.newLabel();
        a.bind(helpersEnd);

        var lines = new ArrayList<LineMark>();
        boolean[] cleared = FunctionEmitter.clearedAggregates(program);
        Label[] functionLabels = new Label[program.functions().size()];
        for (int f = 0; f < functionLabels.length; f++) functionLabels[f] = a.newLabel();
        Label[] functionEnds = new Label[functionLabels.length];
        int[] frames = new int[functionLabels.length];
        for (int f = 0; f < functionLabels.length; f++) {
            IrFunction fn = program.functions().get(f);
            a.bind(functionLabels[f]);
            a.annotate("function @" + fn.name());
            var emitter = new FunctionEmitter(a, program, fn, helpers, functionLabels, rodata, layout, maxString, lines, cleared);
            emitter.emit();
            frames[f] = emitter.frameBytes();
            functionEnds[f] = a.newLabel();
            a.bind(functionEnds[f]);
        }
        Label[] entries = new Label[program.probes().size()];
        Label[] entryEnds = new Label[entries.length];
        for (int p = 0; p < entries.length; p++) {
            IrProgram.Probe probe = program.probes().get(p);
            IrFunction fn = program.functions().get(probe.function());
            entries[p] = a.newLabel();
            a.bind(entries[p]);
            a.annotate("probe " + p + " " + probe.spec());
            for (Reg r : new Reg[] {RBX, RBP, R12, R13, R14, R15}) a.push(r);
            a.mov(Size.QWORD, RBX, RDI);
            a.mov(Size.DWORD, RAX, p);
            a.mov(Size.DWORD, RCX, fn.frameBytes());
            lines.add(FunctionEmitter.mark(a, probe.loc()));
            a.call(helpers.setup);
            a.call(functionLabels[probe.function()]);
            a.jmp(helpers.entryReturn);
            entryEnds[p] = a.newLabel();
            a.bind(entryEnds[p]);
        }
        byte[] text = a.finish();

        var functions = new ArrayList<NativeProgram.FunctionCode>();
        for (int f = 0; f < functionLabels.length; f++) {
            int start = a.offset(functionLabels[f]);
            functions.add(new NativeProgram.FunctionCode(program.functions().get(f).name(), start, a.offset(functionEnds[f]) - start, frames[f]));
        }
        var probes = new ArrayList<NativeProgram.ProbeCode>();
        for (int p = 0; p < entries.length; p++) {
            IrProgram.Probe probe = program.probes().get(p);
            int entry = a.offset(entries[p]);
            int bytes = a.offset(entryEnds[p]) - entry + functions.get(probe.function()).size();
            probes.add(new NativeProgram.ProbeCode(p, probe.spec(), entry, bytes, stackNeed(program, probe.function()),
                    probe.readsVcpuState(), probe.needsIoctl()));
        }
        var lineEntries = new ArrayList<NativeProgram.LineEntry>();
        for (LineMark m : lines) lineEntries.add(new NativeProgram.LineEntry(a.offset(m.label()), m.loc()));
        lineEntries.sort(java.util.Comparator.comparingInt(NativeProgram.LineEntry::offset));
        return new NativeProgram(text, a.offset(helpersEnd), probes, functions, lineEntries, rodata.bytes, layout, a.annotations());
    }

    /** A line-table mark: a label bound where the code of an instruction at loc starts. */
    record LineMark(Label label, Loc loc) {}

    /** Budget bytes of the deepest call chain from a function; the budget itself when the chain can recurse. */
    static long stackNeed(IrProgram program, int function) {
        long need = deepest(program, function, new boolean[program.functions().size()]);
        return need < 0 ? program.limits().stackBytes() : need;
    }

    private static long deepest(IrProgram program, int f, boolean[] onPath) {
        if (onPath[f]) return -1;
        onPath[f] = true;
        long below = 0;
        for (var block : program.functions().get(f).blocks()) {
            for (Insn insn : block.insns()) {
                if (insn instanceof Insn.Call c) {
                    long d = deepest(program, c.function(), onPath);
                    if (d < 0) { onPath[f] = false; return -1; }
                    below = Math.max(below, d);
                }
            }
        }
        onPath[f] = false;
        return program.functions().get(f).frameBytes() + below;
    }

    private static NativeProgram.Layout layout(IrProgram program, int maxString) {
        int n = program.globals().size();
        long[] offsets = new long[n];
        boolean[] perVcpu = new boolean[n];
        long vcpuBytes = 0, globalBytes = 0;
        for (int g = 0; g < n; g++) {
            IrProgram.Global def = program.globals().get(g);
            perVcpu[g] = def.perVcpu();
            long size = DataLayout.globalBytes(def);
            if (def.perVcpu()) { offsets[g] = vcpuBytes; vcpuBytes += size; } else { offsets[g] = globalBytes; globalBytes += size; }
        }
        long[] tables = new long[program.aggrs().size()];
        long[] generations = new long[tables.length];
        long shared = 0;
        for (int i = 0; i < tables.length; i++) {
            tables[i] = vcpuBytes;
            vcpuBytes += DataLayout.aggrTableBytes(program.aggrs().get(i));
            generations[i] = shared;
            shared += 8;
        }
        long[] bags = new long[program.bags().size()];
        for (int b = 0; b < bags.length; b++) {
            bags[b] = shared;
            shared += DataLayout.bagBytes(program.bags().get(b));
        }
        byte[] vcpuInit = new byte[Math.toIntExact(Math.max(vcpuBytes, 8))];
        byte[] globalInit = new byte[Math.toIntExact(Math.max(globalBytes, 8))];
        for (int g = 0; g < n; g++) {
            IrProgram.Global def = program.globals().get(g);
            byte[] image = def.perVcpu() ? vcpuInit : globalInit;
            int at = Math.toIntExact(offsets[g]);
            if (def.string()) {
                String s = truncate(def.initString() == null ? "" : def.initString(), maxString);
                for (int i = 0; i < s.length(); i++) image[at + i] = (byte) s.charAt(i);
            } else {
                ByteBuffer.wrap(image, at, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(def.initInt());
            }
        }
        return new NativeProgram.Layout(offsets, perVcpu, vcpuInit.length, globalInit.length, tables, generations, bags,
                Math.max(shared, 8), vcpuInit, globalInit);
    }

    /** The interpreter's truncate: at the first NUL, then at maxString characters. */
    static String truncate(String text, int maxString) {
        int nul = text.indexOf('\0');
        int end = Math.min(nul < 0 ? text.length() : nul, maxString);
        return text.substring(0, end);
    }

    /** The rodata blob: RuntimeText, string constants, probe names and their u32 table, formats, aggregate descriptors. */
    static final class Rodata {
        final int[] strings, formats, aggregates;
        final int probeNames;
        final byte[] bytes;

        Rodata(IrProgram program, int maxString) {
            var out = new ByteArrayOutputStream();
            out.writeBytes(RuntimeText.bytes());
            strings = new int[program.strings().size()];
            for (int i = 0; i < strings.length; i++) strings[i] = cString(out, truncate(program.strings().get(i), maxString));
            int[] names = new int[program.probes().size()];
            for (int p = 0; p < names.length; p++) names[p] = cString(out, truncate(program.probes().get(p).spec(), maxString));
            align(out, 4);
            probeNames = out.size();
            for (int name : names) for (int i = 0; i < 4; i++) out.write(name >>> (8 * i));
            formats = new int[program.formats().size()];
            for (int f = 0; f < formats.length; f++) {
                formats[f] = out.size();
                IrProgram.Format format = program.formats().get(f);
                out.writeBytes(Descriptors.format(format, (FormatSpec) FormatSpec.parse(format.text())));
            }
            align(out, 8);
            aggregates = new int[program.aggrs().size()];
            for (int i = 0; i < aggregates.length; i++) {
                aggregates[i] = out.size();
                out.writeBytes(Descriptors.aggregate(program.aggrs().get(i), i, 8L * i));
            }
            align(out, 8);
            bytes = out.toByteArray();
        }

        private static int cString(ByteArrayOutputStream out, String s) {
            int at = out.size();
            for (int i = 0; i < s.length(); i++) out.write(s.charAt(i));
            out.write(0);
            return at;
        }

        private static void align(ByteArrayOutputStream out, int to) {
            while (out.size() % to != 0) out.write(0);
        }
    }
}
