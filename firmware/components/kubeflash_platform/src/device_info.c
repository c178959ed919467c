/* What the status reports about the device: app description, chip, MAC, running partition, reset reason. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "esp_app_desc.h"
#include "esp_mac.h"
#include "esp_ota_ops.h"
#include "esp_system.h"
#include "sdkconfig.h"

#include "platform.h"

static const char *reset_reason_name(esp_reset_reason_t reason)
{
    switch (reason) {
    case ESP_RST_POWERON: return "poweron";
    case ESP_RST_EXT: return "ext";
    case ESP_RST_SW: return "sw";
    case ESP_RST_PANIC: return "panic";
    case ESP_RST_INT_WDT: return "int-wdt";
    case ESP_RST_TASK_WDT: return "task-wdt";
    case ESP_RST_WDT: return "wdt";
    case ESP_RST_DEEPSLEEP: return "deepsleep";
    case ESP_RST_BROWNOUT: return "brownout";
    case ESP_RST_SDIO: return "sdio";
    case ESP_RST_USB: return "usb";
    case ESP_RST_JTAG: return "jtag";
    case ESP_RST_EFUSE: return "efuse";
    case ESP_RST_PWR_GLITCH: return "pwr-glitch";
    case ESP_RST_CPU_LOCKUP: return "cpu-lockup";
    case ESP_RST_UNKNOWN:
    default: return "unknown";
    }
}

/* The protocol's version pattern ([0-9A-Za-z][0-9A-Za-z._+-]*): a stray character must not stop every status. */
static void version_text(char *out, size_t cap, const char *in)
{
    size_t n = 0;
    for (; in[n] != '\0' && n + 1 < cap; n++) {
        char c = in[n];
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        out[n] = alnum || (n > 0 && (c == '.' || c == '_' || c == '+' || c == '-')) ? c : '_';
    }
    out[n] = '\0';
    if (n == 0 && cap > 1) {
        out[0] = '0';
        out[1] = '\0';
    }
}

void kf_esp_device_facts(void)
{
    const esp_app_desc_t *app = esp_app_get_description();
    version_text(g_kf.fw, sizeof(g_kf.fw), app->version);
    snprintf(g_kf.project, sizeof(g_kf.project), "%s", app->project_name);
    version_text(g_kf.idf, sizeof(g_kf.idf), app->idf_ver);
    uint8_t mac[6] = {0};
    esp_read_mac(mac, ESP_MAC_BASE);
    snprintf(g_kf.mac, sizeof(g_kf.mac), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
             mac[5]);
    const esp_partition_t *running = esp_ota_get_running_partition();
    snprintf(g_kf.partition, sizeof(g_kf.partition), "%s", running != NULL ? running->label : "");
    g_kf.reset_reason = reset_reason_name(esp_reset_reason());
}
