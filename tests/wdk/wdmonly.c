/*++

Module Name:

    wdmonly.c

Abstract:

    A file that includes wdm.h alone, as WDM function drivers do: the WDK layer must work on it
    (POOL_NX_OPTIN, the ExAllocatePoolZero family, ntstrsafe). Returns NonPagedPool as this file
    sees it, or MAXULONG when the allocation failed.

--*/

#include <wdm.h>
#include <ntstrsafe.h>

ULONG WdkTestWdmOnly(VOID);

ULONG WdkTestWdmOnly(VOID)
{
    PCHAR text = ExAllocatePoolZero(NonPagedPool, 16, 'tKdW');
    NTSTATUS status;

    if (text == NULL) {
        return MAXULONG;
    }
    status = RtlStringCbCopyA(text, 16, "wdm.h");
    ExFreePoolWithTag(text, 'tKdW');
    return NT_SUCCESS(status) ? (ULONG)NonPagedPool : MAXULONG;
}
