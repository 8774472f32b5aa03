/* The contract between sections' driver (driver.c) and its client (client.c).
 * Written once, compiled into both. */
#ifndef KMDKIT_SECTIONS_IOCTL_H
#define KMDKIT_SECTIONS_IOCTL_H

#include <kmdkit/ioctl.h>

#define SECTIONS_DEVICE_NAME L"\\Device\\KmdSections"
#define SECTIONS_LINK_NAME L"\\DosDevices\\KmdSections"
#define SECTIONS_USER_NAME L"KmdSections" /* opened as \\.\KmdSections */

#define SECTIONS_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x205)

/* The driver's sample objects, one per kind of placement, in this order. */
enum SECTIONS_ITEM_ID {
    SectionsItemInitCode,   /* KMD_INIT:        INIT      (discarded after DriverEntry) */
    SectionsItemPagedCode,  /* KMD_PAGED:       PAGE      (pageable) */
    SectionsItemCode,       /* default:         .text     (resident) */
    SectionsItemPagedData,  /* KMD_PAGED_DATA:  PAGEDATA  (pageable) */
    SectionsItemPagedConst, /* KMD_PAGED_CONST: PAGECONST (pageable) */
    SectionsItemData,       /* default:         .data     (resident) */
    SectionsItemConst,      /* default:         .rdata    (resident) */
    SectionsItemZeroData,   /* default:         .bss      (resident) */
    SectionsItemCount
};

/* In: nothing. Out: SECTIONS_REPORT: for each sample, the section its address lies in (found in
 * the driver's own section table) with that section's characteristics. Addresses are reported
 * as RVAs (offsets from the image base), never as kernel pointers.
 * Errors: any input bytes -> STATUS_INVALID_PARAMETER (Win32 87);
 *         output shorter than SECTIONS_REPORT -> STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_SECTIONS_REPORT                                                                      \
    KMD_CTL_CODE(SECTIONS_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_READ_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

typedef struct SECTIONS_ITEM {
    char What[24];   /* "SectionsInit (code)" */
    char Section[8]; /* the section's name, NUL-padded ("" if in none) */
    unsigned int Rva;
    unsigned int
        Characteristics; /* IMAGE_SCN_*: MEM_DISCARDABLE 0x02000000, MEM_NOT_PAGED 0x08000000 */
} SECTIONS_ITEM;

typedef struct SECTIONS_REPORT {
    unsigned int Count;   /* SectionsItemCount */
    unsigned int Reports; /* IOCTL_SECTIONS_REPORT calls so far (a counter kept in PAGEDATA) */
    SECTIONS_ITEM Items[SectionsItemCount];
} SECTIONS_REPORT;

#endif
