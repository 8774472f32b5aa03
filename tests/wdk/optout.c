/*++

Module Name:

    optout.c

Abstract:

    A file that keeps executable nonpaged pool (POOL_NX_OPTOUT, defined before the first
    #include) although the project sets POOL_NX_OPTIN: NonPagedPool stays NonPagedPoolExecute.

--*/

#define POOL_NX_OPTOUT 1

#include "wdktest.h"

ULONG WdkTestOptOutNonPagedPool(VOID)
{
    return (ULONG)NonPagedPool;
}
