/* fileio.h - kmdinf's atomic write (POSIX); reading is common/fileio.h's kmd_read_file. */
#ifndef KMDINF_FILEIO_H
#define KMDINF_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#define KINF_MAX_FILE_SIZE (16u << 20) /* bytes; a real INF is a few KiB */

/* Write BUF to a new temporary file next to PATH, flush it, then rename it over PATH: PATH is
 * either untouched or complete. 0, or -1 with ERR set (the temporary file is removed). */
int kinf_write_atomic(const char *path, const uint8_t *buf, size_t size, char *err, size_t errlen);

#endif
