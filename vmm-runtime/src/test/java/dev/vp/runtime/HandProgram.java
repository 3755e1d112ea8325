// Tiny probe images assembled by hand against the ABI: printf and logaggr records, cancellations, exits, empty probes.
package dev.vp.runtime;

import static dev.vp.x64.asm.Reg.R10;
import static dev.vp.x64.asm.Reg.R11;
import static dev.vp.x64.asm.Reg.R8;
import static dev.vp.x64.asm.Reg.R9;
import static dev.vp.x64.asm.Reg.RAX;
import static dev.vp.x64.asm.Reg.RCX;
import static dev.vp.x64.asm.Reg.RDI;
import static dev.vp.x64.asm.Reg.RDX;
import static dev.vp.x64.asm.Reg.RSI;
import static dev.vp.x64.asm.Size.DWORD;
import static dev.vp.x64.asm.Size.QWORD;

import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.DataLayout;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.lang.Domain;
import dev.vp.x64.abi.Abi;
import dev.vp.x64.asm.Alu;
import dev.vp.x64.asm.Assembler;
import dev.vp.x64.asm.Cond;
import dev.vp.x64.asm.Label;
import dev.vp.x64.asm.Mem;
import dev.vp.x64.image.ProbeImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds a ProbeImage from clauses written with the Assembler. The record writer follows Abi's ring protocol
 * exactly (free-running head and tail, PAD to the end of the data area, drop whole and count), so the runtime's
 * consumer is tested against the contract, not against itself.
 */
final class HandProgram {
    /** The formats every hand program carries: ids 0, 1, 2. */
    static final List<String> FORMATS = List.of("value %d\n", "loaded on vCPU %d\n", "%s %d %d\n");
    static final String FILE = "hand.emt";

    private final Assembler asm = new Assembler();
    private final List<Clause> clauses = new ArrayList<>();
    private final List<Object[]> lines = new ArrayList<>(); // {Label, line}
    private final List<ProbeImage.Aggregate> aggregates = new ArrayList<>();
    private final List<Label[]> pcPatches = new ArrayList<>(); // {site, end of the instruction holding its offset}
    private long vcpuBlockBytes = 8, sharedBlockBytes = 0;
    private String formatPrefix = "";

    private record Clause(String spec, String point, Domain domain, Label start, Label end, int line) {}

    HandProgram() {
        // A stand-in for the helper library, so that no probe entry is at offset 0.
        asm.int3();
        asm.int3();
    }

    /** Prefixes every format text (to tell two images' output apart). */
    HandProgram formatPrefix(String prefix) {
        this.formatPrefix = prefix;
        return this;
    }

    /** A per-vCPU block this large (to test the arena fit check). */
    HandProgram vcpuBlockBytes(long bytes) {
        this.vcpuBlockBytes = bytes;
        return this;
    }

    /** An aggregate [1][0] with this capacity, table at per-vCPU offset 8..., generation word in the shared block. */
    HandProgram aggregate(String name, int capacity) {
        long table = DataLayout.AGGR_TABLE_HEADER + (long) (Abi.ENTRY_KEYS + 8) * capacity;
        long offset = LoadedImage.align(vcpuBlockBytes, 8);
        aggregates.add(new ProbeImage.Aggregate(name, 1, 0, capacity, offset, table, sharedBlockBytes));
        vcpuBlockBytes = offset + table;
        sharedBlockBytes += 8;
        return this;
    }

    HandProgram clause(String spec, String point, Domain domain, int line, Consumer<Assembler> body) {
        Label start = asm.newLabel(), end = asm.newLabel();
        asm.bind(start);
        lines.add(new Object[] {start, line});
        // What every entry does (Abi): keep the fields block and count the firing.
        asm.mov(QWORD, Mem.of(RDI, Abi.CTX_FIELDS), RSI);
        asm.inc(QWORD, Mem.of(RDI, Abi.CTX_FIRINGS + 8 * clauses.size()));
        body.accept(asm);
        asm.bind(end);
        clauses.add(new Clause(spec, point, domain, start, end, line));
        return this;
    }

    ProbeImage build() {
        byte[] text = asm.finish();
        for (Label[] patch : pcPatches) {
            int site = asm.offset(patch[0]), field = asm.offset(patch[1]) - 4;
            for (int i = 0; i < 4; i++) text[field + i] = (byte) (site >>> (8 * i));
        }
        var rodata = new ByteArrayOutputStream();
        var formats = new ArrayList<ProbeImage.Format>();
        for (String f : FORMATS) {
            byte[] bytes = (formatPrefix + f).getBytes(StandardCharsets.ISO_8859_1);
            formats.add(new ProbeImage.Format(rodata.size(), bytes.length));
            rodata.write(bytes, 0, bytes.length);
            rodata.write(0);
        }
        var probes = new ArrayList<ProbeImage.Probe>();
        for (Clause c : clauses) {
            int start = asm.offset(c.start), end = asm.offset(c.end);
            probes.add(new ProbeImage.Probe(c.spec, c.point, c.domain, "", 0, 0, start, end - start, 64, c.domain.hasVcpu(), false,
                    new Loc(FILE, c.line)));
        }
        var lineEntries = new ArrayList<ProbeImage.LineEntry>();
        for (Object[] l : lines) lineEntries.add(new ProbeImage.LineEntry(asm.offset((Label) l[0]), new Loc(FILE, (Integer) l[1])));
        lineEntries.sort(java.util.Comparator.comparingInt(ProbeImage.LineEntry::codeOffset));
        // A cancellation site at a clause's first byte: the site's line wins (it was added later; the sort is stable).
        for (int i = lineEntries.size() - 1; i > 0; i--) {
            if (lineEntries.get(i - 1).codeOffset() == lineEntries.get(i).codeOffset()) lineEntries.remove(i - 1);
        }
        long vcpuBlock = LoadedImage.align(vcpuBlockBytes, 8), sharedBlock = LoadedImage.align(sharedBlockBytes, 8);
        var data = new ProbeImage.Data(vcpuBlock, 0, sharedBlock, List.of(new ProbeImage.Global("count", false, true, 0, 7, "")),
                aggregates, List.of(), formats);
        byte[] ro = rodata.toByteArray();
        return new ProbeImage(Abi.VERSION, text, ro, data, probes, List.of(), lineEntries,
                new ProbeImage.Budget(text.length, vcpuBlock + sharedBlock + ro.length, probes.size(), 4096, 1000, 256));
    }

    // ---- clause bodies ----

    static void complete(Assembler a) {
        a.mov(QWORD, Mem.of(RDI, Abi.CTX_OUTCOME), 0);
        a.ret();
    }

    /** For {@link #printf}: ARG0 of the firing's fields block rather than a context field. */
    static final int ARG0 = -1;

    /** printf(format, ctx fields (or ARG0) as integers); with str non-null, a string argument first (at most 8 bytes). */
    static void printf(Assembler a, int format, String str, int... ctxFields) {
        int count = ctxFields.length + (str == null ? 0 : 1);
        int length = Abi.REC_ARGS + 8 * ctxFields.length + (str == null ? 0 : 16);
        record(a, Abi.REC_PRINTF, format, count, length, r -> {
            int at = Abi.REC_ARGS;
            if (str != null) {
                r.mov(QWORD, Mem.of(R8, at), str.length());
                long packed = 0;
                for (int i = 0; i < str.length(); i++) packed |= (str.charAt(i) & 0xFFL) << (8 * i);
                r.mov(QWORD, R9, packed);
                r.mov(QWORD, Mem.of(R8, at + 8), R9);
                at += 16;
            }
            for (int field : ctxFields) {
                if (field == ARG0) {
                    r.mov(QWORD, R9, Mem.of(RDI, Abi.CTX_FIELDS));
                    r.mov(QWORD, R9, Mem.of(R9, Abi.FIELDS_ARGS));
                } else {
                    r.mov(QWORD, R9, Mem.of(RDI, field));
                }
                r.mov(QWORD, Mem.of(R8, at), R9);
                at += 8;
            }
        });
    }

    /** The ring append of Abi: rdi = ctx; the body writer gets r8 = the record. */
    private static void record(Assembler a, int type, int id, int count, int length, Consumer<Assembler> body) {
        Label noPad = a.newLabel(), write = a.newLabel(), drop = a.newLabel(), done = a.newLabel();
        a.mov(QWORD, RSI, Mem.of(RDI, Abi.CTX_RING));
        a.mov(QWORD, RAX, Mem.of(RSI, Abi.RING_HEAD));
        a.mov(QWORD, RCX, Mem.of(RSI, Abi.RING_CAPACITY));
        a.lea(QWORD, RDX, Mem.of(RCX, -1));
        a.alu(Alu.AND, QWORD, RDX, RAX);           // offset = head & (capacity - 1)
        a.mov(QWORD, R8, RCX);
        a.alu(Alu.SUB, QWORD, R8, RDX);            // room before the end of the data area
        a.alu(Alu.XOR, DWORD, R9, R9);             // pad = 0
        a.alu(Alu.CMP, QWORD, R8, length);
        a.jcc(Cond.AE, noPad);
        a.mov(QWORD, R9, R8);                      // pad = room
        a.bind(noPad);
        a.lea(QWORD, R10, Mem.of(R9, length));     // need = pad + length
        a.mov(QWORD, R11, RAX);
        a.alu(Alu.SUB, QWORD, R11, Mem.of(RSI, Abi.RING_TAIL));
        a.alu(Alu.SUB, QWORD, RCX, R11);           // free = capacity - (head - tail)
        a.alu(Alu.CMP, QWORD, RCX, R10);
        a.jcc(Cond.B, drop);
        a.test(QWORD, R9, R9);
        a.jcc(Cond.E, write);
        a.mov(DWORD, Mem.of(RSI, RDX, 1, Abi.RING_DATA + Abi.REC_LENGTH), R9);
        a.mov(DWORD, Mem.of(RSI, RDX, 1, Abi.RING_DATA + Abi.REC_TYPE), Abi.REC_PAD);
        a.alu(Alu.ADD, QWORD, RAX, R9);
        a.alu(Alu.XOR, DWORD, RDX, RDX);
        a.bind(write);
        a.lea(QWORD, R8, Mem.of(RSI, RDX, 1, Abi.RING_DATA));
        a.mov(DWORD, Mem.of(R8, Abi.REC_LENGTH), length);
        a.mov(DWORD, Mem.of(R8, Abi.REC_TYPE), type);
        a.mov(QWORD, R9, Mem.of(RDI, Abi.CTX_TSC));
        a.mov(QWORD, Mem.of(R8, Abi.REC_TSC), R9);
        a.mov(DWORD, Mem.of(R8, Abi.REC_ID), id);
        a.mov(DWORD, Mem.of(R8, Abi.REC_ARGC), count);
        body.accept(a);
        a.alu(Alu.ADD, QWORD, RAX, length);
        a.mov(QWORD, Mem.of(RSI, Abi.RING_HEAD), RAX); // a plain store is a release store on x86-64
        a.inc(QWORD, Mem.of(RSI, Abi.RING_EMITTED));
        a.jmp(done);
        a.bind(drop);
        a.inc(QWORD, Mem.of(RSI, Abi.RING_DROPPED));
        a.bind(done);
    }

    /** Cancels with cause, reporting line and a description of at most 16 bytes. */
    void cancel(Assembler a, int line, Cause cause, String description) {
        Label site = a.newLabel(), after = a.newLabel();
        a.bind(site);
        lines.add(new Object[] {site, line});
        long lo = 0, hi = 0;
        for (int i = 0; i < description.length(); i++) {
            long b = description.charAt(i) & 0xFFL;
            if (i < 8) lo |= b << (8 * i); else hi |= b << (8 * (i - 8));
        }
        a.mov(QWORD, RAX, lo);
        a.mov(QWORD, Mem.of(RDI, Abi.CTX_EXC_DESC), RAX);
        a.mov(QWORD, RAX, hi);
        a.mov(QWORD, Mem.of(RDI, Abi.CTX_EXC_DESC + 8), RAX);
        a.mov(QWORD, Mem.of(RDI, Abi.CTX_OUTCOME), 2 + cause.ordinal());
        a.mov(QWORD, Mem.of(RDI, Abi.CTX_CANCEL_PC), 0x7fff_ffff); // imm32, patched with the site's offset in build()
        a.bind(after);
        pcPatches.add(new Label[] {site, after});
        a.ret();
    }
}
