#include "kf_ota.h"

#include <stdio.h>
#include <string.h>

#include "kf_log.h"
#include "kf_topics.h"

static const char *TAG = "kf.ota";

#define PHASE_DOWNLOADING "downloading"
#define PHASE_ACTIVATED "activated"
#define PROGRESS_MIN_STEP (16u * 1024u)
#define TOPIC_MAX 600

/* ---- reporting -------------------------------------------------------------------------------------- */

static const char *running_version(const kf_ota_t *ota)
{
    return ota->env.slots.running_version(ota->env.slots.ctx);
}

static void publish(kf_ota_t *ota, kf_channel_t channel, char *payload)
{
    char topic[TOPIC_MAX];
    if (payload == NULL) {
        KF_LOGE(TAG, "%s not built", kf_channel_name(channel));
        return;
    }
    if (ota->env.transport.publish != NULL &&
        kf_topic_build(topic, sizeof(topic), ota->env.topic_root, kf_channel_name(channel)) == KF_OK) {
        kf_err_t err = ota->env.transport.publish(ota->env.transport.ctx, topic, payload, strlen(payload),
                                                  kf_channel_qos(channel), kf_channel_retained(channel));
        if (err != KF_OK) {
            KF_LOGW(TAG, "%s not sent: %s", kf_channel_name(channel), kf_err_name(err));
        }
    }
    kf_message_free(payload);
}

static void report_failure(kf_ota_t *ota, const char *id, kf_ota_reason_t reason, const char *detail)
{
    KF_LOGW(TAG, "update %s failed: %s (%s)", id, kf_ota_reason_name(reason), detail != NULL ? detail : "");
    publish(ota, KF_CH_OTA_RESULT, kf_msg_ota_result(id, reason, running_version(ota), detail));
}

static void report_success(kf_ota_t *ota, const char *id)
{
    KF_LOGI(TAG, "update %s succeeded: running %s", id, running_version(ota));
    publish(ota, KF_CH_OTA_RESULT, kf_msg_ota_result(id, KF_OTA_REASON_NONE, running_version(ota), NULL));
}

static void report_progress(kf_ota_t *ota, const char *id, kf_ota_progress_state_t state)
{
    ota->last_progress = state;
    publish(ota, KF_CH_OTA_PROGRESS, kf_msg_ota_progress(id, state, ota->written, ota->req.size));
}

/* ---- the cross-restart record ---------------------------------------------------------------------- */

typedef struct {
    char id[KF_OTA_ID_MAX + 1];
    char version[KF_OTA_VERSION_MAX + 1];
    char slot[17];
    char phase[16];
} record_t;

static bool record_get(const kf_kv_t *kv, const char *key, char *buf, size_t cap)
{
    size_t len = cap;
    if (kv->get_bytes == NULL || kv->get_bytes(kv->ctx, key, buf, &len) != KF_OK || len == 0 || buf[len - 1] != '\0') {
        buf[0] = '\0';
        return false;
    }
    return true;
}

/* A record counts only when its phase (written last) and id are present. */
static bool record_load(const kf_ota_t *ota, record_t *rec)
{
    memset(rec, 0, sizeof(*rec));
    const kf_kv_t *kv = &ota->env.record;
    if (!record_get(kv, KF_OTA_REC_PHASE, rec->phase, sizeof(rec->phase)) ||
        !record_get(kv, KF_OTA_REC_ID, rec->id, sizeof(rec->id))) {
        return false;
    }
    record_get(kv, KF_OTA_REC_VERSION, rec->version, sizeof(rec->version));
    record_get(kv, KF_OTA_REC_SLOT, rec->slot, sizeof(rec->slot));
    return true;
}

static void record_clear(kf_ota_t *ota)
{
    const kf_kv_t *kv = &ota->env.record;
    if (kv->erase_key == NULL) {
        return;
    }
    /* phase first: a power loss in between leaves no half record that counts */
    kv->erase_key(kv->ctx, KF_OTA_REC_PHASE);
    kv->erase_key(kv->ctx, KF_OTA_REC_ID);
    kv->erase_key(kv->ctx, KF_OTA_REC_VERSION);
    kv->erase_key(kv->ctx, KF_OTA_REC_SLOT);
    if (kv->commit != NULL) {
        kv->commit(kv->ctx);
    }
}

static kf_err_t record_set(kf_ota_t *ota, const char *key, const char *value)
{
    const kf_kv_t *kv = &ota->env.record;
    return kv->set_str != NULL ? kv->set_str(kv->ctx, key, value) : KF_ERR_STATE;
}

static kf_err_t record_commit(kf_ota_t *ota)
{
    const kf_kv_t *kv = &ota->env.record;
    return kv->commit != NULL ? kv->commit(kv->ctx) : KF_OK;
}

static kf_err_t record_start(kf_ota_t *ota)
{
    const char *slot = ota->env.slots.next_label != NULL ? ota->env.slots.next_label(ota->env.slots.ctx) : "";
    record_clear(ota);
    kf_err_t err = record_set(ota, KF_OTA_REC_ID, ota->req.id);
    if (err == KF_OK) {
        err = record_set(ota, KF_OTA_REC_VERSION, ota->req.version);
    }
    if (err == KF_OK) {
        err = record_set(ota, KF_OTA_REC_SLOT, slot != NULL ? slot : "");
    }
    if (err == KF_OK) {
        err = record_set(ota, KF_OTA_REC_PHASE, PHASE_DOWNLOADING);
    }
    if (err == KF_OK) {
        err = record_commit(ota);
    }
    return err;
}

/* ---- life cycle -------------------------------------------------------------------------------------- */

kf_err_t kf_ota_init(kf_ota_t *ota, const kf_ota_env_t *env)
{
    if (ota == NULL || env == NULL || env->topic_root == NULL || env->slots.begin == NULL ||
        env->slots.write == NULL || env->slots.finish == NULL || env->slots.activate == NULL ||
        env->slots.running_state == NULL || env->slots.running_version == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    memset(ota, 0, sizeof(*ota));
    ota->env = *env;
    if (ota->env.max_attempts == 0) {
        ota->env.max_attempts = 1;
    }
    kf_backoff_init(&ota->backoff, env->retry_base_ms, env->retry_cap_ms);
    ota->confirmed = env->slots.running_state(env->slots.ctx) != KF_IMAGE_PENDING_VERIFY;
    if (!ota->confirmed) {
        KF_LOGW(TAG, "running image %s is pending verification", running_version(ota));
    }
    return KF_OK;
}

const char *kf_ota_image_state(const kf_ota_t *ota)
{
    if (ota == NULL) {
        return "undefined";
    }
    switch (ota->env.slots.running_state(ota->env.slots.ctx)) {
    case KF_IMAGE_VALID: return "valid";
    case KF_IMAGE_PENDING_VERIFY: return "pending-verify";
    case KF_IMAGE_UNDEFINED:
    default: return "undefined";
    }
}

static void close_slot(kf_ota_t *ota)
{
    if (ota->slot_open && ota->env.slots.abort != NULL) {
        ota->env.slots.abort(ota->env.slots.ctx);
    }
    ota->slot_open = false;
    if (ota->hashing) {
        kf_sha256_drop(&ota->sha);
        ota->hashing = false;
    }
    ota->written = 0;
}

static void fail(kf_ota_t *ota, kf_ota_reason_t reason, const char *detail)
{
    close_slot(ota);
    record_clear(ota);
    report_failure(ota, ota->req.id, reason, detail);
    ota->phase = KF_OTA_IDLE;
}

void kf_ota_cancel(kf_ota_t *ota, const char *detail)
{
    if (ota != NULL && ota->phase == KF_OTA_DOWNLOADING) {
        fail(ota, KF_OTA_REASON_DOWNLOAD_FAILED, detail);
    }
}

void kf_ota_command(kf_ota_t *ota, const char *payload, size_t len, uint64_t now_ms)
{
    kf_ota_request_t req;
    kf_verdict_t verdict = kf_msg_parse_ota(payload, len, &req);
    if (ota->phase != KF_OTA_IDLE && verdict.id_readable && strcmp(req.id, ota->req.id) == 0) {
        KF_LOGI(TAG, "update %s delivered again while in progress: progress re-sent", req.id);
        report_progress(ota, ota->req.id, ota->last_progress);
        return;
    }
    if (!verdict.accepted) {
        KF_LOGW(TAG, "cmd/ota rejected: %s", verdict.check.detail);
        if (verdict.id_readable) {
            report_failure(ota, req.id, KF_OTA_REASON_INVALID_COMMAND, verdict.check.detail);
        }
        return;
    }
    if (ota->phase != KF_OTA_IDLE) {
        report_failure(ota, req.id, KF_OTA_REASON_BUSY, "another update is in progress");
        return;
    }
    const char *running = running_version(ota);
    if (running != NULL && strcmp(running, req.version) == 0 && ota->confirmed) {
        report_success(ota, req.id);
        return;
    }
    if (ota->env.pubkey == NULL) {
        report_failure(ota, req.id, KF_OTA_REASON_NO_KEY, "the device config has no ota_pubkey");
        return;
    }
    uint32_t capacity = ota->env.slots.capacity != NULL ? ota->env.slots.capacity(ota->env.slots.ctx) : 0;
    if (req.size > capacity) {
        report_failure(ota, req.id, KF_OTA_REASON_NO_SPACE, "the image is larger than the next OTA partition");
        return;
    }
    if (!ota->env.allow_http && strncmp(req.url, "https://", 8) != 0) {
        report_failure(ota, req.id, KF_OTA_REASON_DOWNLOAD_FAILED,
                       "plain http downloads are disabled on this device (CONFIG_KUBEFLASH_OTA_ALLOW_HTTP)");
        return;
    }
    ota->req = req;
    if (record_start(ota) != KF_OK) {
        record_clear(ota);
        report_failure(ota, req.id, KF_OTA_REASON_FLASH_ERROR, "cannot write the update record to NVS");
        return;
    }
    ota->phase = KF_OTA_DOWNLOADING;
    ota->attempts = 0;
    ota->written = 0;
    ota->retry_at_ms = now_ms;
    ota->deadline_ms = now_ms + ota->env.timeout_ms;
    ota->next_progress = 0;
    ota->last_progress = KF_OTA_PROGRESS_DOWNLOADING;
    kf_backoff_reset(&ota->backoff);
    KF_LOGI(TAG, "update %s to %s accepted (%u bytes)", req.id, req.version, (unsigned)req.size);
}

kf_ota_step_t kf_ota_poll(kf_ota_t *ota, uint64_t now_ms)
{
    kf_ota_step_t step = {.kind = KF_OTA_STEP_IDLE};
    if (ota->phase == KF_OTA_REBOOT_PENDING) {
        step.kind = KF_OTA_STEP_RESTART;
        return step;
    }
    if (ota->phase != KF_OTA_DOWNLOADING) {
        return step;
    }
    if (ota->env.timeout_ms != 0 && now_ms >= ota->deadline_ms) {
        fail(ota, KF_OTA_REASON_TIMEOUT, "the download stopped progressing");
        return step;
    }
    if (now_ms < ota->retry_at_ms) {
        step.kind = KF_OTA_STEP_WAIT;
        uint64_t wait = ota->retry_at_ms - now_ms;
        step.wait_ms = wait > UINT32_MAX ? UINT32_MAX : (uint32_t)wait;
        return step;
    }
    if (!ota->slot_open) {
        if (ota->env.slots.begin(ota->env.slots.ctx, ota->req.size) != KF_OK) {
            fail(ota, KF_OTA_REASON_FLASH_ERROR, "cannot erase the next OTA partition");
            return step;
        }
        ota->slot_open = true;
        ota->written = 0;
        ota->next_progress = 0;
        kf_sha256_begin(&ota->sha);
        ota->hashing = true;
    }
    ota->attempts++;
    step.kind = KF_OTA_STEP_FETCH;
    step.offset = ota->written;
    return step;
}

static void schedule_retry(kf_ota_t *ota, const char *why, uint64_t now_ms)
{
    if (ota->attempts >= ota->env.max_attempts) {
        fail(ota, KF_OTA_REASON_DOWNLOAD_FAILED, why);
        return;
    }
    uint32_t delay = kf_backoff_next(&ota->backoff);
    ota->retry_at_ms = now_ms + delay;
    KF_LOGW(TAG, "download of %s interrupted at %u bytes (%s): retry in %u ms", ota->req.id, (unsigned)ota->written,
            why, (unsigned)delay);
}

kf_err_t kf_ota_response(kf_ota_t *ota, int status, int64_t content_length, int64_t range_start, uint64_t now_ms)
{
    if (ota->phase != KF_OTA_DOWNLOADING || !ota->slot_open) {
        return KF_ERR_STATE;
    }
    char why[48];
    uint32_t remaining = ota->req.size - ota->written;
    if (status == 206 && range_start == (int64_t)ota->written) {
        if (content_length >= 0 && content_length != (int64_t)remaining) {
            fail(ota, KF_OTA_REASON_SIZE_MISMATCH, "the server sends another size than the command says");
            return KF_ERR_VERIFY;
        }
        return KF_OK;
    }
    if (status == 200) {
        if (content_length >= 0 && content_length != (int64_t)ota->req.size) {
            fail(ota, KF_OTA_REASON_SIZE_MISMATCH, "the server sends another size than the command says");
            return KF_ERR_VERIFY;
        }
        if (ota->written == 0) {
            return KF_OK;
        }
        /* The server ignored the Range header: start the slot over on the next attempt. */
        close_slot(ota);
        schedule_retry(ota, "the server does not support Range", now_ms);
        return KF_ERR_STATE;
    }
    if (status == 416) {
        fail(ota, KF_OTA_REASON_SIZE_MISMATCH, "the server has fewer bytes than the command says");
        return KF_ERR_VERIFY;
    }
    snprintf(why, sizeof(why), "HTTP %d", status);
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
        fail(ota, KF_OTA_REASON_DOWNLOAD_FAILED, why);
        return KF_ERR_IO;
    }
    schedule_retry(ota, why, now_ms);
    return KF_ERR_IO;
}

kf_err_t kf_ota_data(kf_ota_t *ota, const void *data, size_t len, uint64_t now_ms)
{
    if (ota->phase != KF_OTA_DOWNLOADING || !ota->slot_open) {
        return KF_ERR_STATE;
    }
    if (len > (size_t)(ota->req.size - ota->written)) {
        fail(ota, KF_OTA_REASON_SIZE_MISMATCH, "the server sends more bytes than the command says");
        return KF_ERR_VERIFY;
    }
    if (ota->env.slots.write(ota->env.slots.ctx, data, len) != KF_OK) {
        fail(ota, KF_OTA_REASON_FLASH_ERROR, "writing the next OTA partition failed");
        return KF_ERR_IO;
    }
    kf_sha256_update(&ota->sha, data, len);
    ota->written += (uint32_t)len;
    ota->deadline_ms = now_ms + ota->env.timeout_ms;
    if (ota->written >= ota->next_progress && ota->written < ota->req.size) {
        report_progress(ota, ota->req.id, KF_OTA_PROGRESS_DOWNLOADING);
        uint32_t step = ota->req.size / 10;
        ota->next_progress = ota->written + (step > PROGRESS_MIN_STEP ? step : PROGRESS_MIN_STEP);
    }
    return KF_OK;
}

static void verify_and_activate(kf_ota_t *ota)
{
    report_progress(ota, ota->req.id, KF_OTA_PROGRESS_VERIFYING);
    uint8_t digest[KF_SHA256_LEN];
    kf_sha256_finish(&ota->sha, digest);
    ota->hashing = false;
    if (memcmp(digest, ota->req.sha256, sizeof(digest)) != 0) {
        fail(ota, KF_OTA_REASON_SHA256_MISMATCH, "the downloaded image has another SHA-256");
        return;
    }
    kf_err_t err = kf_verify_signature(ota->env.pubkey, ota->env.pubkey_len, digest, ota->req.signature,
                                       ota->req.signature_len);
    if (err != KF_OK) {
        fail(ota, KF_OTA_REASON_SIGNATURE_INVALID,
             err == KF_ERR_INVALID_ARG ? "ota_pubkey is not a usable P-256 key" : "the signature does not match ota_pubkey");
        return;
    }
    err = ota->env.slots.finish(ota->env.slots.ctx);
    ota->slot_open = false;
    if (err != KF_OK) {
        fail(ota, err == KF_ERR_VERIFY ? KF_OTA_REASON_INVALID_IMAGE : KF_OTA_REASON_FLASH_ERROR,
             err == KF_ERR_VERIFY ? "ESP-IDF rejected the image" : "closing the OTA partition failed");
        return;
    }
    if (record_set(ota, KF_OTA_REC_PHASE, PHASE_ACTIVATED) != KF_OK || record_commit(ota) != KF_OK) {
        fail(ota, KF_OTA_REASON_FLASH_ERROR, "cannot write the update record to NVS");
        return;
    }
    err = ota->env.slots.activate(ota->env.slots.ctx);
    if (err != KF_OK) {
        fail(ota, err == KF_ERR_VERIFY ? KF_OTA_REASON_INVALID_IMAGE : KF_OTA_REASON_FLASH_ERROR,
             "cannot switch the boot partition");
        return;
    }
    report_progress(ota, ota->req.id, KF_OTA_PROGRESS_REBOOTING);
    ota->phase = KF_OTA_REBOOT_PENDING;
    KF_LOGI(TAG, "update %s verified and activated: restarting", ota->req.id);
}

void kf_ota_transfer_end(kf_ota_t *ota, bool clean, const char *error, uint64_t now_ms)
{
    if (ota->phase != KF_OTA_DOWNLOADING || !ota->slot_open) {
        return;
    }
    if (ota->written == ota->req.size) {
        verify_and_activate(ota);
        return;
    }
    schedule_retry(ota, clean ? "the server closed the connection early" : (error != NULL ? error : "transfer error"),
                   now_ms);
}

bool kf_ota_confirm(kf_ota_t *ota)
{
    if (ota->confirmed) {
        return false;
    }
    record_t rec;
    if (record_load(ota, &rec) && strcmp(rec.phase, PHASE_ACTIVATED) == 0) {
        ota->written = 0;
        report_progress(ota, rec.id, KF_OTA_PROGRESS_PENDING_VERIFY);
    }
    kf_err_t err = ota->env.slots.mark_valid != NULL ? ota->env.slots.mark_valid(ota->env.slots.ctx) : KF_ERR_STATE;
    if (err != KF_OK) {
        KF_LOGE(TAG, "cannot mark the running image valid: %s", kf_err_name(err));
        return false; /* tried again on the next connect; the bootloader rolls back if it never works */
    }
    ota->confirmed = true;
    KF_LOGI(TAG, "running image %s confirmed", running_version(ota));
    return true;
}

void kf_ota_report(kf_ota_t *ota)
{
    if (!ota->confirmed || ota->phase != KF_OTA_IDLE) {
        return;
    }
    record_t rec;
    if (!record_load(ota, &rec)) {
        record_clear(ota); /* remnants of a record whose writing the power interrupted */
        return;
    }
    const char *running = running_version(ota);
    if (strcmp(rec.phase, PHASE_ACTIVATED) == 0 && running != NULL && strcmp(rec.version, running) == 0) {
        report_success(ota, rec.id);
    } else if (strcmp(rec.phase, PHASE_ACTIVATED) == 0) {
        const char *invalid =
            ota->env.slots.last_invalid_label != NULL ? ota->env.slots.last_invalid_label(ota->env.slots.ctx) : NULL;
        if (invalid != NULL && rec.slot[0] != '\0' && strcmp(invalid, rec.slot) == 0) {
            report_failure(ota, rec.id, KF_OTA_REASON_ROLLBACK, "the new image was not confirmed: rolled back");
        } else {
            KF_LOGW(TAG, "update %s was interrupted before the switch took effect", rec.id);
        }
    } else {
        KF_LOGW(TAG, "update %s was interrupted by a restart during the download", rec.id);
    }
    record_clear(ota);
}

void kf_ota_tick(kf_ota_t *ota, uint64_t now_ms)
{
    if (!ota->confirmed && ota->env.confirm_timeout_ms != 0 && now_ms >= ota->env.confirm_timeout_ms) {
        KF_LOGE(TAG, "new image not confirmed within %u ms: rolling back", (unsigned)ota->env.confirm_timeout_ms);
        if (ota->env.slots.rollback != NULL) {
            ota->env.slots.rollback(ota->env.slots.ctx);
        }
    }
}
