/* An in-memory NVS namespace with ESP-IDF's semantics: typed values, per-key atomic writes, and a power
 * budget so tests can cut the power between any two writes. */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

void mem_kv_init(mem_kv_t *m, test_power_t *power)
{
    memset(m, 0, sizeof(*m));
    m->power = power;
}

void mem_kv_free(mem_kv_t *m)
{
    for (size_t i = 0; i < MEM_KV_MAX; i++) {
        free(m->entries[i].data);
    }
    memset(m, 0, sizeof(*m));
}

static mem_entry_t *lookup(mem_kv_t *m, const char *key)
{
    for (size_t i = 0; i < MEM_KV_MAX; i++) {
        if (m->entries[i].used && strcmp(m->entries[i].key, key) == 0) {
            return &m->entries[i];
        }
    }
    return NULL;
}

static kf_err_t put(mem_kv_t *m, const char *key, kf_kv_type_t type, const void *data, size_t len)
{
    if (key == NULL || strlen(key) > 15 || strlen(key) == 0) {
        return KF_ERR_INVALID_ARG;
    }
    if (!test_power_spend(m->power)) {
        return KF_ERR_IO;
    }
    mem_entry_t *e = lookup(m, key);
    for (size_t i = 0; e == NULL && i < MEM_KV_MAX; i++) {
        if (!m->entries[i].used) {
            e = &m->entries[i];
        }
    }
    if (e == NULL) {
        return KF_ERR_NO_MEM;
    }
    uint8_t *copy = malloc(len > 0 ? len : 1);
    memcpy(copy, data, len);
    free(e->data);
    memset(e, 0, sizeof(*e));
    strcpy(e->key, key);
    e->type = type;
    e->data = copy;
    e->len = len;
    e->used = true;
    m->writes++;
    return KF_OK;
}

static kf_err_t kv_find(void *ctx, const char *key, kf_kv_type_t *type, size_t *size)
{
    mem_entry_t *e = lookup(ctx, key);
    if (e == NULL) {
        return KF_ERR_NOT_FOUND;
    }
    if (type != NULL) {
        *type = e->type;
    }
    if (size != NULL) {
        *size = e->len;
    }
    return KF_OK;
}

static kf_err_t kv_get_num(void *ctx, const char *key, kf_kv_num_t *out)
{
    mem_entry_t *e = lookup(ctx, key);
    if (e == NULL) {
        return KF_ERR_NOT_FOUND;
    }
    if (e->type == KF_KV_STR || e->type == KF_KV_BLOB) {
        return KF_ERR_TYPE;
    }
    uint64_t raw = 0;
    memcpy(&raw, e->data, e->len);
    out->type = e->type;
    size_t width = e->len;
    if ((e->type & 0x10) && width < 8) {
        unsigned shift = (unsigned)(64 - 8 * width);
        out->v.i = (int64_t)(raw << shift) >> shift;
    } else {
        out->v.u = raw;
    }
    return KF_OK;
}

static kf_err_t kv_get_bytes(void *ctx, const char *key, void *buf, size_t *len)
{
    mem_entry_t *e = lookup(ctx, key);
    if (e == NULL) {
        return KF_ERR_NOT_FOUND;
    }
    if (e->type != KF_KV_STR && e->type != KF_KV_BLOB) {
        return KF_ERR_TYPE;
    }
    if (*len < e->len) {
        *len = e->len;
        return KF_ERR_TOO_LONG;
    }
    memcpy(buf, e->data, e->len);
    *len = e->len;
    return KF_OK;
}

static kf_err_t kv_set_str(void *ctx, const char *key, const char *value)
{
    return put(ctx, key, KF_KV_STR, value, strlen(value) + 1);
}

static kf_err_t kv_erase_key(void *ctx, const char *key)
{
    mem_kv_t *m = ctx;
    mem_entry_t *e = lookup(m, key);
    if (e == NULL) {
        return KF_ERR_NOT_FOUND;
    }
    if (!test_power_spend(m->power)) {
        return KF_ERR_IO;
    }
    free(e->data);
    memset(e, 0, sizeof(*e));
    m->writes++;
    return KF_OK;
}

static kf_err_t kv_erase_all(void *ctx)
{
    mem_kv_t *m = ctx;
    if (!test_power_spend(m->power)) {
        return KF_ERR_IO;
    }
    for (size_t i = 0; i < MEM_KV_MAX; i++) {
        free(m->entries[i].data);
        memset(&m->entries[i], 0, sizeof(m->entries[i]));
    }
    m->writes++;
    return KF_OK;
}

static kf_err_t kv_commit(void *ctx)
{
    mem_kv_t *m = ctx;
    if (m->power != NULL && m->power->cut) {
        return KF_ERR_IO;
    }
    m->commits++;
    return KF_OK;
}

kf_kv_t mem_kv(mem_kv_t *m)
{
    kf_kv_t kv = {
        .ctx = m,
        .find = kv_find,
        .get_num = kv_get_num,
        .get_bytes = kv_get_bytes,
        .set_str = kv_set_str,
        .erase_key = kv_erase_key,
        .erase_all = kv_erase_all,
        .commit = kv_commit,
    };
    return kv;
}

kf_err_t mem_kv_set_num(mem_kv_t *m, const char *key, kf_kv_type_t type, uint64_t raw)
{
    return put(m, key, type, &raw, type & 0x0F);
}

kf_err_t mem_kv_set_blob(mem_kv_t *m, const char *key, const void *data, size_t len)
{
    return put(m, key, KF_KV_BLOB, data, len);
}

const char *mem_kv_str(const mem_kv_t *m, const char *key)
{
    mem_entry_t *e = lookup((mem_kv_t *)m, key);
    return e != NULL && e->type == KF_KV_STR ? (const char *)e->data : NULL;
}

size_t mem_kv_count(const mem_kv_t *m)
{
    size_t n = 0;
    for (size_t i = 0; i < MEM_KV_MAX; i++) {
        n += m->entries[i].used ? 1 : 0;
    }
    return n;
}
