#pragma once
/*
 * Portable core: no ESP-IDF includes (cJSON is ESP-IDF's `json` component on the device, Debian's libcjson in
 * host tests). The JSON messages of docs/mqtt-protocol.md: parsing what the device receives (with a verdict)
 * and serializing what it sends. Serializers return a heap string the caller frees with kf_message_free().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_err.h"
#include "kf_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KF_OTA_ID_MAX 128
#define KF_OTA_VERSION_MAX 31 /* esp_app_desc_t.version holds 32 bytes with the NUL */
#define KF_OTA_URL_MAX 1024

/** Why an update failed: the protocol's `reason` values. */
typedef enum {
    KF_OTA_REASON_NONE = 0,
    KF_OTA_REASON_INVALID_COMMAND,
    KF_OTA_REASON_DOWNLOAD_FAILED,
    KF_OTA_REASON_SIZE_MISMATCH,
    KF_OTA_REASON_SHA256_MISMATCH,
    KF_OTA_REASON_SIGNATURE_INVALID,
    KF_OTA_REASON_ROLLBACK,
    KF_OTA_REASON_BUSY,
    KF_OTA_REASON_TIMEOUT,
} kf_ota_reason_t;

/** The protocol's token for a reason ("signature-invalid"); NULL for KF_OTA_REASON_NONE. */
const char *kf_ota_reason_name(kf_ota_reason_t reason);

/** Progress states of ota/progress. */
typedef enum {
    KF_OTA_PROGRESS_DOWNLOADING,
    KF_OTA_PROGRESS_VERIFYING,
    KF_OTA_PROGRESS_REBOOTING,
} kf_ota_progress_state_t;

/** A cmd/ota request after parsing. */
typedef struct {
    char id[KF_OTA_ID_MAX + 1];
    char version[KF_OTA_VERSION_MAX + 1];
    char url[KF_OTA_URL_MAX + 1];
    uint32_t size;
    uint8_t sha256[KF_SHA256_LEN];
    uint8_t signature[KF_ECDSA_P256_SIG_MAX];
    size_t signature_len;
} kf_ota_request_t;

/** The verdict on a received command; `field` names the offending field (never its value). */
typedef struct {
    bool accepted;
    kf_ota_reason_t reason;
    char field[24];
    char detail[96];
} kf_verdict_t;

/**
 * Parses a cmd/ota payload. Accepted when id, version, url (https only), size (1..2^32-1), sha256 (64 hex
 * digits) and signature (base64 of a DER ECDSA signature of at most 72 bytes) are all present and well formed;
 * unknown fields are ignored. `req->id` is filled whenever the payload carries a usable id, even if rejected,
 * so the rejection can be reported against it.
 */
kf_verdict_t kf_msg_parse_ota(const char *payload, size_t len, kf_ota_request_t *req);

/** Device status (retained `status` topic). Strings may be NULL (then left out). */
typedef struct {
    bool online;
    const char *fw;
    const char *project;
    const char *mac;
    const char *ip;
    bool has_rssi;
    int rssi;
    uint64_t uptime_s;
    const char *reset_reason;
    int64_t ts; /**< Unix seconds; left out when 0 (clock not set) */
} kf_status_t;

char *kf_msg_status(const kf_status_t *status);
/** The LWT payload: `{"state":"offline"}`. */
char *kf_msg_lwt(void);
char *kf_msg_ota_progress(const char *id, kf_ota_progress_state_t state, uint32_t bytes, uint32_t total);
char *kf_msg_ota_success(const char *id, const char *version);
/** `detail` may be NULL. */
char *kf_msg_ota_failure(const char *id, kf_ota_reason_t reason, const char *detail);

/** One telemetry reading. */
typedef struct {
    const char *name;
    double value;
} kf_reading_t;

char *kf_msg_telemetry(int64_t ts, const kf_reading_t *readings, size_t count);
/** One forwarded log line for the `log` topic. */
char *kf_msg_log(int64_t ts, const char *level, const char *tag, const char *text);

void kf_message_free(char *message);

#ifdef __cplusplus
}
#endif
