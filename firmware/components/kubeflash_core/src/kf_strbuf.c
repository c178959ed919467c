#include "kf_strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kf_strbuf_init(kf_strbuf_t *sb)
{
    memset(sb, 0, sizeof(*sb));
}

static bool reserve(kf_strbuf_t *sb, size_t extra)
{
    if (sb->failed) {
        return false;
    }
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap) {
        return true;
    }
    size_t cap = sb->cap == 0 ? 256 : sb->cap;
    while (cap < need) {
        cap *= 2;
    }
    char *grown = realloc(sb->data, cap);
    if (grown == NULL) {
        sb->failed = true;
        return false;
    }
    sb->data = grown;
    sb->cap = cap;
    return true;
}

void kf_strbuf_append(kf_strbuf_t *sb, const char *text)
{
    size_t n = text != NULL ? strlen(text) : 0;
    if (!reserve(sb, n)) {
        return;
    }
    memcpy(sb->data + sb->len, text != NULL ? text : "", n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void kf_strbuf_appendf(kf_strbuf_t *sb, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n >= 0 && reserve(sb, (size_t)n)) {
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, args);
        sb->len += (size_t)n;
    }
    va_end(args);
}

void kf_strbuf_append_html(kf_strbuf_t *sb, const char *text)
{
    char one[2] = {0, 0};
    for (const char *p = text != NULL ? text : ""; *p != '\0'; p++) {
        switch (*p) {
        case '&': kf_strbuf_append(sb, "&amp;"); break;
        case '<': kf_strbuf_append(sb, "&lt;"); break;
        case '>': kf_strbuf_append(sb, "&gt;"); break;
        case '"': kf_strbuf_append(sb, "&quot;"); break;
        case '\'': kf_strbuf_append(sb, "&#39;"); break;
        default:
            one[0] = *p;
            kf_strbuf_append(sb, one);
        }
    }
}

char *kf_strbuf_take(kf_strbuf_t *sb, size_t *len)
{
    char *data = sb->failed ? NULL : sb->data;
    if (sb->failed) {
        free(sb->data);
    } else if (data == NULL) {
        data = calloc(1, 1);
    }
    if (len != NULL) {
        *len = data != NULL ? sb->len : 0;
    }
    kf_strbuf_init(sb);
    return data;
}

void kf_strbuf_free(kf_strbuf_t *sb)
{
    free(sb->data);
    kf_strbuf_init(sb);
}
