#pragma once
/* Portable core: no ESP-IDF includes. "Hold the button N seconds" detection for the factory reset. */
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t hold_ms;
    bool pressed;
    bool fired;
    uint64_t since_ms;
} kf_button_t;

void kf_button_init(kf_button_t *b, uint32_t hold_ms);

/** Feeds one sample (debounced by the caller's sampling period); true once per press held `hold_ms`. */
bool kf_button_sample(kf_button_t *b, bool pressed, uint64_t now_ms);

#ifdef __cplusplus
}
#endif
