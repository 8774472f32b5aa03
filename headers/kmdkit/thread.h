/* A system thread held by its object, started and stopped in one call each: the steps every
 * driver with a thread of its own writes around PsCreateSystemThread.
 *
 *   static KSTART_ROUTINE MyThread;   // loops until MyStop is set, then PsTerminateSystemThread
 *   static KEVENT MyStop;             // NotificationEvent, cleared before each start
 *   static PKTHREAD MyThreadObject;
 *
 *   Status = KmdStartSystemThread(MyThread, Context, &MyStop, &MyThreadObject);
 *   ...
 *   KmdStopSystemThread(&MyThreadObject, &MyStop);   // sets MyStop, waits, drops the object
 *
 * KmdStartSystemThread: PsCreateSystemThread (a kernel handle, System process), then the thread
 * object referenced by the handle (ObReferenceObjectByHandle, SYNCHRONIZE, PsThreadType looked
 * up with KmdLookUpObjectType) and the handle closed: a driver keeps the object, which
 * KeWaitForSingleObject/KeWaitForMultipleObjects take and which any thread may wait on.
 * On failure *Thread is NULL and the error is logged and returned: STATUS_PROCEDURE_NOT_FOUND
 * when the system does not export PsThreadType (nothing started), PsCreateSystemThread's error
 * (nothing started), or ObReferenceObjectByHandle's (not expected for a handle just made): the
 * thread did start, so StopEvent (if not NULL) is set and the thread waited for through its
 * handle before returning. A thread given a NULL StopEvent must end on its own.
 *
 * KmdStopSystemThread: sets StopEvent (if not NULL), waits until the thread has ended (the
 * driver's code may not be unloaded before), dereferences it and sets *Thread to NULL. A NULL
 * *Thread is ignored. Both at PASSIVE_LEVEL (code in PAGE). */
#ifndef KMDKIT_THREAD_H
#define KMDKIT_THREAD_H

#include <ntddk.h>

NTSTATUS NTAPI KmdStartSystemThread(PKSTART_ROUTINE StartRoutine, PVOID Context, PKEVENT StopEvent,
                                    PKTHREAD *Thread);

VOID NTAPI KmdStopSystemThread(PKTHREAD *Thread, PKEVENT StopEvent);

#endif
