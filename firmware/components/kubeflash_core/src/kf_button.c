#include "kf_button.h"

#include <string.h>

void kf_button_init(kf_button_t *b, uint32_t hold_ms)
{
    memset(b, 0, sizeof(*b));
    b->hold_ms = hold_ms;
}

bool kf_button_sample(kf_button_t *b, bool pressed, uint64_t now_ms)
{
    if (!pressed) {
        b->pressed = false;
        b->fired = false;
        return false;
    }
    if (!b->pressed) {
        b->pressed = true;
        b->since_ms = now_ms;
    }
    if (!b->fired && now_ms - b->since_ms >= b->hold_ms) {
        b->fired = true;
        return true;
    }
    return false;
}
