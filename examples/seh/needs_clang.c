/* The driver of seh.needs_clang (CMakeLists.txt), built only by that test and only where kmdkit
 * has no structured exception handling (GCC, clang for x86). It holds exactly one __try, the
 * classic probe of a caller's buffer; the compile must stop with one error naming the clang
 * preset (kmdkit/seh_unavailable.h), and nothing else here may add a warning or an error. */
#include <kmdkit/kernel.h>

DRIVER_INITIALIZE DriverEntry;

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status = STATUS_DEVICE_CONFIGURATION_ERROR;

    UNREFERENCED_PARAMETER(DriverObject);
    __try {
        ProbeForRead(RegistryPath->Buffer, RegistryPath->Length, sizeof(WCHAR));
    } __except (Status = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
        return Status;
    }
    return Status;
}
