/* KmdStartSystemThread/KmdStopSystemThread: a system thread held by its object. */
#include <ntifs.h>

#include <kmdkit/kernel.h>

KMD_PAGED NTSTATUS NTAPI KmdStartSystemThread(PKSTART_ROUTINE StartRoutine, PVOID Context,
                                              PKEVENT StopEvent, PKTHREAD *Thread)
{
    OBJECT_ATTRIBUTES Attributes;
    POBJECT_TYPE ThreadType;
    HANDLE Handle;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    *Thread = NULL;
    ThreadType = KmdLookUpObjectType(L"PsThreadType");
    if (ThreadType == NULL) {
        KmdLogError("PsThreadType is not exported");
        return STATUS_PROCEDURE_NOT_FOUND;
    }
    InitializeObjectAttributes(&Attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    Status = PsCreateSystemThread(&Handle, THREAD_ALL_ACCESS, &Attributes, NULL, NULL, StartRoutine,
                                  Context);
    if (!NT_SUCCESS(Status)) {
        KmdLogError("PsCreateSystemThread failed: 0x%08lx", (ULONG)Status);
        return Status;
    }
    Status = ObReferenceObjectByHandle(Handle, SYNCHRONIZE, ThreadType, KernelMode, (PVOID *)Thread,
                                       NULL);
    if (!NT_SUCCESS(Status)) {
        /* The thread runs the caller's code with the caller's Context: let it end first. */
        KmdLogError("ObReferenceObjectByHandle failed: 0x%08lx", (ULONG)Status);
        *Thread = NULL;
        if (StopEvent != NULL)
            KeSetEvent(StopEvent, IO_NO_INCREMENT, FALSE);
        ZwWaitForSingleObject(Handle, FALSE, NULL);
    }
    ZwClose(Handle);
    return Status;
}

KMD_PAGED VOID NTAPI KmdStopSystemThread(PKTHREAD *Thread, PKEVENT StopEvent)
{
    KMD_PAGED_CODE();
    if (*Thread == NULL)
        return;
    if (StopEvent != NULL)
        KeSetEvent(StopEvent, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(*Thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(*Thread);
    *Thread = NULL;
}
