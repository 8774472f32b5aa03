/* pe.h - bounds-checked PE/COFF image parser used by kmdpe. */
#ifndef KMDPE_PE_H
#define KMDPE_PE_H

#include <stddef.h>
#include <stdint.h>

/* Limits: anything beyond these is reported as malformed input. */
#define KPE_MAX_FILE_SIZE (64u * 1024u * 1024u)
#define KPE_MAX_SECTIONS 96
#define KPE_MAX_IMPORT_DLLS 4096
#define KPE_MAX_THUNKS_PER_DLL 65536
#define KPE_MAX_THUNKS_TOTAL 262144
#define KPE_MAX_DLL_NAME 256
#define KPE_MAX_FUNC_NAME 1024

#define KPE_MACHINE_I386 0x014cu
#define KPE_MACHINE_ARMNT 0x01c4u
#define KPE_MACHINE_AMD64 0x8664u
#define KPE_MACHINE_ARM64 0xaa64u

#define KPE_MAGIC_PE32 0x10bu
#define KPE_MAGIC_PE32PLUS 0x20bu

#define KPE_SUBSYSTEM_NATIVE 1u

#define KPE_FILE_RELOCS_STRIPPED 0x0001u

#define KPE_DLLCHAR_DYNAMIC_BASE 0x0040u
#define KPE_DLLCHAR_FORCE_INTEGRITY 0x0080u
#define KPE_DLLCHAR_NX_COMPAT 0x0100u

#define KPE_SCN_CNT_CODE 0x00000020u
#define KPE_SCN_MEM_DISCARDABLE 0x02000000u
#define KPE_SCN_MEM_NOT_PAGED 0x08000000u
#define KPE_SCN_MEM_EXECUTE 0x20000000u
#define KPE_SCN_MEM_READ 0x40000000u
#define KPE_SCN_MEM_WRITE 0x80000000u

enum {
    KPE_DIR_EXPORT = 0,
    KPE_DIR_IMPORT = 1,
    KPE_DIR_RESOURCE = 2,
    KPE_DIR_EXCEPTION = 3,
    KPE_DIR_SECURITY = 4,
    KPE_DIR_BASERELOC = 5,
    KPE_DIR_DEBUG = 6,
    KPE_DIR_TLS = 9,
    KPE_DIR_IAT = 12,
    KPE_DIR_DELAY_IMPORT = 13,
    KPE_NUM_DIRS = 16
};

typedef struct {
    uint32_t rva; /* file offset for KPE_DIR_SECURITY */
    uint32_t size;
} kpe_dir;

/* A string stored in the image data: not NUL-terminated, print with "%.*s". */
typedef struct {
    uint32_t off;
    uint32_t len;
} kpe_str;

typedef struct {
    char name[9]; /* up to the first NUL of the 8-byte name */
    uint32_t vaddr, vsize, raw_off, raw_size, chars;
    size_t hdr_off; /* file offset of this IMAGE_SECTION_HEADER */
} kpe_section;

typedef struct {
    kpe_str name; /* empty when imported by ordinal */
    uint16_t hint;
    uint16_t ordinal;
    uint8_t by_ordinal;
} kpe_func;

typedef struct {
    kpe_str name;
    uint8_t delay;             /* from the delay-load import directory */
    uint32_t iat_rva;          /* FirstThunk (delay-load: the IAT the helper writes), or 0 */
    size_t first_func, nfuncs; /* range in kpe_image.funcs */
} kpe_dll;

typedef struct {
    const uint8_t *data;
    size_t size;
    uint32_t e_lfanew;
    uint16_t machine, nsections, file_chars, opt_size, magic;
    int pe32plus;
    uint64_t image_base;
    uint32_t entry, section_align, file_align, size_of_image, size_of_headers;
    uint32_t checksum, checksum_computed;
    uint16_t subsystem, dll_chars;
    uint32_t ndirs; /* min(NumberOfRvaAndSizes, 16); missing entries read as zero */
    kpe_dir dirs[KPE_NUM_DIRS];
    size_t opt_off, checksum_off, sect_off;
    kpe_section sections[KPE_MAX_SECTIONS];
    kpe_dll *dlls;
    size_t ndlls, dlls_cap;
    kpe_func *funcs;
    size_t nfuncs, funcs_cap;
    char error[256]; /* set when kpe_parse fails */
} kpe_image;

/* Parse DATA (which must stay alive while IMG is used). Returns 0, or -1 with
 * IMG->error describing the malformation. Call kpe_free in both cases. */
int kpe_parse(kpe_image *img, const uint8_t *data, size_t size);
void kpe_free(kpe_image *img);

/* Standard PE checksum: 16-bit one's-complement sum of the file with the 4-byte
 * CheckSum field at CHECKSUM_OFF treated as zero, plus the file length. */
uint32_t kpe_checksum(const uint8_t *data, size_t size, size_t checksum_off);

/* Virtual extent of a section (VirtualSize, or SizeOfRawData when that is 0). */
uint32_t kpe_section_vlen(const kpe_section *s);
/* Index of the section containing RVA, or -1. */
int kpe_section_index_at(const kpe_image *img, uint32_t rva);
/* Copy N bytes at RVA (zero-filling the virtual tail). Returns 1 on success. */
int kpe_read_rva(const kpe_image *img, uint32_t rva, void *out, size_t n);
/* File offset of the N bytes at RVA when all of them are stored in the file (not in a section's
 * zero-filled tail). Returns 1 and sets *OFF, or 0. */
int kpe_rva_to_off(const kpe_image *img, uint32_t rva, size_t n, size_t *off);
/* Bytes stored in the file from RVA on, up to the end of its section's raw data (0 when RVA maps
 * nowhere or into a zero-filled tail). What follows within the section reads as zero. */
size_t kpe_rva_file_bytes(const kpe_image *img, uint32_t rva);

int kpe_str_ieq(const kpe_image *img, kpe_str s, const char *lit);
const char *kpe_str_ptr(const kpe_image *img, kpe_str s);

const char *kpe_machine_name(uint16_t machine);
const char *kpe_arch_name(uint16_t machine);
const char *kpe_subsystem_name(uint16_t subsystem);

typedef struct {
    uint32_t bit;
    const char *name;
} kpe_flag;

extern const kpe_flag kpe_file_flags[];
extern const kpe_flag kpe_dll_flags[];
extern const kpe_flag kpe_scn_flags[];

/* Writes "A,B,C" for the set flags of V into BUF (alignment bits of section
 * flags as ALIGN_nBYTES, unknown bits as 0x...). */
void kpe_flags_str(char *buf, size_t n, const kpe_flag *tbl, uint32_t v);

#endif
