/*
 * Wi-Fi: the station joins the configured network; the SoftAP (setup network, captive portal) comes and goes
 * as the core's Wi-Fi machine (kf_wifi.h) decides. Credentials stay in kubeflash's own stores: the driver keeps
 * its configuration in RAM only.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_netif_sntp.h"
#include "esp_wifi.h"
#include "sdkconfig.h"

#include "platform.h"

static const char *TAG = "kf.wifi";

static uint32_t host_order(esp_ip4_addr_t addr)
{
    return ESP_IP4TOUINT32(esp_ip4_addr1_16(&addr), esp_ip4_addr2_16(&addr), esp_ip4_addr3_16(&addr),
                           esp_ip4_addr4_16(&addr));
}

static void wake_later(uint32_t ms)
{
    esp_timer_stop(g_kf.wifi_timer);
    if (ms > 0) {
        esp_timer_start_once(g_kf.wifi_timer, (uint64_t)ms * 1000u);
    }
}

static void set_station_config(void)
{
    wifi_config_t sta;
    memset(&sta, 0, sizeof(sta));
    if (g_kf.settings.wifi_ssid != NULL) {
        strncpy((char *)sta.sta.ssid, g_kf.settings.wifi_ssid, sizeof(sta.sta.ssid));
        strncpy((char *)sta.sta.password, g_kf.settings.wifi_pass, sizeof(sta.sta.password));
        sta.sta.threshold.authmode = g_kf.settings.wifi_pass[0] != '\0' ? WIFI_AUTH_WPA2_PSK : WIFI_AUTH_OPEN;
    }
    esp_err_t err = esp_wifi_set_config(WIFI_IF_STA, &sta);
    memset(&sta, 0, sizeof(sta));
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "station config rejected: %s", esp_err_to_name(err));
    }
}

static void start_ap(void)
{
    uint8_t mac[6];
    esp_read_mac(mac, ESP_MAC_WIFI_SOFTAP);
    wifi_config_t ap;
    memset(&ap, 0, sizeof(ap));
    int n = snprintf((char *)ap.ap.ssid, sizeof(ap.ap.ssid), "%s%02x%02x%02x", CONFIG_KUBEFLASH_AP_SSID_PREFIX, mac[3],
                     mac[4], mac[5]);
    ap.ap.ssid_len = (uint8_t)(n > 0 && n < (int)sizeof(ap.ap.ssid) ? n : (int)strlen((char *)ap.ap.ssid));
    ap.ap.channel = CONFIG_KUBEFLASH_AP_CHANNEL;
    ap.ap.max_connection = 4;
    strncpy((char *)ap.ap.password, CONFIG_KUBEFLASH_AP_PASSWORD, sizeof(ap.ap.password));
    ap.ap.authmode = strlen(CONFIG_KUBEFLASH_AP_PASSWORD) >= 8 ? WIFI_AUTH_WPA2_PSK : WIFI_AUTH_OPEN;
    ESP_ERROR_CHECK_WITHOUT_ABORT(esp_wifi_set_mode(WIFI_MODE_APSTA));
    ESP_ERROR_CHECK_WITHOUT_ABORT(esp_wifi_set_config(WIFI_IF_AP, &ap));
    esp_netif_ip_info_t info;
    if (esp_netif_get_ip_info(g_kf.ap_netif, &info) == ESP_OK) {
        g_kf.ap_ip = host_order(info.ip);
    }
    kf_esp_dns_start(g_kf.ap_ip);
    ESP_LOGW(TAG, "setup network %s is up", (char *)ap.ap.ssid);
}

static void stop_ap(void)
{
    kf_esp_dns_stop();
    ESP_ERROR_CHECK_WITHOUT_ABORT(esp_wifi_set_mode(WIFI_MODE_STA));
    g_kf.ap_ip = 0;
    ESP_LOGI(TAG, "setup network is down");
}

/* Called with g_kf.lock held. */
void kf_esp_wifi_apply(kf_wifi_actions_t a)
{
    if (a.start_ap) {
        start_ap();
    }
    if (a.stop_ap) {
        stop_ap();
    }
    if (a.connect) {
        esp_err_t err = esp_wifi_connect();
        if (err != ESP_OK) {
            ESP_LOGW(TAG, "esp_wifi_connect: %s", esp_err_to_name(err));
        }
    }
    wake_later(a.wake_ms);
}

static void on_timer(void *arg)
{
    (void)arg;
    KF_LOCK();
    kf_esp_wifi_apply(kf_wifi_tick(&g_kf.wifi, kf_esp_now_ms()));
    KF_UNLOCK();
}

static void start_sntp(void)
{
    if (g_kf.sntp_started || !g_kf.provisioned) {
        return;
    }
    setenv("TZ", g_kf.cfg.tz, 1);
    tzset();
    esp_sntp_config_t sntp = ESP_NETIF_SNTP_DEFAULT_CONFIG(g_kf.cfg.ntp_server);
    g_kf.sntp_started = esp_netif_sntp_init(&sntp) == ESP_OK;
}

static void on_event(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    uint64_t now = kf_esp_now_ms();
    bool network_up = false;
    KF_LOCK();
    if (base == IP_EVENT && id == IP_EVENT_STA_GOT_IP) {
        const ip_event_got_ip_t *got = data;
        g_kf.sta_connected = true;
        g_kf.sta_ip = host_order(got->ip_info.ip);
        g_kf.sta_netmask = host_order(got->ip_info.netmask);
        char ip[16];
        kf_ipv4_format(g_kf.sta_ip, ip);
        ESP_LOGI(TAG, "connected, address %s", ip);
        kf_esp_wifi_apply(kf_wifi_connected(&g_kf.wifi, now));
        start_sntp();
        kf_esp_wifi_poll_rssi();
        network_up = true;
    } else if (base == WIFI_EVENT && id == WIFI_EVENT_STA_DISCONNECTED) {
        const wifi_event_sta_disconnected_t *lost = data;
        bool was_connected = g_kf.sta_connected;
        g_kf.sta_connected = false;
        g_kf.sta_ip = 0;
        if (was_connected || g_kf.wifi.state == KF_WIFI_CONNECTING) {
            ESP_LOGW(TAG, "disconnected (reason %d)", (int)lost->reason);
        }
        if (g_kf.device_ready) {
            kf_device_network(&g_kf.device, "", false, 0, now);
        }
        kf_esp_wifi_apply(kf_wifi_disconnected(&g_kf.wifi, now));
    } else if (base == WIFI_EVENT && (id == WIFI_EVENT_AP_STACONNECTED || id == WIFI_EVENT_AP_STADISCONNECTED)) {
        wifi_sta_list_t list;
        memset(&list, 0, sizeof(list));
        esp_wifi_ap_get_sta_list(&list);
        kf_esp_wifi_apply(kf_wifi_ap_clients(&g_kf.wifi, (uint32_t)list.num, now));
    }
    KF_UNLOCK();
    if (network_up) {
        kf_esp_mqtt_network_up(); /* outside g_kf.lock: esp-mqtt's lock is never taken while holding ours */
    }
}

/* Called with g_kf.lock held, about once a second. */
void kf_esp_wifi_poll_rssi(void)
{
    if (!g_kf.sta_connected || !g_kf.device_ready) {
        return;
    }
    wifi_ap_record_t ap;
    bool has_rssi = esp_wifi_sta_get_ap_info(&ap) == ESP_OK;
    g_kf.rssi = has_rssi ? ap.rssi : 0;
    char ip[16];
    kf_ipv4_format(g_kf.sta_ip, ip);
    kf_device_network(&g_kf.device, ip, has_rssi, g_kf.rssi, kf_esp_now_ms());
}

void kf_esp_wifi_credentials_changed(void)
{
    set_station_config();
    kf_esp_wifi_apply(kf_wifi_credentials(&g_kf.wifi, g_kf.settings.wifi_ssid != NULL, kf_esp_now_ms()));
}

void kf_esp_wifi_start(void)
{
    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    g_kf.sta_netif = esp_netif_create_default_wifi_sta();
    g_kf.ap_netif = esp_netif_create_default_wifi_ap();
    wifi_init_config_t init = WIFI_INIT_CONFIG_DEFAULT();
    ESP_ERROR_CHECK(esp_wifi_init(&init));
    ESP_ERROR_CHECK(esp_wifi_set_storage(WIFI_STORAGE_RAM));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_event, NULL, NULL));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_GOT_IP, on_event, NULL, NULL));
    esp_timer_create_args_t timer = {.callback = on_timer, .name = "kf_wifi"};
    ESP_ERROR_CHECK(esp_timer_create(&timer, &g_kf.wifi_timer));

    kf_wifi_policy_t policy = {
        .fallback_failures = CONFIG_KUBEFLASH_WIFI_FALLBACK_FAILURES,
        .fallback_ms = CONFIG_KUBEFLASH_WIFI_FALLBACK_S * 1000u,
        .retry_base_ms = 1000,
        .retry_cap_ms = CONFIG_KUBEFLASH_WIFI_RETRY_MAX_S * 1000u,
        .retry_with_ap_client_ms = 60000,
        .attempt_timeout_ms = 30000,
    };
    KF_LOCK();
    kf_wifi_init(&g_kf.wifi, &policy, g_kf.settings.wifi_ssid != NULL, !g_kf.provisioned);
    ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
    set_station_config();
    ESP_ERROR_CHECK(esp_wifi_start());
    kf_esp_wifi_apply(kf_wifi_start(&g_kf.wifi, kf_esp_now_ms()));
    KF_UNLOCK();
}
