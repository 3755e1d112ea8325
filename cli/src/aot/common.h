// common.h: AOT training include: macros and conditionals.
#ifndef COMMON_H
#define COMMON_H
#define PERCPU_CURRENT 0x1fbc0
#ifdef NEVER
#error not reached
#endif
#endif
