#include "kf_device.h"

#include <stdlib.h>
#include <string.h>

#include "kf_log.h"
#include "kf_topics.h"

static const char *TAG = "kf.device";

#define MAX_READINGS 32

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
    dev->topic_status = topic_for(root, kf_channel_name(KF_CH_STATUS));
    dev->topic_telemetry = topic_for(root, kf_channel_name(KF_CH_TELEMETRY));
    dev->topic_logs = topic_for(root, kf_channel_name(KF_CH_LOGS));
    dev->topic_commands = topic_for(root, KF_TOPIC_COMMANDS);
    if (dev->topic_status == NULL || dev->topic_telemetry == NULL || dev->topic_logs == NULL ||
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
    free(dev->topic_logs);
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

static kf_err_t send(kf_device_t *dev, const char *topic, kf_channel_t channel, char *payload)
{
    if (payload == NULL) {
        return KF_ERR_INVALID_ARG; /* the builder refused (and logged) a message that breaks the protocol */
    }
    kf_err_t err = dev->env.transport.publish(dev->env.transport.ctx, topic, payload, strlen(payload),
                                              kf_channel_qos(channel), kf_channel_retained(channel));
    kf_message_free(payload);
    return err;
}

static kf_err_t publish_status(kf_device_t *dev, uint64_t now_ms)
{
    const char *image_state = kf_ota_image_state(dev->env.ota);
    uint64_t uptime = now_ms / 1000;
    kf_status_t s = {
        .fw = dev->env.fw_version,
        .project = dev->env.project,
        .idf = dev->env.idf,
        .chip = dev->env.chip,
        .mac = dev->env.mac,
        .ip = dev->ip,
        .has_rssi = dev->has_rssi,
        .rssi = dev->rssi,
        .uptime_s = uptime > UINT32_MAX ? UINT32_MAX : (uint32_t)uptime,
        .reset_reason = dev->env.reset_reason,
        .image_state = image_state,
        .partition = dev->env.partition,
        .ts = kf_port_unix_time(),
    };
    kf_err_t err = send(dev, dev->topic_status, KF_CH_STATUS, kf_msg_status(&s));
    if (err == KF_OK) {
        memcpy(dev->sent_ip, dev->ip, sizeof(dev->sent_ip));
        dev->sent_image_state = image_state;
        dev->next_status_ms = dev->env.heartbeat_ms != 0 ? now_ms + dev->env.heartbeat_ms : UINT64_MAX;
        dev->status_sent = true;
    } else {
        KF_LOGW(TAG, "status not sent: %s", kf_err_name(err));
    }
    return err;
}

/* After a status went out: confirm a pending update, show the new image state, report the outcome. */
static void settle_update(kf_device_t *dev, uint64_t now_ms)
{
    if (dev->env.ota == NULL) {
        return;
    }
    if (kf_ota_confirm(dev->env.ota)) {
        publish_status(dev, now_ms);
    }
    kf_ota_report(dev->env.ota);
}

void kf_device_connected(kf_device_t *dev, uint64_t now_ms)
{
    dev->connected = true;
    dev->status_sent = false;
    if (publish_status(dev, now_ms) == KF_OK) {
        settle_update(dev, now_ms);
    }
    dev->next_telemetry_ms = now_ms;
}

void kf_device_disconnected(kf_device_t *dev)
{
    dev->connected = false;
}

kf_err_t kf_device_offline(kf_device_t *dev, const char *reason)
{
    return send(dev, dev->topic_status, KF_CH_STATUS, kf_msg_offline(reason, kf_port_unix_time()));
}

static void cancel_update(kf_device_t *dev, const char *why)
{
    if (dev->env.ota != NULL) {
        kf_ota_cancel(dev->env.ota, why);
    }
}

kf_device_action_t kf_device_message(kf_device_t *dev, const char *topic, size_t topic_len, const char *payload,
                                     size_t payload_len, uint64_t now_ms)
{
    kf_channel_t channel;
    if (topic == NULL || kf_topic_parse_command(dev->env.cfg->mqtt_prefix, topic, topic_len, &channel) != KF_OK) {
        KF_LOGW(TAG, "message on a topic that is not one of this device's commands ignored");
        return KF_DEVICE_ACTION_NONE;
    }
    if (channel == KF_CH_CMD_OTA) {
        if (dev->env.ota != NULL) {
            kf_ota_command(dev->env.ota, payload, payload_len, now_ms);
        }
        return KF_DEVICE_ACTION_NONE;
    }
    kf_verdict_t v = kf_msg_check_command(channel, dev->env.cfg->device_id, payload, payload_len);
    if (!v.accepted) {
        KF_LOGW(TAG, "%s ignored: %s (%s)", kf_channel_name(channel), v.check.detail, v.check.reason);
        return KF_DEVICE_ACTION_NONE;
    }
    if (channel == KF_CH_CMD_FACTORY_RESET) {
        KF_LOGW(TAG, "factory reset requested over MQTT");
        cancel_update(dev, "the device is being factory reset");
        return KF_DEVICE_ACTION_FACTORY_RESET;
    }
    KF_LOGW(TAG, "restart requested over MQTT");
    cancel_update(dev, "the device restarts (cmd/reboot)");
    return KF_DEVICE_ACTION_REBOOT;
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
    if (dev->connected && (strcmp(dev->ip, dev->sent_ip) != 0 || !dev->status_sent)) {
        publish_status(dev, now_ms);
    }
}

kf_err_t kf_device_forward_log(kf_device_t *dev, const kf_logline_t *line)
{
    if (!dev->connected) {
        return KF_ERR_IO;
    }
    char *msg = kf_msg_log(kf_log_level_name(line->level), line->tag, line->text, line->uptime_ms, kf_port_unix_time());
    return send(dev, dev->topic_logs, KF_CH_LOGS, msg);
}

static void forward_logs(kf_device_t *dev)
{
    kf_logline_t line;
    if (dev->env.logs == NULL) {
        return;
    }
    while (dev->env.logs->count > 0) {
        kf_logline_t *head = &dev->env.logs->lines[dev->env.logs->head];
        if (kf_device_forward_log(dev, head) == KF_ERR_IO) {
            return; /* the broker went away; the line waits for the next tick */
        }
        kf_logfwd_pop(dev->env.logs, &line);
    }
}

void kf_device_tick(kf_device_t *dev, uint64_t now_ms)
{
    if (!dev->connected) {
        return;
    }
    bool state_changed = dev->sent_image_state != NULL && strcmp(kf_ota_image_state(dev->env.ota), dev->sent_image_state) != 0;
    if (!dev->status_sent || state_changed || now_ms >= dev->next_status_ms) {
        bool first = !dev->status_sent;
        if (publish_status(dev, now_ms) == KF_OK && first) {
            settle_update(dev, now_ms);
        }
    }
    if (dev->env.read_telemetry != NULL && now_ms >= dev->next_telemetry_ms) {
        kf_reading_t readings[MAX_READINGS];
        size_t n = dev->env.read_telemetry(dev->env.telemetry_ctx, readings, MAX_READINGS);
        if (n > 0) {
            send(dev, dev->topic_telemetry, KF_CH_TELEMETRY,
                 kf_msg_telemetry(kf_port_unix_time(), readings, n > MAX_READINGS ? MAX_READINGS : n));
        }
        dev->next_telemetry_ms = now_ms + (uint64_t)dev->env.cfg->telemetry_period_s * 1000u;
    }
    forward_logs(dev);
}
