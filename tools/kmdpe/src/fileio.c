/* fileio.c - kmdpe's atomic replace (POSIX): a symlink's target is replaced, the link kept. */
#define _XOPEN_SOURCE 700
#include "fileio.h"

#include "common/fileio.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    char *tmp = kmd_temp_name(path, ".kmdpe-XXXXXX");
    if (!tmp) {
        free(real);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create temporary file %s: %s", tmp, strerror(errno));
        free(tmp);
        free(real);
        return -1;
    }
    if (have_st)
        (void)fchmod(fd, st.st_mode & 07777);
    int e = kmd_fill_temp(fd, KMD_NO_CHMOD, buf, size);
    if (e) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(e));
    } else if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s over %s: %s", tmp, path, strerror(errno));
        e = 1;
    }
    if (e)
        unlink(tmp);
    free(tmp);
    free(real);
    return e ? -1 : 0;
}
