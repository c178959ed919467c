#pragma once
/*
 * Portable core: no ESP-IDF includes. Exponential backoff with jitter, for Wi-Fi, MQTT and download retries:
 * the n-th delay is drawn from [d/2, d] where d = min(cap, base * 2^n) ("equal jitter"), so a fleet that lost
 * its broker at the same moment does not come back in lockstep, and no delay is ever shorter than half its
 * step.
 */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t base_ms;
    uint32_t cap_ms;
    uint32_t attempts; /**< failures since the last success */
} kf_backoff_t;

/** Initialises with the first step `base_ms` (>= 1) and the largest step `cap_ms` (>= base). */
void kf_backoff_init(kf_backoff_t *b, uint32_t base_ms, uint32_t cap_ms);

/** Records one more failure and returns how long to wait before the next try. */
uint32_t kf_backoff_next(kf_backoff_t *b);

/** Records a success: the next failure starts from the base step again. */
void kf_backoff_reset(kf_backoff_t *b);

#ifdef __cplusplus
}
#endif
