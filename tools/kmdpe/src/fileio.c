/* fileio.c - whole-file read with a size cap, atomic replace (POSIX). */
#define _XOPEN_SOURCE 700
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int kpe_read_file(const char *path, size_t max, uint8_t **buf, size_t *size, char *err,
                  size_t errlen)
{
    *buf = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    size_t cap = 0, len = 0;
    uint8_t *p = NULL;
    for (;;) {
        if (len == cap) {
            if (cap > max) {
                snprintf(err, errlen, "file is larger than %zu MiB", max >> 20);
                goto fail;
            }
            size_t ncap = cap ? cap * 2 : 65536;
            if (ncap > max + 1)
                ncap = max + 1;
            uint8_t *np = realloc(p, ncap);
            if (!np) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
            p = np;
            cap = ncap;
        }
        size_t got = fread(p + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                snprintf(err, errlen, "read error: %s", strerror(errno));
                goto fail;
            }
            break;
        }
        if (len > max) {
            snprintf(err, errlen, "file is larger than %zu MiB", max >> 20);
            goto fail;
        }
    }
    fclose(f);
    *buf = p;
    *size = len;
    return 0;
fail:
    fclose(f);
    free(p);
    return -1;
}

int kpe_write_atomic(const char *path, const uint8_t *buf, size_t size, char *err, size_t errlen)
{
    char *real = NULL;
    struct stat st;
    int have_st = lstat(path, &st) == 0;
    if (have_st && S_ISLNK(st.st_mode)) { /* replace the link target, keep the link */
        real = realpath(path, NULL);
        if (!real) {
            snprintf(err, errlen, "cannot resolve symlink: %s", strerror(errno));
            return -1;
        }
        path = real;
        have_st = stat(path, &st) == 0;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        free(real);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".kmdpe-XXXXXX", 14);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create temporary file %s: %s", tmp, strerror(errno));
        free(tmp);
        free(real);
        return -1;
    }
    int ok = 1;
    if (have_st)
        (void)fchmod(fd, st.st_mode & 07777);
    for (size_t off = 0; ok && off < size;) {
        ssize_t w = write(fd, buf + off, size - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            ok = 0;
        else
            off += (size_t)w;
    }
    if (ok && fsync(fd) != 0)
        ok = 0;
    if (close(fd) != 0)
        ok = 0;
    if (!ok)
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    else if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s over %s: %s", tmp, path, strerror(errno));
        ok = 0;
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    free(real);
    return ok ? 0 : -1;
}
