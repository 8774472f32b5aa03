/* fileio.c - whole-file read with a size cap, atomic write (POSIX). */
#define _XOPEN_SOURCE 700
#include "fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int kinf_read_file(const char *path, size_t max, uint8_t **buf, size_t *size, char *err,
                   size_t errlen)
{
    *buf = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "is a directory");
        fclose(f);
        return -1;
    }
    size_t cap = 0, len = 0;
    uint8_t *p = NULL;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16384;
            if (ncap > max + 1)
                ncap = max + 1;
            if (ncap <= cap) {
                snprintf(err, errlen, "file is larger than %zu MiB", max >> 20);
                goto fail;
            }
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
        if (len > max) {
            snprintf(err, errlen, "file is larger than %zu MiB", max >> 20);
            goto fail;
        }
        if (got == 0) {
            if (ferror(f)) {
                snprintf(err, errlen, "read error: %s", strerror(errno));
                goto fail;
            }
            break;
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

int kinf_write_atomic(const char *path, const uint8_t *buf, size_t size, char *err, size_t errlen)
{
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "exists and is not a regular file");
        return -1;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".kmdinf-XXXXXX", 15);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file next to it: %s", strerror(errno));
        free(tmp);
        return -1;
    }
    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
    } else { /* what open(O_CREAT, 0666) would give */
        mode_t mask = umask(022);
        umask(mask);
        mode = 0666 & ~mask;
    }
    int ok = fchmod(fd, mode) == 0;
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
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(saved));
    } else if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s over it: %s", tmp, strerror(errno));
        ok = 0;
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok ? 0 : -1;
}
