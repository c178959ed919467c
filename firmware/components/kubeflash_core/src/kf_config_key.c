#include "kf_config_key.h"

static bool is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool kf_config_key_is_valid(const char *key)
{
    if (key == NULL) {
        return false;
    }
    size_t len = 0;
    for (; key[len] != '\0'; len++) {
        if (len >= KF_CONFIG_KEY_MAX_LEN || !is_key_char(key[len])) {
            return false;
        }
    }
    return len > 0;
}
