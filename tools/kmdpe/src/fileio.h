/* fileio.h - whole-file read with a size cap, atomic replace. */
#ifndef KMDPE_FILEIO_H
#define KMDPE_FILEIO_H

#include <stddef.h>
#include <stdint.h>

/* Read PATH into a malloc'd buffer (at most MAX bytes). 0 ok, -1 with ERR set. */
int kpe_read_file(const char *path, size_t max, uint8_t **buf, size_t *size, char *err,
                  size_t errlen);
/* Write BUF to a temp file next to PATH, then rename it over PATH. 0 ok, -1 with ERR. */
int kpe_write_atomic(const char *path, const uint8_t *buf, size_t size, char *err, size_t errlen);

#endif
