// Tests for the "did you mean" suggestions.
package dev.vp.compiler.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearestNamesTest {
    private static final List<String> PROBES = List.of("VMMLoad", "VMMUnload", "VMXLoad", "VMXUnload", "VMM1Hz", "VMM10Hz",
            "VMX1Hz", "HV_Exit", "HV_Resume", "In", "Out", "Guest_IRQ", "Disk_IOStart", "Disk_IOFinish");

    @Test void suggestsTheClosestNames() {
        assertEquals(List.of("HV_Exit"), NearestNames.nearest("HV_Exot", PROBES));
        assertEquals("VMM1Hz", NearestNames.nearest("VMM1Hx", PROBES).get(0));
    }

    @Test void aTranspositionCostsOne() {
        // Plain Levenshtein gives 2 for a swap, more than a 3-letter name may differ by.
        assertEquals(List.of("Out"), NearestNames.nearest("Otu", PROBES));
        assertEquals(1, NearestNames.distance("ab", "ba"));
        assertEquals(1, NearestNames.distance("do_sycsall", "do_syscall"));
        // Optimal string alignment: a swapped pair is not edited again (true Damerau-Levenshtein would say 2).
        assertEquals(3, NearestNames.distance("ca", "abc"));
        assertEquals(3, NearestNames.distance("kitten", "sitting"));
    }

    @Test void caseIsIgnoredAndBreaksTies() {
        assertEquals(List.of("VMM1Hz", "VMX1Hz", "VMM10Hz"), NearestNames.nearest("vmm1hz", PROBES));
        // Same distance without case: the one whose case matches better comes first.
        assertEquals(List.of("count", "Count"), NearestNames.nearest("counts", List.of("Count", "count")));
        // Same distance and same case distance: alphabetical, ignoring case.
        assertEquals(List.of("abd", "abe", "abf"), NearestNames.nearest("abc", List.of("abf", "abe", "abd")));
        assertEquals(List.of("aBd", "Abe"), NearestNames.nearest("abc", List.of("Abe", "aBd")));
    }

    @Test void atMostThreeOrderedByDistance() {
        List<String> got = NearestNames.nearest("counter", List.of("counted", "counter1", "xcounter", "countr", "mounter", "c"));
        assertEquals(3, got.size());
        assertTrue(got.stream().allMatch(s -> NearestNames.distance("counter", s) == 1), got.toString());
        assertEquals(List.of("countr", "mounter"), NearestNames.nearest("counter", List.of("countr", "mounter", "cuntre")).subList(0, 2));
    }

    @Test void unrelatedNamesAreNotSuggested() {
        assertEquals(List.of(), NearestNames.nearest("printf", PROBES));
        assertEquals(List.of(), NearestNames.nearest("x", List.of("y", "z")));
        assertEquals(List.of(), NearestNames.nearest("", List.of("a")));
        assertEquals(List.of(), NearestNames.nearest("In", List.of("In")));
        assertEquals(List.of("In"), NearestNames.nearest("Im", List.of("In", "Out")));
    }

    @Test void tenThousandCandidatesTakeAFewMilliseconds() {
        Random r = new Random(7);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            StringBuilder b = new StringBuilder();
            int len = 4 + r.nextInt(20);
            for (int j = 0; j < len; j++) b.append((char) ('a' + r.nextInt(26)));
            names.add(b.toString());
        }
        names.add("do_syscall_64");
        for (int i = 0; i < 20; i++) NearestNames.nearest("do_sycall_64", names);   // warm up the JIT
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            List<String> got = NearestNames.nearest("do_sycall_64", names);
            best = Math.min(best, System.nanoTime() - t0);
            assertEquals("do_syscall_64", got.get(0));
        }
        assertTrue(best < 30_000_000, "best of 10 runs took " + best / 1_000_000 + " ms");
    }
}
