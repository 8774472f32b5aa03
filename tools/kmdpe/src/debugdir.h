/* debugdir.h - the debug directory (data directory 6) and the CET mark it can carry. */
#ifndef KMDPE_DEBUGDIR_H
#define KMDPE_DEBUGDIR_H

#include "pe.h"

#define KPE_DEBUG_ENTRY_SIZE 28u /* IMAGE_DEBUG_DIRECTORY */
#define KPE_MAX_DEBUG_ENTRIES 64u
#define KPE_DEBUG_TYPE_CODEVIEW 2u
#define KPE_DEBUG_TYPE_REPRO 16u
#define KPE_DEBUG_TYPE_EX_DLLCHARACTERISTICS 20u
#define KPE_DLLCHAR_EX_CET_COMPAT 0x01u /* IMAGE_DLLCHARACTERISTICS_EX_CET_COMPAT */

typedef struct {
    uint32_t chars, timestamp;
    uint16_t major, minor;
    uint32_t type, size, rva, ptr; /* SizeOfData, AddressOfRawData, PointerToRawData */
} kpe_debug_entry;

/* Read the debug directory into OUT (room for MAX entries). Returns the number of entries (0 when
 * there is no directory), or -1 with MSG describing why it is malformed: size not a multiple of
 * 28, more than KPE_MAX_DEBUG_ENTRIES (or MAX) entries, or entries that map to no section. */
int kpe_debug_entries(const kpe_image *img, kpe_debug_entry *out, size_t max, char *msg,
                      size_t msglen);

typedef enum {
    KPE_CET_NO_DEBUG_DIR, /* no debug directory at all (GNU ld) */
    KPE_CET_NO_ENTRY,     /* no IMAGE_DEBUG_TYPE_EX_DLLCHARACTERISTICS entry */
    KPE_CET_NOT_SET,      /* the entry is there, without CET_COMPAT */
    KPE_CET_MARKED,       /* CET_COMPAT set */
    KPE_CET_BAD           /* malformed directory or entry; detail says what */
} kpe_cet_state;

typedef struct {
    kpe_cet_state state;
    int nentries;       /* entries in the debug directory (-1: malformed) */
    int entry;          /* index of the EX_DLLCHARACTERISTICS entry, or -1 */
    uint32_t ex_flags;  /* its payload's first 32 bits */
    size_t payload_off; /* file offset of that payload (when file-backed) */
    int payload_in_file;
    char detail[192];
} kpe_cet_info;

void kpe_cet_status(const kpe_image *img, kpe_cet_info *ci);
const char *kpe_debug_type_name(uint32_t type);

#endif
