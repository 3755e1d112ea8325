/* minios workload: tasks that keep the console, the scheduler, the block and network devices busy forever. */
#include "minios.h"

static long sys(long nr, long a0, long a1, long a2) { return do_syscall(nr, a0, a1, a2); }

static void say(const char *fmt, long a, long b, long c) {
    char comm[16], line[128];
    sys(SYS_COMM, (long) comm, 0, 0);
    int n = format(line, sizeof line, "[%u] %s(%d): ", (u64) sys(SYS_UPTIME, 0, 0, 0), comm, sys(SYS_GETPID, 0, 0, 0));
    n += format(line + n, (int) sizeof line - n, fmt, a, b, c);
    if (n < (int) sizeof line - 1) line[n++] = '\n';
    sys(SYS_WRITE, 1, (long) line, n);
}

static void init_task(void) {
    for (long round = 0;; round++) {
        say("uptime %d ticks, round %d, %d tasks", sys(SYS_UPTIME, 0, 0, 0), round, MAX_TASKS);
        sys(SYS_SLEEP, 100, 0, 0);
    }
}

static void shell_task(void) {
    static const char *commands[] = { "ps", "uptime", "cat /etc/motd", "ls /" };
    for (long i = 0;; i++) {
        say("$ %s (ppid %d)", (long) commands[i % 4], sys(SYS_GETPPID, 0, 0, 0), 0);
        sys(SYS_SLEEP, 37, 0, 0);
    }
}

/* Writes a pattern to a sector range, reads it back and compares; counts what went wrong. Each round's time,
   measured with the MMIO clock, is posted back to it. */
static void diskio_task(void) {
    static u8 out[4096], in[4096];
    long ok = 0, bad = 0;
    for (long i = 0;; i++) {
        long sector = (i * 8) % 2048;
        for (int k = 0; k < 4096; k++) out[k] = (u8) (k * 7 + i);
        u64 start = clock_us();
        long w = sys(SYS_DISK_WRITE, sector, (long) out, 8);
        long r = sys(SYS_DISK_READ, sector, (long) in, 8);
        clock_report(clock_us() - start);
        if (w == 8 && r == 8 && memcmp(out, in, sizeof in) == 0) ok++;
        else bad++;
        if (i % 25 == 0) say("%d requests verified, %d failed, last sector %d", ok, bad, sector);
        sys(SYS_SLEEP, 2, 0, 0);
    }
}

/* Sends numbered frames to the loopback network and checks each echo. */
static void netd_task(void) {
    static u8 frame[256], echo[1514];
    long sent = 0, received = 0, mismatched = 0;
    for (long seq = 0;; seq++) {
        int len = format((char *) frame, sizeof frame, "frame %d from netd", seq);
        if (sys(SYS_NET_SEND, (long) frame, len, 0) == len) sent++;
        long got;
        while ((got = sys(SYS_NET_RECV, (long) echo, sizeof echo, 0)) > 0) {
            received++;
            if (got != len || memcmp(echo, frame, (u64) len) != 0) mismatched++;
        }
        if (seq % 40 == 0) say("sent %d, received %d, mismatched %d", sent, received, mismatched);
        sys(SYS_SLEEP, 3, 0, 0);
    }
}

/* CPU-bound: only the timer interrupt takes the CPU away from it. */
static void compute_task(void) {
    u64 x = 88172645463325252ul, rounds = 0;
    for (;;) {
        for (int i = 0; i < 2000000; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        rounds++;
        if (rounds % 64 == 0) say("%d rounds, state %x", (long) rounds, (long) (x & 0xffff), 0);
        if (rounds % 3 == 0) sys(SYS_YIELD, 0, 0, 0);
    }
}

void task_init_all(void) {
    struct task *init = spawn("init", init_task, 0);
    spawn("shell", shell_task, init);
    spawn("diskio", diskio_task, init);
    spawn("netd", netd_task, init);
    spawn("compute", compute_task, init);
}
