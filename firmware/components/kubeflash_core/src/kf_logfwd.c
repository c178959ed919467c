#include "kf_logfwd.h"

#include <string.h>

void kf_logfwd_init(kf_logfwd_t *f, kf_log_level_t threshold)
{
    memset(f, 0, sizeof(*f));
    f->threshold = threshold;
}

static kf_log_level_t level_of(char c)
{
    switch (c) {
    case 'E': return KF_LOG_ERROR;
    case 'W': return KF_LOG_WARN;
    case 'I': return KF_LOG_INFO;
    case 'D': return KF_LOG_DEBUG;
    case 'V': return KF_LOG_VERBOSE;
    default: return KF_LOG_NONE;
    }
}

/* Copies `src` without ANSI colour sequences (ESC [ ... m) and trailing newlines. */
static void strip(char *dst, size_t cap, const char *src)
{
    size_t o = 0;
    for (const char *p = src; *p != '\0' && o + 1 < cap; p++) {
        if (*p == '\x1b' && p[1] == '[') {
            p += 2;
            while (*p != '\0' && *p != 'm') {
                p++;
            }
            if (*p == '\0') {
                break;
            }
            continue;
        }
        dst[o++] = *p;
    }
    while (o > 0 && (dst[o - 1] == '\n' || dst[o - 1] == '\r')) {
        o--;
    }
    dst[o] = '\0';
}

bool kf_logfwd_push(kf_logfwd_t *f, const char *line, uint64_t uptime_ms)
{
    char clean[KF_LOGFWD_TEXT_MAX + KF_LOGFWD_TAG_MAX + 32];
    if (f == NULL || line == NULL) {
        return false;
    }
    strip(clean, sizeof(clean), line);
    kf_log_level_t level = level_of(clean[0]);
    if (level == KF_LOG_NONE || level > f->threshold || clean[1] != ' ' || clean[2] != '(') {
        return false;
    }
    const char *close = strstr(clean, ") ");
    if (close == NULL) {
        return false;
    }
    const char *tag = close + 2;
    const char *colon = strstr(tag, ": ");
    if (colon == NULL) {
        return false;
    }
    kf_logline_t *slot;
    if (f->count == KF_LOGFWD_LINES) {
        slot = &f->lines[f->head];
        f->head = (f->head + 1) % KF_LOGFWD_LINES;
        f->dropped++;
    } else {
        slot = &f->lines[(f->head + f->count) % KF_LOGFWD_LINES];
        f->count++;
    }
    slot->level = level;
    slot->uptime_ms = uptime_ms;
    size_t tag_len = (size_t)(colon - tag);
    if (tag_len >= sizeof(slot->tag)) {
        tag_len = sizeof(slot->tag) - 1;
    }
    memcpy(slot->tag, tag, tag_len);
    slot->tag[tag_len] = '\0';
    strncpy(slot->text, colon + 2, sizeof(slot->text) - 1);
    slot->text[sizeof(slot->text) - 1] = '\0';
    return true;
}

bool kf_logfwd_pop(kf_logfwd_t *f, kf_logline_t *out)
{
    if (f == NULL || out == NULL || f->count == 0) {
        return false;
    }
    *out = f->lines[f->head];
    f->head = (f->head + 1) % KF_LOGFWD_LINES;
    f->count--;
    return true;
}
