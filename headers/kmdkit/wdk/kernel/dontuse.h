/* kmdkit's dontuse.h for WDK-style drivers (kmd_add_driver(... WDK)).
 *
 * The WDK's dontuse.h marks C runtime string routines that cannot bound their output as
 * deprecated, so that a driver which includes it is warned at every use; the bounded
 * replacements are the RtlString* routines of ntstrsafe.h (RtlStringCbCopyW, RtlStringCchCatA,
 * RtlStringCbPrintfA, ...). This one does the same with the deprecated attribute of GCC and
 * clang (-Wdeprecated-declarations, on by default: a warning, not an error), for the routines
 * MinGW's string.h declares (wdm.h includes it) and, when <stdio.h> came first, sprintf and
 * vsprintf. Include it after wdm.h/ntddk.h/ntifs.h, as with the WDK. Left unmarked: the
 * _snprintf/_snwprintf family, which MinGW declares in forms (dllimport or inline) that a
 * second declaration cannot follow. */
#ifndef KMDKIT_WDK_DONTUSE_H
#define KMDKIT_WDK_DONTUSE_H

#include <string.h>

#define KMDKIT_DONTUSE(use) __attribute__((__deprecated__("banned by dontuse.h: use " use)))

KMDKIT_DONTUSE("RtlStringCbCopyA (ntstrsafe.h)")
char *__cdecl strcpy(char *Dest, const char *Source);
KMDKIT_DONTUSE("RtlStringCbCatA (ntstrsafe.h)")
char *__cdecl strcat(char *Dest, const char *Source);
KMDKIT_DONTUSE("RtlStringCbCopyNA (ntstrsafe.h)")
char *strncpy(char *Dest, const char *Source, size_t Count);
KMDKIT_DONTUSE("RtlStringCbCatNA (ntstrsafe.h)")
char *__cdecl strncat(char *Dest, const char *Source, size_t Count);
KMDKIT_DONTUSE("RtlStringCbCopyW (ntstrsafe.h)")
wchar_t *__cdecl wcscpy(wchar_t *Dest, const wchar_t *Source);
KMDKIT_DONTUSE("RtlStringCbCatW (ntstrsafe.h)")
wchar_t *__cdecl wcscat(wchar_t *Dest, const wchar_t *Source);
KMDKIT_DONTUSE("RtlStringCbCopyNW (ntstrsafe.h)")
wchar_t *wcsncpy(wchar_t *Dest, const wchar_t *Source, size_t Count);
KMDKIT_DONTUSE("RtlStringCbCatNW (ntstrsafe.h)")
wchar_t *wcsncat(wchar_t *Dest, const wchar_t *Source, size_t Count);

#if defined(_INC_STDIO) && !__USE_MINGW_ANSI_STDIO
KMDKIT_DONTUSE("RtlStringCbPrintfA (ntstrsafe.h)")
int __cdecl sprintf(char *Dest, const char *Format, ...);
KMDKIT_DONTUSE("RtlStringCbVPrintfA (ntstrsafe.h)")
int __cdecl vsprintf(char *Dest, const char *Format, va_list Args);
#endif

#undef KMDKIT_DONTUSE

#endif
