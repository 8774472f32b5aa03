/* Three mistakes C lets through with a warning, each an error in a kmdkit driver build
 * (cmake/KmdKit.cmake): a call to a routine no header declares (its 64-bit pointer result would
 * be truncated to int), a variable-length array, and a frame larger than a page (stack probes
 * are off in the kernel, so it could step over the guard page). */
#include <ntddk.h>

VOID UseBuffer(PUCHAR Buffer, SIZE_T Size);

static VOID Vla(ULONG Count)
{
    UCHAR Items[Count];
    UseBuffer(Items, sizeof Items);
}

static VOID BigFrame(VOID)
{
    UCHAR Buffer[5000];
    UseBuffer(Buffer, sizeof Buffer);
}

VOID UseBuffer(PUCHAR Buffer, SIZE_T Size)
{
    RtlZeroMemory(Buffer, Size);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    PCHAR Name = PsGetProcessImageFileName(PsGetCurrentProcess());
    Vla(4);
    BigFrame();
    return Name ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
