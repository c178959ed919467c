/*
 * The protocol's shared message vectors (pkg/protocol/vectors, the files the operator and the virtual device
 * run too): every case through the firmware's receiver rules (same verdict, kind, reason and field), every
 * valid report rebuilt by the firmware's builders (same JSON), every command fed to the device, and the golden
 * OTA signature verified with mbedTLS. The files are checked against the vectors' SHA256SUMS first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cJSON.h"
#include "mbedtls/base64.h"

#include "kf_config.h"
#include "kf_device.h"
#include "kf_messages.h"
#include "kf_protocol.h"
#include "kf_verify.h"
#include "test_support.h"

static uint8_t *read_file(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", KF_VECTORS_DIR, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fail_msg("vector file %s is missing", path);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)size + 1);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    data[size] = '\0';
    fclose(f);
    *len = (size_t)size;
    return data;
}

/* The *.json vector files named in SHA256SUMS, each checked against its sum. */
static size_t vector_files(char names[][128], size_t cap)
{
    size_t len;
    char *sums = (char *)read_file("SHA256SUMS", &len);
    size_t count = 0, checked = 0;
    for (char *line = strtok(sums, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char hex[65], name[128];
        if (sscanf(line, "%64s %127s", hex, name) != 2) {
            continue;
        }
        const char *file = name[0] == '*' ? name + 1 : name;
        size_t flen;
        uint8_t *data = read_file(file, &flen);
        kf_sha256_t h;
        uint8_t digest[KF_SHA256_LEN];
        char actual[65];
        kf_sha256_begin(&h);
        kf_sha256_update(&h, data, flen);
        kf_sha256_finish(&h, digest);
        kf_hex_encode(digest, sizeof(digest), actual);
        free(data);
        if (strcmp(actual, hex) != 0) {
            fail_msg("%s does not match SHA256SUMS", file);
        }
        checked++;
        size_t n = strlen(file);
        if (n > 5 && strcmp(file + n - 5, ".json") == 0 && count < cap) {
            snprintf(names[count++], 128, "%s", file);
        }
    }
    free(sums);
    assert_true(checked >= count);
    return count;
}

typedef struct {
    const char *name;
    const char *prefix;
    const char *topic;
    uint8_t *payload;
    size_t len;
    const char *channel;
    bool valid;
    const char *kind;
    const char *reason;
    const char *field; /* NULL when the case has none */
} vcase_t;

static void read_case(const cJSON *c, vcase_t *v)
{
    memset(v, 0, sizeof(*v));
    v->name = cJSON_GetObjectItem(c, "name")->valuestring;
    v->prefix = cJSON_GetObjectItem(c, "topicPrefix")->valuestring;
    v->topic = cJSON_GetObjectItem(c, "topic")->valuestring;
    const cJSON *p = cJSON_GetObjectItem(c, "payload");
    const cJSON *b = cJSON_GetObjectItem(c, "payloadBase64");
    if (cJSON_IsString(p)) {
        v->len = strlen(p->valuestring);
        v->payload = malloc(v->len + 1);
        memcpy(v->payload, p->valuestring, v->len + 1);
    } else {
        size_t cap = strlen(b->valuestring);
        v->payload = malloc(cap + 1);
        assert_int_equal(mbedtls_base64_decode(v->payload, cap, &v->len, (const unsigned char *)b->valuestring, cap), 0);
    }
    const cJSON *ch = cJSON_GetObjectItem(c, "channel");
    v->channel = cJSON_IsString(ch) ? ch->valuestring : NULL;
    v->valid = strcmp(cJSON_GetObjectItem(c, "verdict")->valuestring, "valid") == 0;
    const cJSON *k = cJSON_GetObjectItem(c, "kind");
    v->kind = cJSON_IsString(k) ? k->valuestring : NULL;
    const cJSON *r = cJSON_GetObjectItem(c, "reason");
    v->reason = cJSON_IsString(r) ? r->valuestring : NULL;
    const cJSON *f = cJSON_GetObjectItem(c, "field");
    v->field = cJSON_IsString(f) ? f->valuestring : NULL;
}

typedef void (*case_fn_t)(const vcase_t *v, void *arg);

/* Runs `fn` over every case of every vector file; returns the number of cases. */
static size_t for_each_case(case_fn_t fn, void *arg)
{
    char names[32][128];
    size_t files = vector_files(names, 32);
    assert_true(files >= 10);
    size_t total = 0;
    for (size_t i = 0; i < files; i++) {
        size_t len;
        char *text = (char *)read_file(names[i], &len);
        cJSON *doc = cJSON_Parse(text);
        free(text);
        assert_non_null(doc);
        assert_int_equal(cJSON_GetObjectItem(doc, "format")->valueint, 1);
        assert_int_equal(cJSON_GetObjectItem(doc, "protocol")->valueint, 1);
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "cases"))
        {
            vcase_t v;
            read_case(c, &v);
            fn(&v, arg);
            free(v.payload);
            total++;
        }
        cJSON_Delete(doc);
    }
    return total;
}

/* ---- 1. the receiver rules reach the vectors' verdicts ---------------------------------------------- */

static void check_case(const vcase_t *v, void *arg)
{
    size_t *agree = arg;
    kf_proto_verdict_t r;
    cJSON *parsed = NULL;
    kf_proto_check(v->prefix, v->topic, strlen(v->topic), v->payload, v->len, &r, &parsed);
    if (r.valid != v->valid) {
        fail_msg("%s: firmware says %s (%s %s: %s), vector says %s", v->name, r.valid ? "valid" : "invalid",
                 r.reason ? r.reason : "", r.field, r.detail, v->valid ? "valid" : "invalid");
    }
    if (v->valid) {
        assert_non_null(parsed);
        if (strcmp(kf_kind_name(r.kind), v->kind) != 0) {
            fail_msg("%s: kind %s, vector says %s", v->name, kf_kind_name(r.kind), v->kind);
        }
    } else {
        assert_null(parsed);
        if (strcmp(r.reason, v->reason) != 0 || (v->field != NULL && strcmp(r.field, v->field) != 0) ||
            (v->field == NULL && r.has_field)) {
            fail_msg("%s: firmware says %s at '%s' (%s), vector says %s at '%s'", v->name, r.reason, r.field, r.detail,
                     v->reason, v->field != NULL ? v->field : "(none)");
        }
        if (v->len > 0 && strstr(r.detail, "garage") != NULL) {
            fail_msg("%s: the detail echoes payload or topic values: %s", v->name, r.detail);
        }
    }
    if (v->channel != NULL && (!r.has_channel || strcmp(kf_channel_name(r.channel), v->channel) != 0)) {
        fail_msg("%s: channel %s, vector says %s", v->name, r.has_channel ? kf_channel_name(r.channel) : "-", v->channel);
    }
    cJSON_Delete(parsed);
    (*agree)++;
}

static void every_vector_gets_the_same_verdict(void **state)
{
    (void)state;
    size_t agree = 0;
    size_t total = for_each_case(check_case, &agree);
    print_message("%zu message vectors: the firmware agrees with %zu\n", total, agree);
    assert_int_equal(agree, total);
    assert_true(total >= 249);
}

/* ---- 2. the builders produce what the valid report vectors hold ----------------------------------------- */

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *i = cJSON_GetObjectItem(o, name);
    return cJSON_IsString(i) ? i->valuestring : NULL;
}

static double num(const cJSON *o, const char *name, double fallback)
{
    const cJSON *i = cJSON_GetObjectItem(o, name);
    return cJSON_IsNumber(i) ? i->valuedouble : fallback;
}

static char *rebuild(const vcase_t *v, const cJSON *o)
{
    if (strcmp(v->kind, "status") == 0) {
        kf_status_t s = {
            .fw = str(o, "fw"), .project = str(o, "project"), .idf = str(o, "idf"), .chip = str(o, "chip"),
            .mac = str(o, "mac"), .ip = str(o, "ip"), .has_rssi = cJSON_GetObjectItem(o, "rssi") != NULL,
            .rssi = (int)num(o, "rssi", 0), .uptime_s = (uint32_t)num(o, "uptime", 0),
            .reset_reason = str(o, "resetReason"), .image_state = str(o, "imageState"),
            .partition = str(o, "partition"), .ts = (int64_t)num(o, "ts", 0),
        };
        return kf_msg_status(&s);
    }
    if (strcmp(v->kind, "lwt") == 0) {
        return kf_msg_offline(str(o, "reason"), (int64_t)num(o, "ts", 0));
    }
    if (strcmp(v->kind, "telemetry") == 0) {
        kf_reading_t r[32];
        size_t n = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "values"))
        {
            r[n++] = (kf_reading_t){.name = e->string, .is_bool = cJSON_IsBool(e), .number = e->valuedouble,
                                    .boolean = cJSON_IsTrue(e)};
        }
        return kf_msg_telemetry((int64_t)num(o, "ts", 0), r, n);
    }
    if (strcmp(v->kind, "logs") == 0) {
        char *m = kf_msg_log(str(o, "level"), str(o, "tag"), str(o, "msg"), (uint64_t)num(o, "uptimeMs", 0),
                             (int64_t)num(o, "ts", 0));
        if (m != NULL && cJSON_GetObjectItem(o, "uptimeMs") == NULL) {
            /* the firmware always sends uptimeMs; compare without it */
            cJSON *built = cJSON_Parse(m);
            cJSON_DeleteItemFromObject(built, "uptimeMs");
            kf_message_free(m);
            m = cJSON_PrintUnformatted(built);
            cJSON_Delete(built);
        }
        return m;
    }
    if (strcmp(v->kind, "ota-progress") == 0) {
        static const char *const STATES[] = {"downloading", "verifying", "rebooting", "pending-verify"};
        kf_ota_progress_state_t st = KF_OTA_PROGRESS_DOWNLOADING;
        for (int i = 0; i < 4; i++) {
            if (strcmp(STATES[i], str(o, "state")) == 0) {
                st = (kf_ota_progress_state_t)i;
            }
        }
        return kf_msg_ota_progress(str(o, "id"), st, (uint32_t)num(o, "bytes", 0), (uint32_t)num(o, "total", 0));
    }
    if (strcmp(v->kind, "ota-result") == 0) {
        kf_ota_reason_t reason = KF_OTA_REASON_NONE;
        const char *name = str(o, "reason");
        for (int i = 1; name != NULL && i <= KF_OTA_REASON_ROLLBACK; i++) {
            if (strcmp(kf_ota_reason_name((kf_ota_reason_t)i), name) == 0) {
                reason = (kf_ota_reason_t)i;
            }
        }
        return kf_msg_ota_result(str(o, "id"), reason, str(o, "version"), str(o, "detail"));
    }
    return NULL;
}

static void rebuild_case(const vcase_t *v, void *arg)
{
    size_t *rebuilt = arg;
    if (!v->valid || strncmp(v->kind, "cmd-", 4) == 0) {
        return;
    }
    cJSON *expected = cJSON_ParseWithLength((const char *)v->payload, v->len);
    char *built = rebuild(v, expected);
    if (built == NULL) {
        fail_msg("%s: the firmware's builder refused the inputs of a valid message", v->name);
    }
    cJSON *actual = cJSON_Parse(built);
    if (!cJSON_Compare(actual, expected, true)) {
        fail_msg("%s: built %s\n  vector %.*s", v->name, built, (int)v->len, v->payload);
    }
    cJSON_Delete(actual);
    cJSON_Delete(expected);
    cJSON_free(built);
    (*rebuilt)++;
}

static void builders_reproduce_every_valid_report(void **state)
{
    (void)state;
    size_t rebuilt = 0;
    for_each_case(rebuild_case, &rebuilt);
    print_message("%zu valid reports rebuilt by the firmware as the same JSON\n", rebuilt);
    assert_true(rebuilt >= 40);
}

/* ---- 3. the device acts on exactly the valid commands ----------------------------------------------------- */

typedef struct {
    kf_config_t cfg;
    kf_device_t dev;
    char published[8][256];
    size_t count;
    size_t reboots, resets, ota_reports, commands;
} device_ctx_t;

static kf_err_t capture(void *ctx, const char *topic, const char *payload, size_t len, int qos, bool retain)
{
    (void)topic;
    (void)qos;
    (void)retain;
    device_ctx_t *d = ctx;
    if (d->count < 8) {
        snprintf(d->published[d->count++], 256, "%.*s", (int)len, payload);
    }
    return KF_OK;
}

static void feed_command(const vcase_t *v, void *arg)
{
    device_ctx_t *d = arg;
    if (v->channel == NULL || strncmp(v->channel, "cmd/", 4) != 0 || strcmp(v->prefix, "kubeflash") != 0 ||
        strstr(v->topic, "/devices/garage.sensor-1/") == NULL) {
        return;
    }
    d->commands++;
    d->count = 0;
    kf_device_action_t action =
        kf_device_message(&d->dev, v->topic, strlen(v->topic), (const char *)v->payload, v->len, 1000);
    bool is_reboot = strcmp(v->channel, "cmd/reboot") == 0;
    bool is_reset = strcmp(v->channel, "cmd/factory-reset") == 0;
    kf_device_action_t expected = !v->valid ? KF_DEVICE_ACTION_NONE
                                  : is_reboot ? KF_DEVICE_ACTION_REBOOT
                                  : is_reset  ? KF_DEVICE_ACTION_FACTORY_RESET
                                              : KF_DEVICE_ACTION_NONE;
    if (action != expected) {
        fail_msg("%s: the device answered with action %d, expected %d", v->name, action, expected);
    }
    d->reboots += action == KF_DEVICE_ACTION_REBOOT;
    d->resets += action == KF_DEVICE_ACTION_FACTORY_RESET;
    if (strcmp(v->channel, "cmd/ota") == 0) {
        /* without ota_pubkey every valid update ends in no-key; invalid ones in invalid-command when the id is readable */
        if (d->count == 1) {
            d->ota_reports++;
            const char *want = v->valid ? "\"no-key\"" : "\"invalid-command\"";
            if (strstr(d->published[0], want) == NULL) {
                fail_msg("%s: reported %s", v->name, d->published[0]);
            }
        } else if (v->valid) {
            fail_msg("%s: a valid update got no result", v->name);
        }
    } else if (d->count != 0) {
        fail_msg("%s: the device published %s", v->name, d->published[0]);
    }
}

static kf_image_state_t valid_state(void *ctx)
{
    (void)ctx;
    return KF_IMAGE_VALID;
}

static const char *old_version(void *ctx)
{
    (void)ctx;
    return "1.4.2";
}

static kf_err_t unused(void *ctx)
{
    (void)ctx;
    return KF_ERR_STATE;
}

static kf_err_t unused_begin(void *ctx, uint32_t size)
{
    (void)ctx;
    (void)size;
    return KF_ERR_STATE;
}

static kf_err_t unused_write(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return KF_ERR_STATE;
}

static void the_device_acts_on_exactly_the_valid_commands(void **state)
{
    (void)state;
    device_ctx_t *d = calloc(1, sizeof(*d));
    mem_kv_t m;
    mem_kv_init(&m, NULL);
    kf_kv_t kv = mem_kv(&m);
    kv.set_str(kv.ctx, "device_id", "garage.sensor-1");
    kv.set_str(kv.ctx, "mqtt_uri", "mqtt://broker");
    kv.set_str(kv.ctx, "mqtt_user", "garage.sensor-1");
    kv.set_str(kv.ctx, "mqtt_pass", "test-only-pass");
    kv.set_str(kv.ctx, "mqtt_prefix", "kubeflash/devices/garage.sensor-1");
    assert_int_equal(kf_config_load(&kv, &d->cfg, NULL), KF_CONFIG_OK);
    mem_kv_t rec;
    mem_kv_init(&rec, NULL);
    kf_ota_t ota;
    kf_ota_env_t env = {
        .slots = {.running_state = valid_state, .running_version = old_version, .begin = unused_begin,
                  .write = unused_write, .finish = unused, .activate = unused},
        .record = mem_kv(&rec),
        .transport = {.ctx = d, .publish = capture},
        .topic_root = d->cfg.mqtt_prefix,
    };
    assert_int_equal(kf_ota_init(&ota, &env), KF_OK);
    kf_device_env_t denv = {.cfg = &d->cfg, .transport = {.ctx = d, .publish = capture}, .ota = &ota};
    assert_int_equal(kf_device_init(&d->dev, &denv), KF_OK);
    for_each_case(feed_command, d);
    print_message("%zu command vectors fed to the device: %zu restarts, %zu factory resets, %zu update results\n",
                  d->commands, d->reboots, d->resets, d->ota_reports);
    assert_true(d->commands >= 60);
    assert_int_equal(d->reboots, 2); /* both valid cases of cmd-reboot.json */
    assert_int_equal(d->resets, 1);  /* the other valid reset names garage.sensor.v2 */
    kf_device_free(&d->dev);
    kf_config_free(&d->cfg);
    mem_kv_free(&m);
    mem_kv_free(&rec);
    free(d);
}

/* ---- 4. the golden OTA signature --------------------------------------------------------------------------- */

static void golden_signatures_verify_with_mbedtls(void **state)
{
    (void)state;
    size_t img_len, key_len, sig_len, sig72_len;
    uint8_t *img = read_file("ota-signature/image.bin", &img_len);
    uint8_t *key = read_file("ota-signature/ota_pubkey.der", &key_len);
    uint8_t *sig = read_file("ota-signature/image.sig", &sig_len);
    uint8_t *sig72 = read_file("ota-signature/image-72.sig", &sig72_len);
    assert_true(kf_config_p256_spki_valid(key, key_len));
    uint8_t digest[KF_SHA256_LEN];
    kf_sha256_t h;
    kf_sha256_begin(&h);
    kf_sha256_update(&h, img, img_len);
    kf_sha256_finish(&h, digest);
    assert_int_equal(kf_verify_signature(key, key_len, digest, sig, sig_len), KF_OK);
    assert_int_equal(sig72_len, 72);
    assert_null(kf_proto_der_signature_problem(sig72, sig72_len));
    assert_int_equal(kf_verify_signature(key, key_len, digest, sig72, sig72_len), KF_OK);
    digest[0] ^= 1;
    assert_int_equal(kf_verify_signature(key, key_len, digest, sig, sig_len), KF_ERR_VERIFY);
    free(img);
    free(key);
    free(sig);
    free(sig72);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_vector_gets_the_same_verdict),
        cmocka_unit_test(builders_reproduce_every_valid_report),
        cmocka_unit_test(the_device_acts_on_exactly_the_valid_commands),
        cmocka_unit_test(golden_signatures_verify_with_mbedtls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
