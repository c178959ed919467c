#pragma once
/*
 * Portable core: no ESP-IDF includes. The JSON messages of the MQTT protocol v1 (docs/mqtt-protocol.md):
 * reading the commands the device receives, building the reports it sends. Every builder checks its output
 * with the receiver rules (kf_protocol.h) and returns NULL instead of a message that breaks the contract, so
 * the device never publishes one. Builders return heap strings; free them with kf_message_free().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_err.h"
#include "kf_protocol.h"
#include "kf_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KF_OTA_ID_MAX 43      /* 36-character UUID, '/', up to 6 digits */
#define KF_OTA_VERSION_MAX 31 /* esp_app_desc_t.version holds 32 bytes with the NUL */
#define KF_OTA_URL_MAX 1024
#define KF_OTA_SIZE_MAX (16u * 1024u * 1024u)
#define KF_DETAIL_MAX 256

/** Why an update failed: the protocol's `reason` values of ota/result. */
typedef enum {
    KF_OTA_REASON_NONE = 0,
    KF_OTA_REASON_INVALID_COMMAND,
    KF_OTA_REASON_BUSY,
    KF_OTA_REASON_NO_KEY,
    KF_OTA_REASON_NO_SPACE,
    KF_OTA_REASON_DOWNLOAD_FAILED,
    KF_OTA_REASON_TIMEOUT,
    KF_OTA_REASON_SIZE_MISMATCH,
    KF_OTA_REASON_SHA256_MISMATCH,
    KF_OTA_REASON_SIGNATURE_INVALID,
    KF_OTA_REASON_INVALID_IMAGE,
    KF_OTA_REASON_FLASH_ERROR,
    KF_OTA_REASON_ROLLBACK,
} kf_ota_reason_t;

/** The protocol's token for a reason ("signature-invalid"); NULL for KF_OTA_REASON_NONE. */
const char *kf_ota_reason_name(kf_ota_reason_t reason);

typedef enum {
    KF_OTA_PROGRESS_DOWNLOADING,
    KF_OTA_PROGRESS_VERIFYING,
    KF_OTA_PROGRESS_REBOOTING,
    KF_OTA_PROGRESS_PENDING_VERIFY,
} kf_ota_progress_state_t;

/* ---- commands ---------------------------------------------------------------------------------- */

/** A cmd/ota after checking. */
typedef struct {
    char id[KF_OTA_ID_MAX + 1];
    char version[KF_OTA_VERSION_MAX + 1];
    char url[KF_OTA_URL_MAX + 1];
    uint32_t size;
    uint8_t sha256[KF_SHA256_LEN];
    uint8_t signature[KF_ECDSA_P256_SIG_MAX];
    size_t signature_len;
} kf_ota_request_t;

/** The verdict on a command, as the protocol states it. */
typedef struct {
    bool accepted;
    bool id_readable;    /**< the payload carries a well-formed id (a rejection can be reported against it) */
    kf_proto_verdict_t check;
} kf_verdict_t;

/** Checks and reads a cmd/ota payload; `req->id` is filled whenever the id is readable. */
kf_verdict_t kf_msg_parse_ota(const char *payload, size_t len, kf_ota_request_t *req);

/** Checks a cmd/reboot or cmd/factory-reset payload for the device `device_id`. */
kf_verdict_t kf_msg_check_command(kf_channel_t channel, const char *device_id, const char *payload, size_t len);

/* ---- reports ------------------------------------------------------------------------------------ */

/** Device status (retained `status`). Optional strings may be NULL. */
typedef struct {
    const char *fw;           /**< esp_app_desc_t.version */
    const char *project;      /**< esp_app_desc_t.project_name */
    const char *idf;          /**< optional: ESP-IDF version */
    const char *chip;         /**< "esp32c3" */
    const char *mac;          /**< "a4:cf:12:00:00:01" */
    const char *ip;
    bool has_rssi;
    int rssi;
    uint32_t uptime_s;
    const char *reset_reason; /**< "poweron", "sw", ... */
    const char *image_state;  /**< "valid", "pending-verify", "undefined" */
    const char *partition;    /**< optional: "ota_0" */
    int64_t ts;               /**< Unix seconds; left out unless the clock is synchronised (2020..2100) */
} kf_status_t;

char *kf_msg_status(const kf_status_t *status);

/** `{"state":"offline"}` (the will) when `reason` is NULL, else with "reboot", "factory-reset" or "ota". */
char *kf_msg_offline(const char *reason, int64_t ts);

/** One telemetry reading: a number, or a boolean when `is_bool`. Names are lowercase snake case. */
typedef struct {
    const char *name;
    bool is_bool;
    double number;
    bool boolean;
} kf_reading_t;

/** 1..32 readings; non-finite numbers are left out. */
char *kf_msg_telemetry(int64_t ts, const kf_reading_t *readings, size_t count);

/**
 * One log record. The text is made to fit: control characters other than tab and newline become spaces and
 * it is cut to 1024 characters; a tag that is not printable ASCII becomes "?".
 */
char *kf_msg_log(const char *level, const char *tag, const char *text, uint64_t uptime_ms, int64_t ts);

/** ota/progress; `bytes` and `total` are sent only while downloading. */
char *kf_msg_ota_progress(const char *id, kf_ota_progress_state_t state, uint32_t bytes, uint32_t total);

/**
 * ota/result: success (reason NONE, `version` required) or failed with a reason; `version` (still running) and
 * `detail` may be NULL. The detail is made one line of at most 256 characters.
 */
char *kf_msg_ota_result(const char *id, kf_ota_reason_t reason, const char *version, const char *detail);

void kf_message_free(char *message);

#ifdef __cplusplus
}
#endif
