// textDocument/signatureHelp: the call around the cursor, found in the live text, and its parameters.
package dev.vp.lsp;

import dev.vp.compiler.check.BuiltinFunction;
import dev.vp.compiler.check.Sym;
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

    static SignatureHelp help(String text, int offset, Snapshot names) {
        offset = Math.max(0, Math.min(offset, text.length()));
        int depth = 0, commas = 0;
        int stop = Math.max(0, offset - LOOK_BACK);
        for (int i = offset - 1; i >= stop; i--) {
            char c = text.charAt(i);
            if (c == '"') {
                int j = i - 1;
                while (j >= stop && !(text.charAt(j) == '"' && (j == 0 || text.charAt(j - 1) != '\\'))) {
                    if (text.charAt(j) == '\n') return null;
                    j--;
                }
                i = j;
            } else if (c == ')' || c == ']') depth++;
            else if (c == '(' || c == '[') {
                if (depth > 0) { depth--; continue; }
                if (c == '[') return null;
                int e = i;
                while (e > 0 && Character.isWhitespace(text.charAt(e - 1))) e--;
                int b = e;
                while (b > 0 && CompletionHandler.isWordChar(text.charAt(b - 1))) b--;
                return b == e ? null : signature(text.substring(b, e), commas, names);
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
