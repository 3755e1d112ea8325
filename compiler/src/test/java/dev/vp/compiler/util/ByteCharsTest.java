package dev.vp.compiler.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Output shown as text: bytes (one char per byte) decoded as UTF-8, record by record or as one stream. */
class ByteCharsTest {
    private static final String E_ACUTE = "\u00c3\u00a9", EURO = "\u00e2\u0082\u00ac"; // the UTF-8 bytes of é and €

    @Test void aRecordDecodesOnItsOwn() {
        assertEquals("é€", ByteChars.decodeUtf8(E_ACUTE + EURO));
        assertEquals("\ufffd", ByteChars.decodeUtf8("\u00c3"));
    }

    @Test void aCharacterSplitOverTwoRecordsOfAStreamShowsWhole() {
        var stream = new ByteChars.Utf8Stream();
        assertEquals("a", stream.decode("a\u00c3"));
        assertEquals("é", stream.decode("\u00a9\u00e2"));
        assertEquals("", stream.decode("\u0082"));
        assertEquals("\u20acb", stream.decode("\u00acb"));
        assertEquals("", stream.finish());
    }

    @Test void malformedBytesAreReplacedAndAStreamEndingInsideACharacterSaysSo() {
        var stream = new ByteChars.Utf8Stream();
        assertEquals("\ufffdx", stream.decode("\u00ffx"));
        assertEquals("", stream.decode("\u00e2\u0082"));
        assertEquals("\ufffdy", stream.decode("y"));
        assertEquals("", stream.decode("\u00c3"));
        assertEquals("\ufffd", stream.finish());
        assertEquals("ok", stream.decode("ok"));
    }
}
