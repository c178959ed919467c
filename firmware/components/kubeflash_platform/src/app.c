/*
 * Start-up and the app task: loads the config (provisioning mode when it is missing or corrupt), starts the
 * network, MQTT, the OTA task and the web pages, then ticks the core every 100 ms and carries out restarts.
 */
#include <string.h>

#include "esp_log.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "sdkconfig.h"

#include "kf_platform.h"
#include "platform.h"

static const char *TAG = "kf.app";

#ifdef CONFIG_KUBEFLASH_OTA_ALLOW_HTTP
#define OTA_ALLOW_HTTP true
#else
#define OTA_ALLOW_HTTP false
#endif

kf_state_t g_kf;

uint64_t kf_esp_now_ms(void)
{
    return kf_port_uptime_ms();
}

const kf_config_t *kf_platform_config(void)
{
    return g_kf.provisioned ? &g_kf.cfg : NULL;
}

void kf_esp_request_restart(kf_restart_t why)
{
    if (g_kf.restart == KF_RESTART_NONE || why == KF_RESTART_FACTORY_RESET) {
        g_kf.restart = why;
    }
}

static size_t read_telemetry(void *ctx, kf_reading_t *out, size_t cap)
{
    (void)ctx;
    if (cap < 3) {
        return 0;
    }
    out[0] = (kf_reading_t){.name = "uptime_s", .number = (double)(kf_esp_now_ms() / 1000)};
    out[1] = (kf_reading_t){.name = "heap_free_bytes", .number = (double)esp_get_free_heap_size()};
    out[2] = (kf_reading_t){.name = "heap_min_free_bytes", .number = (double)esp_get_minimum_free_heap_size()};
    size_t n = 3;
    if (g_kf.sta_connected && cap > n) {
        out[n++] = (kf_reading_t){.name = "wifi_rssi_dbm", .number = g_kf.rssi};
    }
    return n;
}

/* Offline status with the reason, a moment for it to leave, then the restart. */
static void restart_now(kf_restart_t why)
{
    static const char *const REASONS[] = {NULL, "reboot", "factory-reset", "ota"};
    ESP_LOGW(TAG, "restarting (%s)", REASONS[why]);
    KF_LOCK();
    if (why == KF_RESTART_FACTORY_RESET) {
        if (g_kf.ota_ready) {
            kf_ota_cancel(&g_kf.ota, "the device is being factory reset");
        }
        if (g_kf.local_kv.erase_all != NULL) {
            kf_local_erase(&g_kf.local_kv);
        }
    }
    if (g_kf.device_ready && g_kf.mqtt_connected) {
        kf_device_offline(&g_kf.device, REASONS[why]);
    }
    KF_UNLOCK();
    kf_esp_mqtt_drain(3000);
    kf_esp_mqtt_stop();
    vTaskDelay(pdMS_TO_TICKS(200));
    esp_restart();
}

/* Log lines are taken out under their own lock (any task may log) and published under ours. */
static void forward_logs(void)
{
    kf_logline_t lines[4];
    for (;;) {
        size_t n = 0;
        if (!g_kf.device_ready || !g_kf.mqtt_connected) {
            return;
        }
        xSemaphoreTake(g_kf.logs_lock, portMAX_DELAY);
        while (n < sizeof(lines) / sizeof(lines[0]) && kf_logfwd_pop(&g_kf.logs, &lines[n])) {
            n++;
        }
        xSemaphoreGive(g_kf.logs_lock);
        if (n == 0) {
            return;
        }
        KF_LOCK();
        for (size_t i = 0; i < n; i++) {
            kf_device_forward_log(&g_kf.device, &lines[i]);
        }
        KF_UNLOCK();
    }
}

static void app_task(void *arg)
{
    (void)arg;
    uint64_t next_second = 0;
    for (;;) {
        uint64_t now = kf_esp_now_ms();
        kf_esp_button_poll(now);
        if (now >= next_second) {
            next_second = now + 1000;
            KF_LOCK();
            if (g_kf.ota_ready) {
                kf_ota_tick(&g_kf.ota, now);
            }
            kf_esp_wifi_poll_rssi();
            if (g_kf.device_ready) {
                kf_device_tick(&g_kf.device, now);
            }
            KF_UNLOCK();
            forward_logs();
        }
        kf_restart_t why = g_kf.restart;
        if (why != KF_RESTART_NONE) {
            restart_now(why);
        }
        vTaskDelay(pdMS_TO_TICKS(100));
    }
}

static void start_update_and_device(void)
{
    kf_ota_env_t ota = {
        .slots = kf_esp_ota_slots(),
        .record = g_kf.record_kv,
        .transport = kf_esp_transport(),
        .topic_root = g_kf.cfg.mqtt_prefix,
        .pubkey = g_kf.cfg.ota_pubkey,
        .pubkey_len = g_kf.cfg.ota_pubkey_len,
        .max_attempts = CONFIG_KUBEFLASH_OTA_MAX_ATTEMPTS,
        .timeout_ms = CONFIG_KUBEFLASH_OTA_STALL_TIMEOUT_S * 1000u,
        .allow_http = OTA_ALLOW_HTTP,
        .confirm_timeout_ms = CONFIG_KUBEFLASH_OTA_CONFIRM_TIMEOUT_S * 1000u,
        .retry_base_ms = 2000,
        .retry_cap_ms = 60000,
    };
    g_kf.ota_ready = kf_ota_init(&g_kf.ota, &ota) == KF_OK;
    kf_device_env_t device = {
        .cfg = &g_kf.cfg,
        .transport = kf_esp_transport(),
        .ota = g_kf.ota_ready ? &g_kf.ota : NULL,
        .logs = NULL, /* drained by forward_logs() under the logs lock */
        .fw_version = g_kf.fw,
        .project = g_kf.project,
        .idf = g_kf.idf,
        .chip = CONFIG_IDF_TARGET,
        .mac = g_kf.mac,
        .partition = g_kf.partition[0] != '\0' ? g_kf.partition : NULL,
        .reset_reason = g_kf.reset_reason,
        .heartbeat_ms = CONFIG_KUBEFLASH_STATUS_HEARTBEAT_S * 1000u,
        .read_telemetry = read_telemetry,
    };
    g_kf.device_ready = kf_device_init(&g_kf.device, &device) == KF_OK;
    if (!g_kf.device_ready) {
        ESP_LOGE(TAG, "out of memory for the device topics");
        return;
    }
    kf_esp_logs_set_level(g_kf.cfg.mqtt_log_level);
    kf_esp_mqtt_prepare();
    if (g_kf.ota_ready) {
        kf_esp_ota_start();
    }
}

void kf_platform_start(void)
{
    g_kf.lock = xSemaphoreCreateRecursiveMutex();
    kf_esp_logs_install();
    kf_esp_device_facts();
    ESP_LOGI(TAG, "%s %s on %s", g_kf.project, g_kf.fw, CONFIG_IDF_TARGET);

    kf_esp_open_local_state();
    g_kf.provisioned = kf_esp_load_config() == KF_CONFIG_OK;
    if (g_kf.provisioned) {
        ESP_LOGI(TAG, "device %s, broker %s", g_kf.cfg.device_id, g_kf.cfg.mqtt_uri);
    } else {
        ESP_LOGE(TAG, "provisioning mode: config %s (%s%s%s)", kf_config_verdict_name(g_kf.problem.verdict),
                 g_kf.problem.key, g_kf.problem.key[0] ? ": " : "", g_kf.problem.reason);
    }
    KF_LOCK();
    kf_esp_reload_local_state();
    kf_web_init(&g_kf.web);
    KF_UNLOCK();

    if (g_kf.provisioned) {
        start_update_and_device();
    }
    kf_esp_button_init();
    kf_esp_wifi_start();
    kf_esp_web_start();
    if (xTaskCreate(app_task, "kf_app", 6144, NULL, 5, NULL) != pdPASS) {
        ESP_LOGE(TAG, "cannot start the app task");
    }
}
