/* simplest: the smallest driver there is (KmdKit's Simplest). DriverEntry prints one line and
 * returns an error, so the system unloads the image at once: nothing to clean up, no unload
 * routine needed. STATUS_DEVICE_CONFIGURATION_ERROR reaches the caller of StartService as
 * ERROR_INVALID_PARAMETER (87). */
#include <ntddk.h>

#include <kmdkit/sections.h>

DRIVER_INITIALIZE DriverEntry;

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);

    DbgPrint("simplest: DriverEntry ran; returning STATUS_DEVICE_CONFIGURATION_ERROR\n");
    return STATUS_DEVICE_CONFIGURATION_ERROR;
}
