/* fileio.c - the file steps the host tools share (POSIX). */
#define _XOPEN_SOURCE 700
#include "fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int kmd_read_file(const char *path, size_t max, int flags, uint8_t **buf, size_t *size, char *err,
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
    if ((flags & KMD_READ_NO_DIR) && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "is a directory");
        fclose(f);
        return -1;
    }
    /* Grow up to MAX + 1 bytes: reading one byte past MAX is how a larger file shows. */
    size_t cap = 0, len = 0;
    uint8_t *p = NULL;
    for (;;) {
        if (len == cap) {
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

char *kmd_temp_name(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    char *tmp = malloc(n + m + 1);
    if (tmp) {
        memcpy(tmp, path, n);
        memcpy(tmp + n, suffix, m + 1);
    }
    return tmp;
}

int kmd_temp_file(const char *path, const char *suffix, char **tmp, char *err, size_t errlen)
{
    *tmp = kmd_temp_name(path, suffix);
    if (!*tmp) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int fd = mkstemp(*tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file next to it: %s", strerror(errno));
        free(*tmp);
        *tmp = NULL;
    }
    return fd;
}

mode_t kmd_new_file_mode(void)
{
    mode_t mask = umask(022); /* the only way to read the umask is to set it */
    umask(mask);
    return 0666 & ~mask;
}

int kmd_fill_temp(int fd, mode_t mode, const uint8_t *buf, size_t size)
{
    int e = 0;
    if (mode != KMD_NO_CHMOD && fchmod(fd, mode) != 0)
        e = errno;
    for (size_t off = 0; !e && off < size;) {
        ssize_t w = write(fd, buf + off, size - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            e = w < 0 ? errno : EIO; /* a write of 0 bytes sets no errno */
        else
            off += (size_t)w;
    }
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    return e;
}
