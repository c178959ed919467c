#pragma once
/*
 * Portable core: no ESP-IDF includes. The device's side of the MQTT protocol once it has a usable config:
 * retained status on connect, on change and as a heartbeat; telemetry; forwarded logs; commands (cmd/ota to the
 * OTA machine, cmd/factory-reset, cmd/reboot). Confirms a freshly updated image only after the status went out.
 * Not thread-safe: the platform serialises calls.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_config.h"
#include "kf_logfwd.h"
#include "kf_messages.h"
#include "kf_ota.h"
#include "kf_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A status is republished when the RSSI moved this much since the last one. */
#define KF_STATUS_RSSI_STEP 10

typedef struct {
    const kf_config_t *cfg;     /**< a config that kf_config_load accepted */
    kf_transport_t transport;
    kf_ota_t *ota;              /**< NULL: updates are not handled */
    kf_logfwd_t *logs;          /**< NULL: logs are not forwarded */
    const char *fw_version;
    const char *project;
    const char *mac;
    const char *reset_reason;
    uint32_t heartbeat_ms;      /**< status refresh even without a change (0: never) */
    /** Fills up to `cap` readings for a telemetry message; NULL: no telemetry. */
    size_t (*read_telemetry)(void *ctx, kf_reading_t *out, size_t cap);
    void *telemetry_ctx;
} kf_device_env_t;

typedef enum {
    KF_DEVICE_ACTION_NONE = 0,
    KF_DEVICE_ACTION_FACTORY_RESET, /**< erase local state, then restart */
    KF_DEVICE_ACTION_REBOOT,
} kf_device_action_t;

typedef struct {
    kf_device_env_t env;
    char *topic_status;
    char *topic_telemetry;
    char *topic_log;
    char *topic_commands;
    bool connected;
    bool status_sent;
    char ip[16];
    bool has_rssi;
    int rssi;
    char sent_ip[16];
    int sent_rssi;
    bool sent_has_rssi;
    uint64_t next_status_ms;
    uint64_t next_telemetry_ms;
} kf_device_t;

kf_err_t kf_device_init(kf_device_t *dev, const kf_device_env_t *env);
void kf_device_free(kf_device_t *dev);

/** `<root>/status`: also the LWT topic (with kf_msg_lwt() as payload, QoS 1, retained). */
const char *kf_device_status_topic(const kf_device_t *dev);
/** `<root>/cmd/#`: subscribe with QoS 1 after every connect. */
const char *kf_device_command_filter(const kf_device_t *dev);

/** The MQTT session is up: publishes the status and, once it went out, confirms a pending update. */
void kf_device_connected(kf_device_t *dev, uint64_t now_ms);
void kf_device_disconnected(kf_device_t *dev);

/** A message arrived; returns what the platform must do afterwards. */
kf_device_action_t kf_device_message(kf_device_t *dev, const char *topic, size_t topic_len, const char *payload,
                                     size_t payload_len, uint64_t now_ms);

/** Network facts changed (ip "" when disconnected); republishes the status on a meaningful change. */
void kf_device_network(kf_device_t *dev, const char *ip, bool has_rssi, int rssi, uint64_t now_ms);

/** Heartbeat status, telemetry and log forwarding; call about once a second. */
void kf_device_tick(kf_device_t *dev, uint64_t now_ms);

#ifdef __cplusplus
}
#endif
