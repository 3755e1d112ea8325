/* minios entry code: boot, the CPL-0 timer stub (a dozen instructions), its CPL-3 continuation, and the task switch. */
#include "minios.h"

        .section .text.entry, "ax"
        .globl _start
        .type   _start, @function
/* The monitor starts every vCPU here at CPL 3 with RDI = vCPU index, IF = 1, GS.base = &cpus[index]; interrupts
   stay deferred (struct cpu.irq_on = 0, zeroed memory) until kmain calls irq_enable. */
_start:
        mov     %rdi, %rax
        inc     %rax
        imul    $STACK_SIZE, %rax
        lea     boot_stacks(%rax), %rsp
        xor     %ebp, %ebp
        call    kmain
1:      jmp     1b

        .text
/*
 * Timer interrupt, CPL 0, on TSS.RSP0 with the frame RIP, CS, RFLAGS, RSP, SS. Ring 0 is emulated on some
 * hosts (~1-2 us per instruction), so this only defers the tick when interrupts are soft-disabled, or else
 * pushes the interrupted RIP and RFLAGS onto the interrupted CPL-3 stack, soft-disables interrupts and
 * iretq's to timer_user, which returns to the interrupted code with popfq; ret.
 */
        .globl isr_timer
        .type   isr_timer, @function
isr_timer:
        cmpl    $0, %gs:CPU_IRQ_ON
        jne     1f
        movl    $1, %gs:CPU_IRQ_PENDING
        iretq
1:      movl    $0, %gs:CPU_IRQ_ON
        push    %rax
        push    %rcx
        mov     16+24(%rsp), %rax               /* interrupted RSP */
        mov     16+0(%rsp), %rcx                /* interrupted RIP */
        mov     %rcx, -8(%rax)
        mov     16+16(%rsp), %rcx               /* interrupted RFLAGS */
        mov     %rcx, -16(%rax)
        sub     $16, %rax
        mov     %rax, 16+24(%rsp)
        movq    $timer_user, 16+0(%rsp)
        pop     %rcx
        pop     %rax
        iretq

/* CPL 3, interrupts soft-disabled, stack: RFLAGS, RIP of the interrupted code. Saves the caller-saved registers;
   the callee-saved ones are kept by the C code and by switch_to. */
        .globl timer_user
        .type   timer_user, @function
timer_user:
        push    %rax
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbp
        mov     %rsp, %rbp
        and     $-16, %rsp
        cld
        call    timer_interrupt
        call    irq_enable
        mov     %rbp, %rsp
        pop     %rbp
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rax
        popfq
        ret

/* void switch_to(u64 *save_sp, u64 new_sp): saves the callee-saved registers on this stack and resumes another. */
        .globl switch_to
        .type   switch_to, @function
switch_to:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, (%rdi)
        mov     %rsi, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret

        .bss
        .balign 4096
        .globl boot_stacks
        .type   boot_stacks, @object
        .size   boot_stacks, MAX_CPUS * STACK_SIZE
boot_stacks:
        .skip   MAX_CPUS * STACK_SIZE

        .section .note.GNU-stack, "", @progbits
