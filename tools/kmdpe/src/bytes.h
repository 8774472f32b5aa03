/* bytes.h - little-endian loads and stores on buffers whose bounds the caller has checked. */
#ifndef KMDPE_BYTES_H
#define KMDPE_BYTES_H

#include <stdint.h>

static inline uint16_t kpe_ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t kpe_ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void kpe_st16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void kpe_st32(uint8_t *p, uint32_t v)
{
    kpe_st16(p, v);
    kpe_st16(p + 2, v >> 16);
}

#endif
