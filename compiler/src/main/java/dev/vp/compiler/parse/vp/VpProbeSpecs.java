// Reads a VP probe specification symbol (VMM1Hz, GUEST:ENTER:do_fork, TIMER:10msec, USEC:100...) into a ProbeSpec.
package dev.vp.compiler.parse.vp;

import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.ast.ProbeSpec.Kind;
import dev.vp.compiler.source.Span;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grammar of LANGUAGE.md section 2, applied to one symbol. A domain's VM index suffix (GUEST0) is
 * dropped; any index other than 0 is refused. Legacy spellings are read into their modern kind with
 * `legacy` set (USEC:N is PROFILE:N usec; GUEST_READ/GUEST_WRITE are GUEST:READ/WRITE) and are not warned
 * about here: the checker owns the deprecation warning and its fix, for Emmett and VP alike.
 */
final class VpProbeSpecs {
    private VpProbeSpecs() {}

    static final String EXAMPLES = "probes are written like VMM1Hz, GUEST:ENTER:do_fork, GUEST:mod!sym, "
            + "GUEST:OFFSET:sym:16, GUEST:0xffffffff81000000 or TIMER:10msec";

    private static final Pattern DOMAIN = Pattern.compile("(GUEST|VMM|VMX)([0-9]*)");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern MODULE_SYMBOL = Pattern.compile("[A-Za-z0-9_.\\-]+![A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern NUMBER = Pattern.compile("[0-9][0-9A-Fa-fx]*");
    private static final Pattern PERIOD = Pattern.compile("([0-9][0-9A-Fa-fx]*)(sec|msec|usec)");

    /**
     * The spec, or null after telling error what is wrong (without the spec's text; the caller adds it), or after
     * telling tooLarge where a number of it is that does not fit in 64 bits (reported as an integer literal is).
     */
    static ProbeSpec parse(String text, Span span, Consumer<String> error, BiConsumer<Span, String> tooLarge) {
        String[] parts = text.split(":", -1);
        // Every number of a spec is in its last part, at its start: TIMER:10msec, USEC:100, OFFSET:f:16, GUEST:0x1000.
        String last = parts[parts.length - 1];
        Matcher digits = NUMBER.matcher(last);
        if (digits.lookingAt() && VpLiterals.fitsNot(digits.group())) {
            int at = text.length() - last.length();
            boolean exact = span.end() - span.start() == text.length() && span.text().equals(text);
            tooLarge.accept(exact ? new Span(span.file(), span.start() + at, span.start() + at + digits.end()) : span,
                    VpLiterals.integerProblem(digits.group()));
            return null;
        }
        switch (parts[0]) {
            case "USEC" -> {
                if (parts.length != 2) return fail(error, "USEC takes a period in microseconds, as in USEC:100");
                Long n = VpLiterals.parseInteger(parts[1]);
                if (n == null) return fail(error, "USEC takes a period in microseconds, as in USEC:100");
                return new ProbeSpec(span, null, Kind.PROFILE, null, null, n, "usec", "USEC");
            }
            case "GUEST_READ", "GUEST_WRITE" -> {
                if (parts.length != 2) return fail(error, parts[0] + " takes one address or symbol, as in " + parts[0] + ":jiffies");
                Kind kind = parts[0].equals("GUEST_READ") ? Kind.READ : Kind.WRITE;
                return target(span, "GUEST", kind, parts[1], parts[0], error);
            }
            default -> { }
        }
        String domain = null;
        int first = 0;
        Matcher d = DOMAIN.matcher(parts[0]);
        if (parts.length > 1 && d.matches()) {
            domain = d.group(1);
            if (!d.group(2).chars().allMatch(c -> c == '0')) {
                return fail(error, "the VM index of " + parts[0] + " must be 0: the harness runs one VM (write " + domain + ")");
            }
            first = 1;
        }
        String[] rest = Arrays.copyOfRange(parts, first, parts.length);
        return switch (rest[0]) {
            case "ENTER", "EXIT", "READ", "WRITE" -> rest.length == 2
                    ? target(span, domain, Kind.valueOf(rest[0]), rest[1], null, error)
                    : fail(error, rest[0] + " takes one symbol or address, as in " + rest[0] + ":do_fork");
            case "OFFSET" -> {
                Long n = rest.length == 3 ? VpLiterals.parseInteger(rest[2]) : null;
                if (n == null || !isSymbol(rest[1])) {
                    yield fail(error, "OFFSET takes a symbol and a byte offset, as in OFFSET:do_fork:16");
                }
                yield new ProbeSpec(span, domain, Kind.OFFSET, null, rest[1], n, null, null);
            }
            case "TIMER", "PROFILE" -> {
                Matcher m = rest.length == 2 ? PERIOD.matcher(rest[1]) : null;
                Long n = m != null && m.matches() ? VpLiterals.parseInteger(m.group(1)) : null;
                if (n == null) yield fail(error, rest[0] + " takes a period with a unit (sec, msec or usec), as in " + rest[0] + ":10msec");
                yield new ProbeSpec(span, domain, Kind.valueOf(rest[0]), null, null, n, m.group(2), null);
            }
            default -> rest.length == 1 ? point(span, domain, rest[0], error) : fail(error, "it has too many ':' parts; " + EXAMPLES);
        };
    }

    /** A point without a keyword: a static probe name, or (GUEST) an address or symbol. */
    private static ProbeSpec point(Span span, String domain, String p, Consumer<String> error) {
        if (!p.isEmpty() && Character.isDigit(p.charAt(0))) {
            Long n = VpLiterals.parseInteger(p);
            if (n == null) return fail(error, "`" + Reporter.clip(p) + "` is not an address");
            return new ProbeSpec(span, domain, Kind.ADDRESS, null, null, n, null, null);
        }
        if (MODULE_SYMBOL.matcher(p).matches() || ("GUEST".equals(domain) && IDENT.matcher(p).matches())) {
            return new ProbeSpec(span, domain, Kind.SYMBOL, null, p, 0, null, null);
        }
        if (IDENT.matcher(p).matches()) return new ProbeSpec(span, domain, Kind.STATIC, p, null, 0, null, null);
        return fail(error, (p.isEmpty() ? "the probe point is missing" : "`" + Reporter.clip(p) + "` is not a probe name, symbol or address")
                + "; " + EXAMPLES);
    }

    /** SYM := identifier | module!identifier | integer (then symbol is null and number holds it). */
    private static ProbeSpec target(Span span, String domain, Kind kind, String sym, String legacy, Consumer<String> error) {
        if (!sym.isEmpty() && Character.isDigit(sym.charAt(0))) {
            Long n = VpLiterals.parseInteger(sym);
            if (n == null) return fail(error, "`" + Reporter.clip(sym) + "` is not an address");
            return new ProbeSpec(span, domain, kind, null, null, n, null, legacy);
        }
        if (!isSymbol(sym)) return fail(error, "`" + Reporter.clip(sym) + "` is not a symbol (name or module!name) or an address");
        return new ProbeSpec(span, domain, kind, null, sym, 0, null, legacy);
    }

    private static boolean isSymbol(String s) {
        return IDENT.matcher(s).matches() || MODULE_SYMBOL.matcher(s).matches();
    }

    private static ProbeSpec fail(Consumer<String> error, String message) {
        error.accept(message);
        return null;
    }
}
