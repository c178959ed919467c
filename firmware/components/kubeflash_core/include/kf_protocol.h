#pragma once
/*
 * Portable core: no ESP-IDF includes. The receiver rules of the MQTT protocol v1 (docs/mqtt-protocol.md, the
 * JSON Schemas in pkg/protocol/schemas/ and the vectors README): the same layers, reason codes and field
 * pointers as @kubeflash/protocol's parseMessage, so the firmware reaches the same verdict on every message
 * vector. The device uses it for the commands it receives and, before publishing, for every report it builds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cJSON.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    KF_CH_STATUS = 0,
    KF_CH_TELEMETRY,
    KF_CH_LOGS,
    KF_CH_OTA_PROGRESS,
    KF_CH_OTA_RESULT,
    KF_CH_CMD_OTA,
    KF_CH_CMD_REBOOT,
    KF_CH_CMD_FACTORY_RESET,
    KF_CH_COUNT,
} kf_channel_t;

typedef enum {
    KF_KIND_NONE = 0,
    KF_KIND_STATUS,
    KF_KIND_LWT,
    KF_KIND_TELEMETRY,
    KF_KIND_LOGS,
    KF_KIND_CMD_OTA,
    KF_KIND_CMD_REBOOT,
    KF_KIND_CMD_FACTORY_RESET,
    KF_KIND_OTA_PROGRESS,
    KF_KIND_OTA_RESULT,
} kf_kind_t;

/** The channel's name under the device root ("ota/progress"). */
const char *kf_channel_name(kf_channel_t channel);
/** Largest payload of a channel in bytes. */
size_t kf_channel_max_bytes(kf_channel_t channel);
/** QoS and retain flag the protocol gives a channel. */
int kf_channel_qos(kf_channel_t channel);
bool kf_channel_retained(kf_channel_t channel);
/** The kind's name ("cmd-ota"). */
const char *kf_kind_name(kf_kind_t kind);

/** A verdict: valid, or the first rule broken with the protocol's reason code and JSON Pointer. */
typedef struct {
    bool valid;
    bool has_channel;
    kf_channel_t channel;
    kf_kind_t kind;
    const char *reason; /**< "missing-field", ...; NULL when valid */
    bool has_field;     /**< false for topic errors */
    char field[80];     /**< JSON Pointer ("" = the whole payload) */
    char detail[160];   /**< a sentence naming kind, field and rule; never a payload value */
} kf_proto_verdict_t;

/**
 * Checks one message as the operator's parser does: the topic under `<topic_prefix>/devices/`, then the payload
 * bytes. When `parsed` is not NULL and the verdict is valid, it receives the parsed object (free it with
 * cJSON_Delete); otherwise it is set to NULL.
 */
void kf_proto_check(const char *topic_prefix, const char *topic, size_t topic_len, const uint8_t *payload,
                    size_t len, kf_proto_verdict_t *out, cJSON **parsed);

/** Checks a payload for a channel of the device `device_id` (the device side, where the topic is its own). */
void kf_proto_check_payload(kf_channel_t channel, const char *device_id, const uint8_t *payload, size_t len,
                            kf_proto_verdict_t *out, cJSON **parsed);

/* ---- single rules shared with the config model and the builders ------------------------------- */

/** `<namespace>.<name>` with Kubernetes names (DNS-1123 label . DNS-1123 subdomain). */
bool kf_proto_device_id_valid(const char *id, size_t len);
/** A topic prefix: levels of [A-Za-z0-9_.-], at most 64 characters. */
bool kf_proto_topic_prefix_valid(const char *prefix);
/** cmd/ota ids: `<lowercase uuid>/<1..999999>`. */
bool kf_proto_ota_id_valid(const char *id);
/** App versions: ^[0-9A-Za-z][0-9A-Za-z._+-]*$, at most 31 characters. */
bool kf_proto_version_valid(const char *version);
/** Why `der` is not a DER ECDSA-Sig-Value the protocol accepts (NULL when it is). */
const char *kf_proto_der_signature_problem(const uint8_t *der, size_t len);
/** Strict UTF-8 (no overlong forms, surrogates or code points above U+10FFFF). */
bool kf_proto_utf8_valid(const uint8_t *s, size_t len);

#ifdef __cplusplus
}
#endif
