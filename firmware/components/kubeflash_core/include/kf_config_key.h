#pragma once
/* Portable core: no ESP-IDF includes. Rules for NVS configuration key names. */
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest NVS key or namespace name, without the terminating NUL (NVS_KEY_NAME_MAX_SIZE - 1). */
#define KF_CONFIG_KEY_MAX_LEN 15

/** True when `key` is 1..15 characters of [A-Za-z0-9_], the names kubeflash writes into NVS. */
bool kf_config_key_is_valid(const char *key);

#ifdef __cplusplus
}
#endif
