// The gueststack output filter: symbols for known addresses, raw addresses elsewhere, other text untouched.
package dev.vp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.compiler.symbols.Symbol;
import dev.vp.compiler.symbols.SymbolTable;
import dev.vp.vmm.Harness;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestStackFilterTest {
    private final GuestStackFilter filter = GuestStackFilter.of(SymbolTable.of(List.of(
            new Symbol("compute_task", 0x100f00, 0x80, Symbol.Kind.FUNC),
            new Symbol("task_start", 0x100810, 0x20, Symbol.Kind.FUNC))));

    @Test
    void framesBecomeSymbolsInnermostFirst() {
        assertEquals("stacks[\"compute_task+0xb <- task_start+0x13 <- 0x0\"] == avg 1 count 5\n",
                filter.apply("stacks[\"GUEST_0x100f0b_0x100823_0x0\"] == avg 1 count 5\n"));
    }

    @Test
    void addressesOutsideEveryFunctionStayHex() {
        assertEquals("at compute_task <- 0x100f80 <- 0x200000", filter.apply("at GUEST_0x100f00_0x100f80_0x200000"));
    }

    @Test
    void otherTextIsUntouched() {
        String text = "GUEST_ is not a stack, nor is GUEST_0xZZ; tick: 3 exits\n";
        assertEquals(text, filter.apply(text));
        assertEquals("a compute_task b task_start c", filter.apply("a GUEST_0x100f00 b GUEST_0x100810 c"));
    }

    @Test
    void miniosSymbolsComeFromTheGuestImage() throws Exception {
        var minios = Harness.minios();
        long address = minios.symbol("do_syscall").orElseThrow().value() + 4;
        assertEquals("do_syscall+0x4", GuestStackFilter.of(minios).apply("GUEST_0x" + Long.toHexString(address)));
    }
}
