/* fileio.c - kmdinf's atomic write (POSIX): only a regular file is replaced, and it keeps its
 * mode. */
#define _XOPEN_SOURCE 700
#include "fileio.h"

#include "common/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int kinf_write_atomic(const char *path, const uint8_t *buf, size_t size, char *err, size_t errlen)
{
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "exists and is not a regular file");
        return -1;
    }
    char *tmp;
    int fd = kmd_temp_file(path, ".kmdinf-XXXXXX", &tmp, err, errlen);
    if (fd < 0)
        return -1;
    int e = kmd_fill_temp(fd, exists ? st.st_mode & 07777 : kmd_new_file_mode(), buf, size);
    if (e) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(e));
    } else if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s over it: %s", tmp, strerror(errno));
        e = 1;
    }
    if (e)
        unlink(tmp);
    free(tmp);
    return e ? -1 : 0;
}
