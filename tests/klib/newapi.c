/* klibtest_newapi: imports the routines of kmdkit_ntoskrnl_ext directly (Windows 10 2004+ only),
 * to check the import library: its import table must name ExAllocatePool2,
 * KeQuerySystemTimePrecise and MmMapIoSpaceEx from ntoskrnl.exe, undecorated on x86 too. */
#include <ntddk.h>

#include <kmdkit/kernel.h>

DRIVER_INITIALIZE DriverEntry;

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PHYSICAL_ADDRESS Zero = {.QuadPart = 0};
    LARGE_INTEGER Now;
    PVOID Block, Map;

    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    KeQuerySystemTimePrecise(&Now);
    Block = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, KMD_TAG('k', 'N', 'e', 'w'));
    if (Block != NULL)
        ExFreePoolWithTag(Block, KMD_TAG('k', 'N', 'e', 'w'));
    Map = MmMapIoSpaceEx(Zero, 0, PAGE_READWRITE | PAGE_NOCACHE); /* 0 bytes: always refused */
    if (Map != NULL)
        MmUnmapIoSpace(Map, 0);
    DbgPrint("klibtest_newapi: time %I64d\n", Now.QuadPart);
    return STATUS_DEVICE_CONFIGURATION_ERROR;
}
