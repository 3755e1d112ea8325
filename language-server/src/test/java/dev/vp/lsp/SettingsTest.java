package dev.vp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** The server reads the harness settings in every shape the VS Code extension and other clients send. */
class SettingsTest {
    private static Settings read(String json) { return Settings.read(JsonParser.parseString(json), Settings.NONE); }

    @Test void everyShape() {
        Settings expected = new Settings("127.0.0.1:7400", "/run/vp/vmm.token");
        assertEquals(expected, read("{\"vmm\":{\"address\":\"127.0.0.1:7400\",\"tokenFile\":\"/run/vp/vmm.token\"}}"));
        assertEquals(expected, read("{\"settings\":{\"vmm\":{\"address\":\"127.0.0.1:7400\",\"tokenFile\":\"/run/vp/vmm.token\"}}}"));
        assertEquals(expected, read("{\"vp\":{\"vmm\":{\"address\":\"127.0.0.1:7400\",\"tokenFile\":\"/run/vp/vmm.token\"}}}"));
        assertEquals(expected, read("{\"vp.vmm.address\":\"127.0.0.1:7400\",\"vp.vmm.tokenFile\":\"/run/vp/vmm.token\"}"));
        assertEquals(new Settings("127.0.0.1:7400", "/old"), Settings.read(JsonParser.parseString("{\"vmm\":{\"address\":\"127.0.0.1:7400\"}}"),
                new Settings(null, "/old")));
    }
}
