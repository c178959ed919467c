/* kf_kv_t over an open nvs_handle_t: the core's storage port on ESP-IDF. */
#include <string.h>

#include "nvs.h"

#include "platform.h"

static kf_err_t from_esp(esp_err_t err)
{
    switch (err) {
    case ESP_OK: return KF_OK;
    case ESP_ERR_NVS_NOT_FOUND: return KF_ERR_NOT_FOUND;
    case ESP_ERR_NVS_INVALID_LENGTH: return KF_ERR_TOO_LONG;
    case ESP_ERR_NVS_TYPE_MISMATCH: return KF_ERR_TYPE;
    case ESP_ERR_NVS_READ_ONLY: return KF_ERR_STATE;
    case ESP_ERR_NO_MEM: return KF_ERR_NO_MEM;
    default: return KF_ERR_IO;
    }
}

static nvs_handle_t handle_of(void *ctx)
{
    return *(nvs_handle_t *)ctx;
}

static kf_err_t kv_find(void *ctx, const char *key, kf_kv_type_t *type, size_t *size)
{
    nvs_type_t t;
    esp_err_t err = nvs_find_key(handle_of(ctx), key, &t);
    if (err != ESP_OK) {
        return from_esp(err);
    }
    size_t n = 0;
    switch (t) {
    case NVS_TYPE_STR: err = nvs_get_str(handle_of(ctx), key, NULL, &n); break;
    case NVS_TYPE_BLOB: err = nvs_get_blob(handle_of(ctx), key, NULL, &n); break;
    case NVS_TYPE_ANY: return KF_ERR_CORRUPT;
    default: n = (size_t)(t & 0x0F); break;
    }
    if (type != NULL) {
        *type = (kf_kv_type_t)t; /* nvs_type_t uses the same codes as kf_kv_type_t */
    }
    if (size != NULL) {
        *size = n;
    }
    return from_esp(err);
}

static kf_err_t kv_get_num(void *ctx, const char *key, kf_kv_num_t *out)
{
    nvs_handle_t h = handle_of(ctx);
    nvs_type_t t;
    esp_err_t err = nvs_find_key(h, key, &t);
    if (err != ESP_OK) {
        return from_esp(err);
    }
    out->type = (kf_kv_type_t)t;
    switch (t) {
    case NVS_TYPE_U8: { uint8_t v; err = nvs_get_u8(h, key, &v); out->v.u = v; break; }
    case NVS_TYPE_I8: { int8_t v; err = nvs_get_i8(h, key, &v); out->v.i = v; break; }
    case NVS_TYPE_U16: { uint16_t v; err = nvs_get_u16(h, key, &v); out->v.u = v; break; }
    case NVS_TYPE_I16: { int16_t v; err = nvs_get_i16(h, key, &v); out->v.i = v; break; }
    case NVS_TYPE_U32: { uint32_t v; err = nvs_get_u32(h, key, &v); out->v.u = v; break; }
    case NVS_TYPE_I32: { int32_t v; err = nvs_get_i32(h, key, &v); out->v.i = v; break; }
    case NVS_TYPE_U64: { uint64_t v; err = nvs_get_u64(h, key, &v); out->v.u = v; break; }
    case NVS_TYPE_I64: { int64_t v; err = nvs_get_i64(h, key, &v); out->v.i = v; break; }
    default: return KF_ERR_TYPE;
    }
    return from_esp(err);
}

static kf_err_t kv_get_bytes(void *ctx, const char *key, void *buf, size_t *len)
{
    nvs_handle_t h = handle_of(ctx);
    nvs_type_t t;
    esp_err_t err = nvs_find_key(h, key, &t);
    if (err != ESP_OK) {
        return from_esp(err);
    }
    if (t == NVS_TYPE_STR) {
        return from_esp(nvs_get_str(h, key, buf, len));
    }
    if (t == NVS_TYPE_BLOB) {
        return from_esp(nvs_get_blob(h, key, buf, len));
    }
    return KF_ERR_TYPE;
}

static kf_err_t kv_set_str(void *ctx, const char *key, const char *value)
{
    return from_esp(nvs_set_str(handle_of(ctx), key, value));
}

static kf_err_t kv_erase_key(void *ctx, const char *key)
{
    return from_esp(nvs_erase_key(handle_of(ctx), key));
}

static kf_err_t kv_erase_all(void *ctx)
{
    return from_esp(nvs_erase_all(handle_of(ctx)));
}

static kf_err_t kv_commit(void *ctx)
{
    return from_esp(nvs_commit(handle_of(ctx)));
}

kf_kv_t kf_nvs_kv(nvs_handle_t *handle, bool writable)
{
    kf_kv_t kv;
    memset(&kv, 0, sizeof(kv));
    kv.ctx = handle;
    kv.find = kv_find;
    kv.get_num = kv_get_num;
    kv.get_bytes = kv_get_bytes;
    if (writable) {
        kv.set_str = kv_set_str;
        kv.erase_key = kv_erase_key;
        kv.erase_all = kv_erase_all;
        kv.commit = kv_commit;
    }
    return kv;
}
