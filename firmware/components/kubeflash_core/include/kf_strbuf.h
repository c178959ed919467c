#pragma once
/* Portable core: no ESP-IDF includes. A growable string for building pages and messages. */
#include <stdbool.h>
#include <stddef.h>

#include "kf_log.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    char *data;
    size_t len;
    size_t cap;
    bool failed; /**< an allocation failed; the content is incomplete */
} kf_strbuf_t;

void kf_strbuf_init(kf_strbuf_t *sb);
void kf_strbuf_append(kf_strbuf_t *sb, const char *text);
void kf_strbuf_appendf(kf_strbuf_t *sb, const char *fmt, ...) KF_PRINTF_LIKE(2, 3);
/** Appends `text` with & < > " ' escaped for HTML text and attribute values. */
void kf_strbuf_append_html(kf_strbuf_t *sb, const char *text);
/** Hands the buffer over (NULL if an allocation failed); the builder is empty afterwards. */
char *kf_strbuf_take(kf_strbuf_t *sb, size_t *len);
void kf_strbuf_free(kf_strbuf_t *sb);

#ifdef __cplusplus
}
#endif
