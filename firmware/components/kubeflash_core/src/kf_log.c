#include "kf_log.h"

#include <ctype.h>
#include <string.h>

void kf_log_write(kf_log_level_t level, const char *tag, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    kf_port_log(level, tag, fmt, args);
    va_end(args);
}

static const char *const LEVEL_NAMES[] = {"none", "error", "warn", "info", "debug", "verbose"};

kf_err_t kf_log_level_parse(const char *text, kf_log_level_t *out)
{
    if (text == NULL || out == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < sizeof(LEVEL_NAMES) / sizeof(LEVEL_NAMES[0]); i++) {
        const char *name = LEVEL_NAMES[i];
        size_t n = strlen(name);
        if (strlen(text) != n) {
            continue;
        }
        size_t j = 0;
        while (j < n && tolower((unsigned char)text[j]) == name[j]) {
            j++;
        }
        if (j == n) {
            *out = (kf_log_level_t)i;
            return KF_OK;
        }
    }
    return KF_ERR_INVALID_ARG;
}

const char *kf_log_level_name(kf_log_level_t level)
{
    if ((int)level < 0 || (size_t)level >= sizeof(LEVEL_NAMES) / sizeof(LEVEL_NAMES[0])) {
        return "unknown";
    }
    return LEVEL_NAMES[level];
}
