#include "kf_crc32.h"

uint32_t kf_crc32_le(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint32_t reg = ~crc;
    for (size_t i = 0; i < len; i++) {
        reg ^= p[i];
        for (int bit = 0; bit < 8; bit++) {
            reg = (reg >> 1) ^ (0xEDB88320u & (0u - (reg & 1u)));
        }
    }
    return ~reg;
}
