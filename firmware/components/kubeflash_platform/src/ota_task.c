/*
 * The OTA download task: carries out the steps the core's OTA machine asks for (kf_ota_poll) with
 * esp_http_client, resuming with a Range request after a dropped connection. The core object is touched only
 * under g_kf.lock, for a chunk at a time, so MQTT and the web pages keep answering during the download.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "esp_crt_bundle.h"
#include "esp_http_client.h"
#include "esp_log.h"
#include "sdkconfig.h"

#include "platform.h"

static const char *TAG = "kf.ota_task";

#define MAX_REDIRECTS 5

typedef struct {
    int64_t range_start; /* first byte of Content-Range, -1 when the response has none */
} response_t;

static esp_err_t on_http_event(esp_http_client_event_t *evt)
{
    response_t *r = evt->user_data;
    if (evt->event_id == HTTP_EVENT_ON_HEADER && strcasecmp(evt->header_key, "Content-Range") == 0) {
        unsigned long first = 0;
        if (sscanf(evt->header_value, "bytes %lu-", &first) == 1) {
            r->range_start = (int64_t)first;
        }
    }
    return ESP_OK;
}

static bool is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* One GET of the image from `offset`; every outcome goes back to the core. */
static void fetch(const char *url, uint32_t offset, char *buf)
{
    response_t response = {.range_start = -1};
    esp_http_client_config_t config = {
        .url = url,
        .timeout_ms = CONFIG_KUBEFLASH_OTA_STALL_TIMEOUT_S * 1000 / 4,
        .buffer_size = 2048,
        .event_handler = on_http_event,
        .user_data = &response,
        .disable_auto_redirect = true,
    };
    KF_LOCK();
    /* The artifact server is verified against the broker's CA when the config has one (a cluster's own CA),
     * else against the certificate bundle; never without verification. */
    if (g_kf.cfg.mqtt_ca != NULL) {
        config.cert_pem = g_kf.cfg.mqtt_ca;
        config.cert_len = g_kf.cfg.mqtt_ca_len;
    } else {
        config.crt_bundle_attach = esp_crt_bundle_attach;
    }
    esp_http_client_handle_t client = esp_http_client_init(&config);
    KF_UNLOCK();
    if (client == NULL) {
        KF_LOCK();
        kf_ota_transfer_end(&g_kf.ota, false, "cannot create an HTTP client", kf_esp_now_ms());
        KF_UNLOCK();
        return;
    }
    char range[40];
    if (offset > 0) {
        snprintf(range, sizeof(range), "bytes=%" PRIu32 "-", offset);
        esp_http_client_set_header(client, "Range", range);
    }
    int status = 0;
    int64_t length = -1;
    esp_err_t err = ESP_OK;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
        response.range_start = -1;
        err = esp_http_client_open(client, 0);
        if (err != ESP_OK) {
            break;
        }
        length = esp_http_client_fetch_headers(client);
        status = esp_http_client_get_status_code(client);
        if (!is_redirect(status)) {
            break;
        }
        if (esp_http_client_set_redirection(client) != ESP_OK) {
            break; /* the core sees the 3xx and retries later */
        }
        esp_http_client_close(client);
    }
    char error[64];
    if (err != ESP_OK) {
        snprintf(error, sizeof(error), "cannot connect: %s", esp_err_to_name(err));
        KF_LOCK();
        kf_ota_transfer_end(&g_kf.ota, false, error, kf_esp_now_ms());
        KF_UNLOCK();
        esp_http_client_cleanup(client);
        return;
    }
    if (length < 0 || esp_http_client_is_chunked_response(client)) {
        length = -1;
    }
    KF_LOCK();
    kf_err_t verdict = kf_ota_response(&g_kf.ota, status, length, response.range_start, kf_esp_now_ms());
    KF_UNLOCK();
    bool clean = false;
    const char *why = NULL;
    while (verdict == KF_OK) {
        int n = esp_http_client_read(client, buf, CONFIG_KUBEFLASH_OTA_BUFFER_SIZE);
        if (n < 0) {
            why = "read error";
            break;
        }
        if (n == 0) {
            clean = esp_http_client_is_complete_data_received(client);
            why = clean ? NULL : "connection closed";
            break;
        }
        KF_LOCK();
        verdict = kf_ota_data(&g_kf.ota, buf, (size_t)n, kf_esp_now_ms());
        KF_UNLOCK();
    }
    if (verdict == KF_OK) {
        KF_LOCK();
        kf_ota_transfer_end(&g_kf.ota, clean, why, kf_esp_now_ms());
        KF_UNLOCK();
    }
    esp_http_client_close(client);
    esp_http_client_cleanup(client);
}

static void ota_task(void *arg)
{
    (void)arg;
    char *buf = malloc(CONFIG_KUBEFLASH_OTA_BUFFER_SIZE);
    char *url = malloc(KF_OTA_URL_MAX + 1);
    if (buf == NULL || url == NULL) {
        ESP_LOGE(TAG, "no memory for the download buffers: updates are disabled");
        vTaskDelete(NULL);
        return;
    }
    for (;;) {
        KF_LOCK();
        kf_ota_step_t step = kf_ota_poll(&g_kf.ota, kf_esp_now_ms());
        if (step.kind == KF_OTA_STEP_FETCH) {
            memcpy(url, g_kf.ota.req.url, sizeof(g_kf.ota.req.url));
        }
        KF_UNLOCK();
        switch (step.kind) {
        case KF_OTA_STEP_FETCH:
            fetch(url, step.offset, buf);
            break;
        case KF_OTA_STEP_WAIT:
            ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(step.wait_ms));
            break;
        case KF_OTA_STEP_RESTART:
            kf_esp_request_restart(KF_RESTART_OTA);
            ulTaskNotifyTake(pdTRUE, portMAX_DELAY);
            break;
        case KF_OTA_STEP_IDLE:
        default:
            ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(1000)); /* a command wakes us; the timeout bounds a missed wake */
            break;
        }
    }
}

void kf_esp_ota_start(void)
{
    if (xTaskCreate(ota_task, "kf_ota", 8192, NULL, 4, &g_kf.ota_task) != pdPASS) {
        ESP_LOGE(TAG, "cannot start the OTA task: updates are disabled");
    }
}

void kf_esp_ota_wake(void)
{
    if (g_kf.ota_task != NULL) {
        xTaskNotifyGive(g_kf.ota_task);
    }
}
