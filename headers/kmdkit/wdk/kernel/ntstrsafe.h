/* kmdkit's ntstrsafe.h for WDK-style drivers (kmd_add_driver(... WDK)): MinGW-w64's, with its
 * routines made static to each source file.
 *
 * MinGW's ntstrsafe.h defines every RtlString* routine as `extern __inline`, which C99 makes an
 * external definition in each file that includes it: a driver with two such files fails to link
 * ("multiple definition of RtlStringCbCopyW"), and at -O0 (the Debug build) the bodies are left
 * out for a library MinGW does not ship (undefined references). The WDK's are inline and may be
 * included everywhere. Here they are `static __inline` at every optimisation level: MinGW's
 * -O0 switch (__CRT__NO_INLINE) is hidden while the header is processed, and its linkage
 * `_STRSAFE_EXTERN_C`, defined as `extern`, is read as `static`. The header's own includes come
 * first, so nothing else sees either. Routines a file does not call cost nothing. */
#ifndef KMDKIT_WDK_NTSTRSAFE_H
#define KMDKIT_WDK_NTSTRSAFE_H

#include <_mingw_unicode.h>
#include <stdio.h>
#include <string.h>
#include <stdarg.h>
#include <specstrings.h>

#pragma push_macro("__CRT__NO_INLINE")
#pragma push_macro("extern")
#undef __CRT__NO_INLINE
#undef extern
#define extern static
#include_next <ntstrsafe.h>
#pragma pop_macro("extern")
#pragma pop_macro("__CRT__NO_INLINE")

#endif
