// Reads guest symbol files in /proc/kallsyms and System.map format (`-s FILE`, the project's "symbols").
package dev.vp.compiler.symbols;

import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One parser for both formats, since System.map is kallsyms without the module column (and `nm` prints the same):
 * <pre>
 * ffffffff81000000 T _stext
 * ffffffffc0a01010 t foo_init	[foo]
 * </pre>
 * Type letters: T/t/W/w are functions; D/d/B/b/R/r/G/g/S/s/V/v/C objects; U (undefined, as `nm` prints it with
 * no address) is skipped; the rest are OTHER. Bad lines are reported with their file and line and skipped; the
 * good ones still load, and nothing throws.
 */
public final class SymbolFile {
    private SymbolFile() {}

    /** After this many bad lines the rest are counted in one summary, so a wrong file does not flood the output. */
    static final int REPORTED_BAD_LINES = 10;

    /** Reads and parses a file; a read failure is reported as E0001, a file of the wrong kind as E0804. */
    public static SymbolTable read(Path path, Diagnostics diags) {
        SourceFile where = new SourceFile(path.toString(), "");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException | SecurityException e) {
            String why = e instanceof NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
            diags.report(Code.E0001, Span.at(where, 0), "cannot read the symbol file " + path + ": " + why);
            return SymbolTable.empty();
        }
        if (bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
            diags.report(Code.E0804, Span.at(where, 0), path + " is an ELF image, not a symbol list; name it as a guest image"
                    + " in the target catalog, or give `nm` output, /proc/kallsyms or System.map");
            return SymbolTable.empty();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            diags.report(Code.E0804, Span.at(where, 0), path + " is not text, so not a symbol list" + EXPECTED);
            return SymbolTable.empty();
        }
        return parse(new SourceFile(path.toString(), text), diags);
    }

    private static final String EXPECTED = " (expected /proc/kallsyms or System.map lines: \"ADDRESS TYPE NAME [module]\")";

    public static SymbolTable parse(SourceFile file, Diagnostics diags) {
        if (file.text().indexOf('\0') >= 0) {
            diags.report(Code.E0804, Span.at(file, 0), file.path() + " is a binary file, not a symbol list" + EXPECTED);
            return SymbolTable.empty();
        }
        List<Symbol> out = new ArrayList<>();
        int bad = 0;
        boolean anyNonZero = false;
        for (int line = 1; line <= file.lineCount(); line++) {
            String raw = file.lineText(line);
            if (raw.isBlank()) continue;
            String[] t = raw.trim().split("\\s+");
            String problem = null;
            Symbol s = null;
            if (t.length == 2 && Character.isWhitespace(raw.charAt(0)) && t[0].equalsIgnoreCase("U")) {
                continue;  // `nm` prints undefined symbols without an address: nothing to resolve
            } else if (t.length < 3 || t.length > 4) {
                problem = "expected \"ADDRESS TYPE NAME\" or \"ADDRESS TYPE NAME [module]\", found " + t.length + " field" + (t.length == 1 ? "" : "s");
            } else if (!t[0].matches("[0-9a-fA-F]{1,16}")) {
                problem = "the address \"" + abbreviate(t[0]) + "\" is not a hexadecimal number of at most 16 digits";
            } else if (t[1].length() != 1 || "AaBbCcDdGgIiNnPpRrSsTtUuVvWw-?".indexOf(t[1].charAt(0)) < 0) {
                problem = "the type \"" + abbreviate(t[1]) + "\" is not a symbol type letter (T, t, D, d, B, b, R, r, W, A, ...)";
            } else if (t.length == 4 && !(t[3].length() > 2 && t[3].startsWith("[") && t[3].endsWith("]"))) {
                problem = "the fourth field \"" + abbreviate(t[3]) + "\" should be a module in brackets, like [e1000]";
            } else if (t[1].equalsIgnoreCase("U")) {
                continue;
            } else {
                long address = Long.parseUnsignedLong(t[0], 16);
                anyNonZero |= address != 0;
                String module = t.length == 4 ? t[3].substring(1, t[3].length() - 1) : null;
                s = new Symbol(t[2], address, 0, kind(t[1].charAt(0)), module);
            }
            if (s != null) {
                out.add(s);
            } else if (++bad <= REPORTED_BAD_LINES) {
                int start = file.offset(line, 1);
                diags.report(Code.E0804, new Span(file, start, start + raw.length()),
                        "malformed symbol line: " + problem + "; the line is skipped");
            }
        }
        if (bad > REPORTED_BAD_LINES) {
            diags.report(Code.E0804, Span.at(file, 0), file.path() + ": " + (bad - REPORTED_BAD_LINES)
                    + " more malformed lines skipped (" + bad + " in all); is this a /proc/kallsyms or System.map file?");
        }
        if (!out.isEmpty() && !anyNonZero) {
            diags.report(Code.E0804, Span.at(file, 0), "every address in " + file.path() + " is zero: the kernel hid them"
                    + " (kptr_restrict); copy /proc/kallsyms as root, or use System.map");
            return SymbolTable.empty();
        }
        return SymbolTable.of(out);
    }

    private static Symbol.Kind kind(char type) {
        return switch (type) {
            case 'T', 't', 'W', 'w' -> Symbol.Kind.FUNC;
            case 'D', 'd', 'B', 'b', 'R', 'r', 'G', 'g', 'S', 's', 'V', 'v', 'C' -> Symbol.Kind.OBJECT;
            default -> Symbol.Kind.OTHER;
        };
    }

    private static String abbreviate(String s) { return s.length() <= 24 ? s : s.substring(0, 21) + "..."; }
}
