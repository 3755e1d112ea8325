// The IR's stable text form: one declaration or instruction per line, readable in review, parsed by IrParser.
package dev.vp.compiler.ir.text;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.ir.Terminator;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Prints an IrProgram. Data first (limits, globals, aggregates, bags, string constants, formats), then
 * functions, then probes. Registers print as v0.., string slots s0.., blocks b0..; globals, aggregates and
 * bags by name ($x), functions by name (@f), string constants and formats by index (str0, fmt0). A source
 * location follows an instruction as "; file:line" (none for Loc.NONE).
 */
public final class IrPrinter {
    private final IrProgram program;

    private IrPrinter(IrProgram program) { this.program = program; }

    public static String print(IrProgram program) {
        var p = new IrPrinter(program);
        var out = new StringBuilder();
        IrProgram.Limits l = program.limits();
        out.append("limits stack ").append(l.stackBytes()).append(" fuel ").append(l.loopFuel())
           .append(" string ").append(l.stringBytes()).append('\n');
        for (IrProgram.Global g : program.globals()) {
            out.append("global $").append(g.name()).append(g.string() ? " string " : " int ")
               .append(g.perVcpu() ? "pervcpu = " : "pervm = ")
               .append(g.string() ? quote(g.initString() == null ? "" : g.initString()) : Long.toString(g.initInt()))
               .append('\n');
        }
        for (IrProgram.Aggr a : program.aggrs()) {
            out.append("aggr $").append(a.name()).append('[').append(a.intKeys()).append("][").append(a.strKeys())
               .append("] capacity ").append(a.capacity()).append('\n');
        }
        for (IrProgram.Bag b : program.bags()) out.append("bag $").append(b.name()).append(" capacity ").append(b.capacity()).append('\n');
        for (int i = 0; i < program.strings().size(); i++) {
            out.append("string str").append(i).append(" = ").append(quote(program.strings().get(i))).append('\n');
        }
        for (int i = 0; i < program.formats().size(); i++) {
            IrProgram.Format f = program.formats().get(i);
            var kinds = new StringJoiner(", ", "(", ")");
            for (boolean s : f.stringArgs()) kinds.add(s ? "string" : "int");
            out.append("format fmt").append(i).append(" = ").append(quote(f.text())).append(' ').append(kinds).append('\n');
        }
        for (IrFunction fn : program.functions()) p.function(out, fn);
        for (IrProgram.Probe pr : program.probes()) {
            out.append("probe ").append(quote(pr.spec())).append(' ').append(pr.domain())
               .append(" point ").append(quote(pr.point()))
               .append(" symbol ").append(pr.symbol() == null ? "-" : quote(pr.symbol()))
               .append(" address 0x").append(Long.toHexString(pr.address()))
               .append(" period ").append(pr.periodNs())
               .append(" @").append(p.functionName(pr.function()));
            if (pr.readsVcpuState()) out.append(" vcpustate");
            if (pr.needsIoctl()) out.append(" ioctl");
            out.append(loc(pr.loc())).append('\n');
        }
        return out.toString();
    }

    private void function(StringBuilder out, IrFunction fn) {
        out.append("\nfunction @").append(fn.name()).append('(');
        String sep = "";
        for (IrFunction.Param param : fn.params()) {
            out.append(sep).append(param.string() ? "string " : "int ").append(param.name());
            sep = ", ";
        }
        out.append(") -> ").append(fn.returns().name().toLowerCase(Locale.ROOT))
           .append(" regs ").append(fn.registers()).append(" slots ").append(fn.slots()).append(" {\n");
        for (Block b : fn.blocks()) {
            out.append('b').append(b.id()).append(":\n");
            for (Insn insn : b.insns()) out.append("    ").append(insn(insn)).append(loc(insn.loc())).append('\n');
            out.append("    ").append(terminator(b.terminator(), fn)).append(loc(b.terminator().loc())).append('\n');
        }
        out.append("}\n");
    }

    /** One instruction without its location, as it appears in listings and verifier messages. */
    public static String insn(IrProgram program, Insn insn) { return new IrPrinter(program).insn(insn); }

    /** One terminator without its location; fn says whether ret's value is a register or a slot. */
    public static String terminator(Terminator t, IrFunction fn) {
        return switch (t) {
            case Terminator.Jump j -> "jump b" + j.target();
            case Terminator.Branch b -> "br v" + b.cond() + ", b" + b.ifTrue() + ", b" + b.ifFalse();
            case Terminator.Return r when r.value() < 0 -> "ret";
            case Terminator.Return r -> "ret " + (fn.returns() == IrFunction.ReturnKind.STRING ? "s" : "v") + r.value();
            case Terminator.Exit e -> "exit";
            case Terminator.Cancel c -> "cancel " + c.cause().shortName + (c.message() >= 0 ? " s" + c.message() : "");
        };
    }

    private String insn(Insn insn) {
        return switch (insn) {
            case Insn.Const i -> "v" + i.dst() + " = const " + constant(i.value());
            case Insn.Move i -> "v" + i.dst() + " = mov v" + i.src();
            case Insn.Bin i -> "v" + i.dst() + " = " + i.op().name().toLowerCase(Locale.ROOT) + " v" + i.a() + ", v" + i.b();
            case Insn.Un i -> "v" + i.dst() + " = " + i.op().name().toLowerCase(Locale.ROOT) + " v" + i.a();
            case Insn.ReadBuiltin i -> "v" + i.dst() + " = builtin " + i.var().spelling();
            case Insn.BuiltinStr i -> "s" + i.dst() + " = builtin " + i.var().spelling();
            case Insn.SystemTime i -> "v" + i.dst() + " = systime";
            case Insn.LoadGuest i -> "v" + i.dst() + " = load." + space(i.space()) + i.size() * 8 + (i.signed() ? "s" : "") + " v" + i.addr();
            case Insn.LoadGuestStr i -> "s" + i.dst() + " = loadstr." + space(i.space()) + " v" + i.addr() + ", " + i.maxLen();
            case Insn.LoadVar i -> "v" + i.dst() + " = load " + global(i.global());
            case Insn.StoreVar i -> "store " + global(i.global()) + ", v" + i.src();
            case Insn.LoadStrVar i -> "s" + i.dst() + " = load " + global(i.global());
            case Insn.StoreStrVar i -> "store " + global(i.global()) + ", s" + i.src();
            case Insn.StrConst i -> "s" + i.dst() + " = const str" + i.constant();
            case Insn.StrMove i -> "s" + i.dst() + " = mov s" + i.src();
            case Insn.StrConcat i -> "s" + i.dst() + " = concat s" + i.a() + ", s" + i.b();
            case Insn.StrCmp i -> "v" + i.dst() + " = strcmp s" + i.a() + ", s" + i.b();
            case Insn.Sprintf i -> "s" + i.dst() + " = sprintf fmt" + i.format() + operands(i.args());
            case Insn.Printf i -> "printf fmt" + i.format() + operands(i.args());
            case Insn.AggrAdd i -> {
                var keys = new StringJoiner(", ", "[", "]");
                for (int k : i.intKeys()) keys.add("v" + k);
                for (int k : i.strKeys()) keys.add("s" + k);
                yield "aggradd $" + name(i.aggr(), program.aggrs().size(), () -> program.aggrs().get(i.aggr()).name()) + keys + ", v" + i.value();
            }
            case Insn.LogAggr i -> "logaggr $" + name(i.aggr(), program.aggrs().size(), () -> program.aggrs().get(i.aggr()).name());
            case Insn.ClearAggr i -> "clearaggr $" + name(i.aggr(), program.aggrs().size(), () -> program.aggrs().get(i.aggr()).name());
            case Insn.BagInsert i -> "baginsert $" + name(i.bag(), program.bags().size(), () -> program.bags().get(i.bag()).name()) + "[v" + i.key() + "], v" + i.value();
            case Insn.BagRemove i -> "v" + i.dst() + " = bagremove $" + name(i.bag(), program.bags().size(), () -> program.bags().get(i.bag()).name()) + "[v" + i.key() + "]";
            case Insn.GuestStack i -> "s" + i.dst() + " = gueststack";
            case Insn.ExcInfo i -> "s" + i.dst() + (i.description() ? " = excdesc" : " = excname");
            case Insn.Call i -> {
                String call = "call @" + functionName(i.function()) + operands(i.args());
                if (i.dst() < 0) yield call;
                boolean string = i.function() >= 0 && i.function() < program.functions().size()
                        && program.functions().get(i.function()).returns() == IrFunction.ReturnKind.STRING;
                yield call + " -> " + (string ? "s" : "v") + i.dst();
            }
            case Insn.Fuel i -> "fuel";
            case Insn.TryBegin i -> "try b" + i.handler();
            case Insn.TryEnd i -> "endtry";
        };
    }

    private static String space(Insn.Space space) { return space == Insn.Space.PHYSICAL ? "phys" : "guest"; }

    /** Small values print in decimal, large ones (addresses, masks) in hex. */
    private static String constant(long v) {
        return v >= -65536 && v <= 65536 ? Long.toString(v) : "0x" + Long.toHexString(v);
    }

    private String global(int g) { return "$" + name(g, program.globals().size(), () -> program.globals().get(g).name()); }

    String functionName(int f) { return name(f, program.functions().size(), () -> program.functions().get(f).name()); }

    /** An out-of-range index prints as #N so that the verifier can show the bad instruction. */
    private static String name(int index, int size, java.util.function.Supplier<String> name) {
        return index >= 0 && index < size ? name.get() : "#" + index;
    }

    private static String operands(List<Insn.Operand> args) {
        var out = new StringJoiner(", ", "(", ")");
        for (Insn.Operand a : args) out.add(a.toString());
        return out.toString();
    }

    private static String loc(Loc loc) { return loc == null || loc.equals(Loc.NONE) ? "" : " ; " + loc.file() + ":" + loc.line(); }

    /** A double-quoted literal; bytes outside printable ASCII as \xHH, chars beyond a byte as \\u{HHHH}. */
    public static String quote(String s) {
        var out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c >= 0x20 && c < 0x7f) out.append(c);
                    else if (c <= 0xff) out.append(String.format("\\x%02x", (int) c));
                    else out.append(String.format("\\u{%04x}", (int) c));
                }
            }
        }
        return out.append('"').toString();
    }
}
