/* rules_x64.c - x64 rules: KPE022 exception-directory, KPE023 unwind-coverage, KPE025
 * cet-compat. */
#include "bytes.h"
#include "debugdir.h"
#include "rules_impl.h"

#include <stdlib.h>
#include <string.h>

#define RF_SIZE 12u
#define MAX_RF 262144u /* RUNTIME_FUNCTIONs checked; more is reported */
#define MAX_EXPORTS 65536u
#define UNW_FLAG_EHANDLER 1u
#define UNW_FLAG_UHANDLER 2u
#define UNW_FLAG_CHAININFO 4u

typedef struct {
    uint32_t begin, end, unwind;
} rf_t;

static int read_rf(const kpe_image *img, uint64_t rva, rf_t *rf)
{
    uint8_t b[RF_SIZE];
    if (rva > UINT32_MAX || !kpe_read_rva(img, (uint32_t)rva, b, sizeof b))
        return 0;
    rf->begin = kpe_ld32(b);
    rf->end = kpe_ld32(b + 4);
    rf->unwind = kpe_ld32(b + 8);
    return 1;
}

/* [BEGIN, END) lies inside one executable section. */
static int in_exec(const kpe_image *img, uint32_t begin, uint32_t end)
{
    int i = kpe_section_index_at(img, begin);
    if (i < 0 || begin >= end || !kpe_is_exec(&img->sections[i]))
        return 0;
    const kpe_section *s = &img->sections[i];
    return (uint64_t)end <= (uint64_t)s->vaddr + kpe_section_vlen(s);
}

/* UNWIND_INFO: version and flags, prolog size, code count, frame register; the codes (an even
 * count of 2-byte slots); then a handler RVA (EHANDLER/UHANDLER) or a chained RUNTIME_FUNCTION
 * (CHAININFO). Bit 0 of UnwindData set: it points at another RUNTIME_FUNCTION instead. */
static void check_unwind(const kpe_image *img, size_t k, const rf_t *rf, kpe_cap *cap)
{
    uint32_t u = rf->unwind;
    if ((u & 3) == 1) {
        rf_t target;
        if (!read_rf(img, u - 1, &target))
            kpe_cap_add(cap,
                        "RUNTIME_FUNCTION %zu (0x%x): indirect unwind data at RVA 0x%x maps "
                        "to no section",
                        k, rf->begin, u - 1);
        return;
    }
    uint8_t h[4];
    if ((u & 3) || !kpe_read_rva(img, u, h, sizeof h)) {
        kpe_cap_add(cap, "RUNTIME_FUNCTION %zu (0x%x): unwind info RVA 0x%x is %s", k, rf->begin, u,
                    (u & 3) ? "not 4-byte aligned" : "in no section");
        return;
    }
    unsigned ver = h[0] & 7u, flags = h[0] >> 3, ncodes = h[2];
    uint64_t tail = (uint64_t)u + 4 + 2u * ((ncodes + 1u) & ~1u);
    if (ver != 1 && ver != 2) {
        kpe_cap_add(cap,
                    "RUNTIME_FUNCTION %zu (0x%x): unwind info at RVA 0x%x has version %u, "
                    "not 1 or 2",
                    k, rf->begin, u, ver);
        return;
    }
    if (flags & ~7u) {
        kpe_cap_add(cap,
                    "RUNTIME_FUNCTION %zu (0x%x): unwind info at RVA 0x%x has unknown flags "
                    "0x%x",
                    k, rf->begin, u, flags);
        return;
    }
    if (flags & UNW_FLAG_CHAININFO) {
        rf_t chained;
        if (!read_rf(img, tail, &chained) || !in_exec(img, chained.begin, chained.end))
            kpe_cap_add(cap,
                        "RUNTIME_FUNCTION %zu (0x%x): the chained RUNTIME_FUNCTION at RVA "
                        "0x%llx is unreadable or not inside one executable section",
                        k, rf->begin, (unsigned long long)tail);
        return;
    }
    if (flags & (UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER)) {
        uint8_t hb[4];
        int ok = tail <= UINT32_MAX && kpe_read_rva(img, (uint32_t)tail, hb, 4);
        uint32_t handler = ok ? kpe_ld32(hb) : 0;
        if (!ok || handler == UINT32_MAX || !in_exec(img, handler, handler + 1))
            kpe_cap_add(cap,
                        "RUNTIME_FUNCTION %zu (0x%x): the exception handler named by its "
                        "unwind info at RVA 0x%x is not in an executable section",
                        k, rf->begin, u);
        return;
    }
    uint8_t last[1];
    if (tail > (uint64_t)u + 4 &&
        (tail - 1 > UINT32_MAX || !kpe_read_rva(img, (uint32_t)(tail - 1), last, 1)))
        kpe_cap_add(cap,
                    "RUNTIME_FUNCTION %zu (0x%x): the %u unwind codes at RVA 0x%x run past "
                    "their section",
                    k, rf->begin, ncodes, u);
}

static int cmp_rf(const void *a, const void *b)
{
    const rf_t *x = a, *y = b;
    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* KPE022. Returns the well-formed ranges, sorted and merged, in *RANGES (malloc'd, or NULL). */
static size_t check_pdata(const kpe_image *img, kpe_findings *out, rf_t **ranges)
{
    *ranges = NULL;
    kpe_dir ex = img->ndirs > KPE_DIR_EXCEPTION ? img->dirs[KPE_DIR_EXCEPTION] : (kpe_dir){0, 0};
    if (!ex.rva && !ex.size)
        return 0;
    if (!ex.rva || ex.size < RF_SIZE || ex.size % RF_SIZE)
        kpe_add_finding(out, R_PDATA,
                        "exception directory 0x%x+0x%x is not a whole number of 12-byte "
                        "RUNTIME_FUNCTIONs",
                        ex.rva, ex.size);
    int si = kpe_section_index_at(img, ex.rva);
    if (!ex.rva || ex.size < RF_SIZE)
        return 0;
    if (si < 0 || (uint64_t)ex.rva + ex.size >
                      (uint64_t)img->sections[si].vaddr + kpe_section_vlen(&img->sections[si])) {
        kpe_add_finding(out, R_PDATA,
                        "exception directory 0x%x+0x%x does not lie inside one section of the "
                        "image",
                        ex.rva, ex.size);
        return 0;
    }
    size_t n = ex.size / RF_SIZE, stored = kpe_rva_file_bytes(img, ex.rva) / RF_SIZE;
    if (n > stored) { /* the rest is the section's zero fill: empty entries */
        kpe_add_finding(out, R_PDATA,
                        "exception directory 0x%x+0x%x: entries %zu..%zu are not stored in the "
                        "file (they read as zero: empty ranges)",
                        ex.rva, ex.size, stored, n - 1);
        n = stored;
    }
    if (n > MAX_RF) {
        kpe_add_finding(out, R_PDATA,
                        "exception directory has %zu entries; only the first %u "
                        "are checked",
                        n, MAX_RF);
        n = MAX_RF;
    }
    rf_t *list = malloc(n * sizeof *list);
    if (!list) {
        out->oom = 1;
        return 0;
    }
    kpe_cap cap = {out, R_PDATA, 0};
    size_t m = 0;
    rf_t prev = {0, 0, 0};
    for (size_t k = 0; k < n; k++) {
        rf_t rf;
        if (!read_rf(img, (uint64_t)ex.rva + k * RF_SIZE, &rf))
            break; /* cannot happen: the directory lies in one section */
        int ok = 1;
        if (rf.begin >= rf.end) {
            kpe_cap_add(&cap, "RUNTIME_FUNCTION %zu: range 0x%x..0x%x is empty or reversed", k,
                        rf.begin, rf.end);
            ok = 0;
        } else if (!in_exec(img, rf.begin, rf.end)) {
            kpe_cap_add(&cap,
                        "RUNTIME_FUNCTION %zu: range 0x%x..0x%x is not inside one "
                        "executable section",
                        k, rf.begin, rf.end);
        }
        if (k > 0 && rf.begin < prev.begin)
            kpe_cap_add(&cap,
                        "RUNTIME_FUNCTION %zu (0x%x) comes after %zu (0x%x): not sorted by "
                        "BeginAddress (the kernel binary-searches this table)",
                        k, rf.begin, k - 1, prev.begin);
        else if (k > 0 && rf.begin < prev.end)
            kpe_cap_add(&cap, "RUNTIME_FUNCTION %zu (0x%x..0x%x) overlaps %zu (..0x%x)", k,
                        rf.begin, rf.end, k - 1, prev.end);
        if (ok) {
            check_unwind(img, k, &rf, &cap);
            list[m++] = rf;
        }
        prev = rf;
    }
    kpe_cap_done(&cap, "exception directory findings");
    /* sort and merge for the coverage look-ups */
    qsort(list, m, sizeof *list, cmp_rf);
    size_t w = 0;
    for (size_t k = 0; k < m; k++) {
        if (w && list[k].begin <= list[w - 1].end) {
            if (list[k].end > list[w - 1].end)
                list[w - 1].end = list[k].end;
        } else {
            list[w++] = list[k];
        }
    }
    *ranges = list;
    return w;
}

static int covered(const rf_t *r, size_t n, uint32_t rva)
{
    size_t lo = 0, hi = n; /* first range with begin > rva */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r[mid].begin <= rva)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && rva < r[lo - 1].end;
}

/* Length of the padding or no-op instruction at P: int3, nop, 00 fill, and the multi-byte
 * nops (66/2E prefixes, 0F 1F /0) that assemblers put between functions. 0 otherwise. */
static size_t pad_len(const uint8_t *p, size_t avail)
{
    if (p[0] == 0x90 || p[0] == 0xcc || p[0] == 0x00)
        return 1;
    size_t i = 0;
    while (i < avail && i < 8 && (p[i] == 0x66 || p[i] == 0x2e))
        i++;
    if (i && i < avail && p[i] == 0x90)
        return i + 1;
    if (i + 2 >= avail || p[i] != 0x0f || p[i + 1] != 0x1f)
        return 0;
    unsigned modrm = p[i + 2], mod = modrm >> 6, rm = modrm & 7;
    size_t len = i + 3;
    if (mod != 3 && rm == 4) { /* SIB */
        if (len >= avail)
            return 0;
        if (mod == 0 && (p[len] & 7) == 5)
            len += 4;
        len++;
    }
    if (mod == 1)
        len += 1;
    else if (mod == 2 || (mod == 0 && rm == 5))
        len += 4;
    return len <= avail ? len : 0;
}

/* Whether the code at P opens a stack frame: after an optional endbr64, home-space stores
 * (mov [rsp+d], reg) and mov rax/r11, rsp, a push of a register or a sub rsp, imm. Returns
 * what it found, or NULL. */
static const char *frame_opener(const uint8_t *p, size_t avail)
{
    size_t i = 0;
    for (int step = 0; step < 8 && i < avail; step++) {
        const uint8_t *q = p + i;
        size_t left = avail - i;
        if (left >= 4 && q[0] == 0xf3 && q[1] == 0x0f && q[2] == 0x1e && q[3] == 0xfa) {
            i += 4;
        } else if (left >= 5 && (q[0] == 0x48 || q[0] == 0x4c) && q[1] == 0x89 &&
                   (q[2] & 0xc7) == 0x44 && q[3] == 0x24) {
            i += 5;
        } else if (left >= 3 && ((q[0] == 0x48 && q[1] == 0x8b && q[2] == 0xc4) ||
                                 (q[0] == 0x4c && q[1] == 0x8b && q[2] == 0xdc))) {
            i += 3;
        } else if (q[0] >= 0x50 && q[0] <= 0x57) {
            return "push";
        } else if (left >= 2 && (q[0] == 0x40 || q[0] == 0x41 || q[0] == 0x48) && q[1] >= 0x50 &&
                   q[1] <= 0x57) {
            return "push";
        } else if (left >= 4 && q[0] == 0x48 && q[1] == 0x83 && q[2] == 0xec && q[3] != 0) {
            return "sub rsp, imm8";
        } else if (left >= 7 && q[0] == 0x48 && q[1] == 0x81 && q[2] == 0xec &&
                   kpe_ld32(q + 3) != 0) {
            return "sub rsp, imm32";
        } else {
            return NULL;
        }
    }
    return NULL;
}

/* File bytes of executable section I: *P and the count, or 0. */
static size_t exec_bytes(const kpe_image *img, int i, const uint8_t **p)
{
    const kpe_section *s = &img->sections[i];
    uint32_t vlen = kpe_section_vlen(s), n = s->raw_size < vlen ? s->raw_size : vlen;
    if (!kpe_is_exec(s) || !n)
        return 0;
    *p = img->data + s->raw_off; /* the parser checked raw data against the file size */
    return n;
}

/* One place that must be covered when it opens a frame (entry point, export). */
static void check_start(const kpe_image *img, const rf_t *r, size_t n, uint32_t rva,
                        const char *what, kpe_cap *cap)
{
    int i = kpe_section_index_at(img, rva);
    const uint8_t *p;
    size_t len = i >= 0 ? exec_bytes(img, i, &p) : 0;
    uint32_t off = i >= 0 ? rva - img->sections[i].vaddr : 0;
    if (!len || off >= len || covered(r, n, rva))
        return;
    const char *op = frame_opener(p + off, len - off);
    if (op)
        kpe_cap_add(cap,
                    "%s at RVA 0x%x opens a stack frame (%s) but no RUNTIME_FUNCTION covers "
                    "it",
                    what, rva, op);
}

/* Code between RUNTIME_FUNCTIONs: its first non-padding byte, and every 16-byte aligned
 * address that follows padding or a ret, are function starts if they open a frame. */
static void scan_gap(const uint8_t *p, uint32_t base, uint32_t lo, uint32_t hi, uint32_t entry,
                     kpe_cap *cap)
{
    uint32_t a = lo;
    size_t k;
    while (a < hi && (k = pad_len(p + (a - base), hi - a)) != 0)
        a += (uint32_t)k;
    for (uint32_t q = a; q < hi; q++) {
        int start = q == a;
        if (!start && (q & 15)) /* only aligned addresses after the first */
            continue;
        uint8_t before = q > base ? p[q - base - 1] : 0xcc;
        if (!start && before != 0xcc && before != 0x90 && before != 0x00 && before != 0xc3)
            continue;
        const char *op = q == entry ? NULL : frame_opener(p + (q - base), hi - q);
        if (op)
            kpe_cap_add(cap,
                        "code at RVA 0x%x opens a stack frame (%s) but no RUNTIME_FUNCTION "
                        "covers it",
                        q, op);
    }
}

/* KPE023. */
static void check_coverage(const kpe_image *img, const rf_t *r, size_t n, kpe_findings *out)
{
    kpe_cap cap = {out, R_UNWIND, 0};
    if (img->entry)
        check_start(img, r, n, img->entry, "the entry point", &cap);
    kpe_dir ed = img->dirs[KPE_DIR_EXPORT];
    uint8_t eh[40];
    if (ed.rva && ed.size >= 40 && kpe_read_rva(img, ed.rva, eh, sizeof eh)) {
        uint32_t nf = kpe_ld32(eh + 20), af = kpe_ld32(eh + 28);
        for (uint32_t k = 0; k < nf && k < MAX_EXPORTS; k++) {
            uint8_t b[4];
            uint64_t at = (uint64_t)af + 4ull * k;
            if (at > UINT32_MAX || !kpe_read_rva(img, (uint32_t)at, b, 4))
                break;
            if (kpe_ld32(b))
                check_start(img, r, n, kpe_ld32(b), "an export", &cap);
        }
    }
    for (unsigned i = 0; i < img->nsections; i++) {
        const uint8_t *p;
        size_t len = exec_bytes(img, (int)i, &p);
        uint32_t base = img->sections[i].vaddr, end = base + (uint32_t)len, pos = base;
        if (!len || (uint64_t)base + len > UINT32_MAX)
            continue;
        /* the ranges are sorted and disjoint: walk them alongside */
        for (size_t k = 0; k < n && pos < end; k++) {
            if (r[k].end <= pos)
                continue;
            if (r[k].begin > pos)
                scan_gap(p, base, pos, r[k].begin < end ? r[k].begin : end, img->entry, &cap);
            pos = r[k].end;
        }
        if (pos < end)
            scan_gap(p, base, pos, end, img->entry, &cap);
    }
    kpe_cap_done(&cap, "uncovered frames");
}

/* KPE025. */
static void check_cet(const kpe_image *img, kpe_findings *out)
{
    static const char how[] = "run kmdpe fix (GNU ld) or link with -Wl,--Xlink=-cetcompat (lld); "
                              "a driver that is not shadow-stack safe opts out with --no-cet";
    kpe_cet_info ci;
    kpe_cet_status(img, &ci);
    switch (ci.state) {
    case KPE_CET_MARKED:
        break;
    case KPE_CET_NO_DEBUG_DIR:
        kpe_add_finding(out, R_CET,
                        "no debug directory, so no CET mark (an EX_DLLCHARACTERISTICS "
                        "debug entry with CET_COMPAT 0x01); %s",
                        how);
        break;
    case KPE_CET_NO_ENTRY:
        kpe_add_finding(out, R_CET,
                        "the debug directory (%d entr%s) has no EX_DLLCHARACTERISTICS "
                        "entry with CET_COMPAT (0x01); %s",
                        ci.nentries, ci.nentries == 1 ? "y" : "ies", how);
        break;
    case KPE_CET_NOT_SET:
        kpe_add_finding(out, R_CET,
                        "the EX_DLLCHARACTERISTICS debug entry (0x%x) lacks CET_COMPAT "
                        "(0x01); %s",
                        ci.ex_flags, how);
        break;
    default:
        kpe_add_finding(out, R_CET, "no valid CET mark: %s", ci.detail);
    }
}

void kpe_check_x64(const kpe_image *img, const kpe_check_opts *o, kpe_findings *out)
{
    if (img->machine != KPE_MACHINE_AMD64)
        return;
    rf_t *r;
    size_t n = check_pdata(img, out, &r);
    check_coverage(img, r, n, out);
    free(r);
    if (!o->no_cet)
        check_cet(img, out);
}
