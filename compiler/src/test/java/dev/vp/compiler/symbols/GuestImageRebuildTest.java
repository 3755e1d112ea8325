// A long-lived process (the language server) resolves setups again after the guest image was rebuilt.
package dev.vp.compiler.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vp.compiler.ScriptSetup;
import dev.vp.compiler.catalog.CatalogTarget;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestImageRebuildTest {
    @TempDir Path dir;

    private SymbolTable symbols(Path catalog) {
        Diagnostics diags = new Diagnostics();
        var options = ScriptSetup.resolve(dir.resolve("s.emt"), new ScriptSetup.Flags(List.of(), List.of(), List.of(), catalog.toString()),
                new FileSystemSourceLoader(), diags);
        assertEquals(List.of(), diags.all());
        return ((CatalogTarget) options.target()).symbols();
    }

    @Test void aRebuiltImageFileIsReadAgain() throws Exception {
        Path image = Files.write(dir.resolve("g.elf"), ElfFileTest.sampleElf());
        JsonObject json = JsonParser.parseString(TargetCatalog.defaultCatalog().toJson()).getAsJsonObject();
        json.add("preloads", new JsonArray());
        json.add("guestImages", JsonParser.parseString("[{\"name\": \"g\", \"path\": \"g.elf\"}]"));
        Path catalog = Files.writeString(dir.resolve("cat.json"), json.toString());
        assertNotNull(symbols(catalog).lookup("main"));

        // The guest is rebuilt: `main` is now called `mian` (same size, a later modification time).
        byte[] rebuilt = ElfFileTest.sampleElf();
        byte[] from = "\0main\0".getBytes(StandardCharsets.US_ASCII), to = "\0mian\0".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + from.length <= rebuilt.length; i++) {
            if (java.util.Arrays.equals(rebuilt, i, i + from.length, from, 0, from.length)) { System.arraycopy(to, 0, rebuilt, i, to.length); break; }
        }
        Files.write(image, rebuilt);
        Files.setLastModifiedTime(image, FileTime.fromMillis(Files.getLastModifiedTime(image).toMillis() + 2000));
        SymbolTable after = symbols(catalog);
        assertNull(after.lookup("main"));
        assertNotNull(after.lookup("mian"));
    }
}
