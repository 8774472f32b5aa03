/* The rest of MinGW's wdmsec.h, which maps these kernel routines to the WDK's static library
 * (WdmlibRtlInitUnicodeStringEx ...): both are ntoskrnl exports on every supported Windows
 * (7 SP1 up), so the library forms call them. Under Wine 8 IoValidateDeviceIoControlAccess is
 * an export that ends winedevice when called (a stub). */
#include "wdk_private.h"

#include <wdmsec.h>

#undef RtlInitUnicodeStringEx
#undef IoValidateDeviceIoControlAccess

NTSTATUS WdmlibRtlInitUnicodeStringEx(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    return RtlInitUnicodeStringEx(DestinationString, SourceString);
}

NTSTATUS WdmlibIoValidateDeviceIoControlAccess(PIRP Irp, ULONG RequiredAccess)
{
    return IoValidateDeviceIoControlAccess(Irp, RequiredAccess);
}
