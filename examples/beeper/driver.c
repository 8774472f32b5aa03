/* beeper: KmdKit's Beeper, on request instead of at load time. An IOCTL carries a frequency and
 * a duration; the driver sounds the PC speaker either by programming the timer chip itself
 * through the HAL's port routines (IOCTL_BEEPER_PORTS) or by asking the HAL (IOCTL_BEEPER_HAL,
 * HalMakeBeep), and waits with KeDelayExecutionThread (never KeStallExecutionProcessor, which
 * spins the processor). Contract: beeper_ioctl.h. */
#include <ntddk.h>

#include <kmdkit/kernel.h>
#include "beeper_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD BeeperUnload;

/* hal.dll exports it, but MinGW's ntddk.h declares it only for legacy drivers, which its wdm.h
 * rules out (NO_LEGACY_DRIVERS). */
NTHALAPI BOOLEAN NTAPI HalMakeBeep(ULONG Frequency);

/* The 8254 programmable interval timer: channel 2 drives the speaker. */
#define PIT_CLOCK_HZ 1193182
#define PIT_CHANNEL2_PORT ((PUCHAR)0x42)
#define PIT_COMMAND_PORT ((PUCHAR)0x43)
#define PIT_CHANNEL2_SQUARE_WAVE 0xB6 /* channel 2, low byte then high byte, mode 3, binary */
/* The system control port B: bit 0 gates timer 2, bit 1 connects it to the speaker. */
#define SYSTEM_CONTROL_PORT ((PUCHAR)0x61)
#define SPEAKER_ON_BITS 0x03

static PDEVICE_OBJECT BeeperDevice;
/* One beep at a time: the speaker is one device shared by every caller. */
static FAST_MUTEX BeeperLock;

static VOID BeeperWait(ULONG Milliseconds)
{
    LARGE_INTEGER Interval;

    Interval.QuadPart = -(LONGLONG)Milliseconds * 10000; /* relative, 100 ns units */
    KeDelayExecutionThread(KernelMode, FALSE, &Interval);
}

/* What KmdKit's Beeper did with in/out: load the divisor into timer 2, switch the speaker on,
 * wait, switch it off. WRITE_PORT_UCHAR/READ_PORT_UCHAR are intrinsics on x64 and HAL routines
 * on x86. */
static NTSTATUS BeeperThroughPorts(ULONG Frequency, ULONG DurationMs)
{
    USHORT Divisor = (USHORT)(PIT_CLOCK_HZ / Frequency); /* 37 Hz -> 32247, fits */
    UCHAR Control;

    WRITE_PORT_UCHAR(PIT_COMMAND_PORT, PIT_CHANNEL2_SQUARE_WAVE);
    WRITE_PORT_UCHAR(PIT_CHANNEL2_PORT, (UCHAR)(Divisor & 0xFF));
    WRITE_PORT_UCHAR(PIT_CHANNEL2_PORT, (UCHAR)(Divisor >> 8));
    Control = READ_PORT_UCHAR(SYSTEM_CONTROL_PORT);
    WRITE_PORT_UCHAR(SYSTEM_CONTROL_PORT, Control | SPEAKER_ON_BITS);
    BeeperWait(DurationMs);
    Control = READ_PORT_UCHAR(SYSTEM_CONTROL_PORT);
    WRITE_PORT_UCHAR(SYSTEM_CONTROL_PORT, Control & ~SPEAKER_ON_BITS);
    return STATUS_SUCCESS;
}

/* The HAL owns the timer chip on Windows: HalMakeBeep(Frequency) starts, HalMakeBeep(0) stops. */
static NTSTATUS BeeperThroughHal(ULONG Frequency, ULONG DurationMs)
{
    if (!HalMakeBeep(Frequency))
        return STATUS_UNSUCCESSFUL;
    BeeperWait(DurationMs);
    HalMakeBeep(0);
    return STATUS_SUCCESS;
}

/* IOCTL_BEEPER_PORTS and IOCTL_BEEPER_HAL: exactly one BEEPER_REQUEST in (the table checks the
 * size); the ranges are checked here, before the first port is touched. */
static NTSTATUS BeeperBeep(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    const BEEPER_REQUEST *Request = Io->In;
    BOOLEAN Hal = Io->Code == IOCTL_BEEPER_HAL;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Info); /* nothing comes back */
    if (Request->Frequency < BEEPER_MIN_FREQUENCY || Request->Frequency > BEEPER_MAX_FREQUENCY ||
        Request->DurationMs < BEEPER_MIN_DURATION || Request->DurationMs > BEEPER_MAX_DURATION) {
        KmdLogWarning("refused: %u Hz for %u ms (allowed %u..%u Hz, %u..%u ms)", Request->Frequency,
                      Request->DurationMs, BEEPER_MIN_FREQUENCY, BEEPER_MAX_FREQUENCY,
                      BEEPER_MIN_DURATION, BEEPER_MAX_DURATION);
        return STATUS_INVALID_PARAMETER;
    }
    KmdLogPrint("beep %u Hz for %u ms through %s", Request->Frequency, Request->DurationMs,
                Hal ? "HalMakeBeep" : "the timer chip ports");
    ExAcquireFastMutex(&BeeperLock); /* APC_LEVEL: KeDelayExecutionThread is allowed there */
    if (Hal)
        Status = BeeperThroughHal(Request->Frequency, Request->DurationMs);
    else
        Status = BeeperThroughPorts(Request->Frequency, Request->DurationMs);
    ExReleaseFastMutex(&BeeperLock);
    return Status;
}

static const KMD_IOCTL BeeperIoctls[] = {
    /* Code, MinIn, MaxIn (exactly one request), MinOut, Handler */
    {IOCTL_BEEPER_PORTS, sizeof(BEEPER_REQUEST), sizeof(BEEPER_REQUEST), 0, BeeperBeep},
    {IOCTL_BEEPER_HAL, sizeof(BEEPER_REQUEST), sizeof(BEEPER_REQUEST), 0, BeeperBeep},
};

static VOID NTAPI BeeperUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(BeeperDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "beeper");
    if (!NT_SUCCESS(Status))
        return Status;
    ExInitializeFastMutex(&BeeperLock);
    Status = KmdCreateDevice(DriverObject, BEEPER_DEVICE_NAME, BEEPER_LINK_NAME, BEEPER_DEVICE_TYPE,
                             0, KmdDeviceAccessAdmins, &BeeperDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(BeeperDevice, BeeperIoctls, RTL_NUMBER_OF(BeeperIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = BeeperUnload;
    KmdLogPrint("DriverEntry: device %ws ready (%u..%u Hz, %u..%u ms)", BEEPER_DEVICE_NAME,
                BEEPER_MIN_FREQUENCY, BEEPER_MAX_FREQUENCY, BEEPER_MIN_DURATION,
                BEEPER_MAX_DURATION);
    return STATUS_SUCCESS;
}
