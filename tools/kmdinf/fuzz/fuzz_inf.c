/* fuzz_inf.c - libFuzzer target: decode, parse, run every rule for both architectures, render
 * the findings and the file list as text and JSON, stamp (which must say why when it refuses),
 * stamp the result again (which must change nothing) and encode it back. */
#include "inf.h"
#include "report.h"
#include "rules.h"
#include "stamp.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    kinf_text t;
    char err[256];
    err[0] = 0;
    if (kinf_decode(data, size, &t, err, sizeof err)) {
        if (!err[0])
            abort(); /* malformed input always comes with a message */
        return 0;
    }
    kinf_file inf;
    if (kinf_parse(&inf, t.text, t.len) == 0) {
        for (int a = 0; a < 2; a++) {
            kinf_findings fs = {0};
            kinf_package pkg;
            memset(&pkg, 0, sizeof pkg);
            kinf_arch arch = a ? KINF_ARCH_X86 : KINF_ARCH_X64;
            if (kinf_check(&t, &inf, arch, &fs, &pkg) == 0) {
                if (fs.errors + fs.warnings != fs.n + fs.dropped)
                    abort();
                if (devnull) {
                    kinf_print_findings(devnull, "fuzz.inf", &t, arch, &fs, a);
                    kinf_print_files(devnull, "fuzz.inf", arch, &pkg, !a);
                }
            }
            kinf_package_free(&pkg);
            kinf_findings_free(&fs);
        }
    }
    kinf_free(&inf);
    kinf_stamp_opts o = {KINF_ARCH_X64, "02/29/2024", "1.2.3.4"};
    kinf_stamp_result r;
    size_t n1 = 0, n2 = 0;
    char *s1 = kinf_stamp(t.text, t.len, &o, &r, &n1);
    if (!s1 && !r.error[0])
        abort(); /* a refusal names its reason */
    if (s1) {
        char *s2 = kinf_stamp(s1, n1, &o, &r, &n2);
        if (!s2 || n1 != n2 || memcmp(s1, s2, n1))
            abort(); /* stamping a stamped INF again changes nothing */
        size_t bn;
        uint8_t *bytes = kinf_encode(s1, n1, t.enc, &bn);
        kinf_text back;
        if (bytes && t.enc == KINF_ENC_UTF16LE) {
            /* UTF-16 output decodes to the same text */
            if (kinf_decode(bytes, bn, &back, err, sizeof err) || back.len != n1 ||
                memcmp(back.text, s1, n1))
                abort();
            kinf_text_free(&back);
        }
        free(bytes);
        free(s2);
        free(s1);
    }
    kinf_text_free(&t);
    return 0;
}
