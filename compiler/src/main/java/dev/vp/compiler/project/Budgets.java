// The six size and time budgets of LANGUAGE.md section 10, their defaults, and how the layers that set them merge.
package dev.vp.compiler.project;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Budgets of one script. Where a budget comes from, least to most specific (a later layer wins):
 * <ol>
 *   <li>the language defaults ({@link #DEFAULTS});</li>
 *   <li>the target catalog (what the monitor's arena was sized for);</li>
 *   <li>the project file {@code vp.json} (the team's setting for every script below it);</li>
 *   <li>{@code #pragma budget KIND N} in the script itself.</li>
 * </ol>
 * The script wins over the project file because the pragma sits beside the code that needs it and is reviewed
 * with it, and because the same file must check the same way in the editor and in CI whatever directory it is
 * checked from. No layer is a security limit: the runtime checks every image against its own arena at load
 * time regardless. Editor settings never set budgets (LANGUAGE.md section 10).
 */
public record Budgets(long code, long data, long probes, long stack, long fuel, long string) {

    public static final Budgets DEFAULTS = new Budgets(65536, 1048576, 256, 4096, 100000, 256);

    /** The kinds a pragma or a {@code budgets} object names; {@code clauses} is accepted for {@code probes}. */
    public enum Kind {
        CODE("code", "code bytes", 1, 1L << 30),
        DATA("data", "data bytes", 1, 1L << 32),
        PROBES("probes", "probe clauses", 1, 1 << 16),
        STACK("stack", "stack bytes per firing", 1, 1 << 24),
        FUEL("fuel", "loop fuel per firing", 1, 1L << 40),
        // A string is at most 255 characters plus NUL (LANGUAGE.md section 4): a budget can only lower that, and a
        // string slot holds at least one character and its NUL.
        STRING("string", "string bytes", 2, 256);

        private final String keyword;
        private final String description;
        private final long min, max;

        Kind(String keyword, String description, long min, long max) {
            this.keyword = keyword;
            this.description = description;
            this.min = min;
            this.max = max;
        }

        public String keyword() { return keyword; }
        public String description() { return description; }
        public long min() { return min; }
        public long max() { return max; }

        /** The kind a pragma or JSON key names, or null. The table calls the probe budget "probe clauses". */
        public static Kind byKeyword(String word) {
            if (word.equals("clauses")) return PROBES;
            for (Kind k : values()) if (k.keyword.equals(word)) return k;
            return null;
        }

        public static List<String> keywords() { return Arrays.stream(values()).map(Kind::keyword).toList(); }
    }

    public long get(Kind kind) {
        return switch (kind) {
            case CODE -> code;
            case DATA -> data;
            case PROBES -> probes;
            case STACK -> stack;
            case FUEL -> fuel;
            case STRING -> string;
        };
    }

    public Budgets with(Kind kind, long value) {
        return new Budgets(
                kind == Kind.CODE ? value : code, kind == Kind.DATA ? value : data, kind == Kind.PROBES ? value : probes,
                kind == Kind.STACK ? value : stack, kind == Kind.FUEL ? value : fuel, kind == Kind.STRING ? value : string);
    }

    /** These budgets with the settings of a more specific layer applied on top. */
    public Budgets overriddenBy(Map<Kind, Long> settings) {
        Budgets b = this;
        for (Map.Entry<Kind, Long> e : settings.entrySet()) b = b.with(e.getKey(), e.getValue());
        return b;
    }

    /** The effective budgets: catalog over defaults is already in {@code catalog}; then project, then pragmas. */
    public static Budgets resolve(Budgets catalog, Map<Kind, Long> project, Map<Kind, Long> pragmas) {
        return catalog.overriddenBy(project).overriddenBy(pragmas);
    }

    /** Why a value cannot be a budget of this kind (for the caller's diagnostic), or null when it can. */
    public static String invalidValue(Kind kind, long value) {
        if (value >= kind.min && value <= kind.max) return null;
        return outOfRange(kind, Long.toString(value));
    }

    /** The one wording of a budget value out of its kind's range; written is the value as the script spells it. */
    public static String outOfRange(Kind kind, String written) {
        return "the " + kind.keyword + " budget (" + kind.description + ") must be between " + kind.min + " and " + kind.max + ", not " + written;
    }

    /**
     * Reads a {@code budgets} object of a project or catalog file: keys are budget kinds, values positive integers.
     * Unknown kinds warn (a newer tool may know them); bad values are errors with their JSON path.
     */
    public static Map<Kind, Long> read(JsonFields.Fields obj, String fileKind) {
        JsonFields f = obj.owner();
        Map<Kind, Long> out = new EnumMap<>(Kind.class);
        for (Json.Member m : obj.members()) {
            Kind k = Kind.byKeyword(m.key());
            if (k == null) continue;
            Long v = f.integer(m.value(), obj.path(m.key()), k.min, k.max);
            if (v != null) out.put(k, v);
        }
        for (Kind k : Kind.values()) obj.get(k.keyword, false);
        obj.get("clauses", false);
        obj.warnUnknownKeys(fileKind);
        return out;
    }
}
