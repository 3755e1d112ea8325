// Checks a catalog file field by field and builds the TargetCatalog, reporting each problem with its JSON path.
package dev.vp.compiler.catalog;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.project.Json;
import dev.vp.compiler.project.JsonFields;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.util.NearestNames;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The validation behind {@link TargetCatalog#parse}. The version is checked first: a higher major version is
 * refused before anything else is read, since its fields may mean something else; a higher minor version warns
 * once and its unknown keys pass silently (they are the newer format's additions).
 */
final class CatalogReader {
    private static final String KIND = "the target catalog";
    /** Words of the probe syntax: a static probe with one of these names could not be written. */
    private static final Set<String> RESERVED = Set.of("GUEST", "VMM", "VMX", "ENTER", "EXIT", "OFFSET", "READ", "WRITE",
            "TIMER", "PROFILE", "USEC", "GUEST_READ", "GUEST_WRITE");

    private final SourceFile file;
    private final Location origin;
    private final Diagnostics diags;
    private final JsonFields f;
    private boolean newerMinor;

    CatalogReader(SourceFile file, Location origin, Diagnostics diags) {
        this.file = file;
        this.origin = origin;
        this.diags = diags;
        this.f = new JsonFields(diags, Code.E0802);
    }

    Optional<TargetCatalog> read() {
        int errorsBefore = diags.errorCount();
        Json json = Json.parse(file, diags);
        if (json == null) return Optional.empty();
        JsonFields.Fields top = f.object(json, "$");
        if (top == null || !version(top)) return Optional.empty();

        String name = top.string("name", true);
        String description = top.string("description", false);
        Long vcpus = top.integer("numVcpus", true, 1, 256);
        Long period = top.integer("minTimerPeriodNs", true, 1, 3_600_000_000_000L);
        List<String> preloads = paths(top, "preloads");
        List<TargetCatalog.GuestImage> images = guestImages(top);
        Budgets budgets = Budgets.DEFAULTS;
        Json b = top.get("budgets", false);
        if (b != null) {
            JsonFields.Fields bo = f.object(b, "$.budgets");
            if (bo != null) budgets = Budgets.DEFAULTS.overriddenBy(Budgets.read(bo, KIND + "'s budgets"));
        }
        List<TargetCatalog.Probe> probes = list(top, "probes", this::probe);
        unique(top, "probes", probes.stream().map(TargetCatalog.Probe::name).toList());
        List<TargetCatalog.KindSupport> kinds = list(top, "probeKinds", this::kind);
        unique(top, "probeKinds", kinds.stream().map(k -> k.kind().name()).toList());
        List<TargetCatalog.BuiltinVariable> builtins = list(top, "builtins", this::builtin);
        unique(top, "builtins", builtins.stream().map(TargetCatalog.BuiltinVariable::name).toList());
        if (!newerMinor) top.warnUnknownKeys(KIND);

        if (diags.errorCount() > errorsBefore) return Optional.empty();
        return Optional.of(new TargetCatalog(TargetCatalog.FORMAT_VERSION, name, description == null ? "" : description,
                vcpus.intValue(), period, preloads, images, budgets, probes, kinds, builtins, false, origin));
    }

    /** False when the version is missing, malformed or of a newer major: nothing else is read then. */
    private boolean version(JsonFields.Fields top) {
        Json v = top.get("formatVersion", true);
        if (v == null) return false;
        String text = f.string(v, "$.formatVersion");
        if (text == null) return false;
        if (!text.matches("\\d{1,4}\\.\\d{1,4}")) {
            f.error(v.span(), "$.formatVersion", "expected \"MAJOR.MINOR\" such as \"" + TargetCatalog.FORMAT_VERSION + "\", found \"" + text + "\"");
            return false;
        }
        int dot = text.indexOf('.');
        int major = Integer.parseInt(text.substring(0, dot)), minor = Integer.parseInt(text.substring(dot + 1));
        if (major != TargetCatalog.FORMAT_MAJOR) {
            diags.report(Code.E0803, v.span(), "the target catalog " + file.path() + " has format version " + text + ", but this compiler reads "
                    + TargetCatalog.FORMAT_MAJOR + ".x" + (major > TargetCatalog.FORMAT_MAJOR ? "; update vp, or have the monitor write an older catalog"
                    : "; regenerate it with `vp probes --json`"));
            return false;
        }
        if (minor > TargetCatalog.FORMAT_MINOR) {
            newerMinor = true;
            diags.report(Code.W0801, v.span(), "the target catalog " + file.path() + " has format version " + text + ", newer than this compiler's "
                    + TargetCatalog.FORMAT_VERSION + ": what the newer version adds is ignored; update vp to use it");
        }
        return true;
    }

    private interface ItemReader<T> { T read(JsonFields.Fields item); }

    /** Reads an array of objects; bad items are reported and left out. */
    private <T> List<T> list(JsonFields.Fields top, String key, ItemReader<T> reader) {
        List<T> out = new ArrayList<>();
        List<Json> items = top.array(key, true);
        if (items == null) return out;
        for (int i = 0; i < items.size(); i++) {
            JsonFields.Fields item = f.object(items.get(i), top.path(key) + "[" + i + "]");
            T t = item == null ? null : reader.read(item);
            if (item != null && !newerMinor) item.warnUnknownKeys(KIND);
            if (t != null) out.add(t);
        }
        return out;
    }

    private void unique(JsonFields.Fields top, String key, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String n : names)
            if (!seen.add(n)) f.error(top.get(key, false).span(), top.path(key), "\"" + n + "\" is listed twice");
    }

    private List<String> paths(JsonFields.Fields top, String key) {
        List<String> out = new ArrayList<>();
        List<Json> items = top.array(key, false);
        if (items == null) return out;
        for (int i = 0; i < items.size(); i++) {
            String p = pathValue(items.get(i), top.path(key) + "[" + i + "]");
            if (p != null) out.add(p);
        }
        return out;
    }

    private String pathValue(Json v, String at) {
        String p = f.string(v, at);
        if (p == null) return null;
        String problem = p.isEmpty() || p.equals(Location.PREFIX) ? "empty path" : null;
        if (problem == null) {
            try {
                origin.resolve(p);
            } catch (InvalidPathException e) {
                problem = "\"" + p + "\" is not a valid path: " + e.getReason();
            }
        }
        if (problem != null) f.error(v.span(), at, problem);
        return problem == null ? p : null;
    }

    private List<TargetCatalog.GuestImage> guestImages(JsonFields.Fields top) {
        List<TargetCatalog.GuestImage> out = new ArrayList<>();
        List<Json> items = top.array("guestImages", false);
        if (items == null) return out;
        for (int i = 0; i < items.size(); i++) {
            String at = "$.guestImages[" + i + "]";
            JsonFields.Fields g = f.object(items.get(i), at);
            if (g == null) continue;
            String name = g.string("name", true);
            Json pj = g.get("path", true);
            String path = pj == null ? null : pathValue(pj, g.path("path"));
            for (Json.Member m : g.members()) {
                if (!m.key().toLowerCase(Locale.ROOT).contains("addr") && !m.key().equals("symbols")) continue;
                g.get(m.key(), false);
                f.error(m.keySpan(), g.path(m.key()), "a catalog never stores guest addresses: they change with every build of"
                        + " the guest, so the compiler reads them from the image itself; remove \"" + m.key() + "\"");
            }
            if (!newerMinor) g.warnUnknownKeys(KIND);
            if (name != null && path != null) out.add(new TargetCatalog.GuestImage(name, path));
        }
        unique(top, "guestImages", out.stream().map(TargetCatalog.GuestImage::name).toList());
        return out;
    }

    private TargetCatalog.Probe probe(JsonFields.Fields p) {
        String name = p.string("name", true);
        Domain domain = enumValue(p, "domain", true, Domain.values());
        Boolean vcpu = p.bool("vcpuState", true);
        Boolean exit = p.bool("exitProbe", false);
        String description = p.string("description", false);
        List<TargetCatalog.Argument> args = new ArrayList<>();
        List<Json> items = p.array("arguments", false);
        if (items != null) {
            if (items.size() > 10) f.error(p.get("arguments", false).span(), p.path("arguments"), "a probe has at most 10 arguments (ARG0..ARG9), not " + items.size());
            for (int i = 0; i < items.size(); i++) {
                JsonFields.Fields a = f.object(items.get(i), p.path("arguments") + "[" + i + "]");
                if (a == null) continue;
                String an = identifier(a, "name");
                String meaning = a.string("meaning", true);
                if (!newerMinor) a.warnUnknownKeys(KIND);
                if (an != null && meaning != null) args.add(new TargetCatalog.Argument(an, meaning));
            }
            List<String> names = args.stream().map(TargetCatalog.Argument::name).toList();
            if (new HashSet<>(names).size() != names.size()) f.error(p.get("arguments", false).span(), p.path("arguments"), "argument names must differ");
        }
        if (name != null && !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            f.error(p.get("name", false).span(), p.path("name"), "\"" + name + "\" is not a probe name (letters, digits and `_`, not starting with a digit)");
            name = null;
        } else if (name != null && RESERVED.contains(name)) {
            f.error(p.get("name", false).span(), p.path("name"), "\"" + name + "\" is a word of the probe syntax and cannot name a static probe");
            name = null;
        }
        if (domain == Domain.VMX && Boolean.TRUE.equals(vcpu))
            f.error(p.get("vcpuState", false).span(), p.path("vcpuState"), "a VMX-domain probe runs on the host and cannot have vCPU state");
        if (name == null || domain == null || vcpu == null || exit == null && p.get("exitProbe", false) != null) return null;
        return new TargetCatalog.Probe(name, domain, args, vcpu, Boolean.TRUE.equals(exit), description == null ? "" : description);
    }

    private TargetCatalog.KindSupport kind(JsonFields.Fields k) {
        ProbeKind kind = enumValue(k, "kind", true, ProbeKind.values());
        Boolean supported = k.bool("supported", true);
        String reason = k.string("reason", false);
        List<Domain> domains = domains(k);
        Boolean patchable = k.bool("patchableSitesOnly", false);
        String granularity = k.string("granularity", false);
        String description = k.string("description", false);
        if (Boolean.FALSE.equals(supported) && (reason == null || reason.isBlank()) && k.get("reason", false) == null)
            f.error(k.json().span(), k.path(), "an unsupported probe kind needs a \"reason\" (the compiler shows it to the user)");
        if (kind != null && domains != null) {
            List<Domain> allowed = kind.isExecution() || kind == ProbeKind.READ || kind == ProbeKind.WRITE ? List.of(Domain.GUEST)
                    : kind == ProbeKind.TIMER ? List.of(Domain.VMM, Domain.VMX) : List.of(Domain.VMM);
            for (Domain d : domains)
                if (!allowed.contains(d))
                    f.error(k.get("domains", false).span(), k.path("domains"), kind + " probes cannot run in the " + d + " domain");
        }
        if (kind == null || supported == null || domains == null) return null;
        return new TargetCatalog.KindSupport(kind, supported, supported ? null : reason, domains, Boolean.TRUE.equals(patchable),
                granularity, description == null ? "" : description);
    }

    private TargetCatalog.BuiltinVariable builtin(JsonFields.Fields v) {
        String name = v.string("name", true);
        String type = v.string("type", true);
        List<Domain> domains = domains(v);
        String readable = v.string("readable", false);
        String description = v.string("description", false);
        if (name == null) return null;
        Builtin b = Builtin.byName(name);
        if (b == null) {
            List<String> near = NearestNames.nearest(name, Arrays.stream(Builtin.values()).map(Builtin::name).toList());
            diags.report(Code.W0800, v.get("name", false).span(), "`" + v.path("name") + "`: this compiler does not know the built-in variable \""
                    + name + "\", so scripts cannot use it" + (near.isEmpty() ? "" : "; did you mean \"" + near.get(0) + "\"?"));
            return null;
        }
        String expected = b.isString() ? "string" : "int";
        if (type != null && !type.equals(expected))
            f.error(v.get("type", false).span(), v.path("type"), name + " is " + (b.isString() ? "a string" : "an integer") + ": its type is \"" + expected + "\", not \"" + type + "\"");
        TargetCatalog.Availability availability = TargetCatalog.Availability.ALWAYS;
        if (readable != null) {
            availability = null;
            for (TargetCatalog.Availability a : TargetCatalog.Availability.values()) if (a.spelling().equals(readable)) availability = a;
            if (availability == null)
                f.error(v.get("readable", false).span(), v.path("readable"), "expected \"always\", \"exitProbes\" or \"probeArguments\", found \"" + readable + "\"");
        }
        boolean exitField = b == Builtin.VMCS_EXIT_REASON || b == Builtin.VMCS_EXIT_QUAL || b == Builtin.VMCS_EXIT_INTR_INFO || b == Builtin.EXIT_REASON;
        TargetCatalog.Availability must = b.argIndex() >= 0 ? TargetCatalog.Availability.PROBE_ARGUMENTS
                : exitField ? TargetCatalog.Availability.EXIT_PROBES : null;
        if (availability != null && must != null && availability != must)
            f.error(v.json().span(), v.path("readable"), name + " must be \"readable\": \"" + must.spelling() + "\"");
        else if (availability != null && must == null && availability != TargetCatalog.Availability.ALWAYS)
            f.error(v.json().span(), v.path("readable"), name + " is readable wherever its domains allow: \"always\"");
        if (domains != null && b.needsVcpu() && domains.contains(Domain.VMX))
            f.error(v.get("domains", false).span(), v.path("domains"), name + " is vCPU state and cannot be readable in the VMX domain");
        if (type == null || domains == null || availability == null) return null;
        return new TargetCatalog.BuiltinVariable(b, description == null ? "" : description, domains, availability);
    }

    private List<Domain> domains(JsonFields.Fields o) {
        List<Json> items = o.array("domains", true);
        if (items == null) return null;
        List<Domain> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            Domain d = enumValue(items.get(i), o.path("domains") + "[" + i + "]", Domain.values());
            if (d == null) ok = false;
            else if (out.contains(d)) { f.error(items.get(i).span(), o.path("domains") + "[" + i + "]", d + " is listed twice"); ok = false; }
            else out.add(d);
        }
        return ok ? out : null;
    }

    private <E extends Enum<E>> E enumValue(JsonFields.Fields o, String key, boolean required, E[] values) {
        Json v = o.get(key, required);
        return v == null ? null : enumValue(v, o.path(key), values);
    }

    private <E extends Enum<E>> E enumValue(Json v, String at, E[] values) {
        String s = f.string(v, at);
        if (s == null) return null;
        List<String> names = new ArrayList<>();
        for (E e : values) {
            if (e.name().equals(s)) return e;
            names.add(e.name());
        }
        List<String> near = NearestNames.nearest(s, names);
        f.error(v.span(), at, "expected one of " + String.join(", ", names) + ", found \"" + s + "\""
                + (near.isEmpty() ? "" : "; did you mean " + near.get(0) + "?"));
        return null;
    }

    private String identifier(JsonFields.Fields o, String key) {
        String s = o.string(key, true);
        if (s != null && !s.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            f.error(o.get(key, false).span(), o.path(key), "\"" + s + "\" is not an identifier");
            return null;
        }
        return s;
    }

}
