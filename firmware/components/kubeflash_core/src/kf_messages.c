#include "kf_messages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"

const char *kf_ota_reason_name(kf_ota_reason_t reason)
{
    switch (reason) {
    case KF_OTA_REASON_NONE: return NULL;
    case KF_OTA_REASON_INVALID_COMMAND: return "invalid-command";
    case KF_OTA_REASON_DOWNLOAD_FAILED: return "download-failed";
    case KF_OTA_REASON_SIZE_MISMATCH: return "size-mismatch";
    case KF_OTA_REASON_SHA256_MISMATCH: return "sha256-mismatch";
    case KF_OTA_REASON_SIGNATURE_INVALID: return "signature-invalid";
    case KF_OTA_REASON_ROLLBACK: return "rollback";
    case KF_OTA_REASON_BUSY: return "busy";
    case KF_OTA_REASON_TIMEOUT: return "timeout";
    }
    return NULL;
}

static kf_verdict_t reject(const char *field, const char *detail)
{
    kf_verdict_t v;
    memset(&v, 0, sizeof(v));
    v.accepted = false;
    v.reason = KF_OTA_REASON_INVALID_COMMAND;
    snprintf(v.field, sizeof(v.field), "%s", field);
    snprintf(v.detail, sizeof(v.detail), "%s", detail);
    return v;
}

static const char *string_field(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static bool copy_bounded(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n == 0 || n >= cap) {
        return false;
    }
    memcpy(dst, src, n + 1);
    return true;
}

static bool printable(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            return false;
        }
    }
    return true;
}

static kf_verdict_t check_ota(const cJSON *root, kf_ota_request_t *req)
{
    if (!cJSON_IsObject(root)) {
        return reject("", "payload is not a JSON object");
    }
    const char *id = string_field(root, "id");
    if (id == NULL || !printable(id) || !copy_bounded(req->id, sizeof(req->id), id)) {
        req->id[0] = '\0';
        return reject("id", "must be a string of 1..128 printable characters");
    }
    const char *version = string_field(root, "version");
    if (version == NULL || !printable(version) || !copy_bounded(req->version, sizeof(req->version), version)) {
        return reject("version", "must be a string of 1..31 printable characters");
    }
    const char *url = string_field(root, "url");
    if (url == NULL || !copy_bounded(req->url, sizeof(req->url), url)) {
        return reject("url", "must be a string of 1..1024 characters");
    }
    if (strncmp(url, "https://", 8) != 0 || url[8] == '\0' || !printable(url) || strchr(url, ' ') != NULL) {
        return reject("url", "must be an https:// URL");
    }
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(root, "size");
    if (!cJSON_IsNumber(size) || size->valuedouble < 1 || size->valuedouble > 4294967295.0 ||
        floor(size->valuedouble) != size->valuedouble) {
        return reject("size", "must be an integer of 1..4294967295");
    }
    req->size = (uint32_t)size->valuedouble;
    const char *sha = string_field(root, "sha256");
    if (sha == NULL || kf_hex_decode(sha, strlen(sha), req->sha256, sizeof(req->sha256)) != KF_OK) {
        return reject("sha256", "must be 64 hex digits");
    }
    const char *sig = string_field(root, "signature");
    if (sig == NULL || sig[0] == '\0' ||
        kf_base64_decode(sig, strlen(sig), req->signature, sizeof(req->signature), &req->signature_len) != KF_OK ||
        req->signature_len < 8 || req->signature[0] != 0x30) {
        return reject("signature", "must be base64 of a DER ECDSA P-256 signature");
    }
    kf_verdict_t ok;
    memset(&ok, 0, sizeof(ok));
    ok.accepted = true;
    return ok;
}

kf_verdict_t kf_msg_parse_ota(const char *payload, size_t len, kf_ota_request_t *req)
{
    if (req == NULL) {
        return reject("", "no request buffer");
    }
    memset(req, 0, sizeof(*req));
    if (payload == NULL || len == 0) {
        return reject("", "empty payload");
    }
    cJSON *root = cJSON_ParseWithLength(payload, len);
    if (root == NULL) {
        return reject("", "payload is not valid JSON");
    }
    kf_verdict_t v = check_ota(root, req);
    cJSON_Delete(root);
    return v;
}

static char *finish(cJSON *obj)
{
    if (obj == NULL) {
        return NULL;
    }
    char *text = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    return text;
}

static void add_string_if(cJSON *obj, const char *name, const char *value)
{
    if (value != NULL) {
        cJSON_AddStringToObject(obj, name, value);
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
    cJSON_AddStringToObject(o, "state", s->online ? "online" : "offline");
    add_string_if(o, "fw", s->fw);
    add_string_if(o, "project", s->project);
    add_string_if(o, "mac", s->mac);
    add_string_if(o, "ip", s->ip);
    if (s->has_rssi) {
        cJSON_AddNumberToObject(o, "rssi", s->rssi);
    }
    cJSON_AddNumberToObject(o, "uptime", (double)s->uptime_s);
    add_string_if(o, "resetReason", s->reset_reason);
    if (s->ts > 0) {
        cJSON_AddNumberToObject(o, "ts", (double)s->ts);
    }
    return finish(o);
}

char *kf_msg_lwt(void)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    cJSON_AddStringToObject(o, "state", "offline");
    return finish(o);
}

static const char *progress_name(kf_ota_progress_state_t state)
{
    switch (state) {
    case KF_OTA_PROGRESS_DOWNLOADING: return "downloading";
    case KF_OTA_PROGRESS_VERIFYING: return "verifying";
    case KF_OTA_PROGRESS_REBOOTING: return "rebooting";
    }
    return "downloading";
}

char *kf_msg_ota_progress(const char *id, kf_ota_progress_state_t state, uint32_t bytes, uint32_t total)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    cJSON_AddStringToObject(o, "id", id != NULL ? id : "");
    cJSON_AddStringToObject(o, "state", progress_name(state));
    cJSON_AddNumberToObject(o, "bytes", bytes);
    cJSON_AddNumberToObject(o, "total", total);
    return finish(o);
}

char *kf_msg_ota_success(const char *id, const char *version)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    cJSON_AddStringToObject(o, "id", id != NULL ? id : "");
    cJSON_AddStringToObject(o, "result", "success");
    add_string_if(o, "version", version);
    return finish(o);
}

char *kf_msg_ota_failure(const char *id, kf_ota_reason_t reason, const char *detail)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    const char *name = kf_ota_reason_name(reason);
    cJSON_AddStringToObject(o, "id", id != NULL ? id : "");
    cJSON_AddStringToObject(o, "result", "failed");
    cJSON_AddStringToObject(o, "reason", name != NULL ? name : "download-failed");
    add_string_if(o, "detail", detail);
    return finish(o);
}

char *kf_msg_telemetry(int64_t ts, const kf_reading_t *readings, size_t count)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    if (ts > 0) {
        cJSON_AddNumberToObject(o, "ts", (double)ts);
    }
    cJSON *values = cJSON_AddObjectToObject(o, "values");
    for (size_t i = 0; values != NULL && readings != NULL && i < count; i++) {
        if (readings[i].name != NULL && isfinite(readings[i].value)) {
            cJSON_AddNumberToObject(values, readings[i].name, readings[i].value);
        }
    }
    return finish(o);
}

char *kf_msg_log(int64_t ts, const char *level, const char *tag, const char *text)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    if (ts > 0) {
        cJSON_AddNumberToObject(o, "ts", (double)ts);
    }
    add_string_if(o, "level", level);
    add_string_if(o, "tag", tag);
    cJSON_AddStringToObject(o, "msg", text != NULL ? text : "");
    return finish(o);
}

void kf_message_free(char *message)
{
    cJSON_free(message);
}
