package dev.vp.compiler.util;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** "Did you mean" suggestions: the names closest to a misspelling (placeholder until the catalog branch lands). */
public final class NearestNames {
    private NearestNames() {}

    public static List<String> nearest(String name, Collection<String> candidates) {
        record Scored(String name, int d) {}
        List<Scored> scored = new ArrayList<>();
        int limit = Math.max(1, name.length() / 3);
        for (String c : candidates) {
            if (c.equals(name)) continue;
            int d = distance(name.toLowerCase(), c.toLowerCase());
            if (d <= limit) scored.add(new Scored(c, d));
        }
        scored.sort((a, b) -> a.d != b.d ? Integer.compare(a.d, b.d) : a.name.compareTo(b.name));
        return scored.stream().limit(3).map(Scored::name).toList();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
