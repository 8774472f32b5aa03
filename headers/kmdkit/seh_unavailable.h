/* Force-included by cmake/KmdKit.cmake where the compiler has no structured exception handling:
 * MinGW-w64 GCC (any architecture) and clang for x86 (clang-19 has no SEH for
 * i686-w64-windows-gnu). Without it GCC answers a __try with a cascade of unrelated errors and
 * clang for x86 with an assembler failure. Here a __try stops the compile with one error that
 * names the way out; the rest of the block still parses, so nothing else is reported.
 * A kernel driver must never fall back to "no handler": a fault the code meant to catch would
 * bug-check the machine. */
#ifndef KMDKIT_SEH_UNAVAILABLE_H
#define KMDKIT_SEH_UNAVAILABLE_H

/* _Pragma takes one string literal: the message cannot be split across lines. */
/* clang-format off */
#define __try                                                                                      \
    _Pragma("GCC error \"__try needs structured exception handling, which only kmdkit's x64 clang toolchain has: configure with --preset x64-clang (-DKMDKIT_COMPILER=clang)\"") if (1)
/* The filter may be a comma expression: a variadic macro takes it whole. */
#define __except(...) else if (((void)(__VA_ARGS__), 0))
#define __finally     if (1)
#define __leave       ((void)0)
/* clang-format on */
/* clang knows excpt.h's _exception_code & co. as SEH builtins, valid only inside a real __except:
 * rename them to plain (never defined) functions so they raise no second error. */
#if defined(__clang__)
#define _exception_code _kmd_no_seh_exception_code
#define _exception_info _kmd_no_seh_exception_info
#define _abnormal_termination _kmd_no_seh_abnormal_termination
#endif

#endif
