/* kmdctl_fuzz_test: kmdctl fuzz's pure parts (user/kmdctl/fuzz.c) and its command line
 * (user/kmdctl/args.c) rule by rule: option values, the codes of a run, the request draws
 * (reproducible, within their bounds, every kind of size, placement and content showing up).
 * Prints each failure, then "N passed, N failed"; exits 1 when any failed. */
#include "kmdctl_test.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

static void test_values(void)
{
    DWORD a = 0, b = 0, list[KMDCTL_FUZZ_MAX_EXPECT];
    unsigned methods = 0;
    size_t n = 0;
    int random = 0;
    char why[256];

    CHECK(kmdctl_fuzz_parse_type(L"8302", &a, NULL, 0) == 0 && a == 0x8302);
    CHECK(kmdctl_fuzz_parse_type(L"0x8100", &a, NULL, 0) == 0 && a == 0x8100);
    CHECK(kmdctl_fuzz_parse_type(L"10000", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "'10000'") && strstr(why, "0 to FFFF"));
    CHECK(kmdctl_fuzz_parse_type(L"", &a, NULL, 0) == ERROR_INVALID_DATA);
    CHECK(kmdctl_fuzz_parse_type(L"x1", &a, NULL, 0) == ERROR_INVALID_DATA);

    CHECK(kmdctl_fuzz_parse_functions(L"800-80f", &a, &b, NULL, 0) == 0 && a == 0x800 &&
          b == 0x80F);
    CHECK(kmdctl_fuzz_parse_functions(L"0x800-0x800", &a, &b, NULL, 0) == 0 && a == b);
    CHECK(kmdctl_fuzz_parse_functions(L"801", &a, &b, NULL, 0) == 0 && a == 0x801 && b == 0x801);
    CHECK(kmdctl_fuzz_parse_functions(L"900-800", &a, &b, why, sizeof why) ==
          ERROR_INVALID_PARAMETER);
    CHECK(strstr(why, "first function is above the last"));
    CHECK(kmdctl_fuzz_parse_functions(L"800-1000", &a, &b, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(kmdctl_fuzz_parse_functions(L"800-", &a, &b, NULL, 0) == ERROR_INVALID_DATA);
    CHECK(kmdctl_fuzz_parse_functions(L"-800", &a, &b, NULL, 0) == ERROR_INVALID_DATA);

    CHECK(kmdctl_fuzz_parse_methods(L"buffered", &methods, NULL, 0) == 0 && methods == 1);
    CHECK(kmdctl_fuzz_parse_methods(L"in-direct,3", &methods, NULL, 0) == 0 && methods == 0xA);
    CHECK(kmdctl_fuzz_parse_methods(L"neither,direct", &methods, why, sizeof why) ==
          ERROR_INVALID_DATA);
    CHECK(kmdctl_fuzz_parse_methods(L"", &methods, NULL, 0) == ERROR_INVALID_DATA);

    CHECK(kmdctl_fuzz_parse_expect(L"87", list, &n, NULL, 0) == 0 && n == 1 && list[0] == 87);
    CHECK(kmdctl_fuzz_parse_expect(L"default,22,0xAA", list, &n, NULL, 0) == 0 && n == 9);
    CHECK(list[0] == 1 && list[7] == 22 && list[8] == 170);
    CHECK(kmdctl_fuzz_parse_expect(L"87,,1", list, &n, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "empty"));
    CHECK(kmdctl_fuzz_parse_expect(L"87,x", list, &n, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "'x' is not a number"));

    CHECK(kmdctl_fuzz_parse_seed(L"42", &a, &random, NULL, 0) == 0 && a == 42 && !random);
    CHECK(kmdctl_fuzz_parse_seed(L"0xffffffff", &a, &random, NULL, 0) == 0 && a == 0xFFFFFFFF);
    CHECK(kmdctl_fuzz_parse_seed(L"random", &a, &random, NULL, 0) == 0 && random);
    CHECK(kmdctl_fuzz_parse_seed(L"4294967296", &a, &random, why, sizeof why) != 0);
    CHECK(kmdctl_fuzz_parse_seed(L"time", &a, &random, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "'random'"));
}

static void test_codes(void)
{
    static DWORD codes[KMDCTL_FUZZ_MAX_CODES];
    struct kmdctl_fuzz_options o;
    size_t n = 99;
    char why[256];

    kmdctl_fuzz_defaults(&o);
    CHECK(kmdctl_fuzz_codes(&o, codes, KMDCTL_FUZZ_MAX_CODES, &n, why, sizeof why) ==
          ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "needs the codes") && n == 0);
    o.codes[0] = 0x81002000;
    o.codes[1] = 0x81002004;
    o.codes[2] = 0x81002000; /* a repeat */
    o.code_count = 3;
    CHECK(kmdctl_fuzz_codes(&o, codes, KMDCTL_FUZZ_MAX_CODES, &n, NULL, 0) == 0 && n == 2);
    CHECK(codes[0] == 0x81002000 && codes[1] == 0x81002004);
    o.excludes[0] = 0x81002000;
    o.exclude_count = 1;
    CHECK(kmdctl_fuzz_codes(&o, codes, KMDCTL_FUZZ_MAX_CODES, &n, NULL, 0) == 0 && n == 1);
    CHECK(codes[0] == 0x81002004);
    o.codes[0] = 0x81002000;
    o.code_count = 1;
    CHECK(kmdctl_fuzz_codes(&o, codes, KMDCTL_FUZZ_MAX_CODES, &n, why, sizeof why) ==
          ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "--exclude leaves no code"));

    /* --type and --functions: function, method, access, in that order; --code ones first. */
    kmdctl_fuzz_defaults(&o);
    o.type_given = o.functions_given = 1;
    o.type = 0x8302;
    o.function_first = 0x800;
    o.function_last = 0x801;
    CHECK(kmdctl_fuzz_codes(&o, codes, KMDCTL_FUZZ_MAX_CODES, &n, NULL, 0) == 0 && n == 32);
    CHECK(codes[0] == 0x83022000 && codes[1] == 0x83026000 && codes[4] == 0x83022001);
    CHECK(codes[15] == 0x8302E003 && codes[16] == 0x83022004 && codes[31] == 0x8302E007);
    o.methods = 1u << METHOD_NEITHER;
    CHECK(kmdctl_fuzz_codes(&o, codes, KMDCTL_FUZZ_MAX_CODES, &n, NULL, 0) == 0 && n == 8);
    CHECK(codes[0] == 0x83022003 && codes[7] == 0x8302E007);
    o.methods = 0;
    o.codes[0] = 0x83022004;
    o.codes[1] = 0x12345678;
    o.code_count = 2;
    CHECK(kmdctl_fuzz_codes(&o, codes, KMDCTL_FUZZ_MAX_CODES, &n, NULL, 0) == 0 && n == 33);
    CHECK(codes[0] == 0x83022004 && codes[1] == 0x12345678 && codes[2] == 0x83022000);
    o.function_first = 0;
    o.function_last = 0xFFF;
    CHECK(kmdctl_fuzz_codes(&o, codes, KMDCTL_FUZZ_MAX_CODES, &n, why, sizeof why) ==
          ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "more than 4096 codes"));
    o.functions_given = 0;
    CHECK(kmdctl_fuzz_codes(&o, codes, KMDCTL_FUZZ_MAX_CODES, &n, why, sizeof why) ==
          ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "--type and --functions go together"));

    /* The expected errors: the default list, or exactly the given one. */
    kmdctl_fuzz_defaults(&o);
    CHECK(kmdctl_fuzz_expected(&o, 1) && kmdctl_fuzz_expected(&o, 50) &&
          kmdctl_fuzz_expected(&o, 87) && kmdctl_fuzz_expected(&o, 122) &&
          kmdctl_fuzz_expected(&o, 234) && kmdctl_fuzz_expected(&o, 998) &&
          kmdctl_fuzz_expected(&o, 1784));
    CHECK(!kmdctl_fuzz_expected(&o, 5) && !kmdctl_fuzz_expected(&o, 995));
    o.expect_given = 1;
    o.expect[0] = 5;
    o.expect_count = 1;
    CHECK(kmdctl_fuzz_expected(&o, 5) && !kmdctl_fuzz_expected(&o, 87));
}

static int same(const struct kmdctl_fuzz_request *a, const struct kmdctl_fuzz_request *b)
{
    return a->code == b->code && a->number == b->number && a->in.size == b->in.size &&
           a->in.place == b->in.place && a->out.size == b->out.size &&
           a->out.place == b->out.place && a->fill == b->fill && a->content_seed == b->content_seed;
}

static void test_draws(void)
{
    static unsigned char x[65536], y[65536];
    struct kmdctl_fuzz_request r, s;
    int sizes[8] = {0}, places[8] = {0}, fills[6] = {0}, differ = 0, wtext = 1;
    int neither_bad = 0, buffered_bad = 0, page = 0, bounded = 1;

    /* The same (seed, code, number, max size): the same request and the same bytes. */
    kmdctl_fuzz_draw(1, 0x81002004, 39, 8192, &r);
    kmdctl_fuzz_draw(1, 0x81002004, 39, 8192, &s);
    CHECK(same(&r, &s) && r.code == 0x81002004 && r.number == 39);
    kmdctl_fuzz_fill(&r, x);
    kmdctl_fuzz_fill(&s, y);
    CHECK(memcmp(x, y, r.in.size) == 0);
    /* A change in any of the three gives another request (almost always: count them). */
    for (DWORD k = 1; k <= 200; k++) {
        kmdctl_fuzz_draw(1, 0x81002004, k, 8192, &r);
        kmdctl_fuzz_draw(2, 0x81002004, k, 8192, &s);
        differ += !same(&r, &s);
        kmdctl_fuzz_draw(1, 0x81002000, k, 8192, &s);
        differ += r.content_seed != s.content_seed;
    }
    CHECK(differ == 400);

    for (DWORD k = 1; k <= 20000; k++) {
        DWORD code = k % 2 ? 0x83022003 : 0x83022000; /* neither, buffered */
        DWORD max = k % 3 ? 8192 : 100;

        kmdctl_fuzz_draw(7, code, k, max, &r);
        bounded &= r.in.size <= max && r.out.size <= max;
        bounded &= (r.in.size == 0) == (r.in.place == KMDCTL_FUZZ_NONE);
        bounded &= (r.out.size == 0) == (r.out.place == KMDCTL_FUZZ_NONE);
        sizes[r.in.size == 0 ? 0 : r.in.size <= 16 ? 1 : r.in.size % 2 ? 2 : 3]++;
        page += r.in.size == 4095 || r.in.size == 4096 || r.in.size == 4097;
        places[r.in.place]++;
        fills[r.fill]++;
        if (r.in.place >= KMDCTL_FUZZ_LOW || r.out.place >= KMDCTL_FUZZ_LOW)
            (code & 3) == METHOD_NEITHER ? neither_bad++ : buffered_bad++;
        if (r.fill == KMDCTL_FUZZ_WTEXT && r.in.size >= 2 && r.in.size <= sizeof x) {
            kmdctl_fuzz_fill(&r, x);
            for (DWORD i = 1; i < r.in.size; i += 2)
                wtext &= x[i] == 0;
        }
    }
    CHECK(bounded); /* sizes within max, and size 0 exactly when there is no buffer */
    /* Every kind shows up: empty, small, odd, even sizes, sizes around a page; each placement
     * (bad ones only for METHOD_NEITHER) and each kind of content. */
    for (int i = 0; i < 4; i++)
        CHECK(sizes[i] > 1000);
    CHECK(page > 100);
    for (int p = KMDCTL_FUZZ_NONE; p <= KMDCTL_FUZZ_NONCANONICAL; p++)
        CHECK(places[p] > 50 || (p == KMDCTL_FUZZ_NONCANONICAL && sizeof(void *) == 4));
    for (int f = 0; f < 6; f++)
        CHECK(fills[f] > 200);
    CHECK(neither_bad > 500 && buffered_bad == 0);
    CHECK(wtext);

    /* The draw is part of the interface: a replay line printed by an earlier kmdctl must send the
     * same request. Seed 1, code 0x83022004, request 443, max 8192 is fuzzbug's planted crash
     * (tests/fuzz/fuzzbug.sh): 13 bytes of random input, 572 bytes out at a page end. */
    kmdctl_fuzz_draw(1, 0x83022004, 443, 8192, &r);
    CHECK(r.in.size == 13 && r.in.place == KMDCTL_FUZZ_START && r.fill == KMDCTL_FUZZ_RANDOM);
    CHECK(r.out.size == 572 && r.out.place == KMDCTL_FUZZ_PAGE_END);
}

static void test_describe(void)
{
    char buf[96];
    struct kmdctl_fuzz_buffer b = {13, KMDCTL_FUZZ_PAGE_END};

    CHECK(strcmp(kmdctl_fuzz_describe(&b, buf, sizeof buf), "13 bytes at a page end") == 0);
    b.place = KMDCTL_FUZZ_NULL;
    CHECK(strcmp(kmdctl_fuzz_describe(&b, buf, sizeof buf), "NULL with 13 bytes") == 0);
    b.place = KMDCTL_FUZZ_KERNEL;
    CHECK(strcmp(kmdctl_fuzz_describe(&b, buf, sizeof buf), sizeof(void *) == 8
                                                                ? "13 bytes at 0xffff800000001000"
                                                                : "13 bytes at 0x80001000") == 0);
    b.size = 0;
    b.place = KMDCTL_FUZZ_NONE;
    CHECK(strcmp(kmdctl_fuzz_describe(&b, buf, sizeof buf), "none") == 0);
    CHECK(kmdctl_fuzz_suspicious(ERROR_FILE_NOT_FOUND) &&
          kmdctl_fuzz_suspicious(ERROR_GEN_FAILURE));
    CHECK(kmdctl_fuzz_suspicious(ERROR_INVALID_HANDLE) && !kmdctl_fuzz_suspicious(87));
}

/* --- the command line ------------------------------------------------------------------------ */

static void test_command_line(void)
{
    struct kmdctl_args a = {0};
    char why[512];

    CHECK(parse_line(L"fuzz KmdSkeleton --code 0x81002000 --code 0x8100:0x801:0:0", &a, why,
                     sizeof why) == 0);
    CHECK(strcmp(a.command->name, "fuzz") == 0 && wcscmp(a.device, L"KmdSkeleton") == 0);
    CHECK(a.fuzz.code_count == 2 && a.fuzz.codes[1] == 0x81002004);
    CHECK(a.fuzz.count == KMDCTL_FUZZ_COUNT_DEFAULT && a.fuzz.first == 1 && a.fuzz.seed == 1);
    CHECK(a.fuzz.max_size == KMDCTL_FUZZ_MAX_SIZE_DEFAULT && !a.fuzz.expect_given);
    CHECK(a.fuzz.timeout_ms == 5000 && a.fuzz.cancel_ms == 1000);
    CHECK(parse_line(L"fuzz D --type 8302 --functions 800-803 --methods buffered,neither --count 7 "
                     L"--first 39 --seed 0x10 --max-size 0 --expect-errors default,5 --exclude "
                     L"83022000 --journal j.txt --json",
                     &a, why, sizeof why) == 0);
    CHECK(a.fuzz.type == 0x8302 && a.fuzz.function_first == 0x800 && a.fuzz.function_last == 0x803);
    CHECK(a.fuzz.methods == 9 && a.fuzz.count == 7 && a.fuzz.first == 39 && a.fuzz.seed == 16);
    CHECK(a.fuzz.max_size == 0 && a.fuzz.expect_count == 8 && a.fuzz.exclude_count == 1);
    CHECK(wcscmp(a.fuzz.journal, L"j.txt") == 0 && a.json);
    /* The cancel comes before the timeout: half of a short timeout unless given. */
    CHECK(parse_line(L"fuzz D --code 1 --timeout 500", &a, why, sizeof why) == 0);
    CHECK(a.fuzz.timeout_ms == 500 && a.fuzz.cancel_ms == 250);
    CHECK(parse_line(L"fuzz D --code 1 --cancel-after 20", &a, why, sizeof why) == 0);
    CHECK(a.fuzz.cancel_ms == 20 && a.fuzz.timeout_ms == 5000);
    CHECK(parse_line(L"fuzz D --code 1 --cancel-after 5000", &a, why, sizeof why) ==
          ERROR_INVALID_PARAMETER);
    CHECK(strstr(why, "--cancel-after (5000 ms) must be shorter than --timeout (5000 ms)"));
    CHECK(parse_line(L"fuzz D --code 1 --timeout 9", &a, why, sizeof why) ==
          ERROR_INVALID_PARAMETER);
    CHECK(parse_line(L"fuzz D --code 1 --count 0", &a, why, sizeof why) == ERROR_INVALID_PARAMETER);
    CHECK(strstr(why, "--count: 0 is below the minimum 1"));
    CHECK(parse_line(L"fuzz D --code 1 --count 10000001", &a, why, sizeof why) ==
          ERROR_INVALID_PARAMETER);
    CHECK(parse_line(L"fuzz D --code 1 --first 0", &a, why, sizeof why) == ERROR_INVALID_PARAMETER);
    CHECK(parse_line(L"fuzz D --code 1 --max-size 1048577", &a, why, sizeof why) ==
          ERROR_INVALID_PARAMETER);
    CHECK(parse_line(L"fuzz D --code zz", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "--code:") && strstr(why, "'zz'"));
    CHECK(parse_line(L"fuzz D --exclude 1:2", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(parse_line(L"fuzz D --seed later", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(parse_line(L"fuzz D --code 1 --in 00", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "'--in' does not apply to fuzz"));
    CHECK(parse_line(L"ioctl D 1 --count 3", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "'--count' does not apply to ioctl"));
    CHECK(parse_line(L"fuzz", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "fuzz needs DEVICE"));
    kmdctl_args_free(&a);
}

int wmain(void)
{
    test_values();
    test_codes();
    test_draws();
    test_describe();
    test_command_line();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
