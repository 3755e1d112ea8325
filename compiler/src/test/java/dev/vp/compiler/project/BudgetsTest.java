// Tests for budgets: defaults, kinds, layering and reading them from JSON.
package dev.vp.compiler.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetsTest {
    @Test void defaultsAreTheLanguageTable() {
        Budgets d = Budgets.DEFAULTS;
        assertEquals(65536, d.code());
        assertEquals(1048576, d.data());
        assertEquals(256, d.probes());
        assertEquals(4096, d.stack());
        assertEquals(100000, d.fuel());
        assertEquals(256, d.string());
    }

    @Test void kindsByPragmaKeyword() {
        assertEquals(List.of("code", "data", "probes", "stack", "fuel", "string"), Budgets.Kind.keywords());
        assertEquals(Budgets.Kind.PROBES, Budgets.Kind.byKeyword("clauses"));
        assertEquals(Budgets.Kind.FUEL, Budgets.Kind.byKeyword("fuel"));
        assertNull(Budgets.Kind.byKeyword("Code"));
        for (Budgets.Kind k : Budgets.Kind.values()) assertEquals(k.ordinal() + 1, Budgets.DEFAULTS.with(k, k.ordinal() + 1).get(k));
    }

    @Test void theMostSpecificLayerWins() {
        Budgets catalog = Budgets.DEFAULTS.with(Budgets.Kind.DATA, 4096);
        Budgets b = Budgets.resolve(catalog,
                Map.of(Budgets.Kind.CODE, 1000L, Budgets.Kind.STACK, 2048L),
                Map.of(Budgets.Kind.CODE, 2000L));
        assertEquals(2000, b.code());      // pragma over project
        assertEquals(2048, b.stack());     // project over catalog and defaults
        assertEquals(4096, b.data());      // catalog over defaults
        assertEquals(100000, b.fuel());    // defaults
    }

    @Test void valuesAreChecked() {
        assertNull(Budgets.invalidValue(Budgets.Kind.STRING, 256));
        assertTrue(Budgets.invalidValue(Budgets.Kind.STRING, 257).contains("between 2 and 256"));
        assertTrue(Budgets.invalidValue(Budgets.Kind.STRING, 1).contains("between 2 and 256"));
        assertTrue(Budgets.invalidValue(Budgets.Kind.CODE, 0).contains("code budget"));
    }

    @Test void readFromJsonWithPathsInMessages() {
        Diagnostics d = new Diagnostics();
        Json j = Json.parse(new SourceFile("vp.json", "{\"code\": 1024, \"stack\": -1, \"fuel\": \"lots\", \"strings\": 64, \"clauses\": 8}"), d);
        JsonFields f = new JsonFields(d, Code.E0800);
        Map<Budgets.Kind, Long> m = Budgets.read(f.object(j, "$.budgets"), "the project file");
        assertEquals(Map.of(Budgets.Kind.CODE, 1024L, Budgets.Kind.PROBES, 8L), m);
        List<String> msgs = d.all().stream().map(x -> x.code() + " " + x.message()).toList();
        assertEquals(List.of(
                "E0800 `$.budgets.stack`: -1 is out of range; expected 1 to 16777216",
                "E0800 `$.budgets.fuel`: expected an integer, found a string",
                "W0800 `$.budgets.strings`: unknown key \"strings\" in the project file is ignored; did you mean \"string\"?"), msgs);
    }
}
