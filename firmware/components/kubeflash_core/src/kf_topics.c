#include "kf_topics.h"

#include <string.h>

#define ROOT_MAX 512

bool kf_topic_root_valid(const char *root)
{
    if (root == NULL) {
        return false;
    }
    size_t n = strnlen(root, ROOT_MAX + 1);
    if (n == 0 || n > ROOT_MAX || root[0] == '$' || root[0] == '/' || root[n - 1] == '/') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = root[i];
        if (c == '+' || c == '#' || (c == '/' && root[i + 1] == '/')) {
            return false;
        }
    }
    return true;
}

bool kf_topic_root_matches_device(const char *root, const char *device_id)
{
    static const char MIDDLE[] = "/devices/";
    if (!kf_topic_root_valid(root) || device_id == NULL || device_id[0] == '\0') {
        return false;
    }
    size_t n = strlen(root);
    size_t id = strlen(device_id);
    size_t tail = sizeof(MIDDLE) - 1 + id;
    if (n <= tail) {
        return false; /* the topicPrefix in front must not be empty */
    }
    return memcmp(root + n - tail, MIDDLE, sizeof(MIDDLE) - 1) == 0 && memcmp(root + n - id, device_id, id) == 0;
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

static const struct {
    const char *name;
    kf_command_t cmd;
} COMMANDS[] = {
    {"ota", KF_CMD_OTA},
    {"factory-reset", KF_CMD_FACTORY_RESET},
    {"reboot", KF_CMD_REBOOT},
};

kf_err_t kf_topic_parse_command(const char *root, const char *topic, size_t topic_len, kf_command_t *cmd)
{
    static const char CMD[] = "/cmd/";
    if (root == NULL || topic == NULL || cmd == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    size_t r = strlen(root);
    size_t head = r + sizeof(CMD) - 1;
    if (topic_len <= head || memcmp(topic, root, r) != 0 || memcmp(topic + r, CMD, sizeof(CMD) - 1) != 0) {
        return KF_ERR_NOT_FOUND;
    }
    const char *name = topic + head;
    size_t name_len = topic_len - head;
    *cmd = KF_CMD_UNKNOWN;
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++) {
        if (strlen(COMMANDS[i].name) == name_len && memcmp(COMMANDS[i].name, name, name_len) == 0) {
            *cmd = COMMANDS[i].cmd;
        }
    }
    return KF_OK;
}
