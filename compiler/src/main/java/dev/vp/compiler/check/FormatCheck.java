package dev.vp.compiler.check;

import java.util.ArrayList;
import java.util.List;

/** Finds the conversions of a printf format for checking its arguments (TODO at merge: use output.FormatSpec). */
public final class FormatCheck {
    private FormatCheck() {}

    public record Result(List<Character> conversions, String error, int errorOffset) {}

    public static Result parse(String f) {
        List<Character> out = new ArrayList<>();
        for (int i = 0; i < f.length(); i++) {
            if (f.charAt(i) != '%') continue;
            int start = i++;
            while (i < f.length() && "-+ #0123456789.hl".indexOf(f.charAt(i)) >= 0) i++;
            if (i >= f.length()) return new Result(out, "`%` at the end of the format", start);
            char c = f.charAt(i);
            if (c == '%') continue;
            if ("diuxXocsp".indexOf(c) < 0) return new Result(out, "unknown conversion `%" + c + "`", i);
            out.add(c);
        }
        return new Result(out, null, 0);
    }
}
