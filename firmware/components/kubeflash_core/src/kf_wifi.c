#include "kf_wifi.h"

#include <string.h>

#include "kf_log.h"

static const char *TAG = "kf.wifi";

void kf_wifi_init(kf_wifi_t *w, const kf_wifi_policy_t *policy, bool has_credentials, bool provisioning)
{
    memset(w, 0, sizeof(*w));
    w->policy = *policy;
    if (w->policy.fallback_failures == 0) {
        w->policy.fallback_failures = 1;
    }
    w->has_credentials = has_credentials;
    w->provisioning = provisioning;
    kf_backoff_init(&w->backoff, policy->retry_base_ms, policy->retry_cap_ms);
}

static bool ap_wanted(const kf_wifi_t *w, uint64_t now)
{
    if (w->provisioning || !w->has_credentials) {
        return true;
    }
    if (w->state == KF_WIFI_CONNECTED) {
        return false;
    }
    if (w->ap_on) {
        return true; /* once up, the SoftAP stays until the station is connected */
    }
    return w->failures >= w->policy.fallback_failures ||
           (w->policy.fallback_ms != 0 && now - w->since_ms >= w->policy.fallback_ms);
}

static uint32_t until(uint64_t now, uint64_t when)
{
    if (when <= now) {
        return 1;
    }
    uint64_t d = when - now;
    return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

/* Applies the SoftAP rule and computes when the machine needs to look again. */
static kf_wifi_actions_t settle(kf_wifi_t *w, uint64_t now, kf_wifi_actions_t a)
{
    bool want_ap = ap_wanted(w, now);
    if (want_ap && !w->ap_on) {
        w->ap_on = true;
        a.start_ap = true;
        KF_LOGW(TAG, "starting the setup network (%s)",
                w->provisioning ? "not provisioned" : !w->has_credentials ? "no Wi-Fi credentials" : "Wi-Fi keeps failing");
    } else if (!want_ap && w->ap_on) {
        w->ap_on = false;
        w->ap_clients = 0;
        a.stop_ap = true;
    }
    a.wake_ms = 0;
    if (w->state == KF_WIFI_WAITING) {
        a.wake_ms = until(now, w->next_try_ms);
    } else if (w->state == KF_WIFI_CONNECTING && w->policy.attempt_timeout_ms != 0) {
        a.wake_ms = until(now, w->attempt_ms + w->policy.attempt_timeout_ms);
    }
    if (!w->ap_on && w->state != KF_WIFI_CONNECTED && w->policy.fallback_ms != 0) {
        uint32_t fallback = until(now, w->since_ms + w->policy.fallback_ms);
        if (a.wake_ms == 0 || fallback < a.wake_ms) {
            a.wake_ms = fallback;
        }
    }
    return a;
}

static kf_wifi_actions_t attempt(kf_wifi_t *w, uint64_t now)
{
    kf_wifi_actions_t a = {0};
    w->state = KF_WIFI_CONNECTING;
    w->attempt_ms = now;
    a.connect = true;
    return settle(w, now, a);
}

kf_wifi_actions_t kf_wifi_start(kf_wifi_t *w, uint64_t now_ms)
{
    w->since_ms = now_ms;
    w->failures = 0;
    if (!w->has_credentials) {
        w->state = KF_WIFI_IDLE;
        kf_wifi_actions_t none = {0};
        return settle(w, now_ms, none);
    }
    return attempt(w, now_ms);
}

kf_wifi_actions_t kf_wifi_connected(kf_wifi_t *w, uint64_t now_ms)
{
    kf_wifi_actions_t a = {0};
    w->state = KF_WIFI_CONNECTED;
    w->failures = 0;
    kf_backoff_reset(&w->backoff);
    return settle(w, now_ms, a);
}

kf_wifi_actions_t kf_wifi_disconnected(kf_wifi_t *w, uint64_t now_ms)
{
    kf_wifi_actions_t a = {0};
    if (!w->has_credentials) {
        w->state = KF_WIFI_IDLE;
        return settle(w, now_ms, a);
    }
    if (w->state == KF_WIFI_WAITING) {
        return settle(w, now_ms, a); /* the late failure event of an attempt that already timed out */
    }
    if (w->state == KF_WIFI_CONNECTED) {
        w->since_ms = now_ms; /* a new disconnected stretch begins */
    }
    if (w->failures < UINT32_MAX) {
        w->failures++;
    }
    uint32_t delay = kf_backoff_next(&w->backoff);
    if (w->ap_clients > 0 && delay < w->policy.retry_with_ap_client_ms) {
        delay = w->policy.retry_with_ap_client_ms;
    }
    w->state = KF_WIFI_WAITING;
    w->next_try_ms = now_ms + delay;
    return settle(w, now_ms, a);
}

kf_wifi_actions_t kf_wifi_ap_clients(kf_wifi_t *w, uint32_t count, uint64_t now_ms)
{
    kf_wifi_actions_t a = {0};
    w->ap_clients = w->ap_on ? count : 0;
    if (w->state == KF_WIFI_WAITING && w->ap_clients > 0 &&
        w->next_try_ms < now_ms + w->policy.retry_with_ap_client_ms) {
        w->next_try_ms = now_ms + w->policy.retry_with_ap_client_ms;
    }
    return settle(w, now_ms, a);
}

kf_wifi_actions_t kf_wifi_credentials(kf_wifi_t *w, bool has_credentials, uint64_t now_ms)
{
    w->has_credentials = has_credentials;
    w->failures = 0;
    w->since_ms = now_ms;
    kf_backoff_reset(&w->backoff);
    if (!has_credentials) {
        w->state = KF_WIFI_IDLE;
        kf_wifi_actions_t none = {0};
        return settle(w, now_ms, none);
    }
    return attempt(w, now_ms);
}

kf_wifi_actions_t kf_wifi_tick(kf_wifi_t *w, uint64_t now_ms)
{
    kf_wifi_actions_t a = {0};
    if (w->state == KF_WIFI_WAITING && now_ms >= w->next_try_ms) {
        return attempt(w, now_ms);
    }
    if (w->state == KF_WIFI_CONNECTING && w->policy.attempt_timeout_ms != 0 &&
        now_ms - w->attempt_ms >= w->policy.attempt_timeout_ms) {
        KF_LOGW(TAG, "connection attempt timed out");
        return kf_wifi_disconnected(w, now_ms);
    }
    return settle(w, now_ms, a);
}
