// Reads the IR text form that IrPrinter writes, so that IR tests are small readable text files.
package dev.vp.compiler.ir.text;

import dev.vp.compiler.ir.Block;
import dev.vp.compiler.ir.Cause;
import dev.vp.compiler.ir.Insn;
import dev.vp.compiler.ir.IrFunction;
import dev.vp.compiler.ir.IrProgram;
import dev.vp.compiler.ir.Loc;
import dev.vp.compiler.ir.Terminator;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses IR text (see IrPrinter for the form). Lines whose first non-blank character is ';' are comments.
 * Data must be declared before the functions that use it; functions may be called before they are
 * defined. The limits line is optional (defaults: stack 4096, fuel 100000, string 256). The result is not
 * verified: run IrVerifier on it.
 */
public final class IrParser {
    public static final IrProgram.Limits DEFAULT_LIMITS = new IrProgram.Limits(4096, 100_000, 256);

    private static final Pattern LOAD = Pattern.compile("load\\.(guest|phys)(8|16|32|64)(s?)");
    private static final Pattern LOADSTR = Pattern.compile("loadstr\\.(guest|phys)");
    private static final Pattern INDEXED = Pattern.compile("(v|s|b|str|fmt)(\\d+)");

    private final String file;
    private IrProgram.Limits limits = DEFAULT_LIMITS;
    private final List<IrProgram.Global> globals = new ArrayList<>();
    private final List<IrProgram.Aggr> aggrs = new ArrayList<>();
    private final List<IrProgram.Bag> bags = new ArrayList<>();
    private final List<String> strings = new ArrayList<>();
    private final List<IrProgram.Format> formats = new ArrayList<>();
    private final List<IrFunction> functions = new ArrayList<>();
    private final List<IrProgram.Probe> probes = new ArrayList<>();
    private final Map<String, Integer> globalIndex = new HashMap<>(), aggrIndex = new HashMap<>(),
            bagIndex = new HashMap<>(), functionIndex = new HashMap<>();
    private final List<IrFunction.ReturnKind> returnKinds = new ArrayList<>();

    private IrParser(String file) { this.file = file; }

    /** file names the text in error messages. */
    public static IrProgram parse(String text, String file) {
        return new IrParser(file).program(text.split("\r?\n", -1));
    }

    private IrProgram program(String[] lines) {
        for (int n = 0; n < lines.length; n++) {
            if (lines[n].strip().startsWith("function ")) {
                Cursor c = new Cursor(lines[n], n + 1);
                c.word();
                String name = c.sigil('@');
                if (functionIndex.putIfAbsent(name, functionIndex.size()) != null) throw c.error("function @" + name + " is defined twice");
                returnKinds.add(prescanReturn(c));
            }
        }
        int n = 0;
        while (n < lines.length) {
            String line = lines[n];
            if (isBlank(line)) { n++; continue; }
            Cursor c = new Cursor(line, n + 1);
            String keyword = c.word();
            switch (keyword) {
                case "limits" -> {
                    c.keyword("stack"); long stack = c.number();
                    c.keyword("fuel"); long fuel = c.number();
                    c.keyword("string"); int str = c.smallNumber();
                    limits = new IrProgram.Limits(stack, fuel, str);
                }
                case "global" -> {
                    String name = c.sigil('$');
                    boolean string = switch (c.word()) {
                        case "int" -> false;
                        case "string" -> true;
                        default -> throw c.errorBefore("expected `int` or `string`");
                    };
                    boolean perVcpu = switch (c.word()) {
                        case "pervcpu" -> true;
                        case "pervm" -> false;
                        default -> throw c.errorBefore("expected `pervcpu` or `pervm`");
                    };
                    c.punct("=");
                    declare(globalIndex, name, globals.size(), c, "global");
                    globals.add(string ? new IrProgram.Global(name, true, perVcpu, 0, c.string())
                            : new IrProgram.Global(name, false, perVcpu, c.number(), null));
                }
                case "aggr" -> {
                    String name = c.sigil('$');
                    c.punct("["); int ints = c.smallNumber(); c.punct("]");
                    c.punct("["); int strs = c.smallNumber(); c.punct("]");
                    c.keyword("capacity");
                    declare(aggrIndex, name, aggrs.size(), c, "aggregate");
                    aggrs.add(new IrProgram.Aggr(name, ints, strs, c.smallNumber()));
                }
                case "bag" -> {
                    String name = c.sigil('$');
                    c.keyword("capacity");
                    declare(bagIndex, name, bags.size(), c, "bag");
                    bags.add(new IrProgram.Bag(name, c.smallNumber()));
                }
                case "string" -> {
                    c.indexed("str", strings.size());
                    c.punct("=");
                    strings.add(c.string());
                }
                case "format" -> {
                    c.indexed("fmt", formats.size());
                    c.punct("=");
                    String text = c.string();
                    var kinds = new ArrayList<Boolean>();
                    c.punct("(");
                    while (!c.tryPunct(")")) {
                        if (!kinds.isEmpty()) c.punct(",");
                        kinds.add(switch (c.word()) {
                            case "int" -> false;
                            case "string" -> true;
                            default -> throw c.errorBefore("expected `int` or `string`");
                        });
                    }
                    formats.add(new IrProgram.Format(text, kinds));
                }
                case "function" -> {
                    n = function(lines, n, c);
                    continue;
                }
                case "probe" -> {
                    String spec = c.string();
                    Domain domain = enumValue(c, Domain.class, "domain");
                    c.keyword("point"); String point = c.string();
                    c.keyword("symbol"); String symbol = c.tryWord("-") ? null : c.string();
                    c.keyword("address"); long address = c.number();
                    c.keyword("period"); long period = c.number();
                    int function = function(c);
                    boolean vcpuState = c.tryWord("vcpustate");
                    boolean ioctl = c.tryWord("ioctl");
                    probes.add(new IrProgram.Probe(spec, domain, point, symbol, address, period, function, vcpuState, ioctl, c.loc()));
                }
                default -> throw c.errorBefore("expected limits, global, aggr, bag, string, format, function or probe");
            }
            c.end();
            n++;
        }
        return new IrProgram(globals, aggrs, bags, strings, formats, functions, probes, limits);
    }

    private static boolean isBlank(String line) {
        String t = line.strip();
        return t.isEmpty() || t.startsWith(";");
    }

    private void declare(Map<String, Integer> index, String name, int at, Cursor c, String what) {
        if (index.putIfAbsent(name, at) != null) throw c.error(what + " $" + name + " is declared twice");
    }

    private IrFunction.ReturnKind prescanReturn(Cursor c) {
        c.punct("(");
        while (!c.tryPunct(")")) c.next();
        c.punct("->");
        return enumValue(c, IrFunction.ReturnKind.class, "return kind");
    }

    /** Parses a function starting at line n (its header in c); returns the index of the line after its `}`. */
    private int function(String[] lines, int n, Cursor c) {
        String name = c.sigil('@');
        var params = new ArrayList<IrFunction.Param>();
        c.punct("(");
        while (!c.tryPunct(")")) {
            if (!params.isEmpty()) c.punct(",");
            boolean string = switch (c.word()) {
                case "int" -> false;
                case "string" -> true;
                default -> throw c.errorBefore("expected `int` or `string`");
            };
            params.add(new IrFunction.Param(c.word(), string));
        }
        c.punct("->");
        IrFunction.ReturnKind returns = enumValue(c, IrFunction.ReturnKind.class, "return kind");
        c.keyword("regs"); int regs = c.smallNumber();
        c.keyword("slots"); int slots = c.smallNumber();
        c.punct("{");
        c.end();
        var blocks = new ArrayList<Block>();
        List<Insn> insns = null;
        for (n++; n < lines.length; n++) {
            if (isBlank(lines[n])) continue;
            Cursor l = new Cursor(lines[n], n + 1);
            if (l.tryPunct("}")) {
                l.end();
                if (insns != null) throw l.errorBefore("block b" + blocks.size() + " has no terminator");
                functions.add(new IrFunction(name, returns, params, regs, slots, blocks));
                return n + 1;
            }
            String first = l.peekWord();
            if (first != null && l.isLabel()) {
                if (insns != null) throw l.errorBefore("block b" + blocks.size() + " has no terminator");
                l.indexed("b", blocks.size());
                l.punct(":");
                l.end();
                insns = new ArrayList<>();
                continue;
            }
            if (insns == null) throw l.errorBefore("expected a block label b" + blocks.size() + ": or `}`");
            Terminator t = terminator(l, returns);
            if (t != null) {
                blocks.add(new Block(blocks.size(), insns, t));
                insns = null;
            } else {
                insns.add(insn(l));
            }
            l.end();
        }
        throw c.at(0, "function @" + name + " has no closing `}`");
    }

    private Terminator terminator(Cursor c, IrFunction.ReturnKind returns) {
        String op = c.peekWord();
        if (op == null) return null;
        switch (op) {
            case "jump" -> { c.word(); int target = c.block(); return new Terminator.Jump(c.loc(), target); }
            case "br" -> {
                c.word();
                int cond = c.reg(); c.punct(",");
                int t = c.block(); c.punct(",");
                int f = c.block();
                return new Terminator.Branch(c.loc(), cond, t, f);
            }
            case "ret" -> {
                c.word();
                if (c.atValueEnd()) return new Terminator.Return(c.loc(), -1);
                int v = returns == IrFunction.ReturnKind.STRING ? c.slot() : c.reg();
                return new Terminator.Return(c.loc(), v);
            }
            case "exit" -> { c.word(); return new Terminator.Exit(c.loc()); }
            case "cancel" -> {
                c.word();
                String name = c.word();
                Cause cause = null;
                for (Cause k : Cause.values()) if (k.shortName.equals(name)) cause = k;
                if (cause == null) throw c.errorBefore("unknown cause `" + name + "`: expected guest-fault, loop-fuel, stack, division-by-zero or assert");
                int message = c.atValueEnd() ? -1 : c.slot();
                return new Terminator.Cancel(c.loc(), cause, message);
            }
            default -> { return null; }
        }
    }

    private Insn insn(Cursor c) {
        if (c.isAssignment()) {
            boolean string = c.peekWord().startsWith("s");
            int dst = string ? c.slot() : c.reg();
            c.punct("=");
            String op = c.word();
            Matcher m;
            Insn insn = switch (op) {
                case "const" -> string ? new Insn.StrConst(null, dst, c.indexed("str", -1)) : new Insn.Const(null, dst, c.number());
                case "mov" -> string ? new Insn.StrMove(null, dst, c.slot()) : new Insn.Move(null, dst, c.reg());
                case "builtin" -> {
                    String name = c.word();
                    Builtin var = Builtin.byName(name);
                    if (var == null) throw c.errorBefore("unknown built-in variable " + name);
                    yield string ? new Insn.BuiltinStr(null, dst, var) : new Insn.ReadBuiltin(null, dst, var);
                }
                case "systime" -> new Insn.SystemTime(null, intDst(c, string, dst, op));
                case "load" -> {
                    int g = name(c, globalIndex, "global");
                    yield string ? new Insn.LoadStrVar(null, dst, g) : new Insn.LoadVar(null, dst, g);
                }
                case "concat" -> { int a = c.slot(); c.punct(","); yield new Insn.StrConcat(null, strDst(c, string, dst, op), a, c.slot()); }
                case "strcmp" -> { int a = c.slot(); c.punct(","); yield new Insn.StrCmp(null, intDst(c, string, dst, op), a, c.slot()); }
                case "sprintf" -> { int f = c.indexed("fmt", -1); yield new Insn.Sprintf(null, strDst(c, string, dst, op), f, c.operands()); }
                case "bagremove" -> {
                    int b = name(c, bagIndex, "bag");
                    c.punct("["); int key = c.reg(); c.punct("]");
                    yield new Insn.BagRemove(null, intDst(c, string, dst, op), b, key);
                }
                case "gueststack" -> new Insn.GuestStack(null, strDst(c, string, dst, op));
                case "excname" -> new Insn.ExcInfo(null, strDst(c, string, dst, op), false);
                case "excdesc" -> new Insn.ExcInfo(null, strDst(c, string, dst, op), true);
                default -> {
                    if ((m = LOAD.matcher(op)).matches()) {
                        yield new Insn.LoadGuest(null, intDst(c, string, dst, op), c.reg(), Integer.parseInt(m.group(2)) / 8,
                                !m.group(3).isEmpty(), m.group(1).equals("phys") ? Insn.Space.PHYSICAL : Insn.Space.LINEAR);
                    }
                    if ((m = LOADSTR.matcher(op)).matches()) {
                        int addr = c.reg(); c.punct(",");
                        yield new Insn.LoadGuestStr(null, strDst(c, string, dst, op), addr, c.smallNumber(),
                                m.group(1).equals("phys") ? Insn.Space.PHYSICAL : Insn.Space.LINEAR);
                    }
                    Insn.BinOp bin = lookup(Insn.BinOp.class, op);
                    if (bin != null) { int a = c.reg(); c.punct(","); yield new Insn.Bin(null, bin, intDst(c, string, dst, op), a, c.reg()); }
                    Insn.UnOp un = lookup(Insn.UnOp.class, op);
                    if (un != null) yield new Insn.Un(null, un, intDst(c, string, dst, op), c.reg());
                    throw c.errorBefore("unknown instruction `" + op + "`");
                }
            };
            return withLoc(insn, c.loc());
        }
        String op = c.word();
        Insn insn = switch (op) {
            case "store" -> {
                int g = name(c, globalIndex, "global");
                c.punct(",");
                yield c.peekWord() != null && c.peekWord().startsWith("s") ? new Insn.StoreStrVar(null, g, c.slot()) : new Insn.StoreVar(null, g, c.reg());
            }
            case "printf" -> { int f = c.indexed("fmt", -1); yield new Insn.Printf(null, f, c.operands()); }
            case "aggradd" -> {
                int a = name(c, aggrIndex, "aggregate");
                var ints = new ArrayList<Integer>();
                var strs = new ArrayList<Integer>();
                c.punct("[");
                while (!c.tryPunct("]")) {
                    if (!ints.isEmpty() || !strs.isEmpty()) c.punct(",");
                    Insn.Operand key = c.operand();
                    if (key.string()) strs.add(key.index());
                    else if (strs.isEmpty()) ints.add(key.index());
                    else throw c.errorBefore("integer keys come before string keys");
                }
                c.punct(",");
                yield new Insn.AggrAdd(null, a, ints, strs, c.reg());
            }
            case "logaggr" -> new Insn.LogAggr(null, name(c, aggrIndex, "aggregate"));
            case "clearaggr" -> new Insn.ClearAggr(null, name(c, aggrIndex, "aggregate"));
            case "baginsert" -> {
                int b = name(c, bagIndex, "bag");
                c.punct("["); int key = c.reg(); c.punct("]"); c.punct(",");
                yield new Insn.BagInsert(null, b, key, c.reg());
            }
            case "call" -> {
                int f = function(c);
                List<Insn.Operand> args = c.operands();
                int dst = -1;
                if (c.tryPunct("->")) dst = returnKinds.get(f) == IrFunction.ReturnKind.STRING ? c.slot() : c.reg();
                yield new Insn.Call(null, f, args, dst);
            }
            case "fuel" -> new Insn.Fuel(null);
            case "try" -> new Insn.TryBegin(null, c.block());
            case "endtry" -> new Insn.TryEnd(null);
            default -> throw c.errorBefore("unknown instruction `" + op + "`");
        };
        return withLoc(insn, c.loc());
    }

    private static int intDst(Cursor c, boolean string, int dst, String op) {
        if (string) throw c.errorAtDestination("`" + op + "` produces an integer: its destination must be a register vN");
        return dst;
    }

    private static int strDst(Cursor c, boolean string, int dst, String op) {
        if (!string) throw c.errorAtDestination("`" + op + "` produces a string: its destination must be a slot sN");
        return dst;
    }

    /** Records are immutable, so the location (parsed last, after the operands) is put in by rebuilding. */
    private static Insn withLoc(Insn i, Loc loc) {
        return switch (i) {
            case Insn.Const x -> new Insn.Const(loc, x.dst(), x.value());
            case Insn.Move x -> new Insn.Move(loc, x.dst(), x.src());
            case Insn.Bin x -> new Insn.Bin(loc, x.op(), x.dst(), x.a(), x.b());
            case Insn.Un x -> new Insn.Un(loc, x.op(), x.dst(), x.a());
            case Insn.ReadBuiltin x -> new Insn.ReadBuiltin(loc, x.dst(), x.var());
            case Insn.BuiltinStr x -> new Insn.BuiltinStr(loc, x.dst(), x.var());
            case Insn.SystemTime x -> new Insn.SystemTime(loc, x.dst());
            case Insn.LoadGuest x -> new Insn.LoadGuest(loc, x.dst(), x.addr(), x.size(), x.signed(), x.space());
            case Insn.LoadGuestStr x -> new Insn.LoadGuestStr(loc, x.dst(), x.addr(), x.maxLen(), x.space());
            case Insn.LoadVar x -> new Insn.LoadVar(loc, x.dst(), x.global());
            case Insn.StoreVar x -> new Insn.StoreVar(loc, x.global(), x.src());
            case Insn.LoadStrVar x -> new Insn.LoadStrVar(loc, x.dst(), x.global());
            case Insn.StoreStrVar x -> new Insn.StoreStrVar(loc, x.global(), x.src());
            case Insn.StrConst x -> new Insn.StrConst(loc, x.dst(), x.constant());
            case Insn.StrMove x -> new Insn.StrMove(loc, x.dst(), x.src());
            case Insn.StrConcat x -> new Insn.StrConcat(loc, x.dst(), x.a(), x.b());
            case Insn.StrCmp x -> new Insn.StrCmp(loc, x.dst(), x.a(), x.b());
            case Insn.Sprintf x -> new Insn.Sprintf(loc, x.dst(), x.format(), x.args());
            case Insn.Printf x -> new Insn.Printf(loc, x.format(), x.args());
            case Insn.AggrAdd x -> new Insn.AggrAdd(loc, x.aggr(), x.intKeys(), x.strKeys(), x.value());
            case Insn.LogAggr x -> new Insn.LogAggr(loc, x.aggr());
            case Insn.ClearAggr x -> new Insn.ClearAggr(loc, x.aggr());
            case Insn.BagInsert x -> new Insn.BagInsert(loc, x.bag(), x.key(), x.value());
            case Insn.BagRemove x -> new Insn.BagRemove(loc, x.dst(), x.bag(), x.key());
            case Insn.GuestStack x -> new Insn.GuestStack(loc, x.dst());
            case Insn.ExcInfo x -> new Insn.ExcInfo(loc, x.dst(), x.description());
            case Insn.Call x -> new Insn.Call(loc, x.function(), x.args(), x.dst());
            case Insn.Fuel x -> new Insn.Fuel(loc);
            case Insn.TryBegin x -> new Insn.TryBegin(loc, x.handler());
            case Insn.TryEnd x -> new Insn.TryEnd(loc);
        };
    }

    private int name(Cursor c, Map<String, Integer> index, String what) {
        String name = c.sigil('$');
        Integer i = index.get(name);
        if (i == null) throw c.errorBefore("unknown " + what + " $" + name + ": declare it before the functions");
        return i;
    }

    private int function(Cursor c) {
        String name = c.sigil('@');
        Integer i = functionIndex.get(name);
        if (i == null) throw c.errorBefore("unknown function @" + name);
        return i;
    }

    private static <E extends Enum<E>> E lookup(Class<E> type, String word) {
        for (E e : type.getEnumConstants()) if (e.name().toLowerCase(Locale.ROOT).equals(word)) return e;
        return null;
    }

    private static <E extends Enum<E>> E enumValue(Cursor c, Class<E> type, String what) {
        String word = c.word();
        for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(word)) return e;
        throw c.errorBefore("unknown " + what + " `" + word + "`");
    }

    /** The tokens of one line: words, quoted strings and punctuation, then an optional "; file:line". */
    private final class Cursor {
        private record Token(String text, boolean quoted, int column) {}

        private final List<Token> tokens = new ArrayList<>();
        private final int line;
        private final int end;
        private Loc loc = Loc.NONE;
        private int pos;

        Cursor(String text, int line) {
            this.line = line;
            int i = 0, n = text.length();
            while (i < n) {
                char ch = text.charAt(i);
                if (Character.isWhitespace(ch)) { i++; continue; }
                if (ch == ';') { loc = parseLoc(text.substring(i + 1).strip(), i); break; }
                if (ch == '"') { i = quoted(text, i); continue; }
                if (ch == '-' && i + 1 < n && text.charAt(i + 1) == '>') { tokens.add(new Token("->", false, i)); i += 2; continue; }
                if ("=,()[]{}:".indexOf(ch) >= 0) { tokens.add(new Token(String.valueOf(ch), false, i)); i++; continue; }
                int start = i;
                while (i < n && !Character.isWhitespace(text.charAt(i)) && "=,()[]{}:;\"".indexOf(text.charAt(i)) < 0) i++;
                tokens.add(new Token(text.substring(start, i), false, start));
            }
            this.end = text.length();
        }

        private Loc parseLoc(String text, int column) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) throw at(column, "expected a location `; file:line` after `;`");
            try {
                return new Loc(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw at(column, "the line number in `; " + text + "` is not a number");
            }
        }

        private int quoted(String text, int start) {
            var out = new StringBuilder();
            int i = start + 1;
            while (true) {
                if (i >= text.length()) throw at(start, "unterminated string literal");
                char ch = text.charAt(i++);
                if (ch == '"') break;
                if (ch != '\\') { out.append(ch); continue; }
                if (i >= text.length()) throw at(i - 1, "unterminated string literal");
                char e = text.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case '"', '\\' -> out.append(e);
                    case 'x' -> {
                        if (i + 2 > text.length()) throw at(i - 2, "\\x needs two hex digits");
                        out.append((char) hex(text.substring(i, i + 2), i - 2));
                        i += 2;
                    }
                    case 'u' -> {
                        int close = text.indexOf('}', i);
                        if (i >= text.length() || text.charAt(i) != '{' || close < 0) throw at(i - 2, "\\u needs {HHHH}");
                        out.append((char) hex(text.substring(i + 1, close), i - 2));
                        i = close + 1;
                    }
                    default -> throw at(i - 2, "unknown escape \\" + e + ": use \\n \\t \\\" \\\\ \\xHH or \\u{HHHH}");
                }
            }
            tokens.add(new Token(out.toString(), true, start));
            return i;
        }

        private int hex(String digits, int column) {
            try {
                int v = Integer.parseInt(digits, 16);
                if (v < 0 || v > 0xFFFF) throw at(column, "escape value out of range");
                return v;
            } catch (NumberFormatException e) {
                throw at(column, "bad hex digits `" + digits + "` in escape");
            }
        }

        IrSyntaxException at(int column, String message) {
            return new IrSyntaxException(file + ":" + line + ":" + (column + 1) + ": " + message);
        }

        /** An error at the next token (or the end of the line). */
        IrSyntaxException error(String message) {
            return at(pos < tokens.size() ? tokens.get(pos).column : end, message);
        }

        /** An error at the first token: an instruction's destination. */
        IrSyntaxException errorAtDestination(String message) { return at(tokens.getFirst().column, message); }

        /** An error at the token just read. */
        IrSyntaxException errorBefore(String message) {
            return at(pos > 0 ? tokens.get(pos - 1).column : 0, message);
        }

        Loc loc() { return loc; }

        boolean atValueEnd() { return pos >= tokens.size(); }

        void end() { if (pos < tokens.size()) throw error("unexpected `" + tokens.get(pos).text + "` at the end of the line"); }

        Token next() {
            if (pos >= tokens.size()) throw error("unexpected end of line");
            return tokens.get(pos++);
        }

        String word() {
            Token t = next();
            if (t.quoted || (t.text.length() == 1 && "=,()[]{}:".contains(t.text)) || t.text.equals("->")) {
                pos--;
                throw error("expected a word, found `" + t.text + "`");
            }
            return t.text;
        }

        String peekWord() {
            if (pos >= tokens.size() || tokens.get(pos).quoted) return null;
            return tokens.get(pos).text;
        }

        boolean isLabel() { return pos + 1 < tokens.size() && tokens.get(pos + 1).text.equals(":") && !tokens.get(pos + 1).quoted; }

        boolean isAssignment() { return pos + 1 < tokens.size() && tokens.get(pos + 1).text.equals("=") && !tokens.get(pos + 1).quoted; }

        boolean tryWord(String w) {
            if (pos < tokens.size() && !tokens.get(pos).quoted && tokens.get(pos).text.equals(w)) { pos++; return true; }
            return false;
        }

        void keyword(String w) { if (!tryWord(w)) throw error("expected `" + w + "`"); }

        boolean tryPunct(String p) { return tryWord(p); }

        void punct(String p) { if (!tryWord(p)) throw error("expected `" + p + "`"); }

        String string() {
            Token t = next();
            if (!t.quoted) { pos--; throw error("expected a quoted string"); }
            return t.text;
        }

        String sigil(char sigil) {
            String w = word();
            if (w.length() < 2 || w.charAt(0) != sigil) throw errorBefore("expected a name starting with " + sigil);
            return w.substring(1);
        }

        long number() {
            String w = word();
            try {
                if (w.startsWith("0x") || w.startsWith("0X")) return Long.parseUnsignedLong(w.substring(2), 16);
                if (w.startsWith("-0x")) return -Long.parseUnsignedLong(w.substring(3), 16);
                return Long.parseLong(w);
            } catch (NumberFormatException e) {
                throw errorBefore("expected a number, found `" + w + "`");
            }
        }

        int smallNumber() {
            long v = number();
            if (v < 0 || v > Integer.MAX_VALUE) throw errorBefore("expected a count between 0 and " + Integer.MAX_VALUE);
            return (int) v;
        }

        /** prefix + digits, e.g. v3; when expected >= 0 the number must be exactly that. */
        int indexed(String prefix, int expected) {
            String w = word();
            Matcher m = INDEXED.matcher(w);
            if (!m.matches() || !m.group(1).equals(prefix)) throw errorBefore("expected " + prefix + "N, found `" + w + "`");
            int v;
            try {
                v = Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                throw errorBefore("index too large in `" + w + "`");
            }
            if (expected >= 0 && v != expected) throw errorBefore("expected " + prefix + expected + " here (they are numbered in order), found `" + w + "`");
            return v;
        }

        int reg() { return indexed("v", -1); }

        int slot() { return indexed("s", -1); }

        int block() { return indexed("b", -1); }

        Insn.Operand operand() {
            String w = peekWord();
            if (w != null && w.startsWith("s")) return Insn.Operand.slot(slot());
            return Insn.Operand.reg(reg());
        }

        List<Insn.Operand> operands() {
            var out = new ArrayList<Insn.Operand>();
            punct("(");
            while (!tryPunct(")")) {
                if (!out.isEmpty()) punct(",");
                out.add(operand());
            }
            return out;
        }
    }
}
