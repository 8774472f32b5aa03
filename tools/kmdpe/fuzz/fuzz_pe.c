/* fuzz_pe.c - libFuzzer target: parse, run every rule, render info/check output, run fix on a
 * copy (which must re-parse and be idempotent), run compact (bounds and idempotence), and add
 * the CET mark (a marked result that parses must read as marked, and a second mark is a no-op). */
#include "cet.h"
#include "compact.h"
#include "debugdir.h"
#include "fix.h"
#include "pe.h"
#include "report.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    kpe_image img;
    if (kpe_parse(&img, data, size) != 0) {
        if (!img.error[0])
            abort(); /* malformed input must always come with a message */
        kpe_free(&img);
        return 0;
    }
    static const char *const allow[] = {"foo.sys"};
    kpe_check_opts opts[] = {{KPE_ARCH_ANY, NULL, 0, 0, 0},
                             {KPE_ARCH_X64, allow, 1, 1, 1},
                             {KPE_ARCH_X86, NULL, 0, 0, 0}};
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++) {
        kpe_findings fs = {0};
        kpe_check(&img, &opts[i], &fs);
        if (devnull)
            kpe_print_findings(devnull, "fuzz.sys", &img, &fs, (int)i & 1);
        kpe_findings_free(&fs);
    }
    if (devnull) {
        kpe_print_info(devnull, "fuzz.sys", &img, 0);
        kpe_print_info(devnull, "fuzz.sys", &img, 1);
    }
    kpe_free(&img);

    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    kpe_fix_result res;
    if (kpe_parse(&img, copy, size) != 0)
        abort(); /* same bytes parsed fine above */
    int r = kpe_fix(copy, size, &img, &res);
    kpe_free(&img);
    if (r >= 0) {
        uint8_t *again = malloc(size ? size : 1);
        if (again) {
            memcpy(again, copy, size);
            /* Crafted files can keep import data in bytes that fix rewrites (headers), so
             * the result may not parse; the CLI refuses to write such a result. */
            if (kpe_parse(&img, again, size) == 0 &&
                (kpe_fix(again, size, &img, &res) != 0 || memcmp(again, copy, size) != 0))
                abort(); /* fix must be idempotent */
            kpe_free(&img);
            free(again);
        }
    }
    free(copy);

    /* CET mark: when it changes a file that then parses, the file reads as marked and a second
     * call finds nothing to do. */
    if (kpe_parse(&img, data, size) == 0) {
        uint8_t *out = NULL, *out2 = NULL;
        size_t out_size = 0, out2_size = 0;
        kpe_cet_result cr;
        int c = kpe_cet_mark(data, size, &img, &out, &out_size, &cr);
        kpe_free(&img);
        if (c == 1) {
            if (kpe_parse(&img, out, out_size) == 0) {
                kpe_cet_info ci;
                kpe_cet_status(&img, &ci);
                if (ci.state != KPE_CET_MARKED ||
                    kpe_cet_mark(out, out_size, &img, &out2, &out2_size, &cr) != 0 || !cr.already)
                    abort();
            }
            kpe_free(&img);
        }
        free(out);
        free(out2);
    } else {
        kpe_free(&img);
    }

    /* compact: must stay in bounds on any input; when it changes a file that then parses,
     * a second compact must find nothing more to do. */
    if (kpe_parse(&img, data, size) == 0) {
        uint8_t *out = NULL, *out2 = NULL;
        size_t out_size = 0, out2_size = 0;
        kpe_compact_result cres;
        int c = kpe_compact(data, size, &img, &out, &out_size, &cres);
        kpe_free(&img);
        if (c == 1) {
            if (kpe_parse(&img, out, out_size) == 0 &&
                kpe_compact(out, out_size, &img, &out2, &out2_size, &cres) == 1)
                abort();    /* compact must be idempotent */
            kpe_free(&img); /* parse allocates even when it fails */
        }
        free(out);
        free(out2);
    } else {
        kpe_free(&img);
    }
    return 0;
}
