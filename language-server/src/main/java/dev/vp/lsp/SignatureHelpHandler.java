// textDocument/signatureHelp: the call around the cursor, found in the live text, and its parameters.
package dev.vp.lsp;

import dev.vp.compiler.check.BuiltinFunction;
import dev.vp.compiler.check.Sym;
import dev.vp.compiler.format.SourceTokens;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.ParameterInformation;
import org.eclipse.lsp4j.SignatureHelp;
import org.eclipse.lsp4j.SignatureInformation;

/** Built-in functions carry their documented signature; script functions come from the newest usable snapshot. */
final class SignatureHelpHandler {
    private SignatureHelpHandler() {}

    /** How far back to look for the open parenthesis of the call (a call's arguments fit in this). */
    private static final int LOOK_BACK = 4000;

    /**
     * Walks the tokens before the cursor back to the call's open parenthesis: parentheses and commas inside
     * strings, character literals and comments are not the call's.
     */
    static SignatureHelp help(String text, int offset, Snapshot names) {
        offset = Math.max(0, Math.min(offset, text.length()));
        List<SourceTokens.Token> tokens = SourceTokens.scan(text.substring(0, offset), false);
        int depth = 0, commas = 0;
        for (int k = tokens.size() - 1; k >= 0 && tokens.get(k).start() >= offset - LOOK_BACK; k--) {
            SourceTokens.Token t = tokens.get(k);
            boolean open = t.end() == offset && switch (t.kind()) {  // the cursor is inside this token
                case COMMENT -> !(text.startsWith("/*", t.start()) && offset - t.start() >= 4 && text.startsWith("*/", offset - 2));
                case CHAR -> offset - t.start() < 2 || text.charAt(offset - 1) != '\'';
                default -> false;
            };
            if (open) return null;
            if (t.kind() != SourceTokens.Kind.PUNCT || t.end() - t.start() != 1) continue;
            char c = text.charAt(t.start());
            if (c == ')' || c == ']') depth++;
            else if (c == '(' || c == '[') {
                if (depth > 0) { depth--; continue; }
                if (c == '[' || k == 0 || tokens.get(k - 1).kind() != SourceTokens.Kind.NAME) return null;
                return signature(tokens.get(k - 1).text(text), commas, names);
            } else if (c == ',' && depth == 0) commas++;
            else if (c == ';' || c == '{' || c == '}') return null;
        }
        return null;
    }

    private static SignatureHelp signature(String name, int active, Snapshot names) {
        SignatureInformation info;
        BuiltinFunction b = BuiltinFunction.byName(name);
        if (b != null) {
            info = new SignatureInformation(b.signature, new MarkupContent(MarkupKind.MARKDOWN, b.doc), params(b.signature));
        } else {
            Sym.Function f = names == null || names.checked() == null ? null : names.checked().functions.get(name);
            if (f == null) return null;
            String sig = HoverHandler.signature(f);
            info = new SignatureInformation(sig, new MarkupContent(MarkupKind.MARKDOWN, "script function"), params(sig));
        }
        int n = info.getParameters().size();
        boolean variadic = info.getLabel().contains("...");
        int shown = n == 0 ? 0 : variadic ? Math.min(active, n - 1) : active;
        info.setActiveParameter(shown);
        SignatureHelp h = new SignatureHelp(List.of(info), 0, shown);
        return h;
    }

    /** The parameters of "ret name(a, [b,] c, ...)" as written, brackets kept. */
    private static List<ParameterInformation> params(String signature) {
        int open = signature.indexOf('('), close = signature.lastIndexOf(')');
        List<ParameterInformation> out = new ArrayList<>();
        if (open < 0 || close <= open + 1) return out;
        int depth = 0, start = open + 1;
        for (int i = open + 1; i <= close; i++) {
            char c = signature.charAt(i);
            if (c == '[') depth++;
            else if (c == ']') depth--;
            else if ((c == ',' && depth == 0) || i == close) {
                String p = signature.substring(start, i).strip();
                if (p.startsWith("[")) p = p.substring(1).strip();
                if (p.endsWith("]")) p = p.substring(0, p.length() - 1).strip();
                if (!p.isEmpty()) out.add(new ParameterInformation(p));
                start = i + 1;
            }
        }
        return out;
    }
}
