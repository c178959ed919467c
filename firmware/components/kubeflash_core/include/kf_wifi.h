#pragma once
/*
 * Portable core: no ESP-IDF includes. The Wi-Fi / provisioning state machine.
 *
 * The station (STA) always tries to join the configured network, with exponential backoff between attempts.
 * The ad-hoc network (SoftAP with the setup page and captive portal) comes up when there is nothing to join
 * (no credentials, or no usable operator config = provisioning mode), or as a fallback when joining keeps
 * failing (N failures in a row, or T ms without a connection). STA retries go on while the SoftAP is up, but
 * slower while someone is connected to it (a STA scan moves the radio off the SoftAP's channel). Once the
 * station is connected the fallback SoftAP goes down again; in provisioning mode it stays.
 *
 * The platform feeds events and carries out the returned actions; the machine has no timers of its own.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kf_backoff.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t fallback_failures;  /**< SoftAP after this many failed attempts in a row (>= 1) */
    uint32_t fallback_ms;        /**< or after this long without a connection */
    uint32_t retry_base_ms;
    uint32_t retry_cap_ms;
    uint32_t retry_with_ap_client_ms; /**< slowest retry while a client uses the SoftAP */
    uint32_t attempt_timeout_ms; /**< an attempt without an answer counts as failed */
} kf_wifi_policy_t;

typedef enum {
    KF_WIFI_IDLE,       /**< no credentials: nothing to join */
    KF_WIFI_CONNECTING, /**< an attempt is running */
    KF_WIFI_WAITING,    /**< backing off before the next attempt */
    KF_WIFI_CONNECTED,
} kf_wifi_state_t;

/** What the platform must do now. */
typedef struct {
    bool connect;     /**< start a STA attempt (esp_wifi_connect) */
    bool start_ap;    /**< bring up the SoftAP and the portal (APSTA mode) */
    bool stop_ap;     /**< take the SoftAP down (STA mode) */
    uint32_t wake_ms; /**< call kf_wifi_tick after this long (0: no timer needed) */
} kf_wifi_actions_t;

typedef struct {
    kf_wifi_policy_t policy;
    kf_wifi_state_t state;
    bool has_credentials;
    bool provisioning;
    bool ap_on;
    uint32_t ap_clients;
    uint32_t failures;
    uint64_t since_ms;      /**< start of the current disconnected stretch */
    uint64_t attempt_ms;    /**< start of the running attempt */
    uint64_t next_try_ms;
    kf_backoff_t backoff;
} kf_wifi_t;

void kf_wifi_init(kf_wifi_t *w, const kf_wifi_policy_t *policy, bool has_credentials, bool provisioning);
kf_wifi_actions_t kf_wifi_start(kf_wifi_t *w, uint64_t now_ms);
/** The station got an IP address. */
kf_wifi_actions_t kf_wifi_connected(kf_wifi_t *w, uint64_t now_ms);
/** The station lost the network or an attempt failed. */
kf_wifi_actions_t kf_wifi_disconnected(kf_wifi_t *w, uint64_t now_ms);
/** Clients on the SoftAP changed. */
kf_wifi_actions_t kf_wifi_ap_clients(kf_wifi_t *w, uint32_t count, uint64_t now_ms);
/** Credentials were saved (or erased): try them at once. */
kf_wifi_actions_t kf_wifi_credentials(kf_wifi_t *w, bool has_credentials, uint64_t now_ms);
kf_wifi_actions_t kf_wifi_tick(kf_wifi_t *w, uint64_t now_ms);

#ifdef __cplusplus
}
#endif
