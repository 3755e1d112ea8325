// "Did you mean" suggestions: the known names closest to a misspelt one.
package dev.vp.compiler.util;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Up to three candidates closest to a name by Damerau-Levenshtein distance (optimal string alignment: insert,
 * delete, substitute, swap two neighbours), compared without case so that `vmm1hz` finds `VMM1Hz`. A candidate
 * qualifies when its distance is at most a third of the name's length (at least 1) and smaller than both
 * lengths, so short names do not "match" unrelated short names. Ties go to the candidate whose case matches
 * better, then alphabetically ignoring case. Length filtering and an early exit keep 10,000 candidates to a
 * few milliseconds (guest symbol tables are that large).
 */
public final class NearestNames {
    private NearestNames() {}

    public static final int MAX_SUGGESTIONS = 3;

    public static List<String> nearest(String name, Collection<String> candidates) {
        record Scored(String name, int distance, int caseDistance) {}
        String lower = name.toLowerCase(Locale.ROOT);
        int limit = Math.max(1, name.length() / 3);
        List<Scored> found = new ArrayList<>();
        Workspace w = new Workspace();
        for (String c : candidates) {
            if (c.equals(name) || Math.abs(c.length() - name.length()) > limit) continue;
            int d = w.distance(lower, c.toLowerCase(Locale.ROOT), limit);
            if (d > limit || d >= Math.min(name.length(), c.length())) continue;
            found.add(new Scored(c, d, w.distance(name, c, Integer.MAX_VALUE)));
        }
        found.sort(Comparator.comparingInt(Scored::distance).thenComparingInt(Scored::caseDistance)
                .thenComparing(Scored::name, String.CASE_INSENSITIVE_ORDER).thenComparing(Scored::name));
        return found.stream().map(Scored::name).distinct().limit(MAX_SUGGESTIONS).toList();
    }

    /** Optimal string alignment distance; returns limit + 1 as soon as it must exceed limit. */
    static int distance(String a, String b) { return new Workspace().distance(a, b, Integer.MAX_VALUE); }

    /** Three reusable rows, so scanning many candidates allocates only when a longer one comes along. */
    private static final class Workspace {
        private int[] twoBack = new int[0], prev = new int[0], cur = new int[0];

        int distance(String a, String b, int limit) {
            int m = b.length();
            if (prev.length < m + 1) { twoBack = new int[m + 1]; prev = new int[m + 1]; cur = new int[m + 1]; }
            for (int j = 0; j <= m; j++) prev[j] = j;
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                int rowMin = i;
                char ca = a.charAt(i - 1);
                for (int j = 1; j <= m; j++) {
                    char cb = b.charAt(j - 1);
                    int v = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (ca == cb ? 0 : 1));
                    if (i > 1 && j > 1 && ca == b.charAt(j - 2) && a.charAt(i - 2) == cb) v = Math.min(v, twoBack[j - 2] + 1);
                    cur[j] = v;
                    rowMin = Math.min(rowMin, v);
                }
                if (rowMin > limit) return limit + 1;
                int[] t = twoBack; twoBack = prev; prev = cur; cur = t;
            }
            return prev[m];
        }
    }
}
