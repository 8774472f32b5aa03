/* fileio.h - the file steps the host tools share (POSIX). Each tool keeps its own wording and
 * its own policy (symlinks, modes, what may be replaced) in its fileio.c around these. */
#ifndef KMD_COMMON_FILEIO_H
#define KMD_COMMON_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* kmd_read_file flags. */
#define KMD_READ_NO_DIR 1 /* refuse a directory ("is a directory") before reading it */

/* Read PATH into a malloc'd buffer of at most MAX bytes ("file is larger than N MiB" past that).
 * 0, or -1 with ERR set. */
int kmd_read_file(const char *path, size_t max, int flags, uint8_t **buf, size_t *size, char *err,
                  size_t errlen);

/* PATH followed by SUFFIX (a mkstemp template such as ".kmdinf-XXXXXX") in a malloc'd string, so
 * that the temporary file lands in PATH's folder and rename() can replace PATH; NULL when out of
 * memory. */
char *kmd_temp_name(const char *path, const char *suffix);

/* Create the temporary file kmd_temp_name(PATH, SUFFIX) (mkstemp). Its descriptor, with *TMP its
 * malloc'd name, or -1 with ERR set ("out of memory" or "cannot create a temporary file next to
 * it: ..."; kmdpe words this its own way and uses the steps directly). */
int kmd_temp_file(const char *path, const char *suffix, char **tmp, char *err, size_t errlen);

/* The mode open(O_CREAT, 0666) would give a new file (mkstemp makes 0600). */
mode_t kmd_new_file_mode(void);

/* Fill the temporary file FD: give it the permission bits MODE (not with KMD_NO_CHMOD), write BUF
 * whole (through EINTR), fsync and close it. FD is closed in every case. 0, or the errno of the
 * first step that failed. */
#define KMD_NO_CHMOD ((mode_t)-1)
int kmd_fill_temp(int fd, mode_t mode, const uint8_t *buf, size_t size);

#endif
