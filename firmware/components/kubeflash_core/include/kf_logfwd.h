#pragma once
/*
 * Portable core: no ESP-IDF includes. Log lines on their way to the `log` topic, so debugging needs no serial
 * cable. The platform copies every formatted log line in (from any task, under its own lock); the device task
 * takes them out and publishes those at or above the configured level. A full buffer drops the oldest line and
 * counts it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_port.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KF_LOGFWD_LINES 16
#define KF_LOGFWD_TEXT_MAX 192
#define KF_LOGFWD_TAG_MAX 24

typedef struct {
    kf_log_level_t level;
    uint64_t uptime_ms;
    char tag[KF_LOGFWD_TAG_MAX];
    char text[KF_LOGFWD_TEXT_MAX];
} kf_logline_t;

typedef struct {
    kf_logline_t lines[KF_LOGFWD_LINES];
    size_t head;
    size_t count;
    uint32_t dropped;
    kf_log_level_t threshold;
} kf_logfwd_t;

void kf_logfwd_init(kf_logfwd_t *f, kf_log_level_t threshold);

/**
 * Takes one line as ESP-IDF formats it ("W (1234) tag: text", with or without colour codes and newline),
 * logged `uptime_ms` after boot. Returns false (and keeps nothing) when the line is below the threshold or not
 * in that format.
 */
bool kf_logfwd_push(kf_logfwd_t *f, const char *line, uint64_t uptime_ms);

/** Oldest kept line; false when empty. */
bool kf_logfwd_pop(kf_logfwd_t *f, kf_logline_t *out);

#ifdef __cplusplus
}
#endif
