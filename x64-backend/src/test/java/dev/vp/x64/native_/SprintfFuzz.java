// The native sprintf helper against PrintfFormatter (through the interpreter) on thousands of random formats.
package dev.vp.x64.native_;

import dev.vp.compiler.interp.GuestState;
import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.Insn.Operand;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.ir.Terminator;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random formats (every conversion, every flag combination, widths and precisions up to 255, literal text
 * with percent signs) with random arguments: each probe sprintf's into a slot and prints it with "[%s]", and
 * also printf's the same format directly, so the native formatter and the host's record formatting are both
 * compared with PrintfFormatter's bytes.
 */
class SprintfFuzz {
    private static final String CONVERSIONS = "diuxXocsp";

    static String randomFormat(Random rnd, List<Boolean> kinds) {
        var out = new StringBuilder();
        int pieces = 1 + rnd.nextInt(3);
        for (int p = 0; p < pieces; p++) {
            if (rnd.nextInt(3) == 0) out.append(rnd.nextBoolean() ? "ab %% " : "=");
            out.append('%');
            for (char f : "-+ #0".toCharArray()) if (rnd.nextInt(4) == 0) out.append(f);
            if (rnd.nextBoolean()) out.append(rnd.nextInt(5) == 0 ? rnd.nextInt(256) : rnd.nextInt(25));
            if (rnd.nextInt(3) == 0) {
                out.append('.');
                if (rnd.nextInt(4) != 0) out.append(rnd.nextInt(5) == 0 ? rnd.nextInt(256) : rnd.nextInt(25));
            }
            if (rnd.nextInt(5) == 0) out.append(rnd.nextBoolean() ? "l" : rnd.nextBoolean() ? "ll" : "h");
            char c = CONVERSIONS.charAt(rnd.nextInt(CONVERSIONS.length()));
            out.append(c);
            kinds.add(c == 's');
        }
        if (rnd.nextBoolean()) out.append('\n');
        return out.toString();
    }

    @Test
    void nativeSprintfMatchesPrintfFormatter() {
        var rnd = new Random(20240611);
        int programs = Integer.getInteger("vp.campaign", 0) > 0 ? 200 : 40, perProgram = 100;
        long values[] = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 255, 256, 65, 0x7f, 1234567890123L, 8, 07777};
        for (int prog = 0; prog < programs; prog++) {
            var formats = new ArrayList<IrProgram.Format>();
            var functions = new ArrayList<IrFunction>();
            var probes = new ArrayList<IrProgram.Probe>();
            var strings = List.of("", "hello", "x".repeat(250), "a b", "Zz");
            int bracket = 0;
            formats.add(new IrProgram.Format("[%s]\n", List.of(true)));
            for (int f = 0; f < perProgram; f++) {
                var kinds = new ArrayList<Boolean>();
                String text = randomFormat(rnd, kinds);
                formats.add(new IrProgram.Format(text, kinds));
                var insns = new ArrayList<Insn>();
                var args = new ArrayList<Operand>();
                int reg = 0, slot = 1;
                for (boolean s : kinds) {
                    if (s) {
                        insns.add(new Insn.StrConst(Loc.NONE, slot, rnd.nextInt(strings.size())));
                        args.add(Operand.slot(slot++));
                    } else {
                        insns.add(new Insn.ReadBuiltin(Loc.NONE, reg, Builtin.values()[Builtin.ARG0.ordinal() + reg]));
                        args.add(Operand.reg(reg++));
                    }
                }
                insns.add(new Insn.Sprintf(Loc.NONE, 0, formats.size() - 1, args));
                insns.add(new Insn.Printf(Loc.NONE, bracket, List.of(Operand.slot(0))));
                insns.add(new Insn.Printf(Loc.NONE, formats.size() - 1, args));
                functions.add(new IrFunction("f" + f, IrFunction.ReturnKind.VOID, List.of(), 10, 10,
                        List.of(new Block(0, insns, new Terminator.Return(Loc.NONE, -1)))));
                probes.add(new IrProgram.Probe("P" + f, Domain.VMM, "HV_Exit", null, 0, 0, f, true, false, Loc.NONE));
            }
            int stringBytes = rnd.nextInt(4) == 0 ? 2 + rnd.nextInt(100) : 256;
            var program = new IrProgram(List.of(), List.of(), List.of(), strings, formats, functions, probes,
                    new IrProgram.Limits(1 << 20, 10, stringBytes));
            try (Arena arena = Arena.ofConfined()) {
                var ram = DualEngine.newRam(arena, 1 << 16);
                GuestState guest = DualEngine.newGuest(ram);
                try (var engines = new DualEngine(program, 1, arena, ram, guest)) {
                    for (int p = 0; p < perProgram; p++) {
                        for (int a = 0; a < 10; a++) {
                            long v = rnd.nextBoolean() ? values[rnd.nextInt(values.length)] : rnd.nextLong() >> rnd.nextInt(64);
                            guest.set(Builtin.values()[Builtin.ARG0.ordinal() + a], v);
                        }
                        engines.fire(p, 0, "program " + prog + " format \"" + formats.get(p + 1).text() + "\"");
                    }
                }
            }
        }
    }
}
