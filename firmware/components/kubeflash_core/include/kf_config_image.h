#pragma once
/*
 * Portable core: no ESP-IDF includes. The config model on a whole config partition image, read by the core's
 * own NVS reader (kf_nvs_image.h): the path host tests and tools take. On the device the platform reads the
 * partition through nvs_flash and calls kf_config_load() directly; both paths share every rule.
 */
#include <stddef.h>
#include <stdint.h>

#include "kf_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * KF_CONFIG_MISSING: the image is erased or has no namespace `ns`; KF_CONFIG_CORRUPT: a page header or an entry
 * fails its CRC (the image was damaged: a partial write, a wrong key, bit rot); otherwise as kf_config_load().
 */
kf_config_verdict_t kf_config_load_image(const uint8_t *image, size_t size, const char *ns, kf_config_t *cfg,
                                         kf_config_problem_t *problem);

#ifdef __cplusplus
}
#endif
