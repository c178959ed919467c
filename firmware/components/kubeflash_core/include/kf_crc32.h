#pragma once
/* Portable core: no ESP-IDF includes. The CRC32 that NVS and otadata use. */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Same result as ESP-IDF's esp_rom_crc32_le(crc, buf, len): reflected polynomial 0xEDB88320, the register
 * starts at ~crc and ends inverted. NVS passes crc = 0xFFFFFFFF, so CRC("123456789") = 0xD202D277 (not the
 * standard CRC-32's 0xCBF43926). Chainable: crc32_le(crc32_le(c, a), b) = crc32_le(c, a ++ b).
 */
uint32_t kf_crc32_le(uint32_t crc, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif
