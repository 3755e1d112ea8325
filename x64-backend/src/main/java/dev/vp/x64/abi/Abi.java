package dev.vp.x64.abi;

/**
 * The native ABI between generated probe code, the helper library and the runtime: the context block, the
 * output ring, the aggregate and bag tables. Every offset here is a contract: the code generator emits it,
 * the runtime lays memory out by it, the consumer reads by it. Change it only with all three.
 *
 * <p>Entry: {@code void probe(VpCtx *ctx, const VpFields *fields)}, System V, at a probe's entry offset in the
 * text (NativeProgram.probes). {@code fields} holds the firing's ARG0..ARG9 and exit fields (layout FIELDS_*):
 * the caller's own per-vCPU block, read in place, so a firing copies nothing. The entry code itself sets
 * CTX_FIELDS, CTX_PROBE, CTX_FUEL, CTX_STACK_USED, CTX_ENTRY_RSP, the try state, CTX_OUTCOME, CTX_EXC_OUTCOME,
 * CTX_STAMP and CTX_TLB, and counts the firing in CTX_FIRINGS; the runtime sets everything else before the call
 * and reads CTX_OUTCOME (and, when cancelled, CTX_CANCEL_PC and CTX_EXC_DESC) after it. Generated code keeps ctx
 * in RBX, the per-vCPU data base in R12 and the global data base in R13 (all callee-saved). All fields are 8
 * bytes, little endian, unless said otherwise.
 *
 * <p>The block is ordered by use: what every firing writes is in the first cache line, what it reads (and what an
 * aggregate update needs) in the second, the translation cache in the third, what guest reads and output need in
 * the fourth. A firing of an empty clause touches the first two lines and its firing counter, nothing else of
 * the block; one that read guest memory through the cache makes the next firing's entry empty it.
 *
 * <p>Memory a firing reaches: the per-vCPU data block right after the context block ({@link #vcpuData}: this
 * context's copy of the perthread globals, then its own aggregate tables, at the offsets NativeProgram gives), and
 * through pointers in the context block the global data block (pervm globals), the
 * shared block (aggregate generation words, then the bags) and the rodata blob. The host context (VMX-domain
 * probes) is a context like the others with its own per-vCPU data block, VCPUID = -1, and CTX_REGS/CTX_SREGS
 * pointing at zeroed kvm_regs/kvm_sregs areas: they are never 0, so generated code reads them unchecked.
 */
public final class Abi {
    private Abi() {}

    /** Written into every probe image; the runtime refuses an image built for another version of this contract. */
    public static final int VERSION = 4;

    /**
     * The machine stack a firing may use (the entry, the generated frames and the helpers): the monitor's runtime
     * gives every firing this much, and refuses an image with a clause that may need more. vp check reports such a
     * clause first (E0701), since only the generated code knows its frames.
     */
    public static final int NATIVE_STACK_BYTES = 64 << 10;

    // ---- Firing fields (the entry's second argument): 14 words ----
    /** ARG0..ARG9, then KVM's exit reason and the VMCS-style exit reason, qualification and interruption info. */
    public static final int FIELDS_ARGS = 0x00, FIELDS_EXIT_REASON = 0x50, FIELDS_VMCS_EXIT_REASON = 0x58,
            FIELDS_VMCS_EXIT_QUAL = 0x60, FIELDS_VMCS_EXIT_INTR_INFO = 0x68, FIELDS_SIZE = 0x70;

    // ---- Context block (one per vCPU, one for the host) ----
    // Line 0: written by every firing's entry.
    /** The firing's fields block (the entry's second argument). */
    public static final int CTX_FIELDS = 0x000;
    /** RSP of the entry trampoline: cancellation without a try handler restores it and returns. */
    public static final int CTX_ENTRY_RSP = 0x008;
    /** The probe clause index being run; the entry code stores it (PROBENAME comes from rodata by it). */
    public static final int CTX_PROBE = 0x010;
    /** Loop fuel left in this firing; the entry sets it from CTX_FUEL_BUDGET. */
    public static final int CTX_FUEL = 0x018;
    /** Stack budget bytes charged so far in this firing, by IR frame sizes (IrFunction.frameBytes). */
    public static final int CTX_STACK_USED = 0x020;
    /** Innermost try handler's saved RSP (0 when none); its resume address and stack charge are CTX_TRY_PC/STACK_USED. */
    public static final int CTX_TRY_RSP = 0x028;
    /** Outcome of the firing: 0 completed, 1 exited, 2 + Cause.ordinal() cancelled. */
    public static final int CTX_OUTCOME = 0x030;
    /**
     * Outcome code (2 + Cause.ordinal()) of the latest cancellation in this firing, 0 before any: excname(), and
     * whether CTX_EXC_DESC holds this firing's description (excdesc() is empty while it is 0).
     */
    public static final int CTX_EXC_OUTCOME = 0x038;
    // Line 1: read by every firing's entry, and what an aggregate update or a record needs (the first timestamp).
    /* 0x040: unused (up to version 2, the per-vCPU data block's address; see vcpuData). */
    public static final int CTX_GLOBAL_DATA = 0x048;
    public static final int CTX_FUEL_BUDGET = 0x050;
    public static final int CTX_STACK_BUDGET = 0x058;
    /**
     * The firing's timestamp for printf and logaggr records and aggregate latest times: the entry zeroes it, and
     * the first record or update of the firing sets it from CTX_TSC, or from the counter when that is 0 (as
     * DTrace caches its timestamp per firing). The TSC built-in itself always reads CTX_TSC or the live counter.
     */
    public static final int CTX_STAMP = 0x060;
    /**
     * Non-zero when CTX_TLB may hold entries: set by whoever fills one, so that the entry empties it only then. A
     * new context block has it set (its cache holds zeros, which would read as an entry for page 0).
     */
    public static final int CTX_TLB_USED = 0x068;
    /**
     * The TSC a firing sees (the TSC built-in, printf record times, aggregate latest times) when non-zero; 0 reads
     * the live counter with rdtsc. For deterministic replays and tests; the runtime normally leaves it 0.
     */
    public static final int CTX_TSC = 0x070;
    /** VCPUID: the vCPU index, or -1 (all ones) in the host context. */
    public static final int CTX_VCPUID = 0x078;
    // Line 2: the translation cache, emptied by the entry of a firing after one that filled it.
    /**
     * The guest translation cache, valid within one firing only: CTX_TLB_ENTRIES entries of {u64 linear page,
     * u64 host address of that page}, direct-mapped by linear page number; a tag that is not page-aligned (1) is
     * empty. Only pages wholly inside guest RAM are cached. Whoever fills an entry sets CTX_TLB_USED.
     */
    public static final int CTX_TLB = 0x080, CTX_TLB_ENTRIES = 4, TLB_ENTRY = 16;
    // Line 3: what reading the guest and writing output need.
    /** Host pointer to the vCPU's struct kvm_regs (KVM_CAP_SYNC_REGS area); a zeroed area for the host context. */
    public static final int CTX_REGS = 0x0C0;
    /** Host pointer to the vCPU's struct kvm_sregs (sync area); a zeroed area for the host context. */
    public static final int CTX_SREGS = 0x0C8;
    public static final int CTX_RAM_BASE = 0x0D0;
    public static final int CTX_RAM_SIZE = 0x0D8;
    /** Host pointer to this context's output ring header. */
    public static final int CTX_RING = 0x0E0;
    /** Host pointer to the program's rodata (string constants, formats, probe names). */
    public static final int CTX_RODATA = 0x0E8;
    public static final int CTX_NUMVCPUS = 0x0F0;
    public static final int CTX_TSC_HZ = 0x0F8;
    // Line 4 on: set at load or before a firing that needs them, read by the operations that do.
    public static final int CTX_TIME_TSC = 0x100;
    public static final int CTX_TIME_MICROS = 0x108;
    /** Values the runtime reads by ioctl before a clause that needs them (DR6, DR7, KERNELGSBASE). */
    public static final int CTX_DR6 = 0x110;
    public static final int CTX_DR7 = 0x118;
    public static final int CTX_KERNELGSBASE = 0x120;
    /** PCPUID when non-negative (tests, replays); -1 (the runtime's setting) reads the CPU the firing runs on. */
    public static final int CTX_PCPUID = 0x128;
    /** THREADID: the monitor thread running this vCPU (the runtime sets it at load; for the host, per firing). */
    public static final int CTX_THREADID = 0x130;
    /** Eight bytes the helpers use within one call (a page-crossing guest read gathers its bytes here). */
    public static final int CTX_SCRATCH = 0x138;
    /** The innermost try handler's resume address and CTX_STACK_USED at the try (see CTX_TRY_RSP). */
    public static final int CTX_TRY_PC = 0x140;
    public static final int CTX_TRY_STACK_USED = 0x148;
    /**
     * Where the latest cancellation happened: a text offset inside the code of the cancelling IR instruction.
     * Its source location is the line-table entry with the greatest offset at or below it.
     */
    public static final int CTX_CANCEL_PC = 0x150;
    /** The latest cancellation's detail: the address that could not be read for a guest fault, else 0. */
    public static final int CTX_CANCEL_DETAIL = 0x158;
    /**
     * Host pointer to the shared block: aggregate generation words, then the bag tables (shared by all contexts).
     * Read by bag operations and by updates of aggregates the program clears.
     */
    public static final int CTX_SHARED = 0x160;
    /**
     * Host pointer to an array of every context block's address, in context order (vCPU 0..n-1, then the host),
     * and the number of contexts: logaggr reads every context's table through them.
     */
    public static final int CTX_CONTEXTS = 0x168;
    public static final int CTX_CONTEXT_COUNT = 0x170;
    /** A fields block of the context's own (FIELDS_SIZE bytes), for callers that set arguments in the context. */
    public static final int CTX_OWN_FIELDS = 0x180;
    /**
     * The latest cancellation's description (excdesc(), and the cancellation report when no handler caught it),
     * written natively on every cancellation, NUL-terminated, at most 255 bytes; valid while CTX_EXC_OUTCOME != 0.
     */
    public static final int CTX_EXC_DESC = 0x200;
    /** Firings per clause: one u64 per probe of the image, counted by the entry (the block's size depends on the image). */
    public static final int CTX_FIRINGS = 0x300;

    /** Bytes of a context block for an image of {@code probes} probes, a multiple of 64. */
    public static long contextBytes(int probes) {
        return (CTX_FIRINGS + 8L * probes + 63) & -64L;
    }

    /**
     * Where a context's per-vCPU data block starts, relative to its context block: right after it. A constant
     * of the image rather than a pointer in the context block, so that the entry computes the block's address
     * without waiting for a load: after a VM exit, an aggregate update's table line and the context block's
     * second line are then fetched in parallel rather than one after the other.
     */
    public static long vcpuData(int probes) {
        return contextBytes(probes);
    }

    // ---- Guest register files read by generated code (Linux UAPI, x86-64) ----
    /** struct kvm_regs: RAX RBX RCX RDX RSI RDI RSP RBP R8..R15 RIP RFLAGS, 8 bytes each in this order. */
    public static final int KVM_REGS_RAX = 0, KVM_REGS_RBX = 8, KVM_REGS_RCX = 16, KVM_REGS_RDX = 24, KVM_REGS_RSI = 32,
            KVM_REGS_RDI = 40, KVM_REGS_RSP = 48, KVM_REGS_RBP = 56, KVM_REGS_R8 = 64, KVM_REGS_RIP = 128, KVM_REGS_RFLAGS = 136;
    /**
     * struct kvm_sregs: six struct kvm_segment of 24 bytes (CS DS ES FS GS SS, then TR LDT), GDT and IDT as
     * {u64 base, u16 limit, pad}, then CR0 CR2 CR3 CR4 CR8 EFER. A segment is {u64 base, u32 limit, u16 selector,
     * u8 type, present, dpl, db, s, l, g, avl, unusable, pad}. A segment's AR built-in is VMX's access-rights
     * encoding: type | s << 4 | dpl << 5 | present << 7 | avl << 12 | l << 13 | db << 14 | g << 15 | unusable << 16.
     */
    public static final int KVM_SREGS_CS = 0, KVM_SREGS_DS = 24, KVM_SREGS_ES = 48, KVM_SREGS_FS = 72, KVM_SREGS_GS = 96,
            KVM_SREGS_SS = 120, KVM_SREGS_GDT = 192, KVM_SREGS_IDT = 208, KVM_SREGS_CR0 = 224, KVM_SREGS_CR2 = 232,
            KVM_SREGS_CR3 = 240, KVM_SREGS_CR4 = 248, KVM_SREGS_CR8 = 256, KVM_SREGS_EFER = 264;
    public static final int SEG_BASE = 0, SEG_LIMIT = 8, SEG_SELECTOR = 12, SEG_TYPE = 14, SEG_PRESENT = 15, SEG_DPL = 16,
            SEG_DB = 17, SEG_S = 18, SEG_L = 19, SEG_G = 20, SEG_AVL = 21, SEG_UNUSABLE = 22;

    // ---- Output ring (single producer: its context's thread; single consumer: the host) ----
    /**
     * Header: RING_HEAD bytes ever written (producer, release store), RING_TAIL bytes ever consumed (consumer,
     * release store), RING_CAPACITY (a power of two, at least 64), records dropped, records emitted. Both counts
     * run free and never wrap; a record starts at data offset count & (capacity - 1). The free space is
     * capacity - (head - tail). A record never wraps: when it does not fit before the end of the data area, a
     * REC_PAD record (its length only counts) fills the rest and the record starts at offset 0. A record (with
     * its pad) that does not fit in the free space is dropped whole and counted in RING_DROPPED.
     */
    public static final int RING_HEAD = 0x00;
    public static final int RING_TAIL = 0x08;
    public static final int RING_CAPACITY = 0x10;
    public static final int RING_DROPPED = 0x18;
    public static final int RING_EMITTED = 0x20;
    public static final int RING_DATA = 0x40;
    /**
     * Record: u32 total length (multiple of 8), u32 type, u64 TSC, u32 id, u32 count, then the body.
     * REC_PRINTF: id = format index, count = arguments; per argument, ints as u64, strings as u64 length then
     * the bytes padded with zeros to 8. REC_LOGAGGR: id = aggregate index, count = contexts; the body is, per
     * context in context order, u64 n, u64 updates dropped, then n entries copied from that context's table as the
     * call found it (see the aggregate layout); bytes after the last context are padding. A PAD record has only
     * its length and type.
     */
    public static final int REC_LENGTH = 0, REC_TYPE = 4, REC_TSC = 8, REC_ID = 16, REC_ARGC = 20, REC_ARGS = 24;

    /** The bytes of a REC_LOGAGGR record over contexts tables of entries entries of entryBytes each. */
    public static long logaggrRecordBytes(int contexts, long entries, long entryBytes) {
        return REC_ARGS + contexts * (16 + entries * entryBytes);
    }
    public static final int REC_PAD = 0, REC_PRINTF = 1, REC_LOGAGGR = 2, REC_CANCEL = 3;

    // ---- Aggregate tables (per context, per aggregate; open addressing, linear probing) ----
    /**
     * Table header: u64 entries used, u64 updates dropped, u64 generation seen; then capacity entries. Each
     * aggregate also has one u64 generation word in the shared block. Rule: clearaggr atomically increments the
     * shared word, empties its own table and stores the new generation in its header; before any update or
     * logaggr, a context whose table's generation differs from the shared word empties its table first and
     * then takes the shared word's value (in that order, so that a table showing the current generation never
     * holds entries from before the clear). A table whose generation differs from the logging one's counts as
     * empty: logaggr copies only the tables of its own generation, and the host merges them in context order.
     */
    public static final int AGGR_USED = 0x00, AGGR_DROPPED = 0x08, AGGR_GENERATION = 0x10, AGGR_ENTRIES = 0x18;
    /**
     * Entry: u64 hash|1 (0 = empty), count, sum, min, max, latest, the TSC of latest (merges keep the newest);
     * then int keys (8 each) and string keys (256 each, NUL-terminated; the bytes after the NUL mean nothing).
     */
    public static final int ENTRY_HASH = 0, ENTRY_COUNT = 8, ENTRY_SUM = 16, ENTRY_MIN = 24, ENTRY_MAX = 32, ENTRY_LATEST = 40,
            ENTRY_TIME = 48, ENTRY_KEYS = 56;

    // ---- Bags (one shared table each; lock-free) ----
    /** Bag header: u64 dropped; then capacity slots of {u64 state (0 empty, 1 busy, 2 full), key, value}. */
    public static final int BAG_DROPPED = 0x00, BAG_SLOTS = 0x08, SLOT_STATE = 0, SLOT_KEY = 8, SLOT_VALUE = 16, SLOT_SIZE = 24;
}
