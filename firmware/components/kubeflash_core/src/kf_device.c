#include "kf_device.h"

#include <stdlib.h>
#include <string.h>

#include "kf_log.h"
#include "kf_topics.h"

static const char *TAG = "kf.device";

#define MAX_READINGS 16

static char *topic_for(const char *root, const char *suffix)
{
    size_t size = strlen(root) + strlen(suffix) + 2;
    char *t = malloc(size);
    if (t != NULL && kf_topic_build(t, size, root, suffix) != KF_OK) {
        free(t);
        t = NULL;
    }
    return t;
}

kf_err_t kf_device_init(kf_device_t *dev, const kf_device_env_t *env)
{
    if (dev == NULL || env == NULL || env->cfg == NULL || env->cfg->mqtt_prefix == NULL ||
        env->transport.publish == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    memset(dev, 0, sizeof(*dev));
    dev->env = *env;
    const char *root = env->cfg->mqtt_prefix;
    dev->topic_status = topic_for(root, KF_TOPIC_STATUS);
    dev->topic_telemetry = topic_for(root, KF_TOPIC_TELEMETRY);
    dev->topic_log = topic_for(root, KF_TOPIC_LOG);
    dev->topic_commands = topic_for(root, KF_TOPIC_COMMANDS);
    if (dev->topic_status == NULL || dev->topic_telemetry == NULL || dev->topic_log == NULL ||
        dev->topic_commands == NULL) {
        kf_device_free(dev);
        return KF_ERR_NO_MEM;
    }
    return KF_OK;
}

void kf_device_free(kf_device_t *dev)
{
    if (dev == NULL) {
        return;
    }
    free(dev->topic_status);
    free(dev->topic_telemetry);
    free(dev->topic_log);
    free(dev->topic_commands);
    memset(dev, 0, sizeof(*dev));
}

const char *kf_device_status_topic(const kf_device_t *dev)
{
    return dev->topic_status;
}

const char *kf_device_command_filter(const kf_device_t *dev)
{
    return dev->topic_commands;
}

static kf_err_t send(kf_device_t *dev, const char *topic, char *payload, int qos, bool retain)
{
    if (payload == NULL) {
        return KF_ERR_NO_MEM;
    }
    kf_err_t err = dev->env.transport.publish(dev->env.transport.ctx, topic, payload, strlen(payload), qos, retain);
    kf_message_free(payload);
    return err;
}

static kf_err_t publish_status(kf_device_t *dev, uint64_t now_ms)
{
    kf_status_t s = {
        .online = true,
        .fw = dev->env.fw_version,
        .project = dev->env.project,
        .mac = dev->env.mac,
        .ip = dev->ip[0] != '\0' ? dev->ip : NULL,
        .has_rssi = dev->has_rssi,
        .rssi = dev->rssi,
        .uptime_s = now_ms / 1000,
        .reset_reason = dev->env.reset_reason,
        .ts = kf_port_unix_time(),
    };
    kf_err_t err = send(dev, dev->topic_status, kf_msg_status(&s), 1, true);
    if (err == KF_OK) {
        memcpy(dev->sent_ip, dev->ip, sizeof(dev->sent_ip));
        dev->sent_rssi = dev->rssi;
        dev->sent_has_rssi = dev->has_rssi;
        dev->next_status_ms = dev->env.heartbeat_ms != 0 ? now_ms + dev->env.heartbeat_ms : UINT64_MAX;
        dev->status_sent = true;
    } else {
        KF_LOGW(TAG, "status not sent: %s", kf_err_name(err));
    }
    return err;
}

void kf_device_connected(kf_device_t *dev, uint64_t now_ms)
{
    dev->connected = true;
    dev->status_sent = false;
    if (publish_status(dev, now_ms) == KF_OK && dev->env.ota != NULL) {
        kf_ota_confirm(dev->env.ota);
    }
    dev->next_telemetry_ms = now_ms;
}

void kf_device_disconnected(kf_device_t *dev)
{
    dev->connected = false;
}

kf_device_action_t kf_device_message(kf_device_t *dev, const char *topic, size_t topic_len, const char *payload,
                                     size_t payload_len, uint64_t now_ms)
{
    kf_command_t cmd;
    if (topic == NULL || kf_topic_parse_command(dev->env.cfg->mqtt_prefix, topic, topic_len, &cmd) != KF_OK) {
        KF_LOGW(TAG, "message on a topic outside this device's commands ignored");
        return KF_DEVICE_ACTION_NONE;
    }
    switch (cmd) {
    case KF_CMD_OTA:
        if (dev->env.ota != NULL) {
            kf_ota_command(dev->env.ota, payload, payload_len, now_ms);
        }
        return KF_DEVICE_ACTION_NONE;
    case KF_CMD_FACTORY_RESET:
        KF_LOGW(TAG, "factory reset requested over MQTT");
        if (dev->env.ota != NULL) {
            kf_ota_cancel(dev->env.ota, "device is being factory reset");
        }
        return KF_DEVICE_ACTION_FACTORY_RESET;
    case KF_CMD_REBOOT:
        KF_LOGW(TAG, "restart requested over MQTT");
        if (dev->env.ota != NULL && kf_ota_busy(dev->env.ota)) {
            KF_LOGW(TAG, "restart refused: an update is in progress");
            return KF_DEVICE_ACTION_NONE;
        }
        return KF_DEVICE_ACTION_REBOOT;
    case KF_CMD_UNKNOWN:
    default:
        KF_LOGW(TAG, "unknown command ignored");
        return KF_DEVICE_ACTION_NONE;
    }
}

void kf_device_network(kf_device_t *dev, const char *ip, bool has_rssi, int rssi, uint64_t now_ms)
{
    size_t n = ip != NULL ? strlen(ip) : 0;
    if (n >= sizeof(dev->ip)) {
        n = 0;
    }
    memcpy(dev->ip, ip != NULL ? ip : "", n);
    dev->ip[n] = '\0';
    dev->has_rssi = has_rssi;
    dev->rssi = rssi;
    if (!dev->connected) {
        return;
    }
    int moved = dev->rssi - dev->sent_rssi;
    bool changed = strcmp(dev->ip, dev->sent_ip) != 0 || dev->has_rssi != dev->sent_has_rssi ||
                   (dev->has_rssi && (moved >= KF_STATUS_RSSI_STEP || moved <= -KF_STATUS_RSSI_STEP));
    if (changed || !dev->status_sent) {
        publish_status(dev, now_ms);
    }
}

static void forward_logs(kf_device_t *dev)
{
    kf_logline_t line;
    if (dev->env.logs == NULL) {
        return;
    }
    while (kf_logfwd_pop(dev->env.logs, &line)) {
        char *msg = kf_msg_log(kf_port_unix_time(), kf_log_level_name(line.level), line.tag, line.text);
        if (send(dev, dev->topic_log, msg, 0, false) != KF_OK) {
            return; /* the broker went away; the rest waits for the next tick */
        }
    }
}

void kf_device_tick(kf_device_t *dev, uint64_t now_ms)
{
    if (!dev->connected) {
        return;
    }
    if (!dev->status_sent || now_ms >= dev->next_status_ms) {
        if (publish_status(dev, now_ms) == KF_OK && dev->env.ota != NULL) {
            kf_ota_confirm(dev->env.ota);
        }
    }
    if (dev->env.read_telemetry != NULL && now_ms >= dev->next_telemetry_ms) {
        kf_reading_t readings[MAX_READINGS];
        size_t n = dev->env.read_telemetry(dev->env.telemetry_ctx, readings, MAX_READINGS);
        send(dev, dev->topic_telemetry, kf_msg_telemetry(kf_port_unix_time(), readings, n > MAX_READINGS ? MAX_READINGS : n),
             0, false);
        dev->next_telemetry_ms = now_ms + (uint64_t)dev->env.cfg->telemetry_period_s * 1000u;
    }
    forward_logs(dev);
}
