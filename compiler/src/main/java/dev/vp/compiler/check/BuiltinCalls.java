package dev.vp.compiler.check;

import dev.vp.compiler.ast.Expr;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.output.FormatError;
import dev.vp.compiler.output.FormatSpec;
import dev.vp.compiler.source.Span;
import dev.vp.compiler.util.ByteChars;
import java.util.List;

/** Checks the arguments of built-in function calls, including printf-style formats against their arguments. */
final class BuiltinCalls {
    private BuiltinCalls() {}

    static Type check(Checker c, Expr.Call call, BuiltinFunction f) {
        List<Expr> args = call.args();
        return switch (f) {
            case PRINTF -> { format(c, call, args, 0); yield Type.VOID; }
            case SPRINTF -> {
                if (!arity(c, call, f, args.size() >= 2)) yield Type.VOID;
                c.stringTarget(args.get(0), "sprintf");
                format(c, call, args, 1);
                yield Type.VOID;
            }
            case LOGINT -> { if (arity(c, call, f, args.size() == 1)) integer(c, f, args.get(0)); yield Type.VOID; }
            case LOGSTR -> { if (arity(c, call, f, args.size() == 1)) string(c, f, args.get(0)); yield Type.VOID; }
            case STRCMP -> {
                if (arity(c, call, f, args.size() == 2)) { string(c, f, args.get(0)); string(c, f, args.get(1)); }
                yield Type.U64;
            }
            case GETGUEST -> {
                if (arity(c, call, f, args.size() == 1)) integer(c, f, args.get(0));
                c.readsVcpu(call.span(), "getguest (a read by linear address)");
                yield Type.U64;
            }
            case GETGUESTPHYS -> { if (arity(c, call, f, args.size() == 1)) integer(c, f, args.get(0)); yield Type.U64; }
            case GETGUESTSTR, GETGUESTPHYSSTR -> {
                boolean two = f == BuiltinFunction.GETGUESTSTR && args.size() == 2;
                if (!arity(c, call, f, args.size() == 3 || two)) yield Type.VOID;
                c.stringTarget(args.get(0), f.spelling);
                if (!two) length(c, f, args.get(1));
                integer(c, f, args.get(args.size() - 1));
                if (f == BuiltinFunction.GETGUESTSTR) c.readsVcpu(call.span(), "getgueststr (a read by linear address)");
                yield Type.VOID;
            }
            case GUESTSTACK -> {
                if (arity(c, call, f, args.size() == 1)) c.stringTarget(args.get(0), "gueststack");
                c.readsVcpu(call.span(), "gueststack");
                yield Type.VOID;
            }
            case GETSYSTEMTIME -> { arity(c, call, f, args.isEmpty()); yield Type.U64; }
            case EXIT -> { arity(c, call, f, args.isEmpty()); yield Type.VOID; }
            case EXCNAME, EXCDESC -> { arity(c, call, f, args.isEmpty()); yield Type.STRING; }
            case LOGAGGR, CLEARAGGR -> {
                if (!arity(c, call, f, args.size() == 1)) yield Type.VOID;
                Expr a = args.get(0);
                Sym s = a instanceof Expr.Name n ? c.lookupName(n.name()) : null;
                if (s instanceof Sym.Aggr ag) c.recordRef(a, ag);
                else if (a instanceof Expr.Name n && s == null) {
                    c.diags().report(Code.E0600, a.span(), f.spelling + " takes an aggregate, and no aggregate `" + n.name()
                            + "` is declared or updated anywhere" + Checker.hint(n.name(), c.aggregateNames()));
                } else if (s instanceof Sym.Bag) {
                    c.diags().report(Code.E0600, a.span(), f.spelling + " takes an aggregate; `" + a.span().text() + "` is a bag, whose pairs"
                            + " are only read by removing them (`" + c.syntax(a.span()).pick(a.span().text() + "[key]",
                                    "(bagremove " + a.span().text() + " KEY)") + "`)");
                } else {
                    c.exprType(a);
                    c.diags().report(Code.E0600, a.span(), f.spelling + " takes an aggregate; `" + a.span().text() + "` is not one");
                }
                yield Type.VOID;
            }
            case ASSERT -> {
                if (!arity(c, call, f, !args.isEmpty())) yield Type.VOID;
                integer(c, f, args.get(0));
                if (args.size() > 1) format(c, call, args, 1);
                yield Type.VOID;
            }
        };
    }

    private static boolean arity(Checker c, Expr.Call call, BuiltinFunction f, boolean ok) {
        if (ok) return true;
        for (Expr a : call.args()) c.exprType(a);
        c.diags().add(new Diagnostic(Code.E0600, "wrong number of arguments to `" + f.spelling + "`: expected " + f.signature
                + ", got " + call.args().size(), call.span()));
        return false;
    }

    private static void integer(Checker c, BuiltinFunction f, Expr e) {
        Type t = c.rvalueType(e);
        if (t instanceof Type.Str)
            c.diags().report(Code.E0600, e.span(), "`" + f.spelling + "` expects an integer here, found a string (" + f.signature + ")");
    }

    private static void string(Checker c, BuiltinFunction f, Expr e) {
        Type t = c.exprType(e);
        if (!c.isStringish(t))
            c.diags().report(Code.E0600, e.span(), "`" + f.spelling + "` expects a string here, found " + Checker.describe(t) + " (" + f.signature + ")");
    }

    private static void length(Checker c, BuiltinFunction f, Expr e) {
        Long n = c.constant(e);
        c.exprType(e);
        if (n != null) c.recordConstant(e, n);
        if (n == null || n < 1 || n > 255)
            c.diags().report(Code.E0600, e.span(), "the length of `" + f.spelling + "` must be a constant from 1 to 255 (a string holds"
                    + " at most 255 characters)" + (n == null ? "" : ", not " + n));
    }

    /** args[at] is the format; the arguments after it must match its conversions. */
    private static void format(Checker c, Expr.Call call, List<Expr> args, int at) {
        if (args.size() <= at) {
            c.diags().report(Code.E0601, call.span(), "`" + call.name() + "` needs a format string");
            return;
        }
        Expr fmt = args.get(at);
        if (!(fmt instanceof Expr.StrLit lit)) {
            for (int i = at; i < args.size(); i++) c.exprType(args.get(i));
            c.diags().report(Code.E0601, fmt.span(), "the format of `" + call.name() + "` must be a string literal, so it can be checked");
            return;
        }
        c.exprType(fmt);
        List<Expr> rest = args.subList(at + 1, args.size());
        switch (FormatSpec.parse(lit.value())) {
            case FormatError err -> {
                for (Expr a : rest) c.exprType(a);
                c.diags().report(Code.E0602, inside(lit, err.offset(), 1), "bad format: " + visible(err.message()));
            }
            case FormatSpec spec -> {
                List<FormatSpec.Conversion> conv = spec.conversions();
                for (int i = 0; i < rest.size(); i++) {
                    Expr a = rest.get(i);
                    FormatSpec.Conversion cv = i < conv.size() ? conv.get(i) : null;
                    Type t = cv == null || cv.takesString() ? c.exprType(a) : c.rvalueType(a);
                    if (cv == null || t instanceof Type.Error) continue;
                    if (cv.takesString() && !c.isStringish(t))
                        c.diags().report(Code.E0604, a.span(), "`%s` expects a string, but this argument is " + Checker.describe(t));
                    else if (!cv.takesString() && t instanceof Type.Str)
                        c.diags().report(Code.E0604, a.span(), "`%" + cv.conversion() + "` expects an integer, but this argument is a string; use `%s`");
                }
                if (rest.size() != conv.size()) {
                    // Too many arguments: the first extra one; too few: the first conversion without one.
                    FormatSpec.Conversion lonely = rest.size() < conv.size() ? conv.get(rest.size()) : null;
                    Span where = lonely == null ? rest.get(conv.size()).span() : inside(lit, lonely.offset(), lonely.length());
                    String written = lonely == null ? "" : lit.value().substring(lonely.offset(), lonely.offset() + lonely.length());
                    c.diags().report(Code.E0603, where, "the format has " + conv.size() + " conversion" + (conv.size() == 1 ? "" : "s")
                            + " but " + rest.size() + " argument" + (rest.size() == 1 ? " follows" : "s follow")
                            + (lonely != null && lonely.space() ? "; `" + written + "` is a conversion (a space flag, then `"
                                    + lonely.conversion() + "`): for a percent sign, write `%%`" : ""));
                }
            }
        }
    }

    /** The message with control characters and bytes above 0x7e written as escapes, so that it stays on one line and readable. */
    private static String visible(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> { if (ch < 0x20 || ch >= 0x7f) b.append(String.format("\\x%02x", (int) ch)); else b.append(ch); }
            }
        }
        return b.toString();
    }

    /** A span inside a string literal (approximate when the literal had escapes or was joined). */
    private static Span inside(Expr.StrLit lit, int offset, int length) {
        Span s = lit.span();
        int start = sourceOffset(s, offset);
        if (start < 0) return s; // not written as literals here (a macro): the whole value
        int end = sourceOffset(s, offset + length);
        return new Span(s.file(), start, end < start ? Math.min(s.end(), start + 1) : end);
    }

    /**
     * Where byte {@code offset} of the value of the string literals written at span begins in the source: escapes
     * (`\n`, `\x41`) and non-ASCII characters (several UTF-8 bytes) take more source than value, and adjacent
     * literals have blanks and comments between them. -1 when the span's text is not string literals.
     */
    private static int sourceOffset(Span span, int offset) {
        String text = span.file().text();
        int end = Math.min(span.end(), text.length());
        int bytes = 0;
        boolean inString = false;
        for (int i = span.start(); i < end; ) {
            char ch = text.charAt(i);
            if (!inString) {
                if (ch == '"') inString = true;
                else if (text.startsWith("//", i)) i = Math.max(text.indexOf('\n', i), i);
                else if (text.startsWith("/*", i)) i = Math.max(text.indexOf("*/", i) + 1, i);
                else if (!Character.isWhitespace(ch)) return -1;
                i++;
                continue;
            }
            if (ch == '"') {
                inString = false;
                i++;
                continue;
            }
            int taken, produced;
            if (ch == '\\' && i + 1 < end) {
                char c = text.charAt(i + 1);
                int hex = 0;
                while (c == 'x' && hex < 2 && i + 2 + hex < end && Character.digit(text.charAt(i + 2 + hex), 16) >= 0) hex++;
                taken = 2 + hex + (Character.isHighSurrogate(c) ? 1 : 0);
                produced = c == '\n' ? 0 : hex > 0 || c < 0x80 ? 1 : ByteChars.utf8(new String(Character.toChars(text.codePointAt(i + 1)))).length();
            } else {
                int cp = text.codePointAt(i);
                taken = Character.charCount(cp);
                produced = ByteChars.utf8(new String(Character.toChars(cp))).length();
            }
            if (bytes + produced > offset) return i;
            bytes += produced;
            i += taken;
        }
        return bytes == offset && !inString ? end - 1 : -1;
    }
}
