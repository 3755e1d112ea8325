package dev.vp.x64.abi;

/**
 * The native ABI between generated probe code, the helper library and the runtime: the context block, the
 * output ring, the aggregate and bag tables. Every offset here is a contract: the code generator emits it,
 * the runtime lays memory out by it, the consumer reads by it. Change it only with all three.
 *
 * <p>Entry: {@code void probe(VpCtx *ctx)}, System V. Generated code keeps ctx in RBX and the per-vCPU data
 * base in R12, the global data base in R13 (all callee-saved). All fields are 8 bytes, little endian.
 */
public final class Abi {
    private Abi() {}

    /** Written into every probe image; the runtime refuses an image built for another version of this contract. */
    public static final int VERSION = 1;

    // ---- Context block (one per vCPU, one for the host) ----
    /** Host pointer to the vCPU's struct kvm_regs (KVM_CAP_SYNC_REGS area), 0 for the host context. */
    public static final int CTX_REGS = 0x000;
    /** Host pointer to the vCPU's struct kvm_sregs (sync area), 0 for the host context. */
    public static final int CTX_SREGS = 0x008;
    public static final int CTX_RAM_BASE = 0x010;
    public static final int CTX_RAM_SIZE = 0x018;
    public static final int CTX_VCPU_DATA = 0x020;
    public static final int CTX_GLOBAL_DATA = 0x028;
    /** Host pointer to this context's output ring header. */
    public static final int CTX_RING = 0x030;
    /** Loop fuel left in this firing; the entry sets it from CTX_FUEL_BUDGET. */
    public static final int CTX_FUEL = 0x038;
    public static final int CTX_FUEL_BUDGET = 0x040;
    /** Stack budget bytes charged so far in this firing, by IR frame sizes (IrFunction.frameBytes). */
    public static final int CTX_STACK_USED = 0x048;
    public static final int CTX_STACK_BUDGET = 0x050;
    /** RSP of the entry trampoline: cancellation without a try handler restores it and returns. */
    public static final int CTX_ENTRY_RSP = 0x058;
    /** Innermost try handler: saved RSP (0 when none), resume address, and CTX_STACK_USED at the try. */
    public static final int CTX_TRY_RSP = 0x060;
    public static final int CTX_TRY_PC = 0x068;
    public static final int CTX_TRY_STACK_USED = 0x070;
    /** Outcome of the firing: 0 completed, 1 exited, 2 + Cause.ordinal() cancelled. */
    public static final int CTX_OUTCOME = 0x078;
    /** Text offset of the instruction that cancelled (looked up in the line table), and a detail (fault address). */
    public static final int CTX_CANCEL_PC = 0x080;
    public static final int CTX_CANCEL_DETAIL = 0x088;
    /** ARG0..ARG9 of the current firing. */
    public static final int CTX_ARGS = 0x090;
    public static final int CTX_VCPUID = 0x0E0;
    public static final int CTX_NUMVCPUS = 0x0E8;
    public static final int CTX_TSC_HZ = 0x0F0;
    /** The probe clause index being run (PROBENAME comes from the rodata table by it). */
    public static final int CTX_PROBE = 0x0F8;
    public static final int CTX_EXIT_REASON = 0x100;
    public static final int CTX_VMCS_EXIT_REASON = 0x108;
    public static final int CTX_VMCS_EXIT_QUAL = 0x110;
    public static final int CTX_VMCS_EXIT_INTR_INFO = 0x118;
    /** getsystemtime(): host microseconds = TIME_MICROS + (rdtsc - TIME_TSC) * 1e6 / TSC_HZ. */
    public static final int CTX_TIME_TSC = 0x120;
    public static final int CTX_TIME_MICROS = 0x128;
    /** Values the runtime reads by ioctl before a clause that needs them (DR6, DR7, KERNELGSBASE). */
    public static final int CTX_DR6 = 0x130;
    public static final int CTX_DR7 = 0x138;
    public static final int CTX_KERNELGSBASE = 0x140;
    /** Host pointer to the program's rodata (string constants, formats, probe names). */
    public static final int CTX_RODATA = 0x148;
    /** Host pointer to the global bag tables and aggregate generation words (shared by all contexts). */
    public static final int CTX_SHARED = 0x150;
    /** The last caught cancellation (excname/excdesc): outcome code, then its description (NUL-terminated). */
    public static final int CTX_EXC_OUTCOME = 0x158;
    public static final int CTX_EXC_DESC = 0x200;
    public static final int CTX_SIZE = 0x300;

    // ---- Output ring (single producer: its context's thread; single consumer: the host) ----
    /** Header: next write offset (producer, release), next read offset (consumer, release), capacity, drops, emitted. */
    public static final int RING_HEAD = 0x00;
    public static final int RING_TAIL = 0x08;
    public static final int RING_CAPACITY = 0x10;
    public static final int RING_DROPPED = 0x18;
    public static final int RING_EMITTED = 0x20;
    public static final int RING_DATA = 0x40;
    /**
     * Record: u32 total length (multiple of 8), u32 type, u64 TSC, u32 id (format or aggregate), u32 argument count,
     * then per argument: ints as u64; strings as u64 length then the bytes padded to 8. A record that does not fit
     * in the free space is dropped whole and counted in RING_DROPPED; offsets wrap at capacity with a PAD record.
     */
    public static final int REC_LENGTH = 0, REC_TYPE = 4, REC_TSC = 8, REC_ID = 16, REC_ARGC = 20, REC_ARGS = 24;
    public static final int REC_PAD = 0, REC_PRINTF = 1, REC_LOGAGGR = 2, REC_CANCEL = 3;

    // ---- Aggregate tables (per context, per aggregate; open addressing, linear probing) ----
    /** Table header: u64 entries used, u64 updates dropped, u64 generation seen; then capacity entries. */
    public static final int AGGR_USED = 0x00, AGGR_DROPPED = 0x08, AGGR_GENERATION = 0x10, AGGR_ENTRIES = 0x18;
    /** Entry: u64 hash|1 (0 = empty), count, sum, min, max, latest; then int keys (8 each), string keys (256 each). */
    public static final int ENTRY_HASH = 0, ENTRY_COUNT = 8, ENTRY_SUM = 16, ENTRY_MIN = 24, ENTRY_MAX = 32, ENTRY_LATEST = 40, ENTRY_KEYS = 48;

    // ---- Bags (one shared table each; lock-free) ----
    /** Bag header: u64 dropped; then capacity slots of {u64 state (0 empty, 1 busy, 2 full), key, value}. */
    public static final int BAG_DROPPED = 0x00, BAG_SLOTS = 0x08, SLOT_STATE = 0, SLOT_KEY = 8, SLOT_VALUE = 16, SLOT_SIZE = 24;
}
