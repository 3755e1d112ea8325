// Maps offsets of the preprocessor's output back to spans in the original files.
package dev.vp.compiler.pp;

import dev.vp.compiler.source.SourceFile;
import dev.vp.compiler.source.Span;
import java.util.Arrays;

/**
 * The expanded text is a sequence of segments. A copy segment maps each character to the same character of a
 * file; an expansion segment (a macro's replacement) maps every character to the macro's use site. Lookups
 * are a binary search over segment starts.
 */
public final class SourceMap {
    private final SourceFile main;
    private final int length;
    private final int count;
    private final int[] starts;
    private final SourceFile[] files;
    private final int[] origins;
    /** The use site's end for an expansion segment; -1 for a copy segment. */
    private final int[] useEnds;

    private SourceMap(SourceFile main, int length, int count, int[] starts, SourceFile[] files, int[] origins, int[] useEnds) {
        this.main = main;
        this.length = length;
        this.count = count;
        this.starts = starts;
        this.files = files;
        this.origins = origins;
        this.useEnds = useEnds;
    }

    /** Length of the expanded text this map covers. */
    public int length() { return length; }

    /**
     * The original span of expanded characters [start, end). Both ends in the same file give the span between
     * their origins (an end inside an expansion counts as the end of its use site); otherwise the start's
     * location, with the length clipped to the start's line.
     */
    public Span span(int expandedStart, int expandedEnd) {
        if (length == 0) return Span.at(main, 0);
        int a = Math.max(0, Math.min(expandedStart, length));
        int b = Math.max(a, Math.min(expandedEnd, length));
        if (a == length) {
            int last = segment(length - 1);
            return Span.at(files[last], endOf(last, length - 1));
        }
        int sa = segment(a);
        SourceFile file = files[sa];
        boolean inExpansion = useEnds[sa] >= 0;
        int from = inExpansion ? origins[sa] : origins[sa] + (a - starts[sa]);
        if (b == a) return Span.at(file, from);
        int sb = segment(b - 1);
        if (sb == sa && inExpansion) return new Span(file, origins[sa], useEnds[sa]);
        int to = endOf(sb, b - 1);
        if (files[sb] == file && to >= from) return new Span(file, from, to);
        int lineEnd = from - (file.column(from) - 1) + file.lineText(file.line(from)).length();
        return new Span(file, from, Math.max(from, Math.min(from + (b - a), lineEnd)));
    }

    /** The original offset just after the expanded character at {@code pos} of segment {@code s}. */
    private int endOf(int s, int pos) {
        return useEnds[s] >= 0 ? useEnds[s] : origins[s] + (pos - starts[s]) + 1;
    }

    /** Segments are never empty (the builder drops them), so starts are strictly increasing. */
    private int segment(int pos) {
        int i = Arrays.binarySearch(starts, 0, count, pos);
        return i >= 0 ? i : -i - 2;
    }

    /** Collects segments while the preprocessor appends text; consecutive copies of one file merge. */
    static final class Builder {
        private final SourceFile main;
        private int count;
        private int[] starts = new int[64];
        private SourceFile[] files = new SourceFile[64];
        private int[] origins = new int[64];
        private int[] useEnds = new int[64];

        Builder(SourceFile main) { this.main = main; }

        /** Text at expanded offset {@code at} comes from {@code file} at {@code origin}, character for character. */
        void copy(int at, SourceFile file, int origin) {
            if (count > 0) {
                int last = count - 1;
                if (useEnds[last] < 0 && files[last] == file && origins[last] + (at - starts[last]) == origin) return;
                if (starts[last] == at) count--;
            }
            add(at, file, origin, -1);
        }

        /** Text at expanded offset {@code at} is a macro's replacement for the use at [useStart, useEnd). */
        void expansion(int at, SourceFile file, int useStart, int useEnd) {
            if (count > 0 && starts[count - 1] == at) count--;
            add(at, file, useStart, useEnd);
        }

        private void add(int at, SourceFile file, int origin, int useEnd) {
            if (count == starts.length) {
                int n = count * 2;
                starts = Arrays.copyOf(starts, n);
                files = Arrays.copyOf(files, n);
                origins = Arrays.copyOf(origins, n);
                useEnds = Arrays.copyOf(useEnds, n);
            }
            starts[count] = at;
            files[count] = file;
            origins[count] = origin;
            useEnds[count] = useEnd;
            count++;
        }

        SourceMap build(int length) {
            return new SourceMap(main, length, count, starts, files, origins, useEnds);
        }
    }
}
