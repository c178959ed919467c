#pragma once
/*
 * kubeflash on ESP-IDF: the platform layer that runs the portable core (kubeflash_core) on a real device:
 * NVS (config partition, local state), Wi-Fi with the ad-hoc setup network, esp-mqtt, OTA with esp_http_client
 * and esp_ota_ops, the web pages on esp_http_server / esp_https_server, the factory-reset button, logs over MQTT.
 */
#include "kf_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Starts everything and returns; the work happens in tasks. A missing or corrupt config never stops the device:
 * it then runs in provisioning mode (setup network with the config problem on its page, no MQTT).
 */
void kf_platform_start(void);

/** The operator's config once loaded, or NULL in provisioning mode (for application code; read-only). */
const kf_config_t *kf_platform_config(void);

#ifdef __cplusplus
}
#endif
