/* The core's port (kf_port.h) on ESP-IDF: esp_timer, the wall clock, the hardware RNG and esp_log. */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "esp_log.h"
#include "esp_random.h"
#include "esp_timer.h"

#include "kf_port.h"

#define CLOCK_SET_AFTER 1577836800 /* 2020-01-01: anything earlier means SNTP has not answered yet */

uint64_t kf_port_uptime_ms(void)
{
    return (uint64_t)(esp_timer_get_time() / 1000);
}

int64_t kf_port_unix_time(void)
{
    time_t now = time(NULL);
    return now >= CLOCK_SET_AFTER ? (int64_t)now : 0;
}

void kf_port_random(void *buf, size_t len)
{
    esp_fill_random(buf, len);
}

void kf_port_log(kf_log_level_t level, const char *tag, const char *fmt, va_list args)
{
    static const char LETTERS[] = "NEWIDV";
    char line[256];
    vsnprintf(line, sizeof(line), fmt, args);
    esp_log_level_t esp_level = (esp_log_level_t)level;
    /* the same layout as ESP_LOGx (log v1, no colours), so logs.c forwards core lines like any other */
    esp_log_write(esp_level, tag, "%c (%" PRIu32 ") %s: %s\n", LETTERS[level <= KF_LOG_VERBOSE ? level : 0],
                  esp_log_timestamp(), tag, line);
}
