/* run: KmdManager's "All actions": install, start, each IOCTL, stop, remove; a log line per step,
 * stopping at the first failure and then undoing what run itself did (a service that existed
 * before is never removed). */
#include "commands.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int step_no, step_total;

/* Opens the JSON step object and numbers the step. */
static void step_begin(const char *step)
{
    step_no++;
    out_open(NULL, '{');
    out_str("step", step);
}

static void step_log(const char *what, const char *result, const char *fmt, ...)
    __attribute__((format(__MINGW_PRINTF_FORMAT, 3, 4)));

/* "[2/5] start skeleton: ok" (+ ": detail"); closes the JSON step object. */
static void step_log(const char *what, const char *result, const char *fmt, ...)
{
    char detail[3 * KMD_PATH_MAX + 256] = "";

    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
    }
    out_str("result", result);
    if (detail[0])
        out_str("detail", detail);
    out_close('}');
    if (step_no)
        out_line("[%d/%d] %s: %s%s%s", step_no, step_total, what, result, detail[0] ? ": " : "",
                 detail);
    else
        out_line("cleanup: %s: %s%s%s", what, result, detail[0] ? ": " : "", detail);
}

int cmd_run(const struct kmdctl_args *a)
{
    char what[512], detail[3 * KMD_PATH_MAX + 256], err_text[600];
    wchar_t path[MAX_PATH + 8];
    char name[4 * KMD_SERVICE_NAME_MAX + 1];
    int created = 0, started = 0, rc = 0;
    HANDLE h = INVALID_HANDLE_VALUE;
    unsigned char *out = NULL;
    DWORD err;

    kmd_utf8(a->name, name, sizeof name);
    step_no = 0;
    step_total = 4 + (int)a->ioctl_count;
    device_path(a->device, path, sizeof path / sizeof *path);
    out_wstr("name", a->name);
    out_wstr("device", path);
    out_open("steps", '[');

    /* install */
    step_begin("install");
    snprintf(what, sizeof what, "install %s", name);
    rc = install_service(a, &created, detail, sizeof detail);
    if (rc) {
        step_log(what, "failed", NULL);
        goto cleanup;
    }
    step_log(what, "ok", "%s%s", detail,
             created ? "" : " (it existed before run: kept afterwards)");

    /* start */
    step_begin("start");
    snprintf(what, sizeof what, "start %s", name);
    err = kmd_service_start(a->name);
    if (err) {
        rc = out_fail(-1, err, "run: cannot start service '%s'%s", name,
                      err == ERROR_SERVICE_ALREADY_RUNNING ? " (it was running before run)" : "");
        step_log(what, "failed", "%s", kmd_format_error(err, err_text, sizeof err_text));
        goto cleanup;
    }
    started = 1;
    step_log(what, "ok", NULL);

    /* each IOCTL, no input, an output buffer of --out-size bytes */
    out = calloc(a->out_size + 1, 1);
    for (size_t i = 0; i < a->ioctl_count; i++) {
        char code_hex[16];
        DWORD got = 0;

        snprintf(code_hex, sizeof code_hex, "0x%08lX", (unsigned long)a->ioctls[i]);
        step_begin("ioctl");
        out_str("code", code_hex);
        snprintf(what, sizeof what, "ioctl %s on %s", code_hex, u8(path));
        if (!out) {
            rc = out_fail(KMDCTL_EXIT_FAILED, ERROR_NOT_ENOUGH_MEMORY, "run: no memory");
            step_log(what, "failed", NULL);
            goto cleanup;
        }
        err = h == INVALID_HANDLE_VALUE ? kmd_device_open(a->device, &h) : ERROR_SUCCESS;
        if (err) {
            rc = out_fail(-1, err, "run: cannot open device '%s'", u8(path));
            step_log(what, "failed", "cannot open the device: %s",
                     kmd_format_error(err, err_text, sizeof err_text));
            goto cleanup;
        }
        err = kmd_ioctl(h, a->ioctls[i], NULL, 0, a->out_size ? out : NULL, a->out_size, &got);
        out_num("bytes", got);
        if (err) {
            rc = out_fail(-1, err, "run: IOCTL %s on %s failed", code_hex, u8(path));
            step_log(what, "failed", "%s", kmd_format_error(err, err_text, sizeof err_text));
            goto cleanup;
        }
        if (out_json()) {
            char *hex = hex_string(out, got);
            out_str("hex", hex ? hex : "");
            free(hex);
        }
        step_log(what, "ok", "%lu bytes", (unsigned long)got);
        if (!out_json())
            kmd_hexdump(stdout, out, got);
    }
    if (h != INVALID_HANDLE_VALUE) {
        CloseHandle(h);
        h = INVALID_HANDLE_VALUE;
    }

    /* stop */
    step_begin("stop");
    snprintf(what, sizeof what, "stop %s", name);
    err = kmd_service_stop(a->name, KMDCTL_STOP_TIMEOUT_MS);
    if (err) {
        rc = out_fail(-1, err, "run: cannot stop service '%s'", name);
        step_log(what, "failed", "%s", kmd_format_error(err, err_text, sizeof err_text));
        started = 0; /* do not try again below */
        goto cleanup;
    }
    started = 0;
    step_log(what, "ok", NULL);

    /* remove */
    step_begin("remove");
    snprintf(what, sizeof what, "remove %s", name);
    if (!created) {
        step_log(what, "skipped", "it existed before run began");
    } else {
        err = kmd_service_remove(a->name);
        if (err) {
            rc = out_fail(-1, err, "run: cannot remove service '%s'", name);
            step_log(what, "failed", "%s", kmd_format_error(err, err_text, sizeof err_text));
        } else {
            created = 0;
            step_log(what, "ok", NULL);
        }
    }
    out_close(']');
    free(out);
    return rc;

cleanup:
    /* After a failure: undo what run did, as far as it can. */
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    free(out);
    out_close(']');
    out_open("cleanup", '[');
    step_no = 0;
    if (started) {
        step_begin("stop");
        step_no = 0;
        snprintf(what, sizeof what, "stop %s", name);
        err = kmd_service_stop(a->name, KMDCTL_STOP_TIMEOUT_MS);
        if (err)
            step_log(what, "failed", "%s", kmd_format_error(err, err_text, sizeof err_text));
        else
            step_log(what, "ok", NULL);
    }
    if (created) {
        struct kmd_service_info info;

        step_begin("remove");
        step_no = 0;
        snprintf(what, sizeof what, "remove %s", name);
        if (kmd_service_query(a->name, &info) == 0 && info.state != SERVICE_STOPPED) {
            step_log(what, "skipped", "the driver is still %s", kmd_service_state_name(info.state));
        } else {
            err = kmd_service_remove(a->name);
            if (err)
                step_log(what, "failed", "%s", kmd_format_error(err, err_text, sizeof err_text));
            else
                step_log(what, "ok", NULL);
        }
    }
    out_close(']');
    return rc;
}
