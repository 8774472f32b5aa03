/* catalog.h - the catalog (.cat) model: what `make` writes and what `check` reads. */
#ifndef KMDCAT_CATALOG_H
#define KMDCAT_CATALOG_H

#include "der.h"
#include "sha.h"

#include <stddef.h>
#include <stdint.h>

/* Object identifiers (Microsoft's wincrypt.h / mscat.h names in the comments). */
#define OID_SIGNED_DATA "1.2.840.113549.1.7.2"
#define OID_CTL "1.3.6.1.4.1.311.10.1"                 /* szOID_CTL */
#define OID_CATALOG_LIST "1.3.6.1.4.1.311.12.1.1"      /* szOID_CATALOG_LIST */
#define OID_CATALOG_MEMBER "1.3.6.1.4.1.311.12.1.2"    /* szOID_CATALOG_LIST_MEMBER */
#define OID_CATALOG_MEMBER2 "1.3.6.1.4.1.311.12.1.3"   /* szOID_CATALOG_LIST_MEMBER2 */
#define OID_CAT_NAMEVALUE "1.3.6.1.4.1.311.12.2.1"     /* CAT_NAMEVALUE_OBJID */
#define OID_CAT_MEMBERINFO "1.3.6.1.4.1.311.12.2.2"    /* CAT_MEMBERINFO_OBJID */
#define OID_CAT_MEMBERINFO2 "1.3.6.1.4.1.311.12.2.3"   /* CAT_MEMBERINFO2_OBJID */
#define OID_SPC_INDIRECT_DATA "1.3.6.1.4.1.311.2.1.4"  /* SPC_INDIRECT_DATA_OBJID */
#define OID_SPC_PE_IMAGE_DATA "1.3.6.1.4.1.311.2.1.15" /* SPC_PE_IMAGE_DATA_OBJID */
#define OID_SPC_CAB_DATA "1.3.6.1.4.1.311.2.1.25"      /* SPC_CAB_DATA_OBJID */
#define OID_SHA1 "1.3.14.3.2.26"
#define OID_SHA256 "2.16.840.1.101.3.4.2.1"

/* CRYPTCAT_ATTR_AUTHENTICATED | CRYPTCAT_ATTR_DATAASCII | CRYPTCAT_ATTR_NAMEASCII */
#define KC_ATTR_FLAGS 0x10010001u

/* The subject GUIDs of the PE and the flat-file SIPs (CAT_MEMBERINFO of a version 1 catalog). */
#define KC_GUID_PE "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}"
#define KC_GUID_FLAT "{DE351A42-8E59-11D0-8C47-00C04FC295EE}"

/* ---- make ------------------------------------------------------------------------------- */

typedef struct {
    const char *name; /* the File attribute's value (lowercase base name) */
    int is_pe;
    uint8_t hash[KC_HASH_MAX];
} kc_entry;

typedef struct {
    const char *name, *value;
} kc_nameval;

typedef struct {
    enum kc_alg alg;           /* KC_SHA1: catalog version 1, KC_SHA256: version 2 */
    int64_t time;              /* ThisUpdate, seconds since 1970 (1950..2049: UTCTime) */
    const char *osattr;        /* per member and for the catalog */
    const kc_nameval *catattr; /* further catalog attributes in order (OS, HWID1...) */
    size_t ncatattr;
    kc_entry *entries; /* sorted by hash in place */
    size_t nentries;
} kc_make_params;

/* The unsigned catalog's DER into *out (freed by the caller). Returns 0, or -1 with err. */
int kc_catalog_make(kc_make_params *p, kc_buf *out, char *err, size_t errlen);

/* ---- read ------------------------------------------------------------------------------- */

typedef struct {
    char *name, *value; /* UTF-8 */
    uint32_t flags;
} kc_attr;

enum kc_kind { KC_KIND_OTHER = 0, KC_KIND_PE = 1, KC_KIND_FLAT = 2 };

typedef struct {
    kc_span tag;
    uint8_t tag_hash[KC_HASH_MAX]; /* the hash the tag spells, when tag_len */
    size_t tag_len;
    int has_digest;
    enum kc_alg dalg;
    uint8_t digest[KC_HASH_MAX];
    enum kc_kind kind;
    kc_attr *attrs;
    size_t nattrs;
} kc_member;

typedef struct {
    int version;   /* 1: szOID_CATALOG_LIST_MEMBER, 2: ..._MEMBER2, 0: another algorithm */
    char time[32]; /* ThisUpdate, "2024-01-01 00:00:00 UTC" */
    kc_span ident; /* listIdentifier (may be empty) */
    size_t nsigners, ncerts;
    kc_attr *attrs; /* catalog attributes */
    size_t nattrs;
    kc_member *members;
    size_t nmembers;
} kc_catalog;

/* Decodes a catalog, signed or not. Returns 0, or -1 with err ("malformed catalog: ..."). The
 * catalog refers into d, which must outlive it. */
int kc_catalog_read(const uint8_t *d, size_t n, kc_catalog *cat, char *err, size_t errlen);
void kc_catalog_free(kc_catalog *cat);
/* The value of the attribute named name (case-insensitive), or NULL. */
const char *kc_attr_find(const kc_attr *attrs, size_t n, const char *name);

#endif
