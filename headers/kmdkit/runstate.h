/* One background activity (a periodic timer, worker threads, ...) that requests start and stop,
 * one request at a time: the state a START/STOP pair of IOCTLs shares, and its answers.
 *
 *   static KMD_RUN_STATE MyRun;            // zero: idle, no initialization needed
 *
 *   // IOCTL_MY_START                        // IOCTL_MY_STOP
 *   Status = KmdRunBeginStart(&MyRun);       Status = KmdRunBeginStop(&MyRun);
 *   if (!NT_SUCCESS(Status))                 if (!NT_SUCCESS(Status))
 *       return Status;                           return Status;
 *   ...start it; on failure:                 ...stop it, wait for it...
 *       KmdRunEnd(&MyRun, FALSE);            KmdRunEnd(&MyRun, FALSE);
 *   KmdRunEnd(&MyRun, TRUE);
 *
 *   idle --BeginStart--> changing --End(TRUE)--> running
 *   running --BeginStop--> changing --End(FALSE)--> idle   (End(FALSE) also after a failed start)
 *
 * KmdRunBeginStart: idle -> changing, else STATUS_DEVICE_BUSY (running already, or another
 * request is starting or stopping it). KmdRunBeginStop: running -> changing; idle:
 * STATUS_INVALID_DEVICE_STATE (not started); changing: STATUS_DEVICE_BUSY. Only the request that
 * began a change ends it (KmdRunEnd). Interlocked operations only: any IRQL. DriverUnload, where
 * no request runs any more, asks KmdRunIsRunning whether there is still something to stop. */
#ifndef KMDKIT_RUNSTATE_H
#define KMDKIT_RUNSTATE_H

#include <ntddk.h>

typedef struct _KMD_RUN_STATE {
    volatile LONG Value; /* the toolkit's: 0 idle, 1 changing, 2 running */
} KMD_RUN_STATE;

NTSTATUS NTAPI KmdRunBeginStart(KMD_RUN_STATE *State);
NTSTATUS NTAPI KmdRunBeginStop(KMD_RUN_STATE *State);
VOID NTAPI KmdRunEnd(KMD_RUN_STATE *State, BOOLEAN Running);
BOOLEAN NTAPI KmdRunIsRunning(const KMD_RUN_STATE *State);

#endif
