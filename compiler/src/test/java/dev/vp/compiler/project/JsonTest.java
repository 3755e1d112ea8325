// Tests for the span-keeping JSON reader.
package dev.vp.compiler.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostic;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static Json ok(String text) {
        Diagnostics d = new Diagnostics();
        Json j = Json.parse(new SourceFile("t.json", text), d);
        assertTrue(d.all().isEmpty(), d.all().toString());
        return j;
    }

    private static Diagnostic bad(String text) {
        Diagnostics d = new Diagnostics();
        assertNull(Json.parse(new SourceFile("t.json", text), d));
        assertEquals(1, d.all().size());
        assertEquals(Code.E0801, d.all().get(0).code());
        return d.all().get(0);
    }

    @Test void valuesKeepTheirSpans() {
        Json.Obj o = assertInstanceOf(Json.Obj.class, ok("{\n  \"a\": [1, -2.5e3, true, null],\n  \"b\": \"x\\n\\u0041\"\n}"));
        assertEquals(2, o.members().size());
        Json.Member a = o.members().get(0);
        assertEquals("a", a.key());
        assertEquals(2, a.keySpan().line());
        assertEquals(3, a.keySpan().column());
        Json.Arr arr = assertInstanceOf(Json.Arr.class, a.value());
        assertEquals(new BigDecimal("-2.5e3"), ((Json.Num) arr.items().get(1)).value());
        assertEquals("-2.5e3", arr.items().get(1).span().text());
        assertInstanceOf(Json.Bool.class, arr.items().get(2));
        assertInstanceOf(Json.Null.class, arr.items().get(3));
        Json.Str b = assertInstanceOf(Json.Str.class, o.members().get(1).value());
        assertEquals("x\nA", b.value());
        assertEquals(3, b.span().line());
    }

    @Test void syntaxErrorsSayWhereAndWhat() {
        Diagnostic d = bad("{\n  \"a\": 1,\n}");
        assertEquals(3, d.span().line());
        assertEquals(1, d.span().column());
        assertTrue(d.message().contains("trailing comma"), d.message());

        d = bad("{\"a\" 1}");
        assertEquals(6, d.span().column());
        assertTrue(d.message().contains("expected `:`"), d.message());

        assertTrue(bad("{'a': 1}").message().contains("expected a key in double quotes"));
        assertTrue(bad("[1, 'x']").message().contains("double quotes"));
        assertTrue(bad("").message().contains("empty"));
        assertTrue(bad("{\"a\": \"open").message().contains("unterminated string"));
        assertTrue(bad("{\"a\": 1} x").message().contains("after the end"));
        assertTrue(bad("{\"a\": tru}").message().contains("`tru`"));
        assertTrue(bad("[01]").message().contains("in a number"));
        assertTrue(bad("[1.]").message().contains("digit after `.`"));
        assertTrue(bad("{\"a\": \"\\q\"}").message().contains("unknown escape"));
        assertTrue(bad("{\"a\": 1").message().contains("end of file"));
    }

    @Test void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(100_000);
        assertTrue(bad(deep).message().contains("nested more than"));
    }
}
