/* kf_ota_slots_t on esp_ota_ops: the inactive app partition and the boot selection (otadata). */
#include <stddef.h>

#include "esp_app_desc.h"
#include "esp_log.h"
#include "esp_ota_ops.h"

#include "platform.h"

static const char *TAG = "kf.ota_slots";

static esp_ota_handle_t s_handle;
static const esp_partition_t *s_target;

static uint32_t slot_capacity(void *ctx)
{
    (void)ctx;
    const esp_partition_t *next = esp_ota_get_next_update_partition(NULL);
    return next != NULL ? (uint32_t)next->size : 0;
}

static const char *slot_next_label(void *ctx)
{
    (void)ctx;
    const esp_partition_t *next = esp_ota_get_next_update_partition(NULL);
    return next != NULL ? next->label : NULL;
}

static const char *slot_running_label(void *ctx)
{
    (void)ctx;
    const esp_partition_t *running = esp_ota_get_running_partition();
    return running != NULL ? running->label : NULL;
}

static const char *slot_running_version(void *ctx)
{
    (void)ctx;
    return esp_app_get_description()->version;
}

static kf_image_state_t slot_running_state(void *ctx)
{
    (void)ctx;
    esp_ota_img_states_t state;
    if (esp_ota_get_state_partition(esp_ota_get_running_partition(), &state) != ESP_OK) {
        return KF_IMAGE_UNDEFINED; /* factory app, or no OTA data */
    }
    switch (state) {
    case ESP_OTA_IMG_PENDING_VERIFY: return KF_IMAGE_PENDING_VERIFY;
    case ESP_OTA_IMG_VALID: return KF_IMAGE_VALID;
    default: return KF_IMAGE_UNDEFINED;
    }
}

static const char *slot_last_invalid_label(void *ctx)
{
    (void)ctx;
    const esp_partition_t *invalid = esp_ota_get_last_invalid_partition();
    return invalid != NULL ? invalid->label : NULL;
}

static kf_err_t slot_begin(void *ctx, uint32_t size)
{
    (void)ctx;
    (void)size; /* erased sector by sector while writing, so the device stays responsive */
    s_target = esp_ota_get_next_update_partition(NULL);
    if (s_target == NULL) {
        return KF_ERR_NOT_FOUND;
    }
    esp_err_t err = esp_ota_begin(s_target, OTA_WITH_SEQUENTIAL_WRITES, &s_handle);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_ota_begin(%s): %s", s_target->label, esp_err_to_name(err));
        return KF_ERR_IO;
    }
    return KF_OK;
}

static kf_err_t slot_write(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    esp_err_t err = esp_ota_write(s_handle, data, len);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_ota_write: %s", esp_err_to_name(err));
        return err == ESP_ERR_OTA_VALIDATE_FAILED ? KF_ERR_VERIFY : KF_ERR_IO;
    }
    return KF_OK;
}

static kf_err_t slot_finish(void *ctx)
{
    (void)ctx;
    esp_err_t err = esp_ota_end(s_handle);
    s_handle = 0;
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_ota_end: %s", esp_err_to_name(err));
        return err == ESP_ERR_OTA_VALIDATE_FAILED ? KF_ERR_VERIFY : KF_ERR_IO;
    }
    return KF_OK;
}

static void slot_abort_update(void *ctx)
{
    (void)ctx;
    if (s_handle != 0) {
        esp_ota_abort(s_handle);
        s_handle = 0;
    }
}

static kf_err_t slot_activate(void *ctx)
{
    (void)ctx;
    esp_err_t err = esp_ota_set_boot_partition(s_target);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_ota_set_boot_partition: %s", esp_err_to_name(err));
        return err == ESP_ERR_OTA_VALIDATE_FAILED ? KF_ERR_VERIFY : KF_ERR_IO;
    }
    return KF_OK;
}

static kf_err_t slot_mark_valid(void *ctx)
{
    (void)ctx;
    return esp_ota_mark_app_valid_cancel_rollback() == ESP_OK ? KF_OK : KF_ERR_IO;
}

static kf_err_t slot_rollback(void *ctx)
{
    (void)ctx;
    esp_err_t err = esp_ota_mark_app_invalid_rollback_and_reboot(); /* returns only on failure */
    ESP_LOGE(TAG, "rollback failed: %s", esp_err_to_name(err));
    return KF_ERR_IO;
}

kf_ota_slots_t kf_esp_ota_slots(void)
{
    kf_ota_slots_t slots = {
        .ctx = NULL,
        .capacity = slot_capacity,
        .next_label = slot_next_label,
        .running_label = slot_running_label,
        .running_version = slot_running_version,
        .running_state = slot_running_state,
        .last_invalid_label = slot_last_invalid_label,
        .begin = slot_begin,
        .write = slot_write,
        .finish = slot_finish,
        .abort = slot_abort_update,
        .activate = slot_activate,
        .mark_valid = slot_mark_valid,
        .rollback = slot_rollback,
    };
    return slots;
}
