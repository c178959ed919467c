#pragma once
/*
 * Portable core: no ESP-IDF includes. MQTT topic rules of the device (docs/mqtt-protocol.md, "Topics"): every
 * topic sits under the device's root `<topicPrefix>/devices/<device_id>` (config key mqtt_prefix, no trailing
 * slash); the device subscribes to `<root>/cmd/#` and publishes only its report channels under `<root>/`.
 */
#include <stdbool.h>
#include <stddef.h>

#include "kf_err.h"
#include "kf_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KF_TOPIC_COMMANDS "cmd/#"

/**
 * True when `root` is `<topicPrefix>/devices/<device_id>`: a topic prefix of levels of [A-Za-z0-9_.-] (at most 64
 * characters) and exactly this device id.
 */
bool kf_topic_root_matches_device(const char *root, const char *device_id);

/** Writes `<root>/<suffix>` into `buf`; KF_ERR_TOO_LONG when it does not fit. */
kf_err_t kf_topic_build(char *buf, size_t size, const char *root, const char *suffix);

/**
 * Classifies a received topic (not NUL-terminated, `topic_len` bytes): KF_OK with the channel when it is one of
 * the command channels under the device's own root; KF_ERR_NOT_FOUND for anything else.
 */
kf_err_t kf_topic_parse_command(const char *root, const char *topic, size_t topic_len, kf_channel_t *channel);

#ifdef __cplusplus
}
#endif
