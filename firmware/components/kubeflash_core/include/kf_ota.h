#pragma once
/*
 * Portable core: no ESP-IDF includes. The OTA state machine of docs/mqtt-protocol.md ("OTA flow").
 *
 *   cmd/ota ──► DOWNLOADING ──(all bytes)──► verifying: size, SHA-256, ECDSA P-256 signature, image checks
 *                  │  ▲ dropped: resume with Range after a backoff                │ ok
 *                  ▼  │                                                          ▼
 *               failed (ota/result + reason)       record "activated", switch boot slot ──► REBOOT_PENDING
 *
 * After the restart the new image runs pending-verify; once the device reached the broker and published its
 * status, kf_ota_confirm() reports ota/progress pending-verify and marks the image valid, and kf_ota_report()
 * sends ota/result success. Without that, kf_ota_tick() rolls back after the confirm timeout (and the bootloader
 * rolls back on any restart before it); the old image then reports `rollback` for the same id. A small record
 * in local NVS carries the id across the restart. The boot slot is switched only after every check passed, so
 * a power loss at any point boots a complete, verified image. As the protocol says, a power loss itself is not
 * reported: the operator times out and retries.
 *
 * Not thread-safe: the platform serialises calls (one mutex around the object).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_backoff.h"
#include "kf_err.h"
#include "kf_messages.h"
#include "kf_port.h"
#include "kf_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    KF_OTA_IDLE = 0,
    KF_OTA_DOWNLOADING,
    KF_OTA_REBOOT_PENDING,
} kf_ota_phase_t;

/** What the download task should do next (kf_ota_poll). */
typedef enum {
    KF_OTA_STEP_IDLE,    /**< nothing to do: wait for a command */
    KF_OTA_STEP_FETCH,   /**< GET the URL from `offset` (a Range request when offset > 0) */
    KF_OTA_STEP_WAIT,    /**< wait `wait_ms` (backoff before the next attempt), then poll again */
    KF_OTA_STEP_RESTART, /**< the new image is activated: restart the device */
} kf_ota_step_kind_t;

typedef struct {
    kf_ota_step_kind_t kind;
    uint32_t offset;
    uint32_t wait_ms;
} kf_ota_step_t;

typedef struct {
    kf_ota_slots_t slots;
    kf_kv_t record;           /**< writable store for the cross-restart record */
    kf_transport_t transport; /**< for ota/progress and ota/result */
    const char *topic_root;   /**< mqtt_prefix; must outlive the object */
    const uint8_t *pubkey;    /**< ota_pubkey (DER SPKI) or NULL: updates are then refused */
    size_t pubkey_len;
    uint32_t max_attempts;    /**< transfer attempts per update (>= 1) */
    uint32_t timeout_ms;      /**< `timeout` when no byte arrived for this long (0: never) */
    bool allow_http;          /**< accept plain http:// URLs (integrity still rests on SHA-256 + signature) */
    uint32_t confirm_timeout_ms; /**< how long a pending-verify image may run unconfirmed */
    uint32_t retry_base_ms;
    uint32_t retry_cap_ms;
} kf_ota_env_t;

typedef struct {
    kf_ota_env_t env;
    kf_ota_phase_t phase;
    kf_ota_request_t req;
    bool slot_open;
    bool hashing;
    uint32_t written;
    uint32_t attempts;
    uint64_t deadline_ms;
    uint64_t retry_at_ms;
    uint32_t next_progress;
    kf_ota_progress_state_t last_progress;
    kf_sha256_t sha;
    kf_backoff_t backoff;
    bool confirmed;          /**< the running image no longer needs confirmation */
} kf_ota_t;

/** Sets up the machine; nothing is written. */
kf_err_t kf_ota_init(kf_ota_t *ota, const kf_ota_env_t *env);

/**
 * Handles a cmd/ota payload. Replies on ota/result when the request is refused (invalid, busy, no key, no
 * space) or already satisfied (the running, confirmed version is the target). A repeated id while the update
 * runs re-sends the latest progress. Never blocks on flash: the slot is opened by the next kf_ota_poll().
 */
void kf_ota_command(kf_ota_t *ota, const char *payload, size_t len, uint64_t now_ms);

/** Next action for the download task; opens the slot on the first call of an update. */
kf_ota_step_t kf_ota_poll(kf_ota_t *ota, uint64_t now_ms);

/**
 * The HTTP response head of a FETCH from `offset`: `status`, the Content-Length (-1 when unknown) and the first
 * byte of a Content-Range (-1 when none). KF_OK: read the body; anything else: close the connection and poll.
 */
kf_err_t kf_ota_response(kf_ota_t *ota, int status, int64_t content_length, int64_t range_start, uint64_t now_ms);

/** Body bytes in order; KF_OK to keep reading. */
kf_err_t kf_ota_data(kf_ota_t *ota, const void *data, size_t len, uint64_t now_ms);

/** The transfer ended (`clean`: the server closed normally); verifies and activates when all bytes are in. */
void kf_ota_transfer_end(kf_ota_t *ota, bool clean, const char *error, uint64_t now_ms);

/**
 * Call once the device reached the broker and published its status: for a pending-verify image, reports
 * ota/progress pending-verify and marks it valid. Returns true when the image state changed (publish the status
 * again, then call kf_ota_report()).
 */
bool kf_ota_confirm(kf_ota_t *ota);

/**
 * Reports the outcome of the update recorded before the restart (success, or rollback when the bootloader went
 * back) and forgets it. Call after kf_ota_confirm() and the status that follows it.
 */
void kf_ota_report(kf_ota_t *ota);

/** The running image's state as status.imageState names it: "valid", "pending-verify" or "undefined". */
const char *kf_ota_image_state(const kf_ota_t *ota);

/** Rolls back a pending-verify image that could not be confirmed within the confirm timeout. */
void kf_ota_tick(kf_ota_t *ota, uint64_t now_ms);

static inline bool kf_ota_busy(const kf_ota_t *ota)
{
    return ota->phase != KF_OTA_IDLE;
}

/** Stops the download (e.g. the device is going down for a factory reset) and reports `detail`. */
void kf_ota_cancel(kf_ota_t *ota, const char *detail);

/* Keys of the cross-restart record (exposed for tests and diagnostics). */
#define KF_OTA_REC_ID "id"
#define KF_OTA_REC_VERSION "version"
#define KF_OTA_REC_SLOT "slot"
#define KF_OTA_REC_PHASE "phase"

#ifdef __cplusplus
}
#endif
