/* Logging over DbgPrintEx(DPFLTR_IHVDRIVER_ID, level, ...), each line prefixed with the driver's
 * name (KmdLibInitialize) and ended with a newline:
 *
 *   KmdLogError("open %ws failed: 0x%08lx", Name, (ULONG)Status);
 *   prints "mydrv: open \??\C:\x failed: 0xc0000034"
 *
 *   KmdLogError    DPFLTR_ERROR_LEVEL    always compiled in; Windows shows it by default
 *   KmdLogWarning  DPFLTR_WARNING_LEVEL  always compiled in
 *   KmdLogPrint    DPFLTR_INFO_LEVEL     always compiled in (what DbgPrint is used for)
 *   KmdLogInfo     DPFLTR_INFO_LEVEL     debug build only (DBG=1, preset x64-debug)
 *   KmdLogVerbose  DPFLTR_TRACE_LEVEL    debug build only
 * On Windows (Vista and later) only ERROR level is shown by default; to see the others set
 * HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Debug Print Filter\IHVDRIVER (DWORD)
 * to 0xF, or `ed nt!Kd_IHVDRIVER_Mask 0xf` in WinDbg. Wine prints every level.
 *
 * Strings: %s (char *), %ws (wchar_t *) and %.*ws with KMD_USTR_ARG(&UnicodeString).
 * Do not use %wZ: Wine's DbgPrint does not support it and shifts every later argument.
 * DbgPrintEx formats at any IRQL, but %ws/%wZ of paged strings only at PASSIVE_LEVEL. */
#ifndef KMDKIT_LOG_H
#define KMDKIT_LOG_H

#include <ntddk.h>

#include <kmdkit/klib.h>

#define KmdLog(Level, Format, ...)                                                                 \
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, (Level), "%s: " Format "\n", KmdLibPrefix(), ##__VA_ARGS__)

#define KmdLogError(Format, ...) KmdLog(DPFLTR_ERROR_LEVEL, Format, ##__VA_ARGS__)
#define KmdLogWarning(Format, ...) KmdLog(DPFLTR_WARNING_LEVEL, Format, ##__VA_ARGS__)
#define KmdLogPrint(Format, ...) KmdLog(DPFLTR_INFO_LEVEL, Format, ##__VA_ARGS__)

#if DBG
#define KmdLogInfo(Format, ...) KmdLog(DPFLTR_INFO_LEVEL, Format, ##__VA_ARGS__)
#define KmdLogVerbose(Format, ...) KmdLog(DPFLTR_TRACE_LEVEL, Format, ##__VA_ARGS__)
#else
#define KmdLogInfo(Format, ...)                                                                    \
    do {                                                                                           \
    } while (0)
#define KmdLogVerbose(Format, ...)                                                                 \
    do {                                                                                           \
    } while (0)
#endif

/* The two arguments "%.*ws" takes for a PCUNICODE_STRING: its Length in characters, and Buffer. */
#define KMD_USTR_ARG(UnicodeString)                                                                \
    (int)((UnicodeString)->Length / sizeof(WCHAR)), (UnicodeString)->Buffer

#endif
