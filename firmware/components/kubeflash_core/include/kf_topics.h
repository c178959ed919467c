#pragma once
/*
 * Portable core: no ESP-IDF includes. MQTT topic rules of the device (docs/mqtt-protocol.md): every topic sits
 * under the device's root `<topicPrefix>/devices/<device_id>` (config key mqtt_prefix, no trailing slash); the
 * device subscribes to `<root>/cmd/#` and publishes only under `<root>/`.
 */
#include <stdbool.h>
#include <stddef.h>

#include "kf_err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KF_TOPIC_STATUS "status"
#define KF_TOPIC_TELEMETRY "telemetry"
#define KF_TOPIC_OTA_PROGRESS "ota/progress"
#define KF_TOPIC_OTA_RESULT "ota/result"
#define KF_TOPIC_LOG "log"
#define KF_TOPIC_COMMANDS "cmd/#"

/** Commands the device understands (the last level under `<root>/cmd/`). */
typedef enum {
    KF_CMD_UNKNOWN = 0,
    KF_CMD_OTA,           /**< cmd/ota */
    KF_CMD_FACTORY_RESET, /**< cmd/factory-reset */
    KF_CMD_REBOOT,        /**< cmd/reboot */
} kf_command_t;

/**
 * A topic root is valid when it is 1..512 bytes, has no wildcard (+ #), no NUL, does not start with '$' or '/',
 * does not end with '/' and has no empty level.
 */
bool kf_topic_root_valid(const char *root);

/** True when `root` is `<something>/devices/<device_id>` with a valid `<something>`. */
bool kf_topic_root_matches_device(const char *root, const char *device_id);

/** Writes `<root>/<suffix>` into `buf`; KF_ERR_TOO_LONG when it does not fit. */
kf_err_t kf_topic_build(char *buf, size_t size, const char *root, const char *suffix);

/**
 * Classifies a received topic: KF_OK with the command when it is `<root>/cmd/<name>` (KF_CMD_UNKNOWN for a name
 * the device does not know); KF_ERR_NOT_FOUND when the topic is not under the device's own command subtree.
 */
kf_err_t kf_topic_parse_command(const char *root, const char *topic, size_t topic_len, kf_command_t *cmd);

#ifdef __cplusplus
}
#endif
