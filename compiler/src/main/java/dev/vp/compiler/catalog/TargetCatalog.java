// The target catalog: what a monitor offers scripts (probe points, probe kinds, built-in variables, vCPUs, budgets).
package dev.vp.compiler.catalog;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.project.TargetRef;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A versioned description of a monitor (ARCHITECTURE.md, "Target catalog"). The compiler and the language server
 * check scripts against it; the harness prints its own with {@code vp probes --json}. Guest image paths are kept,
 * never addresses: those change with every build of the guest and are read from the image at check time.
 *
 * <p>Built-in readability: a variable is readable in the domains it lists; {@code exitProbes} variables only at
 * probes marked {@code exitProbe}; {@code probeArguments} variables (ARG0..ARG9) only where the probe sets that
 * argument: a static probe's listed arguments, any ARGn at ENTER, ARG0 (the return value) at EXIT.
 *
 * @param acceptsAny {@code --target any}: unknown static probes and every built-in pass (not part of the JSON)
 * @param origin     where the catalog was read from; relative paths in it resolve against it (not part of the JSON)
 */
public record TargetCatalog(String formatVersion, String name, String description, int numVcpus, long minTimerPeriodNs,
                            List<String> preloads, List<GuestImage> guestImages, Budgets budgets, List<Probe> probes,
                            List<KindSupport> probeKinds, List<BuiltinVariable> builtins, boolean acceptsAny,
                            Location origin) {
    public static final int FORMAT_MAJOR = 1;
    public static final int FORMAT_MINOR = 0;
    public static final String FORMAT_VERSION = FORMAT_MAJOR + "." + FORMAT_MINOR;
    public static final String DEFAULT_RESOURCE = "dev/vp/compiler/catalog/kvm-harness.json";

    public TargetCatalog {
        preloads = List.copyOf(preloads);
        guestImages = List.copyOf(guestImages);
        probes = List.copyOf(probes);
        probeKinds = List.copyOf(probeKinds);
        builtins = List.copyOf(builtins);
    }

    /** A static probe point. vcpuState: whether it runs on a vCPU with its state (never in the VMX domain). */
    public record Probe(String name, Domain domain, List<Argument> arguments, boolean vcpuState, boolean exitProbe,
                        String description) {
        public Probe { arguments = List.copyOf(arguments); }

        public List<String> argumentNames() { return arguments.stream().map(Argument::name).toList(); }
    }

    /** What ARGn means at a probe (n is its index in the probe's list). */
    public record Argument(String name, String meaning) {}

    /** A guest image whose symbols the compiler reads: `classpath:NAME` or a path relative to the catalog. */
    public record GuestImage(String name, String path) {}

    /**
     * Whether the target can arm a probe kind, and why not.
     *
     * @param reason             null when supported
     * @param patchableSitesOnly execution probes only at patchable sites (function entries)
     * @param granularity        for watchpoints: what the mechanism traps ("page"), else null
     */
    public record KindSupport(ProbeKind kind, boolean supported, String reason, List<Domain> domains,
                              boolean patchableSitesOnly, String granularity, String description) {
        public KindSupport { domains = List.copyOf(domains); }
    }

    /** Where a built-in variable may be read beyond its domains. */
    public enum Availability {
        ALWAYS("always"), EXIT_PROBES("exitProbes"), PROBE_ARGUMENTS("probeArguments");

        private final String spelling;

        Availability(String spelling) { this.spelling = spelling; }

        public String spelling() { return spelling; }
    }

    /** A built-in variable of LANGUAGE.md section 9 as this target provides it. */
    public record BuiltinVariable(Builtin builtin, String description, List<Domain> domains, Availability readable) {
        public BuiltinVariable { domains = List.copyOf(domains); }

        public String name() { return builtin.name(); }

        /** "int" or "string", as the catalog spells the type. */
        public String type() { return builtin.isString() ? "string" : "int"; }
    }

    // ------------------------------------------------------------------ loading

    private static final class Default {
        static final TargetCatalog CATALOG = loadDefault();
    }

    /** The catalog of the built-in KVM harness, shipped as a resource of this module. */
    public static TargetCatalog defaultCatalog() { return Default.CATALOG; }

    private static TargetCatalog loadDefault() {
        try (InputStream in = TargetCatalog.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("the default catalog " + DEFAULT_RESOURCE + " is missing from the build");
            Diagnostics d = new Diagnostics();
            Optional<TargetCatalog> c = parse(new SourceFile(DEFAULT_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8)),
                    new Location.Classpath(DEFAULT_RESOURCE), d);
            // The shipped resource is part of the program: a problem in it is a bug that the tests catch.
            if (c.isEmpty() || !d.all().isEmpty())
                throw new IllegalStateException("the default catalog is invalid: " + d.all().stream().map(x -> x.message()).toList());
            return c.get();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the default catalog " + DEFAULT_RESOURCE, e);
        }
    }

    /**
     * {@code --target any}: for scripts written for another monitor. Known probes keep their catalog meaning;
     * any other static name is a VMM probe that sets every argument; every built-in variable and probe kind is
     * accepted; there is no minimum period beyond 1 ns, and no guest images or preloads (their symbols would
     * belong to a guest the script was not written for).
     */
    public static TargetCatalog any() {
        TargetCatalog d = defaultCatalog();
        List<KindSupport> kinds = Arrays.stream(ProbeKind.values()).map(k -> new KindSupport(k, true, null,
                k.isExecution() || k == ProbeKind.READ || k == ProbeKind.WRITE ? List.of(Domain.GUEST)
                        : k == ProbeKind.TIMER ? List.of(Domain.VMM, Domain.VMX) : List.of(Domain.VMM),
                false, null, "accepted for any target")).toList();
        return new TargetCatalog(FORMAT_VERSION, "any", "any monitor: names are not checked against a catalog",
                d.numVcpus, 1, List.of(), List.of(), d.budgets, d.probes, kinds, d.builtins, true, d.origin);
    }

    /** Reads a catalog file. Empty when it has errors; every problem is a diagnostic, nothing throws. */
    public static Optional<TargetCatalog> load(Path file, Diagnostics diags) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException | SecurityException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.charset.CharacterCodingException ? "it is not UTF-8 text" : e.getMessage();
            diags.report(Code.E0001, Span.at(new SourceFile(file.toString(), ""), 0), "cannot read the target catalog " + file + ": "
                    + why + "; give a catalog written by `vp probes --json`, or `--target any`");
            return Optional.empty();
        }
        return parse(new SourceFile(file.toString(), text), new Location.File(file), diags);
    }

    /** Checks the text of a catalog; relative paths in it resolve against origin. */
    public static Optional<TargetCatalog> parse(SourceFile file, Location origin, Diagnostics diags) {
        return new CatalogReader(file, origin, diags).read();
    }

    /** The catalog a project file or `--target` names: none is the default catalog. Empty when it has errors. */
    public static Optional<TargetCatalog> select(TargetRef ref, Diagnostics diags) {
        return switch (ref) {
            case null -> Optional.of(defaultCatalog());
            case TargetRef.Any a -> Optional.of(any());
            case TargetRef.CatalogFile f -> load(f.path(), diags);
        };
    }

    // ------------------------------------------------------------------ lookups

    /** A static probe by name; in `any` mode an unknown name is a VMM probe with ARG0..ARG9. Else null. */
    public Probe probe(String probeName) {
        for (Probe p : probes) if (p.name.equals(probeName)) return p;
        if (!acceptsAny) return null;
        List<Argument> args = new ArrayList<>();
        for (int i = 0; i < 10; i++) args.add(new Argument("arg" + i, "unknown (--target any)"));
        return new Probe(probeName, Domain.VMM, args, true, true, "a probe of another monitor (--target any)");
    }

    /** A built-in variable by its spelling, or null when this target does not provide it. */
    public BuiltinVariable builtin(String builtinName) {
        Builtin b = Builtin.byName(builtinName);
        return b == null ? null : builtin(b);
    }

    public BuiltinVariable builtin(Builtin b) {
        for (BuiltinVariable v : builtins) if (v.builtin == b) return v;
        return null;
    }

    /** What the catalog says about a probe kind; a kind it does not list is unsupported. */
    public KindSupport support(ProbeKind kind) {
        for (KindSupport k : probeKinds) if (k.kind == kind) return k;
        return new KindSupport(kind, false, "the target catalog \"" + name + "\" does not list " + kind + " probes",
                List.of(), false, null, "");
    }

    /** Why this target cannot arm probes of a kind, or null when it can (static probes are checked by name). */
    public String unsupported(ProbeSpec.Kind kind) {
        ProbeKind k = ProbeKind.of(kind);
        if (k == null) return null;
        KindSupport s = support(k);
        return s.supported ? null : s.reason;
    }

    /** The names of the probes where the VMCS_* and EXIT_REASON variables are readable. */
    public List<String> exitProbeNames() { return probes.stream().filter(Probe::exitProbe).map(Probe::name).toList(); }

    public boolean isReadable(Builtin b, ProbeContext at) { return unreadableReason(b, at) == null; }

    /** Why a built-in variable cannot be read at a probe (a sentence for a diagnostic), or null when it can. */
    public String unreadableReason(Builtin b, ProbeContext at) {
        BuiltinVariable v = builtin(b);
        if (acceptsAny) {
            return b.needsVcpu() && !at.domain().hasVcpu()
                    ? "`" + b.name() + "` needs a vCPU, and " + at.describe() + " runs on the host without one" : null;
        }
        if (v == null) return "`" + b.name() + "` is not provided by the target \"" + name + "\"";
        if (!v.domains.contains(at.domain()))
            return "`" + b.name() + "` is not readable in the " + at.domain() + " domain (only in " + join(v.domains) + ")";
        return switch (v.readable) {
            case ALWAYS -> null;
            case EXIT_PROBES -> at.probe() != null && at.probe().exitProbe() ? null
                    : "`" + b.name() + "` is only readable in exit probes (" + String.join(", ", exitProbeNames()) + "), not in " + at.describe();
            case PROBE_ARGUMENTS -> argumentReason(b, at);
        };
    }

    private String argumentReason(Builtin b, ProbeContext at) {
        int n = b.argIndex();
        if (at.probe() != null) {
            List<String> names = at.probe().argumentNames();
            if (n < names.size()) return null;
            return "`" + b.name() + "` is not set by " + at.probe().name() + ", which has "
                    + (names.isEmpty() ? "no arguments" : names.size() + " (" + String.join(", ", names) + ")");
        }
        if (at.kind() == ProbeKind.ENTER || at.kind() == ProbeKind.EXIT && n == 0) return null;
        return "`" + b.name() + "` is not set at " + at.describe() + " probes"
                + (at.kind() == ProbeKind.EXIT ? " (an EXIT probe sets only ARG0, the return value)" : " (only static probes with arguments and ENTER probes set ARGn)");
    }

    private static String join(List<Domain> ds) { return String.join(", ", ds.stream().map(Domain::name).toList()); }

    /** Where a path written in this catalog (a preload, a guest image) lives. */
    public Location resolve(String path) { return origin.resolve(path); }

    // ------------------------------------------------------------------ writing

    /** The catalog as JSON in the format {@link #parse} reads (what `vp probes --json` prints). */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("formatVersion", FORMAT_VERSION);
        o.addProperty("name", name);
        o.addProperty("description", description);
        o.addProperty("numVcpus", numVcpus);
        o.addProperty("minTimerPeriodNs", minTimerPeriodNs);
        o.add("preloads", strings(preloads));
        JsonArray images = new JsonArray();
        for (GuestImage g : guestImages) {
            JsonObject j = new JsonObject();
            j.addProperty("name", g.name);
            j.addProperty("path", g.path);
            images.add(j);
        }
        o.add("guestImages", images);
        JsonObject b = new JsonObject();
        for (Budgets.Kind k : Budgets.Kind.values()) b.addProperty(k.keyword(), budgets.get(k));
        o.add("budgets", b);
        JsonArray ps = new JsonArray();
        for (Probe p : probes) {
            JsonObject j = new JsonObject();
            j.addProperty("name", p.name);
            j.addProperty("domain", p.domain.name());
            JsonArray args = new JsonArray();
            for (Argument a : p.arguments) {
                JsonObject aj = new JsonObject();
                aj.addProperty("name", a.name);
                aj.addProperty("meaning", a.meaning);
                args.add(aj);
            }
            j.add("arguments", args);
            j.addProperty("vcpuState", p.vcpuState);
            j.addProperty("exitProbe", p.exitProbe);
            j.addProperty("description", p.description);
            ps.add(j);
        }
        o.add("probes", ps);
        JsonArray ks = new JsonArray();
        for (KindSupport k : probeKinds) {
            JsonObject j = new JsonObject();
            j.addProperty("kind", k.kind.name());
            j.addProperty("supported", k.supported);
            if (k.reason != null) j.addProperty("reason", k.reason);
            j.add("domains", strings(k.domains.stream().map(Domain::name).toList()));
            if (k.patchableSitesOnly) j.addProperty("patchableSitesOnly", true);
            if (k.granularity != null) j.addProperty("granularity", k.granularity);
            j.addProperty("description", k.description);
            ks.add(j);
        }
        o.add("probeKinds", ks);
        JsonArray bs = new JsonArray();
        for (BuiltinVariable v : builtins) {
            JsonObject j = new JsonObject();
            j.addProperty("name", v.name());
            j.addProperty("type", v.type());
            j.add("domains", strings(v.domains.stream().map(Domain::name).toList()));
            j.addProperty("readable", v.readable.spelling());
            j.addProperty("description", v.description);
            bs.add(j);
        }
        o.add("builtins", bs);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
    }

    private static JsonArray strings(List<String> list) {
        JsonArray a = new JsonArray();
        list.forEach(a::add);
        return a;
    }
}
