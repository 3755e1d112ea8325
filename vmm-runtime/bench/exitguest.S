/* exitguest: the smallest harness guest; every vCPU does OUTs to one port forever, so an exit costs only the monitor. */

        .section .text.entry, "ax"
        .globl _start
        .type   _start, @function
/* Started at CPL 3 (Harness's boot protocol, or exitloop.c's copy of it). EAX counts the OUTs so that a monitor
   can check that every exit is the next OUT of the loop and none was lost or repeated. */
_start:
        xor     %eax, %eax
1:      inc     %eax
        out     %eax, $0x80
        jmp     1b
        .size   _start, . - _start

        .text
/* The harness injects its timer at vector 0x20; this guest has nothing to do on a tick. */
        .globl isr_timer
        .type   isr_timer, @function
isr_timer:
        iretq
        .size   isr_timer, . - isr_timer

        .bss
        .balign 64
/* The harness points each vCPU's GS.base at its quarter of `cpus`; this guest never reads it. */
        .globl cpus
        .type   cpus, @object
        .size   cpus, 4 * 64
cpus:
        .skip   4 * 64

        .section .note.GNU-stack, "", @progbits
