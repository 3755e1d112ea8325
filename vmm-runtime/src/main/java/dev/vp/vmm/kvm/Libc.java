// The few libc functions the harness calls through FFM: open/close/ioctl/mmap, signals and pthread ids.
package dev.vp.vmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Thin downcalls; every call that can fail captures errno into a caller-owned segment (no allocation per call). */
public final class Libc {
    public static final int O_RDWR = 2, O_CLOEXEC = 0x80000;
    public static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public static final int MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
    public static final int EINTR = 4, EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL = downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO_OPTION);
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle SIGACTION = downcall("sigaction", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle PTHREAD_SELF = downcall("pthread_self", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle PTHREAD_KILL = downcall("pthread_kill", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SIGRTMIN = downcall("__libc_current_sigrtmin", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SCHED_GETCPU = downcall("sched_getcpu", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** A segment to receive errno; allocate one per thread that makes calls, once. */
    public static MemorySegment errnoSlot(Arena arena) { return arena.allocate(CAPTURE); }

    public static int errno(MemorySegment slot) { return (int) ERRNO.get(slot, 0L); }

    public static String describe(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    public static int open(MemorySegment slot, String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) OPEN.invokeExact(slot, arena.allocateFrom(path), flags);
        } catch (Throwable t) {
            throw new IllegalStateException("open downcall failed", t);
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        }
    }

    /** Returns the ioctl's result; -1 with errno in {@code slot} on failure. */
    public static int ioctl(MemorySegment slot, int fd, long request, long arg) {
        try {
            return (int) IOCTL.invokeExact(slot, fd, request, arg);
        } catch (Throwable t) {
            throw new IllegalStateException("ioctl downcall failed", t);
        }
    }

    /** Returns the mapping's address, or -1 (MAP_FAILED) with errno in {@code slot}. */
    public static long mmap(MemorySegment slot, long length, int prot, int flags, int fd, long offset) {
        try {
            return (long) MMAP.invokeExact(slot, 0L, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap downcall failed", t);
        }
    }

    public static void munmap(long address, long length) {
        try {
            int ignored = (int) MUNMAP.invokeExact(address, length);
        } catch (Throwable t) {
            throw new IllegalStateException("munmap downcall failed", t);
        }
    }

    public static int sigaction(int signal, MemorySegment act, MemorySegment old) {
        try {
            return (int) SIGACTION.invokeExact(signal, act, old);
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction downcall failed", t);
        }
    }

    public static long pthreadSelf() {
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("pthread_self downcall failed", t);
        }
    }

    public static int pthreadKill(long thread, int signal) {
        try {
            return (int) PTHREAD_KILL.invokeExact(thread, signal);
        } catch (Throwable t) {
            throw new IllegalStateException("pthread_kill downcall failed", t);
        }
    }

    /** The host CPU the calling thread runs on (PCPUID), or -1. */
    public static int schedGetcpu() {
        try {
            return (int) SCHED_GETCPU.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("sched_getcpu downcall failed", t);
        }
    }

    public static int sigrtmin() {
        try {
            return (int) SIGRTMIN.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("__libc_current_sigrtmin downcall failed", t);
        }
    }

}
