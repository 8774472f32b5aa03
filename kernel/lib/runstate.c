/* KmdRunBeginStart/KmdRunBeginStop/KmdRunEnd: the state of an activity requests start and stop.
 * Not paged: callers may hold a spin lock. */
#include <ntddk.h>

#include <kmdkit/kernel.h>

enum { KmdRunIdle, KmdRunChanging, KmdRunRunning };

NTSTATUS NTAPI KmdRunBeginStart(KMD_RUN_STATE *State)
{
    if (InterlockedCompareExchange(&State->Value, KmdRunChanging, KmdRunIdle) != KmdRunIdle)
        return STATUS_DEVICE_BUSY;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI KmdRunBeginStop(KMD_RUN_STATE *State)
{
    LONG Seen = InterlockedCompareExchange(&State->Value, KmdRunChanging, KmdRunRunning);

    if (Seen == KmdRunIdle)
        return STATUS_INVALID_DEVICE_STATE;
    if (Seen != KmdRunRunning)
        return STATUS_DEVICE_BUSY;
    return STATUS_SUCCESS;
}

VOID NTAPI KmdRunEnd(KMD_RUN_STATE *State, BOOLEAN Running)
{
    InterlockedExchange(&State->Value, Running ? KmdRunRunning : KmdRunIdle);
}

BOOLEAN NTAPI KmdRunIsRunning(const KMD_RUN_STATE *State)
{
    return State->Value == KmdRunRunning;
}
