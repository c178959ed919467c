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

/* ---- reporting -------------------------------------------------------------------------------- */

static void publish(kf_ota_t *ota, const char *suffix, char *payload, int qos)
{
    char topic[TOPIC_MAX];
    if (payload == NULL) {
        KF_LOGE(TAG, "out of memory for %s", suffix);
        return;
    }
    if (ota->env.transport.publish != NULL &&
        kf_topic_build(topic, sizeof(topic), ota->env.topic_root, suffix) == KF_OK) {
        kf_err_t err = ota->env.transport.publish(ota->env.transport.ctx, topic, payload, strlen(payload), qos, false);
        if (err != KF_OK) {
            KF_LOGW(TAG, "%s not sent: %s", suffix, kf_err_name(err));
        }
    }
    kf_message_free(payload);
}

static void report_failure(kf_ota_t *ota, const char *id, kf_ota_reason_t reason, const char *detail)
{
    KF_LOGW(TAG, "update %s failed: %s (%s)", id, kf_ota_reason_name(reason), detail != NULL ? detail : "");
    publish(ota, KF_TOPIC_OTA_RESULT, kf_msg_ota_failure(id, reason, detail), 1);
}

static void report_success(kf_ota_t *ota, const char *id, const char *version)
{
    KF_LOGI(TAG, "update %s succeeded: running %s", id, version);
    publish(ota, KF_TOPIC_OTA_RESULT, kf_msg_ota_success(id, version), 1);
}

static void report_progress(kf_ota_t *ota, kf_ota_progress_state_t state)
{
    publish(ota, KF_TOPIC_OTA_PROGRESS, kf_msg_ota_progress(ota->req.id, state, ota->written, ota->req.size), 0);
}

/* ---- the cross-restart record ----------------------------------------------------------------- */

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
    if (kv->set_str == NULL) {
        return KF_ERR_STATE;
    }
    return kv->set_str(kv->ctx, key, value);
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
    if (err == KF_OK && ota->env.record.commit != NULL) {
        err = ota->env.record.commit(ota->env.record.ctx);
    }
    return err;
}

/* ---- life cycle -------------------------------------------------------------------------------- */

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
        KF_LOGW(TAG, "running image %s is pending verification", env->slots.running_version(env->slots.ctx));
    }
    return KF_OK;
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
    if (ota->phase != KF_OTA_IDLE) {
        if (req.id[0] != '\0' && strcmp(req.id, ota->req.id) == 0) {
            KF_LOGI(TAG, "update %s delivered again while in progress: ignored", req.id);
        } else {
            report_failure(ota, req.id, KF_OTA_REASON_BUSY, "another update is in progress");
        }
        return;
    }
    if (!verdict.accepted) {
        char detail[sizeof(verdict.field) + sizeof(verdict.detail) + 4];
        snprintf(detail, sizeof(detail), "%s: %s", verdict.field, verdict.detail);
        report_failure(ota, req.id, verdict.reason, detail);
        return;
    }
    const char *running = ota->env.slots.running_version(ota->env.slots.ctx);
    if (running != NULL && strcmp(running, req.version) == 0 && ota->confirmed) {
        report_success(ota, req.id, running);
        return;
    }
    if (ota->env.pubkey == NULL) {
        report_failure(ota, req.id, KF_OTA_REASON_SIGNATURE_INVALID, "no ota_pubkey in the device config");
        return;
    }
    uint32_t capacity = ota->env.slots.capacity != NULL ? ota->env.slots.capacity(ota->env.slots.ctx) : 0;
    if (req.size > capacity) {
        report_failure(ota, req.id, KF_OTA_REASON_SIZE_MISMATCH, "image is larger than the update slot");
        return;
    }
    ota->req = req;
    if (record_start(ota) != KF_OK) {
        report_failure(ota, req.id, KF_OTA_REASON_DOWNLOAD_FAILED, "cannot write the update record to NVS");
        record_clear(ota);
        return;
    }
    ota->phase = KF_OTA_DOWNLOADING;
    ota->attempts = 0;
    ota->written = 0;
    ota->retry_at_ms = now_ms;
    ota->deadline_ms = now_ms + ota->env.timeout_ms;
    ota->next_progress = 0;
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
        fail(ota, KF_OTA_REASON_TIMEOUT, "download did not finish in time");
        return step;
    }
    if (now_ms < ota->retry_at_ms) {
        step.kind = KF_OTA_STEP_WAIT;
        uint64_t wait = ota->retry_at_ms - now_ms;
        step.wait_ms = wait > UINT32_MAX ? UINT32_MAX : (uint32_t)wait;
        return step;
    }
    if (!ota->slot_open) {
        kf_err_t err = ota->env.slots.begin(ota->env.slots.ctx, ota->req.size);
        if (err != KF_OK) {
            fail(ota, KF_OTA_REASON_DOWNLOAD_FAILED, "cannot open the update slot");
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
            fail(ota, KF_OTA_REASON_SIZE_MISMATCH, "server sends another size than the command says");
            return KF_ERR_VERIFY;
        }
        return KF_OK;
    }
    if (status == 200) {
        if (content_length >= 0 && content_length != (int64_t)ota->req.size) {
            fail(ota, KF_OTA_REASON_SIZE_MISMATCH, "server sends another size than the command says");
            return KF_ERR_VERIFY;
        }
        if (ota->written == 0) {
            return KF_OK;
        }
        /* The server ignored the Range header: start the slot over on the next attempt. */
        close_slot(ota);
        schedule_retry(ota, "server does not support Range", now_ms);
        return KF_ERR_STATE;
    }
    if (status == 416) {
        fail(ota, KF_OTA_REASON_SIZE_MISMATCH, "server has fewer bytes than the command says");
        return KF_ERR_VERIFY;
    }
    snprintf(why, sizeof(why), "HTTP status %d", status);
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
        fail(ota, KF_OTA_REASON_DOWNLOAD_FAILED, why);
        return KF_ERR_IO;
    }
    schedule_retry(ota, why, now_ms);
    return KF_ERR_IO;
}

kf_err_t kf_ota_data(kf_ota_t *ota, const void *data, size_t len, uint64_t now_ms)
{
    (void)now_ms;
    if (ota->phase != KF_OTA_DOWNLOADING || !ota->slot_open) {
        return KF_ERR_STATE;
    }
    if (len > (size_t)(ota->req.size - ota->written)) {
        fail(ota, KF_OTA_REASON_SIZE_MISMATCH, "server sends more bytes than the command says");
        return KF_ERR_VERIFY;
    }
    if (ota->env.slots.write(ota->env.slots.ctx, data, len) != KF_OK) {
        fail(ota, KF_OTA_REASON_DOWNLOAD_FAILED, "flash write failed");
        return KF_ERR_IO;
    }
    kf_sha256_update(&ota->sha, data, len);
    ota->written += (uint32_t)len;
    if (ota->written >= ota->next_progress && ota->written < ota->req.size) {
        report_progress(ota, KF_OTA_PROGRESS_DOWNLOADING);
        uint32_t step = ota->req.size / 10;
        ota->next_progress = ota->written + (step > PROGRESS_MIN_STEP ? step : PROGRESS_MIN_STEP);
    }
    return KF_OK;
}

static void verify_and_activate(kf_ota_t *ota)
{
    report_progress(ota, KF_OTA_PROGRESS_VERIFYING);
    uint8_t digest[KF_SHA256_LEN];
    kf_sha256_finish(&ota->sha, digest);
    ota->hashing = false;
    if (memcmp(digest, ota->req.sha256, sizeof(digest)) != 0) {
        fail(ota, KF_OTA_REASON_SHA256_MISMATCH, "downloaded image has another SHA-256");
        return;
    }
    kf_err_t err = kf_verify_signature(ota->env.pubkey, ota->env.pubkey_len, digest, ota->req.signature,
                                       ota->req.signature_len);
    if (err != KF_OK) {
        fail(ota, KF_OTA_REASON_SIGNATURE_INVALID,
             err == KF_ERR_INVALID_ARG ? "ota_pubkey is not a usable P-256 key" : "signature does not match ota_pubkey");
        return;
    }
    err = ota->env.slots.finish(ota->env.slots.ctx);
    ota->slot_open = false;
    if (err != KF_OK) {
        fail(ota, KF_OTA_REASON_DOWNLOAD_FAILED, "image rejected by the platform (format or chip)");
        return;
    }
    if (record_set(ota, KF_OTA_REC_PHASE, PHASE_ACTIVATED) != KF_OK ||
        (ota->env.record.commit != NULL && ota->env.record.commit(ota->env.record.ctx) != KF_OK)) {
        fail(ota, KF_OTA_REASON_DOWNLOAD_FAILED, "cannot write the update record to NVS");
        return;
    }
    if (ota->env.slots.activate(ota->env.slots.ctx) != KF_OK) {
        fail(ota, KF_OTA_REASON_DOWNLOAD_FAILED, "cannot switch the boot slot");
        return;
    }
    report_progress(ota, KF_OTA_PROGRESS_REBOOTING);
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
    if (clean) {
        schedule_retry(ota, "server closed the connection early", now_ms);
    } else {
        schedule_retry(ota, error != NULL ? error : "transfer error", now_ms);
    }
}

void kf_ota_confirm(kf_ota_t *ota)
{
    const char *running = ota->env.slots.running_version(ota->env.slots.ctx);
    if (!ota->confirmed) {
        kf_err_t err = ota->env.slots.mark_valid != NULL ? ota->env.slots.mark_valid(ota->env.slots.ctx) : KF_ERR_STATE;
        if (err != KF_OK) {
            KF_LOGE(TAG, "cannot mark the running image valid: %s", kf_err_name(err));
            return; /* try again on the next connect; the bootloader rolls back if we never manage */
        }
        ota->confirmed = true;
        KF_LOGI(TAG, "running image %s confirmed", running != NULL ? running : "?");
    }
    if (ota->phase != KF_OTA_IDLE) {
        return;
    }
    record_t rec;
    if (!record_load(ota, &rec)) {
        record_clear(ota); /* remnants of a record whose writing the power interrupted */
        return;
    }
    if (strcmp(rec.phase, PHASE_ACTIVATED) == 0 && running != NULL && strcmp(rec.version, running) == 0) {
        report_success(ota, rec.id, running);
    } else if (strcmp(rec.phase, PHASE_ACTIVATED) == 0) {
        const char *invalid =
            ota->env.slots.last_invalid_label != NULL ? ota->env.slots.last_invalid_label(ota->env.slots.ctx) : NULL;
        if (invalid != NULL && rec.slot[0] != '\0' && strcmp(invalid, rec.slot) == 0) {
            report_failure(ota, rec.id, KF_OTA_REASON_ROLLBACK, "new image was not confirmed: rolled back");
        } else {
            report_failure(ota, rec.id, KF_OTA_REASON_DOWNLOAD_FAILED, "restarted before the new image was activated");
        }
    } else {
        report_failure(ota, rec.id, KF_OTA_REASON_DOWNLOAD_FAILED, "restarted during the download");
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
