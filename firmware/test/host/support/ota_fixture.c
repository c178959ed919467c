#include "ota_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mbedtls/base64.h"

#include "kf_config_image.h"
#include "kf_verify.h"

static void b64_file(const char *path, char *out, size_t cap)
{
    size_t len;
    uint8_t *data = fixture_read(path, &len);
    size_t olen;
    assert_int_equal(mbedtls_base64_encode((unsigned char *)out, cap, &olen, data, len), 0);
    free(data);
}

void ota_fixture_setup(ota_fixture_t *f)
{
    memset(f, 0, sizeof(*f));
    f->app = fixture_read("ota/app.bin", &f->app_len);
    uint8_t digest[KF_SHA256_LEN];
    kf_sha256_t h;
    kf_sha256_begin(&h);
    kf_sha256_update(&h, f->app, f->app_len);
    kf_sha256_finish(&h, digest);
    kf_hex_encode(digest, sizeof(digest), f->sha_hex);
    b64_file("ota/app.sig", f->sig_b64, sizeof(f->sig_b64));
    b64_file("ota/app.other.sig", f->other_sig_b64, sizeof(f->other_sig_b64));
    size_t len;
    uint8_t *bin = fixture_read("config/sensor.bin", &len);
    assert_int_equal(kf_config_load_image(bin, len, "config", &f->cfg, NULL), KF_CONFIG_OK);
    free(bin);
    for (size_t i = 0; i < sizeof(f->old_image); i++) {
        f->old_image[i] = (uint8_t)(i * 7 + 3);
    }
    f->old_image[0] = 0xE9;
    sim_image_t old = {f->old_image, sizeof(f->old_image), OLD_VERSION};
    sim_image_t new_image = {f->app, f->app_len, NEW_VERSION};
    sim_init(&f->dev, &old, SLOT_CAP);
    sim_know(&f->dev, &new_image);
    sim_boot(&f->dev);
    f->now = 1000;
    test_clock_set(f->now, 1700000000);
    ota_fixture_start(f);
}

void ota_fixture_start(ota_fixture_t *f)
{
    kf_ota_env_t env = {
        .slots = sim_slots(&f->dev),
        .record = sim_record_kv(&f->dev),
        .transport = sim_transport(&f->dev),
        .topic_root = OTA_ROOT,
        .pubkey = f->cfg.ota_pubkey,
        .pubkey_len = f->cfg.ota_pubkey_len,
        .max_attempts = 5,
        .timeout_ms = 600000,
        .confirm_timeout_ms = 300000,
        .retry_base_ms = 1000,
        .retry_cap_ms = 30000,
    };
    assert_int_equal(kf_ota_init(&f->ota, &env), KF_OK);
    f->dev.connected = true;
}

void ota_fixture_teardown(ota_fixture_t *f)
{
    sim_free(&f->dev);
    kf_config_free(&f->cfg);
    free(f->app);
}

void ota_fixture_command(const ota_fixture_t *f, char *out, size_t cap, const char *id, const char *sha_hex,
                         const char *sig_b64, long size)
{
    snprintf(out, cap,
             "{\"id\":\"%s\",\"version\":\"" NEW_VERSION "\",\"url\":\"https://artifacts.example/app.bin\","
             "\"size\":%ld,\"sha256\":\"%s\",\"signature\":\"%s\"}",
             id != NULL ? id : OTA_ID(1), size >= 0 ? size : (long)f->app_len,
             sha_hex != NULL ? sha_hex : f->sha_hex, sig_b64 != NULL ? sig_b64 : f->sig_b64);
}

void ota_fixture_send(ota_fixture_t *f, const char *payload)
{
    kf_ota_command(&f->ota, payload, strlen(payload), f->now);
}
