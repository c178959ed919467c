#pragma once
/*
 * The one seam between the portable core and a platform (ESP-IDF on the device, plain C in host tests).
 * The core includes nothing platform-specific; everything it needs from outside is declared here:
 *   - clock, randomness and log: free functions each platform implements once (kf_port_*);
 *   - storage: a key-value store bound to one NVS namespace (kf_kv_t);
 *   - transport: publishing an MQTT message (kf_transport_t);
 *   - OTA slots: writing and activating the other application slot (kf_ota_slots_t).
 * Anything else (Wi-Fi, sockets, HTTP, timers, tasks) stays in the platform, which feeds events to the
 * core and carries out the actions the core returns.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- clock, randomness, log ---------------------------------------------------------------- */

/** Log levels; the numbers match esp_log_level_t so the platform can cast. */
typedef enum {
    KF_LOG_NONE = 0,
    KF_LOG_ERROR = 1,
    KF_LOG_WARN = 2,
    KF_LOG_INFO = 3,
    KF_LOG_DEBUG = 4,
    KF_LOG_VERBOSE = 5,
} kf_log_level_t;

/** Milliseconds since boot, monotonic. */
uint64_t kf_port_uptime_ms(void);

/** Seconds since the Unix epoch, or 0 while the wall clock is not set (no SNTP answer yet). */
int64_t kf_port_unix_time(void);

/** Fills `buf` with `len` bytes from a cryptographically secure generator. */
void kf_port_random(void *buf, size_t len);

/** Writes one log line; `tag` names the core module. Never called with secrets in the arguments. */
void kf_port_log(kf_log_level_t level, const char *tag, const char *fmt, va_list args);

/* ---- storage ------------------------------------------------------------------------------- */

/** NVS value types (the same set and codes as the NVS item types). */
typedef enum {
    KF_KV_U8 = 0x01,
    KF_KV_I8 = 0x11,
    KF_KV_U16 = 0x02,
    KF_KV_I16 = 0x12,
    KF_KV_U32 = 0x04,
    KF_KV_I32 = 0x14,
    KF_KV_U64 = 0x08,
    KF_KV_I64 = 0x18,
    KF_KV_STR = 0x21,
    KF_KV_BLOB = 0x42,
} kf_kv_type_t;

/** An integer value read from storage: `type` says which member holds it. */
typedef struct {
    kf_kv_type_t type;
    union {
        uint64_t u;
        int64_t i;
    } v;
} kf_kv_num_t;

/**
 * A key-value store bound to one namespace of one NVS partition. Read-only stores leave the
 * write functions NULL. Every function returns KF_ERR_NOT_FOUND for a key that does not exist.
 */
typedef struct kf_kv {
    void *ctx;
    /** Type and size of a key: bytes with the NUL for strings, bytes for blobs, the width for integers. */
    kf_err_t (*find)(void *ctx, const char *key, kf_kv_type_t *type, size_t *size);
    /** Integer value of any integer type. KF_ERR_TYPE for strings and blobs. */
    kf_err_t (*get_num)(void *ctx, const char *key, kf_kv_num_t *out);
    /** String (with its NUL) or blob bytes; `*len` is the buffer size in, the byte count out. */
    kf_err_t (*get_bytes)(void *ctx, const char *key, void *buf, size_t *len);
    kf_err_t (*set_str)(void *ctx, const char *key, const char *value);
    kf_err_t (*erase_key)(void *ctx, const char *key);
    /** Erases every key of the namespace. */
    kf_err_t (*erase_all)(void *ctx);
    /** Makes previous writes durable. */
    kf_err_t (*commit)(void *ctx);
} kf_kv_t;

/* ---- transport ----------------------------------------------------------------------------- */

/** Publishes one MQTT message; returns KF_ERR_IO while the client is not connected. */
typedef struct kf_transport {
    void *ctx;
    kf_err_t (*publish)(void *ctx, const char *topic, const char *payload, size_t len, int qos, bool retain);
} kf_transport_t;

/* ---- OTA slots ----------------------------------------------------------------------------- */

/** What the bootloader thinks of the running image. */
typedef enum {
    KF_IMAGE_VALID,          /**< confirmed (or rollback is not enabled) */
    KF_IMAGE_PENDING_VERIFY, /**< first boot after an update: confirm it or it is rolled back */
    KF_IMAGE_UNDEFINED,      /**< factory image or no OTA data */
} kf_image_state_t;

/**
 * The inactive application slot and the boot selection. On ESP-IDF: esp_ota_begin/write/end,
 * esp_ota_set_boot_partition, esp_ota_mark_app_valid_cancel_rollback and friends.
 */
typedef struct kf_ota_slots {
    void *ctx;
    /** Size of the slot an update would be written to, in bytes (0 when there is none). */
    uint32_t (*capacity)(void *ctx);
    /** Label of that slot ("ota_1"). */
    const char *(*next_label)(void *ctx);
    /** Label of the slot the running image was loaded from ("ota_0"). */
    const char *(*running_label)(void *ctx);
    /** Version string of the running image (esp_app_desc_t.version). */
    const char *(*running_version)(void *ctx);
    kf_image_state_t (*running_state)(void *ctx);
    /** Label of the slot the bootloader last rejected (rolled back), or NULL. */
    const char *(*last_invalid_label)(void *ctx);
    /** Erases the inactive slot for an image of `size` bytes and opens it for sequential writes. */
    kf_err_t (*begin)(void *ctx, uint32_t size);
    kf_err_t (*write)(void *ctx, const void *data, size_t len);
    /** Closes the slot and checks the image format (KF_ERR_VERIFY if it is not a valid app image). */
    kf_err_t (*finish)(void *ctx);
    /** Drops an open slot after a failure. */
    void (*abort)(void *ctx);
    /** Makes the finished slot the one the bootloader starts next. */
    kf_err_t (*activate)(void *ctx);
    /** Confirms the running image (cancels the rollback). */
    kf_err_t (*mark_valid)(void *ctx);
    /** Rejects the running pending-verify image and restarts into the previous one (does not return on success). */
    kf_err_t (*rollback)(void *ctx);
} kf_ota_slots_t;

#ifdef __cplusplus
}
#endif
