// What ScriptSetup says when a file that the target catalog or the flags name is missing.
package dev.vp.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptSetupTest {
    @TempDir Path dir;

    private List<String> problems(ScriptSetup.Flags flags) {
        Diagnostics diags = new Diagnostics();
        ScriptSetup.resolve(dir.resolve("s.emt"), flags, new FileSystemSourceLoader(), diags);
        return diags.all().stream().map(d -> d.code() + " " + d.span().file().path() + ": " + d.message()).toList();
    }

    @Test void anIncludeFlagThatIsNoDirectoryWarns() throws IOException {
        Path file = Files.writeString(dir.resolve("defs.h"), "");
        Path none = dir.resolve("nonexist");
        assertEquals(List.of("W0005 " + none + ": include directory " + none + " does not exist; #include does not search it",
                        "W0005 " + file + ": include directory " + file + " is not a directory; #include does not search it"),
                problems(new ScriptSetup.Flags(List.of(none, dir, file), List.of(), List.of(), "any")));
    }

    @Test void aMissingFileOfACatalogSaysWhyOnce() throws IOException {
        String json = TargetCatalog.defaultCatalog().toJson().replace("\"classpath:guests/minios.emt\"", "\"nope.emt\"")
                .replace("\"classpath:guests/minios.elf\"", "\"classpath:guests/none.elf\"");
        Path catalog = Files.writeString(dir.resolve("cat.json"), json);
        Path nope = dir.resolve("nope.emt");
        assertEquals(List.of("E0001 " + nope + ": cannot read the catalog's preload " + nope + ": no such file",
                        "E0804 classpath:guests/none.elf: cannot read the symbols of guest image `minios` at classpath:guests/none.elf:"
                                + " not on the class path; pass -s SYMFILE or use --target any"),
                problems(new ScriptSetup.Flags(List.of(), List.of(), List.of(), catalog.toString())));
    }
}
