/* minios kernel: per-CPU state, the task table, a preemptive round-robin scheduler, system calls and drivers. */
#include "minios.h"
#include <stdarg.h>
#include <stddef.h>

_Static_assert(offsetof(struct cpu, current) == 0, "probes read current at GS.base + 0");
_Static_assert(offsetof(struct cpu, irq_on) == CPU_IRQ_ON, "entry.S reads irq_on");
_Static_assert(offsetof(struct cpu, irq_pending) == CPU_IRQ_PENDING, "entry.S writes irq_pending");
/* The preload script vmm-runtime/src/main/resources/guests/minios.emt pins these offsets. */
_Static_assert(offsetof(struct task, pid) == 0 && offsetof(struct task, comm) == 4 && offsetof(struct task, parent) == 24
               && offsetof(struct task, state) == 32 && offsetof(struct task, on_cpu) == 36
               && offsetof(struct task, cpu_affinity) == 40 && offsetof(struct task, wake_at) == 48
               && offsetof(struct task, sp) == 56 && offsetof(struct task, fn) == 64 && offsetof(struct task, switches) == 72
               && offsetof(struct task, syscalls) == 80 && sizeof(struct task) == 88, "minios.emt pins struct task");
_Static_assert(offsetof(struct cpu, self) == 8 && offsetof(struct cpu, id) == 16 && offsetof(struct cpu, prev) == 32
               && offsetof(struct cpu, ticks) == 40 && offsetof(struct cpu, idle_exits) == 48, "minios.emt pins struct cpu");

struct cpu cpus[MAX_CPUS];
struct task tasks[MAX_TASKS];
/* The tick counter lives on a page of its own so that a monitor can watch writes to it (read-only slot). */
volatile u64 jiffies __attribute__((section(".data.watched"), aligned(4096)));
static u8 task_stacks[MAX_TASKS][STACK_SIZE] __attribute__((aligned(16)));
static struct spinlock sched_lock, console_lock;
static volatile int smp_ready;
static int next_pid = 1;
static u32 next_request_id;

void switch_to(u64 *save_sp, u64 new_sp);

void spin_lock(struct spinlock *l) {
    while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE))
        while (l->v) cpu_relax();
}

void spin_unlock(struct spinlock *l) { __atomic_store_n(&l->v, 0, __ATOMIC_RELEASE); }

void *memset(void *d, int c, u64 n) {
    u8 *p = d;
    while (n--) *p++ = (u8) c;
    return d;
}

void *memcpy(void *d, const void *s, u64 n) {
    u8 *p = d;
    const u8 *q = s;
    while (n--) *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, u64 n) {
    const u8 *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q) return *p - *q;
    return 0;
}

u64 strlen(const char *s) {
    u64 n = 0;
    while (s[n]) n++;
    return n;
}

static int put_number(char *out, int pos, int cap, u64 v, int base, int negative) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (negative && pos < cap) out[pos++] = '-';
    while (n && pos < cap) out[pos++] = digits[--n];
    return pos;
}

int format(char *out, int cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int pos = 0;
    cap--;
    for (; *fmt && pos < cap; fmt++) {
        if (*fmt != '%') { out[pos++] = *fmt; continue; }
        switch (*++fmt) {
        case 'd': { long v = va_arg(ap, long); pos = put_number(out, pos, cap, v < 0 ? -(u64) v : (u64) v, 10, v < 0); break; }
        case 'u': pos = put_number(out, pos, cap, va_arg(ap, u64), 10, 0); break;
        case 'x': pos = put_number(out, pos, cap, va_arg(ap, u64), 16, 0); break;
        case 'c': out[pos++] = (char) va_arg(ap, int); break;
        case 's': for (const char *s = va_arg(ap, const char *); *s && pos < cap; s++) out[pos++] = *s; break;
        case 0: fmt--; break;
        default: out[pos++] = *fmt; break;
        }
    }
    out[pos] = 0;
    va_end(ap);
    return pos;
}

/* One string OUT per call, under the console lock, so that lines from several vCPUs never interleave. */
static void console_write(const char *buf, u64 len) {
    u32 flags = irq_save();
    spin_lock(&console_lock);
    while (!(inb(PORT_SERIAL_LSR) & 0x20)) cpu_relax();
    __asm__ volatile("rep outsb" : "+S"(buf), "+c"(len) : "d"(PORT_SERIAL) : "memory");
    spin_unlock(&console_lock);
    irq_restore(flags);
}

void panic(const char *msg) {
    outl(PORT_PANIC, (u32) (u64) msg);
    for (;;) cpu_relax();
}

/* ---- scheduler ---- */

/* The incoming side of a switch: the previous task may now run elsewhere, and the lock taken by schedule drops.
   Out of line so that an execution probe on it sees every switch. */
__attribute__((noinline)) void finish_switch(void) {
    struct cpu *c = this_cpu();
    if (c->prev) c->prev->on_cpu = 0;
    c->prev = 0;
    spin_unlock(&sched_lock);
}

static int runnable_here(struct task *t, int cpu) {
    if (t->state == TASK_UNUSED || t->on_cpu) return 0;
    if (t->cpu_affinity >= 0 && t->cpu_affinity != cpu) return 0;
    if (t->state == TASK_SLEEPING) {
        if (jiffies < t->wake_at) return 0;
        t->state = TASK_RUNNABLE;
    }
    return 1;
}

/* Round-robin from the task after the current one; the CPU's idle task (pid 0) only when nothing else runs. */
static void schedule(void) {
    struct cpu *c = this_cpu();
    spin_lock(&sched_lock);
    struct task *prev = c->current, *next = 0, *idle = 0;
    int start = (int) (prev - tasks);
    for (int i = 1; i <= MAX_TASKS && !next; i++) {
        struct task *t = &tasks[(start + i) % MAX_TASKS];
        if (t == prev) {
            if (t->pid != 0 && t->state == TASK_RUNNABLE) next = t;
        } else if (runnable_here(t, c->id)) {
            if (t->pid == 0) idle = t;
            else next = t;
        }
    }
    if (!next) next = prev->state == TASK_RUNNABLE ? prev : idle;
    if (!next || next == prev) {
        spin_unlock(&sched_lock);
        return;
    }
    next->on_cpu = 1;
    next->switches++;
    c->current = next;
    c->prev = prev;
    switch_to(&prev->sp, next->sp);
    finish_switch();
}

/* A timer tick, with interrupts (soft-)disabled, on the interrupted task's stack. */
void timer_interrupt(void) {
    struct cpu *c = this_cpu();
    c->irq_pending = 0;
    c->ticks++;
    if (c->id == 0) jiffies++;
    schedule();
}

/* Turns interrupts back on, first running any tick that arrived while they were off. */
void irq_enable(void) {
    for (;;) {
        __asm__ volatile("movl $1, %%gs:%c0" :: "i"(CPU_IRQ_ON) : "memory");
        int pending;
        __asm__ volatile("movl %%gs:%c1, %0" : "=r"(pending) : "i"(CPU_IRQ_PENDING) : "memory");
        if (!pending) return;
        __asm__ volatile("movl $0, %%gs:%c0" :: "i"(CPU_IRQ_ON) : "memory");
        timer_interrupt();
    }
}

static void task_entry(void) {
    finish_switch();
    irq_enable();
    this_cpu()->current->fn();
    panic("a task function returned");
}

struct task *spawn(const char *comm, void (*fn)(void), struct task *parent) {
    for (int i = 0; i < MAX_TASKS; i++) {
        struct task *t = &tasks[i];
        if (t->state != TASK_UNUSED) continue;
        u64 *top = (u64 *) (task_stacks[i] + STACK_SIZE);
        top[-1] = 0;                  /* task_entry's return address: none */
        top[-2] = (u64) task_entry;   /* switch_to's ret */
        for (int r = 3; r <= 8; r++) top[-r] = 0;
        t->sp = (u64) &top[-8];
        t->pid = next_pid++;
        memcpy(t->comm, comm, strlen(comm) < 15 ? strlen(comm) + 1 : 15);
        t->parent = parent;
        t->cpu_affinity = -1;
        t->fn = fn;
        t->state = TASK_RUNNABLE;
        return t;
    }
    panic("task table full");
}

static void sleep_ticks(u64 ticks) {
    u32 flags = irq_save();
    struct task *t = this_cpu()->current;
    t->wake_at = jiffies + ticks;
    t->state = TASK_SLEEPING;
    schedule();
    irq_restore(flags);
}

static void yield(void) {
    u32 flags = irq_save();
    schedule();
    irq_restore(flags);
}

/* ---- drivers: one OUT of a descriptor address, completed by the device before the OUT returns ---- */

static long disk_io(u32 op, u64 sector, void *buf, u32 count) {
    struct blk_req req = { .op = op, .sector = sector, .count = count, .buf = (u64) buf, .status = 0xff,
                           .id = __atomic_add_fetch(&next_request_id, 1, __ATOMIC_RELAXED) };
    outl(PORT_BLOCK, (u32) (u64) &req);
    return req.status == 0 ? (long) count : -1;
}

static long net_io(u16 port, void *buf, u32 len) {
    struct net_desc d = { .buf = (u64) buf, .len = len, .status = 0 };
    outl(port, (u32) (u64) &d);
    if (port == PORT_NET_TX) return d.status == 0 ? (long) len : -1;
    return d.status == 1 ? (long) d.len : 0;
}

/* Every task-level service enters here: one out-of-line function, a patchable entry for probes. */
__attribute__((noinline)) long do_syscall(long nr, long a0, long a1, long a2) {
    struct task *t = this_cpu()->current;
    t->syscalls++;
    switch (nr) {
    case SYS_GETPID: return t->pid;
    case SYS_GETPPID: return t->parent ? t->parent->pid : 0;
    case SYS_WRITE: console_write((const char *) a1, (u64) a2); return a2;
    case SYS_SLEEP: sleep_ticks((u64) a0); return 0;
    case SYS_YIELD: yield(); return 0;
    case SYS_UPTIME: return (long) jiffies;
    case SYS_DISK_READ: return disk_io(0, (u64) a0, (void *) a1, (u32) a2);
    case SYS_DISK_WRITE: return disk_io(1, (u64) a0, (void *) a1, (u32) a2);
    case SYS_NET_SEND: return net_io(PORT_NET_TX, (void *) a0, (u32) a1);
    case SYS_NET_RECV: return net_io(PORT_NET_RX, (void *) a0, (u32) a1);
    case SYS_COMM: memcpy((void *) a0, t->comm, 16); return 0;
    default: return -1;
    }
}

/* Each vCPU arrives here from _start; vCPU 0 builds the task table, the others wait for it, then all idle. */
void kmain(long cpu) {
    struct cpu *c = &cpus[cpu];
    struct task *idle = &tasks[cpu];
    c->self = c;
    if (this_cpu() != c) panic("GS.base does not point at this vCPU's struct cpu");
    c->id = (int) cpu;
    if (cpu == 0) {
        for (int i = 0; i < MAX_CPUS; i++) {
            tasks[i].pid = 0;
            format(tasks[i].comm, 16, "idle/%d", (long) i);
            tasks[i].cpu_affinity = i;
            tasks[i].state = TASK_RUNNABLE;
        }
        task_init_all();
        static const char banner[] = "minios: booted, tasks ready\n";
        console_write(banner, sizeof banner - 1);
        __atomic_store_n(&smp_ready, 1, __ATOMIC_RELEASE);
    } else {
        while (!__atomic_load_n(&smp_ready, __ATOMIC_ACQUIRE)) cpu_relax();
    }
    idle->on_cpu = 1;
    c->current = idle;
    irq_enable();
    for (;;) {
        yield();
        c->idle_exits++;
        outb(PORT_IDLE, 0);
    }
}
