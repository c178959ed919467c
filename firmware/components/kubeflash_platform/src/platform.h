#pragma once
/* Shared state of the platform files. Every core object below is guarded by g_kf.lock. */
#include <stdbool.h>
#include <stdint.h>

#include "esp_http_server.h"
#include "esp_netif.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "mqtt_client.h"
#include "nvs.h"

#include "kf_config.h"
#include "kf_device.h"
#include "kf_logfwd.h"
#include "kf_ota.h"
#include "kf_port.h"
#include "kf_web.h"
#include "kf_wifi.h"

typedef enum {
    KF_RESTART_NONE = 0,
    KF_RESTART_REBOOT,        /* cmd/reboot */
    KF_RESTART_FACTORY_RESET, /* cmd/factory-reset, the web page or the button */
    KF_RESTART_OTA,           /* a new image is activated */
} kf_restart_t;

typedef struct {
    SemaphoreHandle_t lock; /* recursive mutex around every core object */

    /* config and local state */
    bool provisioned;
    kf_config_t cfg;
    kf_config_problem_t problem;
    nvs_handle_t config_nvs;
    kf_kv_t config_kv;
    nvs_handle_t local_nvs;
    kf_kv_t local_kv;
    nvs_handle_t ota_nvs;
    kf_kv_t record_kv;
    kf_local_t local;
    kf_settings_t settings;

    /* device facts for the status */
    char fw[32];
    char project[32];
    char idf[32];
    char mac[18];
    char partition[17];
    const char *reset_reason;

    /* network */
    esp_netif_t *sta_netif;
    esp_netif_t *ap_netif;
    kf_wifi_t wifi;
    esp_timer_handle_t wifi_timer;
    bool sta_connected;
    uint32_t sta_ip;
    uint32_t sta_netmask;
    uint32_t ap_ip;
    int rssi;
    bool sntp_started;

    /* MQTT */
    esp_mqtt_client_handle_t mqtt;
    bool mqtt_started;
    volatile bool mqtt_connected;
    kf_backoff_t mqtt_backoff;
    esp_timer_handle_t mqtt_timer;
    QueueHandle_t outbox;
    TaskHandle_t publisher_task;
    char *rx_buf; /* reassembly of a command split over several MQTT_EVENT_DATA */
    size_t rx_len;

    /* core objects */
    kf_ota_t ota;
    bool ota_ready;
    TaskHandle_t ota_task;
    kf_device_t device;
    bool device_ready;
    kf_web_t web;
    httpd_handle_t http;
    httpd_handle_t https;
    kf_logfwd_t logs;
    SemaphoreHandle_t logs_lock;

    /* what the app task must do next */
    volatile kf_restart_t restart;
} kf_state_t;

extern kf_state_t g_kf;

#define KF_LOCK() xSemaphoreTakeRecursive(g_kf.lock, portMAX_DELAY)
#define KF_UNLOCK() xSemaphoreGiveRecursive(g_kf.lock)

/* nvs_kv.c */
kf_kv_t kf_nvs_kv(nvs_handle_t *handle, bool writable);

/* config_store.c */
kf_config_verdict_t kf_esp_load_config(void);
void kf_esp_open_local_state(void);
void kf_esp_reload_local_state(void);

/* device_info.c */
void kf_esp_device_facts(void);

/* ota_slots.c, ota_task.c */
kf_ota_slots_t kf_esp_ota_slots(void);
void kf_esp_ota_start(void);
void kf_esp_ota_wake(void);

/* mqtt.c */
kf_transport_t kf_esp_transport(void);
void kf_esp_mqtt_prepare(void);
void kf_esp_mqtt_network_up(void);
bool kf_esp_mqtt_drain(uint32_t timeout_ms);
void kf_esp_mqtt_stop(void);

/* wifi.c */
void kf_esp_wifi_start(void);
void kf_esp_wifi_apply(kf_wifi_actions_t actions);
void kf_esp_wifi_credentials_changed(void);
void kf_esp_wifi_poll_rssi(void);

/* dns.c */
void kf_esp_dns_start(uint32_t ap_ip);
void kf_esp_dns_stop(void);

/* web.c */
void kf_esp_web_start(void);

/* logs.c */
void kf_esp_logs_install(void);
void kf_esp_logs_set_level(kf_log_level_t level);
bool kf_esp_logs_publisher_is_current(void);

/* button.c */
void kf_esp_button_init(void);
void kf_esp_button_poll(uint64_t now_ms);

/* app.c */
void kf_esp_request_restart(kf_restart_t why);
uint64_t kf_esp_now_ms(void);
