/*
 * Logs over MQTT: every log line (ESP-IDF's and the core's) also goes into the core's forwarder, which the
 * device task publishes on <root>/logs at the level the config asks for. Lines from the publisher task itself
 * are not forwarded, so publishing never feeds on its own output.
 */
#include <stdio.h>

#include "esp_log.h"

#include "platform.h"

static vprintf_like_t s_previous;

static int forward(const char *fmt, va_list args)
{
    if (g_kf.logs_lock != NULL && !kf_esp_logs_publisher_is_current() &&
        xSemaphoreTake(g_kf.logs_lock, 0) == pdTRUE) {
        char line[KF_LOGFWD_TEXT_MAX + KF_LOGFWD_TAG_MAX + 32];
        va_list copy;
        va_copy(copy, args);
        vsnprintf(line, sizeof(line), fmt, copy);
        va_end(copy);
        kf_logfwd_push(&g_kf.logs, line, kf_esp_now_ms());
        xSemaphoreGive(g_kf.logs_lock);
    }
    return s_previous != NULL ? s_previous(fmt, args) : vprintf(fmt, args);
}

void kf_esp_logs_install(void)
{
    g_kf.logs_lock = xSemaphoreCreateMutex();
    kf_logfwd_init(&g_kf.logs, KF_LOG_NONE); /* nothing is kept until the config says which level */
    s_previous = esp_log_set_vprintf(forward);
}

void kf_esp_logs_set_level(kf_log_level_t level)
{
    xSemaphoreTake(g_kf.logs_lock, portMAX_DELAY);
    g_kf.logs.threshold = level;
    xSemaphoreGive(g_kf.logs_lock);
}
