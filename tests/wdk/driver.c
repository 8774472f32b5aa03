/*++

Module Name:

    driver.c

Abstract:

    wdktest: DriverEntry, the control device (made with IoCreateDeviceSecure), unload and the
    dispatch routines. IOCTL_WDKTEST_RUN runs one case of checks of kmdkit's WDK layer in the
    kernel; IOCTL_WDKTEST_SECURE makes one device with IoCreateDeviceSecure and reports the DACL
    it got (wdktest_ioctl.h). Built with POOL_NX_OPTIN=1 for every file (CMakeLists.txt), as a
    WDK project sets it in C_DEFINES.

--*/

#include "wdktest.h"

/* clang-format off */
DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD WdkTestUnload;

_Dispatch_type_(IRP_MJ_CREATE)
_Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH WdkTestCreateClose;

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH WdkTestDeviceControl;
/* clang-format on */

static const PCSTR WdkTestCaseNames[WdktestCaseCount] = {"pool", "runtime", "macros"};

_Use_decl_annotations_ NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject,
                                                  PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING ntName, dosName;
    PDEVICE_OBJECT deviceObject = NULL;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);

    //
    // Before any allocation: NonPagedPool becomes NonPagedPoolNx from Windows 8 on.
    //
    ExInitializeDriverRuntime(DrvRtPoolNxOptIn);

    RtlInitUnicodeString(&ntName, WDKTEST_DEVICE_NAME);
    status = IoCreateDeviceSecure(DriverObject, 0, &ntName, WDKTEST_DEVICE_TYPE,
                                  FILE_DEVICE_SECURE_OPEN, FALSE,
                                  &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R, NULL, &deviceObject);
    if (!NT_SUCCESS(status)) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "wdktest: DriverEntry: IoCreateDeviceSecure failed: 0x%08lx\n", status);
        return status;
    }

    RtlInitUnicodeString(&dosName, WDKTEST_LINK_NAME);
    status = IoCreateSymbolicLink(&dosName, &ntName);
    if (!NT_SUCCESS(status)) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "wdktest: DriverEntry: IoCreateSymbolicLink failed: 0x%08lx\n", status);
        IoDeleteDevice(deviceObject);
        return status;
    }

    DriverObject->MajorFunction[IRP_MJ_CREATE] = WdkTestCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = WdkTestCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = WdkTestDeviceControl;
    DriverObject->DriverUnload = WdkTestUnload;
    deviceObject->Flags &= ~DO_DEVICE_INITIALIZING;

    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
               "wdktest: DriverEntry: %ws ready (SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R), "
               "NonPagedPool is pool type %lu\n",
               WDKTEST_DEVICE_NAME, (ULONG)NonPagedPool);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_ VOID NTAPI WdkTestUnload(PDRIVER_OBJECT DriverObject)
{
    UNICODE_STRING dosName;

    PAGED_CODE();

    RtlInitUnicodeString(&dosName, WDKTEST_LINK_NAME);
    IoDeleteSymbolicLink(&dosName);
    if (DriverObject->DeviceObject != NULL) {
        IoDeleteDevice(DriverObject->DeviceObject);
    }
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "wdktest: DriverUnload: device deleted\n");
}

_Use_decl_annotations_ NTSTATUS NTAPI WdkTestCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);

    PAGED_CODE();

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

//
// IOCTL_WDKTEST_RUN: one case into a pool copy of the result (a WDKTEST_RESULT is too big for
// the kernel stack), copied out whole.
//
static NTSTATUS WdkTestRun(PIRP Irp, PIO_STACK_LOCATION IrpSp)
{
    WDKTEST_RUN run;
    WDKTEST_RESULT *result;

    if (IrpSp->Parameters.DeviceIoControl.InputBufferLength != sizeof(run)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (IrpSp->Parameters.DeviceIoControl.OutputBufferLength < sizeof(WDKTEST_RESULT)) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    RtlCopyMemory(&run, Irp->AssociatedIrp.SystemBuffer, sizeof(run));
    if (run.Case >= WdktestCaseCount) {
        return STATUS_INVALID_PARAMETER;
    }

    result = ExAllocatePoolZero(PagedPool, sizeof(*result), WDKTEST_TAG);
    if (result == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    result->Size = sizeof(*result);
    result->Case = run.Case;

    switch (run.Case) {
    case WdktestCasePool:
        WdkTestPool(result);
        break;
    case WdktestCaseRuntime:
        WdkTestRuntime(result);
        break;
    default:
        WdkTestMacros(result, Irp, run.Flags);
        break;
    }

    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
               "wdktest: case %s: %lu passed, %lu failed, %lu skipped\n",
               WdkTestCaseNames[run.Case], (ULONG)result->Passed, (ULONG)result->Failed,
               (ULONG)result->Skipped);
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, result, sizeof(*result));
    ExFreePoolWithTag(result, WDKTEST_TAG);
    Irp->IoStatus.Information = sizeof(WDKTEST_RESULT);
    return STATUS_SUCCESS;
}

//
// IOCTL_WDKTEST_SECURE: the input is copied before the shared buffer is written.
//
static NTSTATUS WdkTestSecureRequest(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                     PIO_STACK_LOCATION IrpSp)
{
    WDKTEST_SECURE_IN *in;
    NTSTATUS status = STATUS_SUCCESS;

    if (IrpSp->Parameters.DeviceIoControl.InputBufferLength != sizeof(WDKTEST_SECURE_IN)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (IrpSp->Parameters.DeviceIoControl.OutputBufferLength < sizeof(WDKTEST_SECURE_OUT)) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    in = ExAllocatePool2(POOL_FLAG_PAGED, sizeof(*in), WDKTEST_TAG);
    if (in == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(in, Irp->AssociatedIrp.SystemBuffer, sizeof(*in));
    if ((in->Constant >= WDKTEST_SDDL_COUNT && in->Constant != WDKTEST_SECURE_CUSTOM) ||
        in->Sddl[WDKTEST_SDDL_MAX - 1] != 0) {
        status = STATUS_INVALID_PARAMETER;
    } else {
        WdkTestSecure(DeviceObject->DriverObject, in, Irp->AssociatedIrp.SystemBuffer);
        Irp->IoStatus.Information = sizeof(WDKTEST_SECURE_OUT);
    }
    ExFreePoolWithTag(in, WDKTEST_TAG);
    return status;
}

_Use_decl_annotations_ NTSTATUS NTAPI WdkTestDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;

    PAGED_CODE();

    Irp->IoStatus.Information = 0;
    switch (irpSp->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_WDKTEST_RUN:
        status = WdkTestRun(Irp, irpSp);
        break;
    case IOCTL_WDKTEST_SECURE:
        status = WdkTestSecureRequest(DeviceObject, Irp, irpSp);
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }

    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

//
// The checks' bookkeeping.
//
static VOID WdkTestAdd(WDKTEST_RESULT *Result, ULONG Outcome, PCSTR Format, va_list Args)
{
    WDKTEST_CHECK *check;

    if (Outcome == WDKTEST_PASS) {
        Result->Passed++;
    } else if (Outcome == WDKTEST_FAIL) {
        Result->Failed++;
    } else if (Outcome == WDKTEST_SKIP) {
        Result->Skipped++;
    }
    if (Result->Count == WDKTEST_MAX_CHECKS) {
        //
        // No room to say it: a failure must still show.
        //
        if (Outcome == WDKTEST_FAIL) {
            check = &Result->Checks[WDKTEST_MAX_CHECKS - 1];
            check->Outcome = WDKTEST_FAIL;
            RtlStringCbCopyA(check->Text, sizeof(check->Text), "(more checks than room)");
        }
        return;
    }
    check = &Result->Checks[Result->Count++];
    check->Outcome = Outcome;
    RtlStringCbVPrintfA(check->Text, sizeof(check->Text), Format, Args);
}

VOID WdkTestCheck(WDKTEST_RESULT *Result, BOOLEAN Passed, PCSTR Format, ...)
{
    va_list args;

    va_start(args, Format);
    WdkTestAdd(Result, Passed ? WDKTEST_PASS : WDKTEST_FAIL, Format, args);
    va_end(args);
}

VOID WdkTestReport(WDKTEST_RESULT *Result, ULONG Outcome, PCSTR Format, ...)
{
    va_list args;

    va_start(args, Format);
    WdkTestAdd(Result, Outcome, Format, args);
    va_end(args);
}
