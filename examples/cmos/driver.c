/* cmos: the real-time clock read from the CMOS ports 70h/71h, inside the driver, behind an IOCTL.
 * KmdKit's DateTime did this from user mode on x86, after its giveio driver had opened the
 * ports to the process through the TSS I/O permission map (Ke386SetIoAccessMap); x64 Windows has
 * no such routines, so the port I/O moves into the driver. Contract: cmos_ioctl.h. */
#include <ntddk.h>

#include <kmdkit/kernel.h>
#include "cmos_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD CmosUnload;

#define CMOS_INDEX_PORT ((PUCHAR)0x70) /* bit 7 of the index disables NMI: keep it clear */
#define CMOS_DATA_PORT ((PUCHAR)0x71)
#define CMOS_STATUS_A 0x0A
#define CMOS_STATUS_A_UPDATE_IN_PROGRESS 0x80
#define CMOS_STATUS_B 0x0B
#define CMOS_HOURS_PM 0x80 /* 12-hour mode */
#define CMOS_TRIES 5

static PDEVICE_OBJECT CmosDevice;

static UCHAR CmosRead(UCHAR Register)
{
    WRITE_PORT_UCHAR(CMOS_INDEX_PORT, Register);
    return READ_PORT_UCHAR(CMOS_DATA_PORT);
}

/* The update cycle takes under 2 ms once a second; sleep 1 ms while the chip says it runs. */
static BOOLEAN CmosWaitForUpdate(VOID)
{
    LARGE_INTEGER OneMs = {.QuadPart = -10000};

    for (ULONG i = 0; i < 10; i++) {
        if (!(CmosRead(CMOS_STATUS_A) & CMOS_STATUS_A_UPDATE_IN_PROGRESS))
            return TRUE;
        KeDelayExecutionThread(KernelMode, FALSE, &OneMs);
    }
    return FALSE;
}

static VOID CmosReadRaw(CMOS_RAW *Raw)
{
    Raw->Seconds = CmosRead(0x00);
    Raw->Minutes = CmosRead(0x02);
    Raw->Hours = CmosRead(0x04);
    Raw->Day = CmosRead(0x07);
    Raw->Month = CmosRead(0x08);
    Raw->Year = CmosRead(0x09);
    Raw->StatusB = CmosRead(CMOS_STATUS_B);
    Raw->Reserved = 0;
}

/* An update can still start between the check and the reads: read until two rounds agree. */
static NTSTATUS CmosReadClock(CMOS_RAW *Raw)
{
    CMOS_RAW Again;

    for (ULONG Try = 0; Try < CMOS_TRIES; Try++) {
        if (!CmosWaitForUpdate())
            continue;
        CmosReadRaw(Raw);
        if (!CmosWaitForUpdate())
            continue;
        CmosReadRaw(&Again);
        if (RtlCompareMemory(Raw, &Again, sizeof(Again)) == sizeof(Again))
            return STATUS_SUCCESS;
    }
    return STATUS_IO_TIMEOUT;
}

/* One field: BCD (two decimal digits in two nibbles) unless status B says binary. */
static BOOLEAN CmosField(UCHAR Value, BOOLEAN Binary, UCHAR Min, UCHAR Max, UCHAR *Out)
{
    if (!Binary) {
        if ((Value & 0x0F) > 9 || (Value >> 4) > 9)
            return FALSE;
        Value = (UCHAR)((Value >> 4) * 10 + (Value & 0x0F));
    }
    *Out = Value;
    return Value >= Min && Value <= Max;
}

static BOOLEAN CmosDecode(const CMOS_RAW *Raw, CMOS_TIME *Time)
{
    BOOLEAN Binary = (Raw->StatusB & CMOS_STATUS_B_BINARY) != 0;
    BOOLEAN Hours24 = (Raw->StatusB & CMOS_STATUS_B_24_HOUR) != 0;
    UCHAR Year, Hour;
    BOOLEAN Ok;

    RtlZeroMemory(Time, sizeof(*Time));
    Time->Raw = *Raw;
    Ok = CmosField(Raw->Seconds, Binary, 0, 59, &Time->Second) &&
         CmosField(Raw->Minutes, Binary, 0, 59, &Time->Minute) &&
         CmosField(Raw->Day, Binary, 1, 31, &Time->Day) &&
         CmosField(Raw->Month, Binary, 1, 12, &Time->Month) &&
         CmosField(Raw->Year, Binary, 0, 99, &Year);
    if (!Ok)
        return FALSE;
    Time->Year = (USHORT)(2000 + Year);
    if (Hours24)
        return CmosField(Raw->Hours, Binary, 0, 23, &Time->Hour);
    /* 12-hour: 12 AM is midnight (0), 12 PM is noon (12), 1 PM is 13. */
    if (!CmosField(Raw->Hours & ~CMOS_HOURS_PM, Binary, 1, 12, &Hour))
        return FALSE;
    if (Raw->Hours & CMOS_HOURS_PM)
        Time->Hour = Hour == 12 ? 12 : (UCHAR)(Hour + 12);
    else
        Time->Hour = Hour == 12 ? 0 : Hour;
    return TRUE;
}

/* IOCTL_CMOS_READ_CLOCK: no input, a whole CMOS_TIME out (the table checks both, so the ports
 * are touched only for a request that can succeed). */
static NTSTATUS CmosReadClockIoctl(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                   ULONG_PTR *Info)
{
    CMOS_RAW Raw;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    Status = CmosReadClock(&Raw);
    if (!NT_SUCCESS(Status))
        return Status;
    if (!CmosDecode(&Raw, Io->Out)) {
        KmdLogError("the clock holds no valid date: %02x %02x %02x %02x %02x %02x, B %02x",
                    Raw.Seconds, Raw.Minutes, Raw.Hours, Raw.Day, Raw.Month, Raw.Year, Raw.StatusB);
        return STATUS_DEVICE_DATA_ERROR;
    }
    *Info = sizeof(CMOS_TIME);
    return STATUS_SUCCESS;
}

/* IOCTL_CMOS_DECODE: exactly one CMOS_RAW in, a whole CMOS_TIME out (the table checks both). */
static NTSTATUS CmosDecodeIoctl(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                ULONG_PTR *Info)
{
    CMOS_RAW Raw = *(const CMOS_RAW *)Io->In; /* copy: In and Out are one buffer */

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    if (Raw.Reserved != 0 || !CmosDecode(&Raw, Io->Out))
        return STATUS_INVALID_PARAMETER;
    *Info = sizeof(CMOS_TIME);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL CmosIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_CMOS_READ_CLOCK, 0, 0, sizeof(CMOS_TIME), CmosReadClockIoctl},
    {IOCTL_CMOS_DECODE, sizeof(CMOS_RAW), sizeof(CMOS_RAW), sizeof(CMOS_TIME), CmosDecodeIoctl},
};

static VOID NTAPI CmosUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(CmosDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "cmos");
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdCreateDevice(DriverObject, CMOS_DEVICE_NAME, CMOS_LINK_NAME, CMOS_DEVICE_TYPE, 0,
                             KmdDeviceAccessAdmins, &CmosDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(CmosDevice, CmosIoctls, RTL_NUMBER_OF(CmosIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = CmosUnload;
    KmdLogPrint("DriverEntry: device %ws ready", CMOS_DEVICE_NAME);
    return STATUS_SUCCESS;
}
