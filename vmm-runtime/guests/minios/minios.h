/* minios: the shared declarations of the kernel, its drivers and its workload tasks; also the monitor ABI. */
#ifndef MINIOS_H
#define MINIOS_H

/* The monitor ABI (dev.vp.vmm.devices.Ports mirrors these numbers). */
#define PORT_SERIAL   0x3f8  /* OUT bytes (rep outsb): console text, the monitor prints whole lines */
#define PORT_SERIAL_LSR 0x3fd /* IN: line status; bit 5 = ready for text */
#define PORT_IDLE     0x500  /* OUT: block this vCPU until its next interrupt */
#define PORT_PANIC    0x501  /* OUT32: address of a NUL-terminated message; the monitor stops the guest */
#define PORT_BLOCK    0x510  /* OUT32: address of a struct blk_req; completed before the OUT returns */
#define PORT_NET_TX   0x520  /* OUT32: address of a struct net_desc to send */
#define PORT_NET_RX   0x521  /* OUT32: address of a struct net_desc to fill; status 1 = a packet arrived */
#define TIMER_VECTOR  0x20
#define MMIO_CLOCK    0x3FE00000ul  /* MMIO: +0 read host microseconds, +8 write a measured latency */
#define MAX_CPUS      4      /* the monitor sets GS.base = &cpus[i]: stride = sizeof(cpus) / MAX_CPUS */
#define STACK_SIZE    8192
/* Offsets in struct cpu that the CPL-0 timer stub reads through GS (checked by _Static_assert in kernel.c). */
#define CPU_IRQ_ON      20
#define CPU_IRQ_PENDING 24

#ifndef __ASSEMBLER__

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;

struct blk_req {
    u32 op;         /* 0 read, 1 write */
    u32 id;
    u64 sector;
    u32 count;      /* 512-byte sectors */
    u32 status;     /* written by the device: 0 ok, else an error */
    u64 buf;
};

struct net_desc {
    u64 buf;
    u32 len;
    u32 status;
};

/* Tasks and CPUs. `current` is at offset 0 of struct cpu so that a probe reads it as *(GSBASE + 0). */
enum task_state { TASK_UNUSED, TASK_RUNNABLE, TASK_SLEEPING };

#define MAX_TASKS 16

struct task {
    int pid;
    char comm[16];
    struct task *parent;
    int state;
    int on_cpu;            /* set while a CPU runs it or is still switching away from it */
    int cpu_affinity;      /* -1: any CPU; idle tasks are pinned */
    u64 wake_at;           /* jiffies at which a sleeping task becomes runnable */
    u64 sp;                /* saved stack pointer while switched out */
    void (*fn)(void);
    u64 switches;
    u64 syscalls;
};

/*
 * Interrupt masking is done in software: CPL-3 code cannot clear IF on every KVM backend (cli/popfq fault or
 * are ignored), so the timer stub looks at irq_on and, when it is 0, only sets irq_pending; irq_enable runs
 * the deferred tick. All of it is per CPU through GS, so it holds even when a task migrates.
 */
struct cpu {
    struct task *current;
    struct cpu *self;
    int id;
    volatile int irq_on;
    volatile int irq_pending;
    struct task *prev;     /* the task being switched away from, released by finish_switch */
    u64 ticks;
    u64 idle_exits;
} __attribute__((aligned(64)));

extern struct cpu cpus[MAX_CPUS];
extern struct task tasks[MAX_TASKS];
extern volatile u64 jiffies;

static inline struct cpu *this_cpu(void) {
    struct cpu *c;
    __asm__ volatile("mov %%gs:8, %0" : "=r"(c));
    return c;
}

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port) : "memory"); }
static inline u64 clock_us(void) { return *(volatile u64 *) MMIO_CLOCK; }
static inline void clock_report(u64 v) { *(volatile u64 *) (MMIO_CLOCK + 8) = v; }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
/* Reading then clearing may straddle a migration, but only when irq_on was 1: the value is right either way. */
static inline u32 irq_save(void) {
    u32 old;
    __asm__ volatile("movl %%gs:%c1, %0; movl $0, %%gs:%c1" : "=&r"(old) : "i"(CPU_IRQ_ON) : "memory");
    return old;
}
void irq_enable(void);
static inline void irq_restore(u32 old) { if (old) irq_enable(); }

struct spinlock { volatile int v; };
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

/* System calls: every task-level service goes through do_syscall. */
enum {
    SYS_GETPID, SYS_GETPPID, SYS_WRITE, SYS_SLEEP, SYS_YIELD, SYS_UPTIME,
    SYS_DISK_READ, SYS_DISK_WRITE, SYS_NET_SEND, SYS_NET_RECV, SYS_COMM,
};
long do_syscall(long nr, long a0, long a1, long a2);

/* Small freestanding helpers. */
void *memset(void *d, int c, u64 n);
void *memcpy(void *d, const void *s, u64 n);
int memcmp(const void *a, const void *b, u64 n);
u64 strlen(const char *s);
/* Formats like a tiny printf: %d %u %x %s %c; returns the length written (truncates at cap). */
int format(char *out, int cap, const char *fmt, ...);
void panic(const char *msg) __attribute__((noreturn));

/* Kernel entry points used by the tasks file. */
struct task *spawn(const char *comm, void (*fn)(void), struct task *parent);
void task_init_all(void);

#endif /* __ASSEMBLER__ */

#endif
