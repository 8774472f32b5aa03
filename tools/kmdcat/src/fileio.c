/* fileio.c - file reading and atomic writing (POSIX). A catalog's input must be a regular file,
 * read in one go at its stat() size; the write's steps are common/fileio.h's. */
#include "fileio.h"

#include "common/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int kc_read_file(const char *path, uint8_t **buf, size_t *size, char *err, size_t errlen)
{
    *buf = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        close(fd);
        return -1;
    }
    if ((uintmax_t)st.st_size > KC_MAX_FILE) {
        snprintf(err, errlen, "larger than %zu MiB", KC_MAX_FILE >> 20);
        close(fd);
        return -1;
    }
    size_t n = (size_t)st.st_size, got = 0;
    uint8_t *p = malloc(n ? n : 1);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        close(fd);
        return -1;
    }
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            snprintf(err, errlen, "read error: %s", r ? strerror(errno) : "file shrank");
            free(p);
            close(fd);
            return -1;
        }
        got += (size_t)r;
    }
    close(fd);
    *buf = p;
    *size = n;
    return 0;
}

int kc_write_atomic(const char *path, const uint8_t *buf, size_t size, char *err, size_t errlen)
{
    char *tmp;
    int fd = kmd_temp_file(path, ".tmp.XXXXXX", &tmp, err, errlen);
    if (fd < 0)
        return -1;
    int e = kmd_fill_temp(fd, kmd_new_file_mode(), buf, size);
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        snprintf(err, errlen, "cannot write: %s", strerror(e));
        unlink(tmp);
    }
    free(tmp);
    return e ? -1 : 0;
}
