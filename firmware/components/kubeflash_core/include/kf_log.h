#pragma once
/* Portable core: no ESP-IDF includes. Log macros of the core; lines go to kf_port_log. */
#include "kf_port.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KF_PRINTF_LIKE(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define KF_PRINTF_LIKE(fmt_index, first_arg)
#endif

/** Formats and forwards one line to kf_port_log. */
void kf_log_write(kf_log_level_t level, const char *tag, const char *fmt, ...) KF_PRINTF_LIKE(3, 4);

#define KF_LOGE(tag, ...) kf_log_write(KF_LOG_ERROR, tag, __VA_ARGS__)
#define KF_LOGW(tag, ...) kf_log_write(KF_LOG_WARN, tag, __VA_ARGS__)
#define KF_LOGI(tag, ...) kf_log_write(KF_LOG_INFO, tag, __VA_ARGS__)
#define KF_LOGD(tag, ...) kf_log_write(KF_LOG_DEBUG, tag, __VA_ARGS__)

/** Parses "error", "warn", "info", "debug", "verbose" or "none" (case-insensitive). */
kf_err_t kf_log_level_parse(const char *text, kf_log_level_t *out);

/** Lower-case name of a level ("warn"). */
const char *kf_log_level_name(kf_log_level_t level);

#ifdef __cplusplus
}
#endif
