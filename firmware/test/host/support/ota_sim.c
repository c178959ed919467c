#include "ota_sim.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const char *LABELS[2] = {"ota_0", "ota_1"};

void sim_init(sim_device_t *d, const sim_image_t *old, uint32_t cap)
{
    memset(d, 0, sizeof(*d));
    test_power_init(&d->power, -1);
    mem_kv_init(&d->record, &d->power);
    d->slot_cap = cap;
    for (int i = 0; i < 2; i++) {
        d->slot[i] = malloc(cap);
        memset(d->slot[i], 0xFF, cap);
    }
    memcpy(d->slot[0], old->bytes, old->len);
    sim_know(d, old);
    d->otadata[0] = (sim_otadata_t){.written = true, .seq = 1, .state = SIM_OTA_VALID};
    d->otadata[1] = (sim_otadata_t){.erased = true};
}

void sim_free(sim_device_t *d)
{
    free(d->slot[0]);
    free(d->slot[1]);
    mem_kv_free(&d->record);
}

void sim_know(sim_device_t *d, const sim_image_t *img)
{
    d->known[d->known_count++] = *img;
}

static bool entry_valid(const sim_otadata_t *e)
{
    return e->written && !e->erased && e->seq != 0xFFFFFFFFu && e->state != SIM_OTA_INVALID &&
           e->state != SIM_OTA_ABORTED;
}

static int active_entry(const sim_device_t *d)
{
    int best = -1;
    for (int i = 0; i < 2; i++) {
        if (entry_valid(&d->otadata[i]) && (best < 0 || d->otadata[i].seq > d->otadata[best].seq)) {
            best = i;
        }
    }
    return best;
}

/* Erase the sector, then write the entry: two power units; a cut between leaves the sector erased. */
static bool rewrite(sim_device_t *d, int sector, uint32_t seq, uint32_t state)
{
    if (!test_power_spend(&d->power)) {
        return false;
    }
    d->otadata[sector] = (sim_otadata_t){.erased = true};
    if (!test_power_spend(&d->power)) {
        return false;
    }
    d->otadata[sector] = (sim_otadata_t){.written = true, .seq = seq, .state = state};
    return true;
}

static const sim_image_t *image_in(const sim_device_t *d, int slot)
{
    for (size_t i = 0; i < d->known_count; i++) {
        const sim_image_t *k = &d->known[i];
        if (memcmp(d->slot[slot], k->bytes, k->len) == 0) {
            return k;
        }
    }
    return NULL;
}

void sim_boot(sim_device_t *d)
{
    d->boots++;
    d->open = false;
    d->restart_requested = false;
    d->connected = false;
    d->published_count = 0;
    int active;
    for (;;) {
        active = active_entry(d);
        if (active < 0) {
            break;
        }
        sim_otadata_t *e = &d->otadata[active];
        if (e->state == SIM_OTA_PENDING_VERIFY) { /* the image never confirmed itself: roll back */
            if (!rewrite(d, active, e->seq, SIM_OTA_ABORTED)) {
                return; /* power cut inside the bootloader: the test boots again */
            }
            continue;
        }
        if (e->state == SIM_OTA_NEW && !rewrite(d, active, e->seq, SIM_OTA_PENDING_VERIFY)) {
            return;
        }
        break;
    }
    d->running = active < 0 ? 0 : (int)((d->otadata[active].seq - 1) % 2);
    d->running_state = active < 0 ? KF_IMAGE_UNDEFINED
                       : d->otadata[active].state == SIM_OTA_PENDING_VERIFY ? KF_IMAGE_PENDING_VERIFY
                                                                            : KF_IMAGE_VALID;
    if (image_in(d, d->running) == NULL) {
        fail_msg("boot %u: the bootloader started %s, which does not hold a complete known image", d->boots,
                 LABELS[d->running]);
    }
}

const char *sim_running_version(sim_device_t *d)
{
    const sim_image_t *img = image_in(d, d->running);
    return img != NULL ? img->version : "?";
}

/* ---- kf_ota_slots_t --------------------------------------------------------------------------- */

static uint32_t s_capacity(void *ctx)
{
    return ((sim_device_t *)ctx)->slot_cap;
}

static const char *s_next_label(void *ctx)
{
    return LABELS[1 - ((sim_device_t *)ctx)->running];
}

static const char *s_running_label(void *ctx)
{
    return LABELS[((sim_device_t *)ctx)->running];
}

static const char *s_running_version(void *ctx)
{
    return sim_running_version(ctx);
}

static kf_image_state_t s_running_state(void *ctx)
{
    return ((sim_device_t *)ctx)->running_state;
}

static const char *s_last_invalid_label(void *ctx)
{
    sim_device_t *d = ctx;
    for (int i = 0; i < 2; i++) {
        const sim_otadata_t *e = &d->otadata[i];
        if (e->written && (e->state == SIM_OTA_INVALID || e->state == SIM_OTA_ABORTED)) {
            return LABELS[(e->seq - 1) % 2];
        }
    }
    return NULL;
}

static kf_err_t s_begin(void *ctx, uint32_t size)
{
    sim_device_t *d = ctx;
    int target = 1 - d->running;
    if (size > d->slot_cap) {
        return KF_ERR_TOO_LONG;
    }
    for (uint32_t at = 0; at < size; at += SIM_SECTOR) {
        if (!test_power_spend(&d->power)) {
            return KF_ERR_IO;
        }
        memset(d->slot[target] + at, 0xFF, size - at < SIM_SECTOR ? size - at : SIM_SECTOR);
    }
    d->open = true;
    d->write_pos = 0;
    return KF_OK;
}

static kf_err_t s_write(void *ctx, const void *data, size_t len)
{
    sim_device_t *d = ctx;
    if (!d->open || d->write_pos + len > d->slot_cap) {
        return KF_ERR_STATE;
    }
    if (!test_power_spend(&d->power)) {
        memcpy(d->slot[1 - d->running] + d->write_pos, data, len / 2); /* torn write */
        return KF_ERR_IO;
    }
    memcpy(d->slot[1 - d->running] + d->write_pos, data, len);
    d->write_pos += (uint32_t)len;
    return KF_OK;
}

static kf_err_t s_finish(void *ctx)
{
    sim_device_t *d = ctx;
    if (!d->open) {
        return KF_ERR_STATE;
    }
    d->open = false;
    if (d->reject_images) {
        return KF_ERR_VERIFY; /* e.g. an image for another chip */
    }
    return d->slot[1 - d->running][0] == 0xE9 ? KF_OK : KF_ERR_VERIFY; /* esp_ota_end: image magic */
}

static void s_abort(void *ctx)
{
    ((sim_device_t *)ctx)->open = false;
}

static kf_err_t s_activate(void *ctx)
{
    sim_device_t *d = ctx;
    int target = 1 - d->running;
    int active = active_entry(d);
    uint32_t seq;
    int sector;
    if (active < 0) {
        seq = (uint32_t)target + 1;
        sector = 0;
    } else {
        uint32_t cur = d->otadata[active].seq;
        seq = (uint32_t)target + 1;
        while (seq <= cur) {
            seq += 2;
        }
        sector = 1 - active;
    }
    return rewrite(d, sector, seq, SIM_OTA_NEW) ? KF_OK : KF_ERR_IO;
}

static kf_err_t s_mark_valid(void *ctx)
{
    sim_device_t *d = ctx;
    int active = active_entry(d);
    if (active < 0 || d->otadata[active].state == SIM_OTA_VALID) {
        return KF_OK;
    }
    if (!rewrite(d, active, d->otadata[active].seq, SIM_OTA_VALID)) {
        return KF_ERR_IO;
    }
    d->running_state = KF_IMAGE_VALID;
    return KF_OK;
}

static kf_err_t s_rollback(void *ctx)
{
    sim_device_t *d = ctx;
    int active = active_entry(d);
    if (active < 0) {
        return KF_ERR_STATE;
    }
    if (!rewrite(d, active, d->otadata[active].seq, SIM_OTA_INVALID)) {
        return KF_ERR_IO;
    }
    d->restart_requested = true;
    return KF_OK;
}

kf_ota_slots_t sim_slots(sim_device_t *d)
{
    kf_ota_slots_t s = {
        .ctx = d,
        .capacity = s_capacity,
        .next_label = s_next_label,
        .running_label = s_running_label,
        .running_version = s_running_version,
        .running_state = s_running_state,
        .last_invalid_label = s_last_invalid_label,
        .begin = s_begin,
        .write = s_write,
        .finish = s_finish,
        .abort = s_abort,
        .activate = s_activate,
        .mark_valid = s_mark_valid,
        .rollback = s_rollback,
    };
    return s;
}

kf_kv_t sim_record_kv(sim_device_t *d)
{
    return mem_kv(&d->record);
}

/* ---- transport ----------------------------------------------------------------------------------- */

static kf_err_t t_publish(void *ctx, const char *topic, const char *payload, size_t len, int qos, bool retain)
{
    (void)qos;
    sim_device_t *d = ctx;
    if (!d->connected || d->power.cut) {
        return KF_ERR_IO;
    }
    if (d->published_count < SIM_MAX_PUBLISHED) {
        sim_message_t *m = &d->published[d->published_count++];
        snprintf(m->topic, sizeof(m->topic), "%s", topic);
        snprintf(m->payload, sizeof(m->payload), "%.*s", (int)len, payload);
        m->retain = retain;
    }
    return KF_OK;
}

kf_transport_t sim_transport(sim_device_t *d)
{
    kf_transport_t t = {.ctx = d, .publish = t_publish};
    return t;
}

size_t sim_count(const sim_device_t *d, const char *suffix, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < d->published_count; i++) {
        const sim_message_t *m = &d->published[i];
        size_t tl = strlen(m->topic);
        size_t sl = strlen(suffix);
        if (tl >= sl && strcmp(m->topic + tl - sl, suffix) == 0 && (needle == NULL || strstr(m->payload, needle))) {
            n++;
        }
    }
    return n;
}

/* ---- HTTP server and the download task ----------------------------------------------------------- */

void sim_server_init(sim_server_t *s, const uint8_t *body, size_t len)
{
    memset(s, 0, sizeof(*s));
    s->body = body;
    s->len = len;
    s->ranges = true;
    s->drop_after = -1;
    s->content_length = -2;
    s->chunk = 4096;
}

kf_ota_step_kind_t sim_run_download(kf_ota_t *ota, sim_server_t *server, uint64_t *now)
{
    for (int guard = 0; guard < 10000; guard++) {
        kf_ota_step_t step = kf_ota_poll(ota, *now);
        if (step.kind == KF_OTA_STEP_IDLE || step.kind == KF_OTA_STEP_RESTART) {
            return step.kind;
        }
        if (step.kind == KF_OTA_STEP_WAIT) {
            *now += step.wait_ms;
            continue;
        }
        server->requests++;
        if (server->status != 0) {
            if (kf_ota_response(ota, server->status, -1, -1, *now) == KF_OK) {
                fail_msg("the machine accepted HTTP status %d", server->status);
            }
            continue;
        }
        size_t from = server->ranges ? step.offset : 0;
        int status = server->ranges && step.offset > 0 ? 206 : 200;
        int64_t length = server->content_length == -2 ? (int64_t)(server->len - from) : server->content_length;
        if (kf_ota_response(ota, status, length, status == 206 ? (int64_t)from : -1, *now) != KF_OK) {
            continue;
        }
        size_t sent = 0;
        bool dropped = false;
        while (from + sent < server->len) {
            if (server->drop_after >= 0 && sent >= (size_t)server->drop_after &&
                (!server->drop_only_first || server->requests == 1)) {
                dropped = true;
                break;
            }
            size_t n = server->len - from - sent;
            n = n < server->chunk ? n : server->chunk;
            if (server->drop_after >= 0 && sent + n > (size_t)server->drop_after &&
                (!server->drop_only_first || server->requests == 1)) {
                n = (size_t)server->drop_after - sent;
            }
            *now += 5;
            if (kf_ota_data(ota, server->body + from + sent, n, *now) != KF_OK) {
                dropped = true;
                break;
            }
            sent += n;
        }
        kf_ota_transfer_end(ota, !dropped, dropped ? "connection reset" : NULL, *now);
    }
    fail_msg("the download did not settle");
    return KF_OTA_STEP_IDLE;
}
