/* exitloop: the minimal C KVM loop that the Java harness's cost per exit is compared with (same guest, same setup). */
/*
 * Usage: exitloop GUEST.elf [EXITS_PER_ROUND [ROUNDS]] [--no-sync-regs]
 *
 * Boots the guest ELF the way dev.vp.vmm.Harness does (identity page tables with U/S set, a GDT with user
 * segments and a TSS whose I/O bitmap allows every port, CPL 3 in 64-bit mode, RFLAGS 0x202, RDI 0,
 * KVM_SET_CPUID2 from KVM_GET_SUPPORTED_CPUID, KVM_CAP_SYNC_REGS for regs and sregs as the harness asks) on one
 * vCPU, then times ROUNDS rounds of EXITS_PER_ROUND KVM_RUN calls, each ending in the guest's next OUT. It does
 * nothing per exit but check it: that is the floor a monitor's exit loop can reach on this machine. No
 * interrupts are injected (the harness injects its 100 Hz timer; see README.md for what that costs).
 *
 * Prints one line per round and a summary line that ExitCost parses:
 *   exitloop: per-exit ns min M median D mean A rounds R exits N sync-regs on|off
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The running kernel may be newer than these headers; the harness checked these offsets on it (KVM-NOTES.md). */
_Static_assert(offsetof(struct kvm_run, kvm_valid_regs) == 288, "kvm_valid_regs offset");
_Static_assert(offsetof(struct kvm_run, s) == 304, "sync regs offset");

#define RAM_BYTES   (4ul << 20)
#define GDT         0x1000ul
#define IDT         0x2000ul
#define PML4        0x3000ul
#define PDPT        0x4000ul
#define PD          0x5000ul
#define TSS         0x10000ul
#define TSS_LIMIT   (0x68 + 0x2000)
#define IMAGE_BASE  0x100000ul
#define GUEST_PORT  0x80
#define USER_DS     (0x18 | 3)
#define USER_CS     (0x20 | 3)
#define TSS_SEL     (5 * 8)
#define MAX_VCPUS   4

static void die(const char *what) {
    fprintf(stderr, "exitloop: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void fail(const char *what) {
    fprintf(stderr, "exitloop: %s\n", what);
    exit(1);
}

static uint8_t *ram;

static void put64(uint64_t at, uint64_t v) { memcpy(ram + at, &v, 8); }
static void put16(uint64_t at, uint16_t v) { memcpy(ram + at, &v, 2); }

/* Loads the PT_LOAD segments of an ELF64 x86-64 executable into guest RAM; returns its entry. */
static uint64_t load_elf(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) die(path);
    struct stat st;
    if (fstat(fd, &st) != 0) die(path);
    uint8_t *file = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (file == MAP_FAILED) die(path);
    close(fd);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *) file;
    if ((size_t) st.st_size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64
        || eh->e_machine != EM_X86_64)
        fail("the guest is not an ELF64 x86-64 file (build it with vmm-runtime/bench/build.sh)");
    if (eh->e_phoff + (uint64_t) eh->e_phnum * sizeof(Elf64_Phdr) > (uint64_t) st.st_size) fail("the guest's program headers lie outside the file");
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *) (file + eh->e_phoff) + i;
        if (ph->p_type != PT_LOAD) continue;
        if (ph->p_vaddr < IMAGE_BASE || ph->p_memsz > RAM_BYTES - ph->p_vaddr || ph->p_filesz > ph->p_memsz
            || ph->p_offset + ph->p_filesz > (uint64_t) st.st_size)
            fail("a guest segment lies outside guest RAM or the file");
        memcpy(ram + ph->p_vaddr, file + ph->p_offset, ph->p_filesz);
        memset(ram + ph->p_vaddr + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
    }
    uint64_t entry = eh->e_entry;
    munmap(file, (size_t) st.st_size);
    return entry;
}

/* The tables of dev.vp.vmm.arch.LongMode: identity map with U/S at every level, kernel and user segments, a TSS. */
static void write_tables(void) {
    const uint64_t P = 1, RW = 2, US = 4, PS = 0x80;
    put64(PML4, PDPT | P | RW | US);
    put64(PDPT, PD | P | RW | US);
    for (uint64_t big = 0; big < RAM_BYTES >> 21; big++) put64(PD + 8 * big, (big << 21) | P | RW | US | PS);
    put64(GDT + 0x08, 0x00AF9A000000FFFFul);
    put64(GDT + 0x10, 0x00CF92000000FFFFul);
    put64(GDT + (USER_DS & ~3), 0x00CFF2000000FFFFul);
    put64(GDT + (USER_CS & ~3), 0x00AFFA000000FFFFul);
    put64(TSS + 4, 0x9000);                 /* RSP0: an interrupt stack below the image */
    put16(TSS + 102, 0x68);                 /* I/O map base: the all-zero bitmap follows the TSS */
    ram[TSS + TSS_LIMIT] = 0xff;
    put64(GDT + TSS_SEL, (TSS_LIMIT & 0xffff) | ((TSS & 0xffffff) << 16) | (0x89ul << 40)
                             | (((uint64_t) TSS_LIMIT >> 16 & 0xf) << 48) | ((TSS >> 24 & 0xff) << 56));
    put64(GDT + TSS_SEL + 8, TSS >> 32);
}

static struct kvm_segment segment(uint64_t base, uint32_t limit, uint16_t selector, uint8_t type, uint8_t dpl, uint8_t db,
                                  uint8_t s, uint8_t l, uint8_t g) {
    struct kvm_segment seg = {.base = base, .limit = limit, .selector = selector, .type = type, .present = 1,
                              .dpl = dpl, .db = db, .s = s, .l = l, .g = g};
    return seg;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

int main(int argc, char **argv) {
    const char *guest = NULL;
    long per_round = 20000, rounds = 15;
    int sync_regs = 1, positional = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-sync-regs") == 0) sync_regs = 0;
        else if (positional == 0) { guest = argv[i]; positional++; }
        else if (positional == 1) { per_round = strtol(argv[i], NULL, 10); positional++; }
        else if (positional == 2) { rounds = strtol(argv[i], NULL, 10); positional++; }
        else fail("usage: exitloop GUEST.elf [EXITS_PER_ROUND [ROUNDS]] [--no-sync-regs]");
    }
    if (guest == NULL || per_round < 1 || rounds < 1) fail("usage: exitloop GUEST.elf [EXITS_PER_ROUND [ROUNDS]] [--no-sync-regs]");

    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("/dev/kvm");
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) die("KVM_CREATE_VM");
    ram = mmap(NULL, RAM_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) die("guest RAM");
    struct kvm_userspace_memory_region region = {.slot = 0, .guest_phys_addr = 0, .memory_size = RAM_BYTES,
                                                 .userspace_addr = (uint64_t) ram};
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) != 0) die("KVM_SET_USER_MEMORY_REGION");
    uint64_t entry = load_elf(guest);
    write_tables();

    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0) die("KVM_CREATE_VCPU");
    int mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (mmap_size < (int) sizeof(struct kvm_run)) die("KVM_GET_VCPU_MMAP_SIZE");
    struct kvm_run *run = mmap(NULL, (size_t) mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) die("mmap kvm_run");

    int nent = 256;
    struct kvm_cpuid2 *cpuid = calloc(1, sizeof *cpuid + nent * sizeof(struct kvm_cpuid_entry2));
    if (cpuid == NULL) fail("out of memory");
    cpuid->nent = (uint32_t) nent;
    if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) != 0) die("KVM_GET_SUPPORTED_CPUID");
    if (ioctl(vcpu, KVM_SET_CPUID2, cpuid) != 0) die("KVM_SET_CPUID2");

    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) != 0) die("KVM_GET_SREGS");
    sregs.cs = segment(0, 0xfffff, USER_CS, 11, 3, 0, 1, 1, 1);
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = segment(0, 0xfffff, USER_DS, 3, 3, 1, 1, 0, 1);
    sregs.tr = segment(TSS, TSS_LIMIT, TSS_SEL, 11, 0, 0, 0, 0, 0);
    sregs.gdt.base = GDT;
    sregs.gdt.limit = (uint16_t) ((5 + 2 * MAX_VCPUS) * 8 - 1);
    sregs.idt.base = IDT;
    sregs.idt.limit = 256 * 16 - 1;
    sregs.cr0 = 0x80010033;
    sregs.cr3 = PML4;
    sregs.cr4 = 0x620;
    sregs.efer = 0xD00;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) != 0) die("KVM_SET_SREGS");
    struct kvm_regs regs = {.rip = entry, .rdi = 0, .rflags = 0x202};
    if (ioctl(vcpu, KVM_SET_REGS, &regs) != 0) die("KVM_SET_REGS");
    if (sync_regs) {
        if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) <= 0) fail("KVM_CAP_SYNC_REGS is not supported here");
        run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
    }

    uint32_t expected = 0;
    long warmup = per_round;
    double *per_exit = calloc((size_t) rounds, sizeof *per_exit);
    if (per_exit == NULL) fail("out of memory");
    for (long r = -1; r < rounds; r++) {
        long n = r < 0 ? warmup : per_round;
        double t0 = now_ns();
        for (long i = 0; i < n; i++) {
            if (ioctl(vcpu, KVM_RUN, 0) != 0) {
                if (errno == EINTR || errno == EAGAIN) { i--; continue; }
                die("KVM_RUN");
            }
            if (run->exit_reason != KVM_EXIT_IO || run->io.port != GUEST_PORT || run->io.direction != KVM_EXIT_IO_OUT) {
                fprintf(stderr, "exitloop: unexpected exit: reason %u port 0x%x at RIP 0x%llx\n", run->exit_reason,
                        run->io.port, (unsigned long long) run->s.regs.regs.rip);
                return 1;
            }
            uint32_t value;
            memcpy(&value, (uint8_t *) run + run->io.data_offset, 4);
            if (value != ++expected) {
                fprintf(stderr, "exitloop: the guest's OUT #%u arrived as #%u: an exit was lost or repeated\n", expected, value);
                return 1;
            }
        }
        double t1 = now_ns();
        if (r < 0) continue;
        per_exit[r] = (t1 - t0) / (double) n;
        printf("exitloop: round %ld: %ld exits, %.0f ns per exit\n", r + 1, n, per_exit[r]);
    }
    double sum = 0;
    for (long r = 0; r < rounds; r++) sum += per_exit[r];
    qsort(per_exit, (size_t) rounds, sizeof *per_exit, cmp_double);
    printf("exitloop: per-exit ns min %.0f median %.0f mean %.0f rounds %ld exits %ld sync-regs %s\n", per_exit[0],
           per_exit[rounds / 2], sum / (double) rounds, rounds, per_round, sync_regs ? "on" : "off");
    free(per_exit);
    free(cpuid);
    munmap(run, (size_t) mmap_size);
    close(vcpu);
    close(vm);
    close(kvm);
    munmap(ram, RAM_BYTES);
    return 0;
}
