/* A driver a new user might write: it calls a kernel32 routine (GetTickCount), links because
 * the project adds LIBRARIES kernel32, and would never load on Windows. The lint (KPE004) must
 * stop the build before anything is signed or staged. */
#include <ntddk.h>

__declspec(dllimport) ULONG NTAPI GetTickCount(VOID);

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return GetTickCount() ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS;
}
