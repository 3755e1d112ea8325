// The runtime's one native mapping: a text area for probe code (W^X) and a data area, mapped once.
package dev.vp.runtime.arena;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;

/**
 * One anonymous mapping made with {@code mmap} at construction, never grown, aligned to 2 MB and advised
 * to use transparent huge pages: first the data area, then the text area (machine code). W^X holds at all times: data is never executable, and text is
 * either writable (while an image is copied in, nothing may run) or read+execute (runnable), never
 * both. {@link #installText} is the only way to change code: mprotect RW, copy, mprotect RX.
 *
 * <p>{@link #entry} gives a downcall handle for {@code void entry(void *ctx)} at a text offset; the
 * handle refuses to run (IllegalStateException) while text is writable or after {@link #close}. That
 * check is a guard against misuse in sequence; the runtime's load protocol (disarm, drain, then
 * rewrite) is what keeps a concurrent firing away from a rewrite.
 *
 * <p>The data segment is tied to a shared {@link Arena}: after close, touching it throws instead of
 * reading unmapped memory, and close fails while a downcall holds a slice of it as an argument.
 */
public final class NativeArena implements AutoCloseable {
    private static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    private static final int MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20;
    private static final int SC_PAGESIZE = 30;
    private static final byte INT3 = (byte) 0xCC;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MMAP = libc("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MPROTECT = libc("mprotect", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MUNMAP = libc("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MADVISE = libc("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final int MADV_HUGEPAGE = 14;
    private static final long HUGE_PAGE = 2 << 20;
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("strerror"),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle SYSCONF = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("sysconf"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final FunctionDescriptor ENTRY = FunctionDescriptor.ofVoid(ADDRESS);
    /**
     * {@code (MemorySegment entry, long ctx, long fields) void}, linked critical and without {@link #entry}'s state guard, for
     * a caller that itself guarantees the text is installed and the arena open for the whole call (the Runtime's
     * busy-flag protocol does). A static final so that the JIT inlines the downcall into the caller; ctx and fields are
     * plain addresses so the call checks no segment.
     */
    public static final MethodHandle UNGUARDED_CALL = LINKER.downcallHandle(FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG),
            Linker.Option.critical(false));
    private static final MethodHandle IS_RUNNABLE, REFUSE;

    static {
        try {
            var lookup = MethodHandles.lookup();
            IS_RUNNABLE = lookup.findVirtual(NativeArena.class, "isRunnable", MethodType.methodType(boolean.class));
            REFUSE = lookup.findVirtual(NativeArena.class, "refuse", MethodType.methodType(void.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How a probe entry is linked; both keep the call free of allocation. */
    public enum Linkage {
        /** The thread goes to native state for the call: a safepoint (GC) can proceed meanwhile. */
        NORMAL(LINKER.downcallHandle(ENTRY)),
        /**
         * {@code Linker.Option.critical(false)}: no thread-state transition, so a safepoint waits
         * for the call to return. Right for code that never blocks, never calls back into Java
         * and runs briefly, which is what a fuel-bounded probe is.
         */
        CRITICAL(LINKER.downcallHandle(ENTRY, Linker.Option.critical(false)));

        /** The handle with the function address as its first argument, shared by every entry. */
        private final MethodHandle unbound;

        Linkage(MethodHandle unbound) {
            this.unbound = unbound;
        }
    }

    private enum State { WRITABLE, EXECUTABLE, CLOSED }

    /** The mapping as made (one huge page larger than needed, for alignment), and the arena's start within it. */
    private final long mapAddress, mapSize;
    /** 2 MB aligned: the data area, then the text area. */
    private final long base;
    private final long textSize;
    private final long dataSize;
    private final Arena scope = Arena.ofShared();
    private final MemorySegment text;
    private final MemorySegment data;
    private volatile State state = State.WRITABLE;

    /**
     * Maps {@code textSize + dataSize} bytes, both page multiples, readable and writable; text
     * becomes runnable with the first {@link #installText}.
     */
    public NativeArena(long textSize, long dataSize) {
        long page = pageSize();
        if (textSize <= 0 || dataSize <= 0 || textSize % page != 0 || dataSize % page != 0) {
            throw new IllegalArgumentException("arena text (" + textSize + " bytes) and data (" + dataSize
                    + " bytes) must be positive multiples of the page size, " + page + " bytes");
        }
        this.textSize = textSize;
        this.dataSize = dataSize;
        long total = Math.addExact(textSize, dataSize);
        this.mapSize = Math.addExact(total, HUGE_PAGE);
        try (var call = Arena.ofConfined()) {
            var errno = call.allocate(CAPTURE);
            var mapped = (MemorySegment) MMAP.invokeExact(errno, MemorySegment.NULL, mapSize, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
            if (mapped.address() == -1L) {
                throw new IllegalStateException("mmap of a " + total + "-byte arena failed: " + describe(errno)
                        + "; give the runtime a smaller arena or raise the process's memory limits");
            }
            mapAddress = mapped.address();
            base = (mapAddress + HUGE_PAGE - 1) & -HUGE_PAGE;
            // A hint: where the kernel has transparent huge pages, the data area (and a text area of 2 MB) take a
            // TLB entry per 2 MB, so a firing after a VM exit misses the TLB a few times rather than once per page.
            // Without them the call fails (EINVAL) and the arena works on small pages.
            int ignored = (int) MADVISE.invokeExact(errno, MemorySegment.ofAddress(base), total, MADV_HUGEPAGE);
        } catch (RuntimeException | Error e) {
            scope.close();
            throw e;
        } catch (Throwable t) {
            scope.close();
            throw new AssertionError("mmap downcall failed", t);
        }
        data = MemorySegment.ofAddress(base).reinterpret(dataSize, scope, null);
        text = MemorySegment.ofAddress(base + dataSize).reinterpret(textSize, scope, null);
    }

    public long textSize() {
        return textSize;
    }

    /** The data area: read and written by both Java and probe code, never executable. */
    public MemorySegment data() {
        return data;
    }

    /** The address of the first text byte (for listings and /proc/self/maps checks). */
    public long textAddress() {
        return base + dataSize;
    }

    /**
     * Replaces the code: text becomes writable (nothing may run meanwhile), receives the code at
     * offset 0 with the rest filled with int3 so a stray jump traps, and becomes read+execute.
     */
    public void installText(byte[] code) {
        if (state == State.CLOSED) {
            throw new IllegalStateException("the arena is closed; map a new one");
        }
        if (code.length > textSize) {
            throw new IllegalArgumentException("code is " + code.length + " bytes but the arena's text area holds "
                    + textSize + "; make the image smaller or the text area larger");
        }
        state = State.WRITABLE;
        protect(PROT_READ | PROT_WRITE);
        MemorySegment.copy(MemorySegment.ofArray(code), 0, text, 0, code.length);
        text.asSlice(code.length).fill(INT3);
        protect(PROT_READ | PROT_EXEC);
        state = State.EXECUTABLE;
    }

    /**
     * A handle of type {@code (MemorySegment ctx) void} that calls {@code void entry(void *ctx)} at
     * {@code textOffset}. It refuses to run while no code is installed, during a rewrite and after
     * close. Pass ctx as a slice of {@link #data()} (so close cannot unmap it mid-call) or as a plain
     * {@code MemorySegment.ofAddress} (which skips the shared-scope acquire on each call).
     */
    public MethodHandle entry(long textOffset, Linkage linkage) {
        var call = MethodHandles.insertArguments(linkage.unbound, 0, entryAddress(textOffset));
        return MethodHandles.guardWithTest(IS_RUNNABLE.bindTo(this), call, REFUSE.bindTo(this));
    }

    /** The address of the entry at textOffset, for {@link #UNGUARDED_CALL}. */
    public MemorySegment entryAddress(long textOffset) {
        if (textOffset < 0 || textOffset >= textSize) {
            throw new IllegalArgumentException("entry offset " + textOffset + " is outside the text area (0.." + (textSize - 1) + ")");
        }
        return MemorySegment.ofAddress(textAddress() + textOffset);
    }

    private boolean isRunnable() {
        return state == State.EXECUTABLE;
    }

    private void refuse(MemorySegment ctx) {
        throw new IllegalStateException(switch (state) {
            case CLOSED -> "cannot run probe code: the arena is closed";
            case WRITABLE -> "cannot run probe code: no code is installed, or the text is being rewritten";
            case EXECUTABLE -> "cannot run probe code: the arena changed state during the call";
        });
    }

    /** Unmaps the region; the data segment and every entry handle refuse use afterwards. */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        scope.close(); // throws while a downcall holds a data slice, before anything is unmapped
        state = State.CLOSED;
        try (var call = Arena.ofConfined()) {
            var errno = call.allocate(CAPTURE);
            int rc = (int) MUNMAP.invokeExact(errno, MemorySegment.ofAddress(mapAddress), mapSize);
            if (rc != 0) {
                throw new IllegalStateException("munmap of the arena at 0x" + Long.toHexString(base) + " failed: " + describe(errno));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("munmap downcall failed", t);
        }
    }

    private void protect(int prot) {
        try (var call = Arena.ofConfined()) {
            var errno = call.allocate(CAPTURE);
            int rc = (int) MPROTECT.invokeExact(errno, MemorySegment.ofAddress(base + dataSize), textSize, prot);
            if (rc != 0) {
                throw new IllegalStateException("mprotect of the arena's text to " + ((prot & PROT_EXEC) != 0 ? "r-x" : "rw-")
                        + " failed: " + describe(errno));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("mprotect downcall failed", t);
        }
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor, Linker.Option.captureCallState("errno"));
    }

    private static String describe(MemorySegment errnoState) {
        int errno = (int) ERRNO.get(errnoState, 0L);
        try {
            var message = (MemorySegment) STRERROR.invokeExact(errno);
            return message.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static long pageSize() {
        try {
            return (long) SYSCONF.invokeExact(SC_PAGESIZE);
        } catch (Throwable t) {
            throw new AssertionError("sysconf downcall failed", t);
        }
    }
}
