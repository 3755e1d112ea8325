package dev.vp.vmm.deploy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The deploy protocol's framing, version 1. A frame is a 4-byte big-endian header length, a UTF-8 JSON header,
 * then as many payload bytes as the header's "payloadBytes" says (a .vpo image for "load"). Every request
 * header carries "v" (1), "op" and "token"; every response carries "v", "ok" and, when not ok, "error".
 * Streams send further frames of type "output" with a "text" field: "output" streams every script's output until
 * the client closes; "load" with "stream": true streams the loaded script's output only, then one frame of type
 * "end" with a "reason" and the script's summary as payload when the script is unloaded (reset, replaced, the
 * harness stopped). "reset" answers with a payload of the output the script printed while it was unloaded (its
 * first "outputBytes" bytes), then its summary, in UTF-8.
 * Output and summaries are a script's bytes, one char (U+0000-U+00FF) per byte, as the engines make them; JSON and the
 * UTF-8 payloads carry those chars unchanged, and whoever shows them decides: `vp deploy` and `vp reset` write one byte
 * per char, the editor decodes the bytes as UTF-8.
 */
public final class DeployProtocol {
    private DeployProtocol() {}

    public static final int VERSION = 1;
    public static final int DEFAULT_PORT = 7311;
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    /** A frame that breaks the protocol: the connection is answered with the reason and closed. */
    public static final class ProtocolException extends IOException {
        public ProtocolException(String message) { super(message); }
    }

    public record Frame(JsonObject header, byte[] payload) {}

    /** What a reset returns: the output the script printed while it was unloaded, and its summary. */
    public record Unloaded(String output, String report) {
        /** Both as `vp run` prints them: the output, then a blank line and the summary. */
        public String text() {
            if (output.isEmpty()) return report;
            return output + (output.endsWith("\n") ? "\n" : "\n\n") + report;
        }
    }

    private static final Gson GSON = new Gson();

    public static void write(DataOutputStream out, JsonObject header, byte[] payload) throws IOException {
        JsonObject h = header.deepCopy();
        h.addProperty("v", VERSION);
        if (payload != null) h.addProperty("payloadBytes", payload.length);
        byte[] json = GSON.toJson(h).getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.writeInt(json.length);
            out.write(json);
            if (payload != null) out.write(payload);
            out.flush();
        }
    }

    /** Reads one frame; null at a clean end of stream before a frame starts. */
    public static Frame read(DataInputStream in, int maxPayload) throws IOException {
        return read(in, maxPayload, null);
    }

    /**
     * Reads one frame, refusing it before its payload is read when token is given and the header does not carry
     * it: an unauthenticated client can make the harness read no more than a header.
     */
    public static Frame read(DataInputStream in, int maxPayload, String token) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length <= 0 || length > MAX_HEADER_BYTES)
            throw new ProtocolException("malformed frame: header length " + length + " is not between 1 and " + MAX_HEADER_BYTES);
        byte[] json = in.readNBytes(length);
        if (json.length != length) throw new ProtocolException("malformed frame: the connection closed inside a header");
        JsonObject header;
        try {
            var parsed = JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) throw new ProtocolException("malformed frame: the header is not a JSON object");
            header = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ProtocolException("malformed frame: the header is not JSON");
        }
        long version = number(header, "v", -1);
        if (version != VERSION) throw new ProtocolException("unsupported protocol version " + version + " (this harness speaks " + VERSION + ")");
        if (token != null && !TokenFile.matches(token, string(header, "token")))
            throw new ProtocolException(header.has("token") ? "wrong token: read it from the harness's token file"
                    : "missing token: every request must carry the harness's token");
        long payloadBytes = number(header, "payloadBytes", 0);
        if (payloadBytes < 0) throw new ProtocolException("malformed frame: negative payloadBytes");
        if (payloadBytes > maxPayload)
            throw new ProtocolException("image too large: " + payloadBytes + " bytes, the harness accepts at most " + maxPayload);
        byte[] payload = in.readNBytes((int) payloadBytes);
        if (payload.length != payloadBytes) throw new ProtocolException("malformed frame: the connection closed inside a payload");
        return new Frame(header, payload);
    }

    /** A whole-number field, the default when absent; anything else is a malformed frame. */
    private static long number(JsonObject o, String key, long absent) throws ProtocolException {
        if (!o.has(key)) return absent;
        try {
            var p = o.getAsJsonPrimitive(key);
            if (p.isNumber()) {
                var d = p.getAsBigDecimal();
                if (d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0) return d.longValueExact();
            }
        } catch (ClassCastException | ArithmeticException | NumberFormatException e) {
            // falls through to the refusal
        }
        throw new ProtocolException("malformed frame: `" + key + "` must be a whole number");
    }

    public static JsonObject ok() {
        JsonObject o = new JsonObject();
        o.addProperty("ok", true);
        return o;
    }

    public static JsonObject error(String message) {
        JsonObject o = new JsonObject();
        o.addProperty("ok", false);
        o.addProperty("error", message);
        return o;
    }

    public static String string(JsonObject o, String key) {
        return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : null;
    }
}
