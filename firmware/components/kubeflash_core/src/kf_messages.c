#include "kf_messages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"

#include "kf_log.h"

static const char *TAG = "kf.messages";

#define TS_MIN 1577836800LL /* 2020-01-01 */
#define TS_MAX 4102444800LL /* 2100-01-01 */

const char *kf_ota_reason_name(kf_ota_reason_t reason)
{
    switch (reason) {
    case KF_OTA_REASON_NONE: return NULL;
    case KF_OTA_REASON_INVALID_COMMAND: return "invalid-command";
    case KF_OTA_REASON_BUSY: return "busy";
    case KF_OTA_REASON_NO_KEY: return "no-key";
    case KF_OTA_REASON_NO_SPACE: return "no-space";
    case KF_OTA_REASON_DOWNLOAD_FAILED: return "download-failed";
    case KF_OTA_REASON_TIMEOUT: return "timeout";
    case KF_OTA_REASON_SIZE_MISMATCH: return "size-mismatch";
    case KF_OTA_REASON_SHA256_MISMATCH: return "sha256-mismatch";
    case KF_OTA_REASON_SIGNATURE_INVALID: return "signature-invalid";
    case KF_OTA_REASON_INVALID_IMAGE: return "invalid-image";
    case KF_OTA_REASON_FLASH_ERROR: return "flash-error";
    case KF_OTA_REASON_ROLLBACK: return "rollback";
    }
    return NULL;
}

/* ---- commands ---------------------------------------------------------------------------------------- */

static const char *string_of(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* The id of a payload that failed the checks, when it is still readable. */
static bool readable_id(const char *payload, size_t len, char *out, size_t cap)
{
    cJSON *root = cJSON_ParseWithLength(payload, len);
    const char *id = string_of(root, "id");
    bool ok = id != NULL && kf_proto_ota_id_valid(id) && strlen(id) < cap;
    if (ok) {
        memcpy(out, id, strlen(id) + 1);
    }
    cJSON_Delete(root);
    return ok;
}

kf_verdict_t kf_msg_parse_ota(const char *payload, size_t len, kf_ota_request_t *req)
{
    kf_verdict_t v;
    memset(&v, 0, sizeof(v));
    kf_ota_request_t scratch;
    if (req == NULL) {
        req = &scratch;
    }
    memset(req, 0, sizeof(*req));
    cJSON *root = NULL;
    kf_proto_check_payload(KF_CH_CMD_OTA, NULL, (const uint8_t *)payload, len, &v.check, &root);
    if (!v.check.valid) {
        v.id_readable = payload != NULL && readable_id(payload, len, req->id, sizeof(req->id));
        return v;
    }
    /* every field passed its pattern and range, so these copies fit and decode */
    snprintf(req->id, sizeof(req->id), "%s", string_of(root, "id"));
    snprintf(req->version, sizeof(req->version), "%s", string_of(root, "version"));
    snprintf(req->url, sizeof(req->url), "%s", string_of(root, "url"));
    req->size = (uint32_t)cJSON_GetObjectItemCaseSensitive(root, "size")->valuedouble;
    const char *sha = string_of(root, "sha256");
    kf_hex_decode(sha, strlen(sha), req->sha256, sizeof(req->sha256));
    const char *sig = string_of(root, "signature");
    kf_err_t err = kf_base64_decode(sig, strlen(sig), req->signature, sizeof(req->signature), &req->signature_len);
    cJSON_Delete(root);
    v.id_readable = true;
    v.accepted = err == KF_OK;
    return v;
}

kf_verdict_t kf_msg_check_command(kf_channel_t channel, const char *device_id, const char *payload, size_t len)
{
    kf_verdict_t v;
    memset(&v, 0, sizeof(v));
    kf_proto_check_payload(channel, device_id, (const uint8_t *)payload, len, &v.check, NULL);
    v.accepted = v.check.valid;
    v.id_readable = v.accepted;
    return v;
}

/* ---- reports ------------------------------------------------------------------------------------------ */

/* Serializes and checks against the channel's rules; NULL (and an error log) if the contract is broken. */
static char *finish(cJSON *obj, kf_channel_t channel)
{
    if (obj == NULL) {
        return NULL;
    }
    char *text = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    if (text == NULL) {
        return NULL;
    }
    kf_proto_verdict_t v;
    kf_proto_check_payload(channel, NULL, (const uint8_t *)text, strlen(text), &v, NULL);
    if (!v.valid) {
        KF_LOGE(TAG, "not sent, it would break the protocol: %s (%s)", v.detail, v.reason);
        cJSON_free(text);
        return NULL;
    }
    return text;
}

static void add_string_if(cJSON *obj, const char *name, const char *value)
{
    if (value != NULL) {
        cJSON_AddStringToObject(obj, name, value);
    }
}

static void add_ts(cJSON *obj, int64_t ts)
{
    if (ts >= TS_MIN && ts <= TS_MAX) {
        cJSON_AddNumberToObject(obj, "ts", (double)ts);
    }
}

char *kf_msg_status(const kf_status_t *s)
{
    if (s == NULL) {
        return NULL;
    }
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    cJSON_AddStringToObject(o, "state", "online");
    add_string_if(o, "fw", s->fw);
    add_string_if(o, "project", s->project);
    add_string_if(o, "idf", s->idf);
    add_string_if(o, "chip", s->chip);
    add_string_if(o, "mac", s->mac);
    add_string_if(o, "ip", s->ip);
    if (s->has_rssi) {
        cJSON_AddNumberToObject(o, "rssi", s->rssi);
    }
    cJSON_AddNumberToObject(o, "uptime", s->uptime_s);
    add_string_if(o, "resetReason", s->reset_reason);
    add_string_if(o, "imageState", s->image_state);
    add_string_if(o, "partition", s->partition);
    add_ts(o, s->ts);
    return finish(o, KF_CH_STATUS);
}

char *kf_msg_offline(const char *reason, int64_t ts)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    cJSON_AddStringToObject(o, "state", "offline");
    add_string_if(o, "reason", reason);
    if (reason != NULL) {
        add_ts(o, ts);
    }
    return finish(o, KF_CH_STATUS);
}

char *kf_msg_telemetry(int64_t ts, const kf_reading_t *readings, size_t count)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    add_ts(o, ts);
    cJSON *values = cJSON_AddObjectToObject(o, "values");
    for (size_t i = 0; values != NULL && readings != NULL && i < count; i++) {
        const kf_reading_t *r = &readings[i];
        if (r->name == NULL) {
            continue;
        }
        if (r->is_bool) {
            cJSON_AddBoolToObject(values, r->name, r->boolean);
        } else if (isfinite(r->number)) {
            cJSON_AddNumberToObject(values, r->name, r->number);
        }
    }
    return finish(o, KF_CH_TELEMETRY);
}

/* Copies `text` with control characters other than tab/newline turned into spaces, cut to `max_chars`
 * characters at a UTF-8 boundary; `one_line` turns tab and newline into spaces too. */
static char *clean_text(const char *text, size_t max_chars, bool one_line)
{
    size_t n = text != NULL ? strlen(text) : 0;
    char *out = malloc(n + 1);
    if (out == NULL) {
        return NULL;
    }
    size_t o = 0, chars = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        bool lead = (c & 0xC0) != 0x80;
        if (lead && chars == max_chars) {
            break;
        }
        chars += lead;
        bool control = c < 0x20 || c == 0x7f;
        out[o++] = control && (one_line || (c != '\t' && c != '\n')) ? ' ' : (char)c;
    }
    out[o] = '\0';
    return out;
}

char *kf_msg_log(const char *level, const char *tag, const char *text, uint64_t uptime_ms, int64_t ts)
{
    cJSON *o = cJSON_CreateObject();
    char *msg = clean_text(text, 1024, false);
    if (o == NULL || msg == NULL) {
        cJSON_Delete(o);
        free(msg);
        return NULL;
    }
    bool tag_ok = tag != NULL && tag[0] != '\0' && strlen(tag) <= 32;
    for (const char *p = tag; tag_ok && *p != '\0'; p++) {
        tag_ok = (unsigned char)*p >= 0x21 && (unsigned char)*p <= 0x7e;
    }
    add_string_if(o, "level", level);
    cJSON_AddStringToObject(o, "tag", tag_ok ? tag : "?");
    cJSON_AddStringToObject(o, "msg", msg);
    free(msg);
    cJSON_AddNumberToObject(o, "uptimeMs", (double)uptime_ms);
    add_ts(o, ts);
    return finish(o, KF_CH_LOGS);
}

static const char *progress_name(kf_ota_progress_state_t state)
{
    switch (state) {
    case KF_OTA_PROGRESS_DOWNLOADING: return "downloading";
    case KF_OTA_PROGRESS_VERIFYING: return "verifying";
    case KF_OTA_PROGRESS_REBOOTING: return "rebooting";
    case KF_OTA_PROGRESS_PENDING_VERIFY: return "pending-verify";
    }
    return "?";
}

char *kf_msg_ota_progress(const char *id, kf_ota_progress_state_t state, uint32_t bytes, uint32_t total)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    add_string_if(o, "id", id);
    cJSON_AddStringToObject(o, "state", progress_name(state));
    if (state == KF_OTA_PROGRESS_DOWNLOADING) {
        cJSON_AddNumberToObject(o, "bytes", bytes);
        cJSON_AddNumberToObject(o, "total", total);
    }
    return finish(o, KF_CH_OTA_PROGRESS);
}

char *kf_msg_ota_result(const char *id, kf_ota_reason_t reason, const char *version, const char *detail)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    add_string_if(o, "id", id);
    cJSON_AddStringToObject(o, "result", reason == KF_OTA_REASON_NONE ? "success" : "failed");
    add_string_if(o, "version", version);
    add_string_if(o, "reason", kf_ota_reason_name(reason));
    if (detail != NULL) {
        char *line = clean_text(detail, KF_DETAIL_MAX, true);
        add_string_if(o, "detail", line);
        free(line);
    }
    return finish(o, KF_CH_OTA_RESULT);
}

void kf_message_free(char *message)
{
    cJSON_free(message);
}
