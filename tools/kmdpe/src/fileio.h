/* fileio.h - kmdpe's atomic replace (POSIX); reading is common/fileio.h's kmd_read_file. */
#ifndef KMDPE_FILEIO_H
#define KMDPE_FILEIO_H

#include <stddef.h>
#include <stdint.h>

/* Write BUF to a temp file next to PATH, then rename it over PATH. 0 ok, -1 with ERR. */
int kpe_write_atomic(const char *path, const uint8_t *buf, size_t size, char *err, size_t errlen);

#endif
