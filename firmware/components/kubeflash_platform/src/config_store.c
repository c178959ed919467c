/*
 * The operator's config partition (read-only; XTS-decrypted with the nvs_keys partition when that holds keys)
 * and local state in the default `nvs` partition.
 */
#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "esp_partition.h"
#include "nvs.h"
#include "nvs_flash.h"
#include "sdkconfig.h"

#include "platform.h"

static const char *TAG = "kf.config_store";

#define NVS_PAGE 4096u

static kf_config_verdict_t problem(kf_config_verdict_t verdict, const char *fmt, esp_err_t err)
{
    char reason[sizeof(g_kf.problem.reason)];
    snprintf(reason, sizeof(reason), fmt, esp_err_to_name(err));
    kf_config_problem_set(&g_kf.problem, verdict, NULL, reason);
    ESP_LOGE(TAG, "%s", reason);
    return verdict;
}

/* True when every page of the partition is erased: nothing was ever flashed there. */
static bool partition_is_erased(const esp_partition_t *part)
{
    for (size_t at = 0; at < part->size; at += NVS_PAGE) {
        uint32_t state = 0;
        if (esp_partition_read(part, at, &state, sizeof(state)) != ESP_OK || state != 0xFFFFFFFFu) {
            return false;
        }
    }
    return true;
}

static esp_err_t init_config_partition(const char *label)
{
    const esp_partition_t *keys = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS_KEYS,
                                                           CONFIG_KUBEFLASH_NVS_KEYS_PARTITION_LABEL);
    if (keys == NULL) {
        return nvs_flash_init_partition(label);
    }
    nvs_sec_cfg_t sec;
    esp_err_t err = nvs_flash_read_security_cfg(keys, &sec);
    if (err == ESP_ERR_NVS_KEYS_NOT_INITIALIZED) {
        ESP_LOGI(TAG, "no NVS keys: the config partition is plain");
        return nvs_flash_init_partition(label);
    }
    if (err != ESP_OK) {
        return err;
    }
    ESP_LOGI(TAG, "the config partition is encrypted");
    err = nvs_flash_secure_init_partition(label, &sec);
    memset(&sec, 0, sizeof(sec));
    return err;
}

kf_config_verdict_t kf_esp_load_config(void)
{
    const char *label = CONFIG_KUBEFLASH_CONFIG_PARTITION_LABEL;
    const esp_partition_t *part = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS, label);
    if (part == NULL) {
        kf_config_problem_set(&g_kf.problem, KF_CONFIG_MISSING, NULL, "the partition table has no config partition");
        ESP_LOGE(TAG, "no data/nvs partition labelled %s", label);
        return KF_CONFIG_MISSING;
    }
    if (partition_is_erased(part)) {
        kf_config_problem_set(&g_kf.problem, KF_CONFIG_MISSING, NULL,
                              "the config partition is empty: flash this device's config");
        ESP_LOGW(TAG, "config partition %s is erased", label);
        return KF_CONFIG_MISSING;
    }
    esp_err_t err = init_config_partition(label);
    if (err != ESP_OK) {
        return problem(KF_CONFIG_CORRUPT, "the config partition cannot be opened (%s)", err);
    }
    err = nvs_open_from_partition(label, CONFIG_KUBEFLASH_CONFIG_NAMESPACE, NVS_READONLY, &g_kf.config_nvs);
    if (err == ESP_ERR_NVS_NOT_FOUND) {
        return problem(KF_CONFIG_MISSING, "the config partition has no " CONFIG_KUBEFLASH_CONFIG_NAMESPACE
                                          " namespace (%s)", err);
    }
    if (err != ESP_OK) {
        return problem(KF_CONFIG_CORRUPT, "the config namespace cannot be opened (%s)", err);
    }
    /* kept open, read-only, for application code (kf_platform_config and the class keys it reads itself) */
    g_kf.config_kv = kf_nvs_kv(&g_kf.config_nvs, false);
    return kf_config_load(&g_kf.config_kv, &g_kf.cfg, &g_kf.problem);
}

static void open_rw(const char *ns, nvs_handle_t *handle, kf_kv_t *kv)
{
    esp_err_t err = nvs_open(ns, NVS_READWRITE, handle);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "cannot open local namespace %s: %s", ns, esp_err_to_name(err));
        memset(kv, 0, sizeof(*kv));
        return;
    }
    *kv = kf_nvs_kv(handle, true);
}

void kf_esp_open_local_state(void)
{
    esp_err_t err = nvs_flash_init();
    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
        /* only the local state partition: the operator's config lives elsewhere */
        ESP_LOGW(TAG, "local state partition unusable (%s): erasing it", esp_err_to_name(err));
        err = nvs_flash_erase();
        if (err == ESP_OK) {
            err = nvs_flash_init();
        }
    }
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "local state unavailable: %s", esp_err_to_name(err));
        return;
    }
    open_rw(CONFIG_KUBEFLASH_LOCAL_NAMESPACE, &g_kf.local_nvs, &g_kf.local_kv);
    open_rw(CONFIG_KUBEFLASH_OTA_RECORD_NAMESPACE, &g_kf.ota_nvs, &g_kf.record_kv);
}

void kf_esp_reload_local_state(void)
{
    kf_local_free(&g_kf.local);
    if (g_kf.local_kv.find != NULL) {
        kf_local_load(&g_kf.local_kv, &g_kf.local);
    }
    kf_settings_resolve(g_kf.provisioned ? &g_kf.cfg : NULL, &g_kf.local, &g_kf.settings);
}
