// The editor settings the server reads: where the `vp vmm` deploy server listens and its token file.
package dev.vp.lsp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * From initializationOptions or workspace/didChangeConfiguration, written either nested
 * ({"vp": {"vmm": {"address": ...}}}), as the extension sends them ({"vmm": {...}}, or {"settings": {"vmm": {...}}} on a
 * change), or flat ({"vp.vmm.address": ...}).
 * Null means not set.
 */
record Settings(String vmmAddress, String tokenFile) {
    static final Settings NONE = new Settings(null, null);

    /** Settings from a JSON value; a setting missing there keeps its value from base. */
    static Settings read(Object json, Settings base) {
        if (!(json instanceof JsonObject o)) return base;
        // The VS Code extension sends {"vmm": {...}} at initialize and {"settings": {"vmm": {...}}} on change.
        if (o.get("settings") instanceof JsonObject inner) o = inner;
        if (o.get("vmm") instanceof JsonObject && !o.has("vp")) {
            JsonObject wrapped = new JsonObject();
            wrapped.add("vp", o);
            o = wrapped;
        }
        String address = string(o, "vp.vmm.address", "vp", "vmm", "address");
        String token = string(o, "vp.vmm.tokenFile", "vp", "vmm", "tokenFile");
        return new Settings(address != null ? address : base.vmmAddress, token != null ? token : base.tokenFile);
    }

    private static String string(JsonObject o, String flat, String... nested) {
        JsonElement e = o.get(flat);
        if (e == null) {
            e = o;
            for (String k : nested) {
                if (!(e instanceof JsonObject j) || !j.has(k)) { e = null; break; }
                e = j.get(k);
            }
        }
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }
}
