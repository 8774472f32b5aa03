/* Counted strings from literals, in the spirit of KmdKit's CCOUNTED_UNICODE_STRING macros: the
 * length is computed by the compiler, the text and the header live in read-only data.
 *
 *   KMD_UNICODE_STRING(DeviceName, L"\\Device\\MyDrv");      declares a const UNICODE_STRING
 *   IoCreateSymbolicLink(&Link, KMD_PUSTR(DeviceName));      ... passed where PUNICODE_STRING is
 *   UNICODE_STRING Name = KMD_CONST_UNICODE(L"\\Device\\X"); an initializer (any storage class)
 *   KMD_ANSI_STRING(Routine, "MmGetSystemRoutineAddress");   the same for ANSI_STRING
 *   ANSI_STRING A = KMD_CONST_ANSI("text");
 *   KMD_COUNTOF(Array)                                       number of elements of an array
 *
 * Length excludes the terminating NUL, MaximumLength includes it; the literal must be a literal
 * (sizeof is taken of it). KMD_PUSTR/KMD_PASTR cast the const away for the many kernel routines
 * that take PUNICODE_STRING but only read it: never pass them to a routine that writes. */
#ifndef KMDKIT_KSTRING_H
#define KMDKIT_KSTRING_H

#include <ntddk.h>

#define KMD_COUNTOF(Array) (sizeof(Array) / sizeof((Array)[0]))

#define KMD_CONST_UNICODE(Literal)                                                                 \
    {                                                                                              \
        (USHORT)(sizeof(Literal) - sizeof(WCHAR)), (USHORT)sizeof(Literal), (PWCH)(Literal)        \
    }
#define KMD_CONST_ANSI(Literal)                                                                    \
    {                                                                                              \
        (USHORT)(sizeof(Literal) - sizeof(CHAR)), (USHORT)sizeof(Literal), (PCHAR)(Literal)        \
    }

#define KMD_UNICODE_STRING(Name, Literal)                                                          \
    static const WCHAR Name##_Text[] = Literal;                                                    \
    static const UNICODE_STRING Name = KMD_CONST_UNICODE(Name##_Text)
#define KMD_ANSI_STRING(Name, Literal)                                                             \
    static const CHAR Name##_Text[] = Literal;                                                     \
    static const ANSI_STRING Name = KMD_CONST_ANSI(Name##_Text)

#define KMD_PUSTR(Name) ((PUNICODE_STRING) & (Name))
#define KMD_PASTR(Name) ((PANSI_STRING) & (Name))

#endif
