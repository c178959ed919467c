#pragma once
/*
 * Portable core: no ESP-IDF includes. The device's side of the MQTT protocol v1 once it has a usable config:
 * retained status at connect, on a change and every heartbeat; telemetry; forwarded logs; the offline status
 * before a deliberate restart; commands (cmd/ota to the OTA machine, cmd/reboot, cmd/factory-reset). A freshly
 * updated image is confirmed only after its status went out.
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

typedef struct {
    const kf_config_t *cfg;     /**< a config that kf_config_load accepted */
    kf_transport_t transport;
    kf_ota_t *ota;              /**< NULL: updates are not handled (image state "undefined") */
    kf_logfwd_t *logs;          /**< NULL: logs are not forwarded */
    const char *fw_version;     /**< esp_app_desc_t.version */
    const char *project;        /**< esp_app_desc_t.project_name */
    const char *idf;            /**< ESP-IDF version, or NULL */
    const char *chip;           /**< "esp32c3" */
    const char *mac;            /**< "a4:cf:12:00:00:01" */
    const char *partition;      /**< running app partition label, or NULL */
    const char *reset_reason;   /**< protocol name: "poweron", "sw", ... */
    uint32_t heartbeat_ms;      /**< status refresh without a change (the protocol says 60 s; 0: never) */
    /** Fills up to `cap` readings for a telemetry message; NULL: no telemetry. */
    size_t (*read_telemetry)(void *ctx, kf_reading_t *out, size_t cap);
    void *telemetry_ctx;
} kf_device_env_t;

typedef enum {
    KF_DEVICE_ACTION_NONE = 0,
    KF_DEVICE_ACTION_FACTORY_RESET, /**< erase local state, then kf_device_offline("factory-reset"), restart */
    KF_DEVICE_ACTION_REBOOT,        /**< kf_device_offline("reboot"), restart */
} kf_device_action_t;

typedef struct {
    kf_device_env_t env;
    char *topic_status;
    char *topic_telemetry;
    char *topic_logs;
    char *topic_commands;
    bool connected;
    bool status_sent;
    char ip[46];
    bool has_rssi;
    int rssi;
    char sent_ip[46];
    const char *sent_image_state;
    uint64_t next_status_ms;
    uint64_t next_telemetry_ms;
} kf_device_t;

kf_err_t kf_device_init(kf_device_t *dev, const kf_device_env_t *env);
void kf_device_free(kf_device_t *dev);

/** `<root>/status`: also the will's topic (payload kf_msg_offline(NULL, 0), QoS 1, retained). */
const char *kf_device_status_topic(const kf_device_t *dev);
/** `<root>/cmd/#`: subscribe with QoS 1 after every connect. */
const char *kf_device_command_filter(const kf_device_t *dev);

/** The MQTT session is up: status, then confirmation and the result of an update recorded before a restart. */
void kf_device_connected(kf_device_t *dev, uint64_t now_ms);
void kf_device_disconnected(kf_device_t *dev);

/** A message arrived (topic not NUL-terminated); returns what the platform must do afterwards. */
kf_device_action_t kf_device_message(kf_device_t *dev, const char *topic, size_t topic_len, const char *payload,
                                     size_t payload_len, uint64_t now_ms);

/** Network facts changed (ip "" when disconnected); republishes the status when the address changed. */
void kf_device_network(kf_device_t *dev, const char *ip, bool has_rssi, int rssi, uint64_t now_ms);

/** Heartbeat status, telemetry and log forwarding; call about once a second. */
void kf_device_tick(kf_device_t *dev, uint64_t now_ms);

/**
 * Publishes one log line on `<root>/logs` (for platforms that drain kf_logfwd_t themselves, under their own
 * lock, and leave env.logs NULL). KF_ERR_IO while not connected.
 */
kf_err_t kf_device_forward_log(kf_device_t *dev, const kf_logline_t *line);

/** Publishes the offline status with `reason` ("reboot", "factory-reset", "ota") before a deliberate restart. */
kf_err_t kf_device_offline(kf_device_t *dev, const char *reason);

#ifdef __cplusplus
}
#endif
