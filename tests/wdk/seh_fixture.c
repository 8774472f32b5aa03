/* A WDK-style routine with the WDK's SEH spellings (try/except, try/finally/leave): with clang
 * for x64 it compiles to real SEH; elsewhere each `try` must stop the compile with exactly one
 * error naming the clang preset, and nothing else may be reported (test wdk.seh_spellings). */
#include <ntddk.h>

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DriverObject);

    /* clang-format off */
    try {
        ProbeForRead(RegistryPath->Buffer, RegistryPath->Length, sizeof(WCHAR));
    } except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    /* clang-format on */

    try {
        if (!NT_SUCCESS(status)) {
            leave;
        }
        status = STATUS_DEVICE_CONFIGURATION_ERROR; // unload at once
    } finally {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "wdktest_seh: 0x%08lx\n", status);
    }
    return status;
}
