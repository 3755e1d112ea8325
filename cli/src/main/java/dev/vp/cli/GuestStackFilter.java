// Rewrites gueststack() strings in probe output into guest symbols, as the VProbes toolkit's stack filter did.
package dev.vp.cli;

import dev.vp.compiler.symbols.ElfFile;
import dev.vp.compiler.symbols.Symbol;
import dev.vp.compiler.symbols.SymbolTable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GUEST_0x100f0b_0x100823} becomes {@code compute_task+0x3b <- task_start+0x13}: the innermost frame first,
 * each caller after an arrow, addresses outside every known function left as {@code 0x...}. Text that is not a
 * gueststack string passes unchanged, so the filter can sit on the whole output stream of `vp run`
 * (RunCommand's output listener calls {@link #apply} on each record).
 */
public final class GuestStackFilter {
    private static final Pattern STACK = Pattern.compile("GUEST_0x[0-9a-fA-F]+(?:_0x[0-9a-fA-F]+)*");

    private final SymbolTable symbols;

    private GuestStackFilter(SymbolTable symbols) { this.symbols = symbols; }

    /** A filter over the function symbols of a guest image (its data symbols would only mislead a stack). */
    public static GuestStackFilter of(ElfFile guest) {
        List<Symbol> functions = new ArrayList<>();
        for (ElfFile.Symbol s : guest.symbols())
            if (s.kind() == ElfFile.SymbolKind.FUNC) functions.add(new Symbol(s.name(), s.value(), s.size(), Symbol.Kind.FUNC));
        return new GuestStackFilter(SymbolTable.of(functions));
    }

    public static GuestStackFilter of(SymbolTable symbols) { return new GuestStackFilter(symbols); }

    /** {@code text} with every gueststack string replaced by its frames' symbols. */
    public String apply(String text) {
        if (symbols.isEmpty() || !text.contains("GUEST_0x")) return text;
        Matcher m = STACK.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 64);
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(describe(m.group())));
        m.appendTail(out);
        return out.toString();
    }

    private String describe(String stack) {
        String[] frames = stack.substring("GUEST_".length()).split("_");
        StringBuilder out = new StringBuilder();
        for (String frame : frames) {
            if (!out.isEmpty()) out.append(" <- ");
            out.append(symbols.describe(Long.parseUnsignedLong(frame.substring(2), 16)));
        }
        return out.toString();
    }
}
