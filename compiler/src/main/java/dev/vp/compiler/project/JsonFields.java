// Typed access to the fields of a JSON tree that reports every wrong type, bad value or unknown key as a diagnostic.
package dev.vp.compiler.project;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.Span;
import dev.vp.compiler.util.NearestNames;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads values out of a {@link Json} tree for one kind of file (project or catalog). A problem is reported with
 * the file's own error code and the JSON path of the bad value (`$.probes[3].domain`), and the read yields null
 * so that validation carries on and reports every problem in one pass.
 */
public final class JsonFields {
    private final Diagnostics diags;
    private final Code invalid;

    public JsonFields(Diagnostics diags, Code invalid) {
        this.diags = diags;
        this.invalid = invalid;
    }

    public void error(Span span, String path, String message) {
        diags.report(invalid, span, "`" + path + "`: " + message);
    }

    public Diagnostics diagnostics() { return diags; }

    /** The object at path, or null (reported) when the value is something else. */
    public Fields object(Json v, String path) {
        if (v instanceof Json.Obj o) return new Fields(o, path);
        error(v.span(), path, "expected an object, found " + v.describe());
        return null;
    }

    public String string(Json v, String path) {
        if (v instanceof Json.Str s) return s.value();
        error(v.span(), path, "expected a string, found " + v.describe());
        return null;
    }

    public Boolean bool(Json v, String path) {
        if (v instanceof Json.Bool b) return b.value();
        error(v.span(), path, "expected true or false, found " + v.describe());
        return null;
    }

    /** An integer in [min, max]; fractions and out-of-range values are reported with the allowed range. */
    public Long integer(Json v, String path, long min, long max) {
        if (!(v instanceof Json.Num n)) {
            error(v.span(), path, "expected an integer, found " + v.describe());
            return null;
        }
        BigDecimal d = n.value();
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            error(v.span(), path, "expected an integer, found " + d.toPlainString());
            return null;
        }
        if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
            error(v.span(), path, d.toPlainString() + " is out of range; expected " + min + " to " + max);
            return null;
        }
        return d.longValueExact();
    }

    public List<Json> array(Json v, String path) {
        if (v instanceof Json.Arr a) return a.items();
        error(v.span(), path, "expected an array, found " + v.describe());
        return null;
    }

    /** A list of strings; bad elements are reported and left out. */
    public List<String> strings(Json v, String path) {
        List<Json> items = array(v, path);
        if (items == null) return null;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String s = string(items.get(i), path + "[" + i + "]");
            if (s != null) out.add(s);
        }
        return out;
    }

    /** The members of one object. Every key asked for is remembered, so unknown keys can be named afterwards. */
    public final class Fields {
        private final Json.Obj obj;
        private final String path;
        private final Map<String, Json.Member> byKey = new HashMap<>();
        private final Set<String> known = new LinkedHashSet<>();

        Fields(Json.Obj obj, String path) {
            this.obj = obj;
            this.path = path;
            for (Json.Member m : obj.members()) {
                if (byKey.putIfAbsent(m.key(), m) != null)
                    error(m.keySpan(), path(m.key()), "duplicate key \"" + m.key() + "\"; the file must say it once");
            }
        }

        public JsonFields owner() { return JsonFields.this; }
        public Json.Obj json() { return obj; }
        public String path() { return path; }
        public String path(String key) { return path + "." + key; }

        /** The value of key, or null when absent (then reported if required). */
        public Json get(String key, boolean required) {
            known.add(key);
            Json.Member m = byKey.get(key);
            if (m == null && required) error(obj.span(), path, "missing required key \"" + key + "\"");
            return m == null ? null : m.value();
        }

        public String string(String key, boolean required) {
            Json v = get(key, required);
            return v == null ? null : JsonFields.this.string(v, path(key));
        }

        public Boolean bool(String key, boolean required) {
            Json v = get(key, required);
            return v == null ? null : JsonFields.this.bool(v, path(key));
        }

        public Long integer(String key, boolean required, long min, long max) {
            Json v = get(key, required);
            return v == null ? null : JsonFields.this.integer(v, path(key), min, max);
        }

        public List<Json> array(String key, boolean required) {
            Json v = get(key, required);
            return v == null ? null : JsonFields.this.array(v, path(key));
        }

        public List<String> strings(String key, boolean required) {
            Json v = get(key, required);
            return v == null ? null : JsonFields.this.strings(v, path(key));
        }

        /** Warns about every key nobody asked for, suggesting the nearest known one (typos like "preload"). */
        public void warnUnknownKeys(String fileKind) {
            for (Json.Member m : obj.members()) {
                if (known.contains(m.key())) continue;
                List<String> near = NearestNames.nearest(m.key(), known);
                diags.report(Code.W0800, m.keySpan(), "`" + path(m.key()) + "`: unknown key \"" + m.key() + "\" in " + fileKind
                        + " is ignored" + (near.isEmpty() ? "" : "; did you mean \"" + near.get(0) + "\"?"));
            }
        }

        /** The keys present in the file, in file order. */
        public List<Json.Member> members() { return obj.members(); }
    }
}
