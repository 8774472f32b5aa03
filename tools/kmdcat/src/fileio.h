/* fileio.h - whole-file read with a size cap; atomic write (temporary file, fsync, rename). */
#ifndef KMDCAT_FILEIO_H
#define KMDCAT_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#define KC_MAX_FILE ((size_t)256 << 20)

int kc_read_file(const char *path, uint8_t **buf, size_t *size, char *err, size_t errlen);
int kc_write_atomic(const char *path, const uint8_t *buf, size_t size, char *err, size_t errlen);

#endif
