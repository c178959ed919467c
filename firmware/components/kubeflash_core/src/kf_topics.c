#include "kf_topics.h"

#include <stdlib.h>
#include <string.h>

bool kf_topic_root_matches_device(const char *root, const char *device_id)
{
    static const char MIDDLE[] = "/devices/";
    if (root == NULL || device_id == NULL || !kf_proto_device_id_valid(device_id, strlen(device_id))) {
        return false;
    }
    size_t n = strlen(root);
    size_t id = strlen(device_id);
    size_t tail = sizeof(MIDDLE) - 1 + id;
    if (n <= tail || memcmp(root + n - tail, MIDDLE, sizeof(MIDDLE) - 1) != 0 ||
        memcmp(root + n - id, device_id, id) != 0) {
        return false;
    }
    char prefix[72];
    size_t p = n - tail;
    if (p >= sizeof(prefix)) {
        return false;
    }
    memcpy(prefix, root, p);
    prefix[p] = '\0';
    return kf_proto_topic_prefix_valid(prefix);
}

kf_err_t kf_topic_build(char *buf, size_t size, const char *root, const char *suffix)
{
    if (buf == NULL || root == NULL || suffix == NULL || size == 0) {
        return KF_ERR_INVALID_ARG;
    }
    size_t r = strlen(root);
    size_t s = strlen(suffix);
    if (r + 1 + s + 1 > size) {
        buf[0] = '\0';
        return KF_ERR_TOO_LONG;
    }
    memcpy(buf, root, r);
    buf[r] = '/';
    memcpy(buf + r + 1, suffix, s + 1);
    return KF_OK;
}

kf_err_t kf_topic_parse_command(const char *root, const char *topic, size_t topic_len, kf_channel_t *channel)
{
    if (root == NULL || topic == NULL || channel == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    size_t r = strlen(root);
    if (topic_len <= r + 1 || memcmp(topic, root, r) != 0 || topic[r] != '/') {
        return KF_ERR_NOT_FOUND;
    }
    const char *name = topic + r + 1;
    size_t name_len = topic_len - r - 1;
    static const kf_channel_t COMMANDS[] = {KF_CH_CMD_OTA, KF_CH_CMD_REBOOT, KF_CH_CMD_FACTORY_RESET};
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++) {
        const char *c = kf_channel_name(COMMANDS[i]);
        if (strlen(c) == name_len && memcmp(c, name, name_len) == 0) {
            *channel = COMMANDS[i];
            return KF_OK;
        }
    }
    return KF_ERR_NOT_FOUND;
}
