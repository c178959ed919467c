#include "kf_backoff.h"

#include <stddef.h>

#include "kf_port.h"

void kf_backoff_init(kf_backoff_t *b, uint32_t base_ms, uint32_t cap_ms)
{
    if (b == NULL) {
        return;
    }
    b->base_ms = base_ms == 0 ? 1 : base_ms;
    b->cap_ms = cap_ms < b->base_ms ? b->base_ms : cap_ms;
    b->attempts = 0;
}

uint32_t kf_backoff_next(kf_backoff_t *b)
{
    if (b == NULL) {
        return 0;
    }
    uint64_t step = b->base_ms;
    for (uint32_t i = 0; i < b->attempts && step < b->cap_ms; i++) {
        step *= 2;
    }
    if (step > b->cap_ms) {
        step = b->cap_ms;
    }
    if (b->attempts < UINT32_MAX) {
        b->attempts++;
    }
    uint32_t half = (uint32_t)(step / 2);
    uint32_t spread = (uint32_t)step - half;
    uint32_t r = 0;
    kf_port_random(&r, sizeof(r));
    return half + (spread == 0 ? 0 : r % (spread + 1));
}

void kf_backoff_reset(kf_backoff_t *b)
{
    if (b != NULL) {
        b->attempts = 0;
    }
}
