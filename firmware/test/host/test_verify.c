/* SHA-256 and ECDSA P-256 signature checks against signatures openssl made (`openssl dgst -sha256 -sign`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kf_config.h"
#include "kf_config_image.h"
#include "kf_verify.h"
#include "test_support.h"

typedef struct {
    uint8_t *app;
    size_t app_len;
    uint8_t *sig;
    size_t sig_len;
    uint8_t *other_sig;
    size_t other_len;
    kf_config_t cfg;
    uint8_t digest[KF_SHA256_LEN];
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    f->app = fixture_read("ota/app.bin", &f->app_len);
    f->sig = fixture_read("ota/app.sig", &f->sig_len);
    f->other_sig = fixture_read("ota/app.other.sig", &f->other_len);
    size_t len;
    uint8_t *bin = fixture_read("config/sensor.bin", &len);
    /* the public key as the operator puts it into the config image */
    assert_int_equal(kf_config_load_image(bin, len, "config", &f->cfg, NULL), KF_CONFIG_OK);
    free(bin);
    kf_sha256_t h;
    kf_sha256_begin(&h);
    kf_sha256_update(&h, f->app, f->app_len);
    kf_sha256_finish(&h, f->digest);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    free(f->app);
    free(f->sig);
    free(f->other_sig);
    kf_config_free(&f->cfg);
    free(f);
    return 0;
}

static void sha256_streams_like_one_shot(void **state)
{
    fixture_t *f = *state;
    kf_sha256_t h;
    kf_sha256_begin(&h);
    for (size_t at = 0; at < f->app_len; at += 1000) {
        kf_sha256_update(&h, f->app + at, f->app_len - at < 1000 ? f->app_len - at : 1000);
    }
    uint8_t d[KF_SHA256_LEN];
    kf_sha256_finish(&h, d);
    assert_memory_equal(d, f->digest, sizeof(d));
    /* SHA-256("abc") */
    kf_sha256_begin(&h);
    kf_sha256_update(&h, "abc", 3);
    kf_sha256_finish(&h, d);
    char hex[65];
    kf_hex_encode(d, sizeof(d), hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    kf_sha256_begin(&h);
    kf_sha256_drop(&h);
}

static void openssl_signature_verifies_with_the_config_key(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(kf_verify_signature(f->cfg.ota_pubkey, f->cfg.ota_pubkey_len, f->digest, f->sig, f->sig_len),
                     KF_OK);
}

static void tampering_is_detected(void **state)
{
    fixture_t *f = *state;
    uint8_t digest[KF_SHA256_LEN];
    memcpy(digest, f->digest, sizeof(digest));
    digest[7] ^= 0x01; /* another image */
    assert_int_equal(kf_verify_signature(f->cfg.ota_pubkey, f->cfg.ota_pubkey_len, digest, f->sig, f->sig_len),
                     KF_ERR_VERIFY);
    /* signed by another key */
    assert_int_equal(
        kf_verify_signature(f->cfg.ota_pubkey, f->cfg.ota_pubkey_len, f->digest, f->other_sig, f->other_len),
        KF_ERR_VERIFY);
    /* a flipped bit in the signature, a truncated one, an empty one, one too long */
    uint8_t sig[80];
    memcpy(sig, f->sig, f->sig_len);
    sig[f->sig_len - 3] ^= 0x10;
    assert_int_equal(kf_verify_signature(f->cfg.ota_pubkey, f->cfg.ota_pubkey_len, f->digest, sig, f->sig_len),
                     KF_ERR_VERIFY);
    assert_int_equal(kf_verify_signature(f->cfg.ota_pubkey, f->cfg.ota_pubkey_len, f->digest, f->sig, f->sig_len - 1),
                     KF_ERR_VERIFY);
    assert_int_equal(kf_verify_signature(f->cfg.ota_pubkey, f->cfg.ota_pubkey_len, f->digest, f->sig, 0),
                     KF_ERR_VERIFY);
    memcpy(sig, f->sig, f->sig_len);
    memset(sig + f->sig_len, 0, sizeof(sig) - f->sig_len);
    assert_int_equal(kf_verify_signature(f->cfg.ota_pubkey, f->cfg.ota_pubkey_len, f->digest, sig, f->sig_len + 2),
                     KF_ERR_VERIFY);
}

static void keys_that_are_not_p256_are_refused(void **state)
{
    fixture_t *f = *state;
    uint8_t key[KF_OTA_PUBKEY_LEN];
    memcpy(key, f->cfg.ota_pubkey, sizeof(key));
    assert_int_equal(kf_verify_signature(key, sizeof(key) - 1, f->digest, f->sig, f->sig_len), KF_ERR_INVALID_ARG);
    key[20] ^= 0x01; /* curve OID */
    assert_int_equal(kf_verify_signature(key, sizeof(key), f->digest, f->sig, f->sig_len), KF_ERR_INVALID_ARG);
    memcpy(key, f->cfg.ota_pubkey, sizeof(key));
    key[60] ^= 0xFF; /* a point that is not on the curve */
    assert_int_equal(kf_verify_signature(key, sizeof(key), f->digest, f->sig, f->sig_len), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_verify_signature(NULL, 0, f->digest, f->sig, f->sig_len), KF_ERR_INVALID_ARG);
}

static void base64_and_hex_helpers(void **state)
{
    (void)state;
    uint8_t out[8];
    size_t n;
    assert_int_equal(kf_base64_decode("AAEC", 4, out, sizeof(out), &n), KF_OK);
    assert_int_equal(n, 3);
    assert_int_equal(out[2], 2);
    assert_int_equal(kf_base64_decode("AAECAwQFBgcI", 12, out, sizeof(out), &n), KF_ERR_TOO_LONG);
    assert_int_equal(kf_base64_decode("A*EC", 4, out, sizeof(out), &n), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_base64_decode("", 0, out, sizeof(out), &n), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_hex_decode("0aFf", 4, out, 2), KF_OK);
    assert_int_equal(out[0], 0x0a);
    assert_int_equal(out[1], 0xff);
    assert_int_equal(kf_hex_decode("0g", 2, out, 1), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_hex_decode("0a", 2, out, 2), KF_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_streams_like_one_shot),
        cmocka_unit_test(openssl_signature_verifies_with_the_config_key),
        cmocka_unit_test(tampering_is_detected),
        cmocka_unit_test(keys_that_are_not_p256_are_refused),
        cmocka_unit_test(base64_and_hex_helpers),
    };
    return cmocka_run_group_tests_name("verify", tests, setup, teardown);
}
