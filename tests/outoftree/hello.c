/* A minimal driver of an out-of-tree project: loads, prints, unloads. */
#include <ntddk.h>

static VOID NTAPI HelloUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    DbgPrint("hello: unloaded\n");
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    ULONG Tag = 'olEH'; /* multi-character constants, as pool tags are written */
    DbgPrint("hello: loaded (tag %.4s)\n", (char *)&Tag);
    DriverObject->DriverUnload = HelloUnload;
    return STATUS_SUCCESS;
}
