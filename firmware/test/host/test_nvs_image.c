/* The core's NVS reader against images made by kubeflash's NVS writer (fixtures/config), damaged copies of
 * them, and the encrypted image decrypted with the nvs_keys partition as nvs_flash would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mbedtls/aes.h"

#include "kf_crc32.h"
#include "kf_nvs_image.h"
#include "test_support.h"

static void crc_matches_esp_rom_crc32_le(void **state)
{
    (void)state;
    assert_int_equal(kf_crc32_le(0xFFFFFFFFu, "123456789", 9), 0xD202D277u);
    assert_int_equal(kf_crc32_le(0xFFFFFFFFu, "", 0), 0xFFFFFFFFu);
    const uint8_t seq1[4] = {1, 0, 0, 0};
    const uint8_t seq2[4] = {2, 0, 0, 0};
    assert_int_equal(kf_crc32_le(0xFFFFFFFFu, seq1, 4), 0x4743989Au); /* otadata entry of ota_seq 1 */
    assert_int_equal(kf_crc32_le(0xFFFFFFFFu, seq2, 4), 0x55F63774u);
    assert_int_equal(kf_crc32_le(kf_crc32_le(0xFFFFFFFFu, "1234", 4), "56789", 5), 0xD202D277u);
}

static void reads_every_type_of_a_real_image(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bin = fixture_read("config/sensor.bin", &len);
    kf_nvs_image_t img;
    assert_int_equal(kf_nvs_image_open(&img, bin, len), KF_OK);
    assert_int_equal(img.corrupt_pages, 0);
    assert_int_equal(img.bad_entries, 0);
    assert_true(img.page_count >= 2); /* the CA bundle spans pages */
    uint8_t ns;
    assert_int_equal(kf_nvs_image_namespace(&img, "config", &ns), KF_OK);
    assert_int_equal(ns, 1);

    char text[64];
    size_t n = sizeof(text);
    assert_int_equal(kf_nvs_image_get_bytes(&img, ns, "device_id", text, &n), KF_OK);
    assert_string_equal(text, "kubeflash-demo.garage-temp-1");
    assert_int_equal(n, strlen(text) + 1);

    kf_kv_num_t num;
    assert_int_equal(kf_nvs_image_get_num(&img, ns, "sample_period", &num), KF_OK);
    assert_int_equal(num.type, KF_KV_U16);
    assert_int_equal(num.v.u, 30);
    assert_int_equal(kf_nvs_image_get_num(&img, ns, "temp_offset", &num), KF_OK);
    assert_int_equal(num.type, KF_KV_I16);
    assert_int_equal(num.v.i, -5);
    assert_int_equal(kf_nvs_image_get_num(&img, ns, "sensor_addr", &num), KF_OK);
    assert_int_equal(num.v.u, 68);

    size_t pem_len;
    uint8_t *pem = fixture_read("keys/broker_ca.pem", &pem_len);
    kf_kv_type_t type;
    size_t size;
    assert_int_equal(kf_nvs_image_find(&img, ns, "mqtt_ca", &type, &size), KF_OK);
    assert_int_equal(type, KF_KV_BLOB);
    assert_int_equal(size, pem_len);
    assert_true(pem_len > 4000); /* more than one chunk */
    uint8_t *blob = malloc(size);
    n = size;
    assert_int_equal(kf_nvs_image_get_bytes(&img, ns, "mqtt_ca", blob, &n), KF_OK);
    assert_memory_equal(blob, pem, pem_len);
    free(blob);
    free(pem);
    free(bin);
}

static void reports_sizes_types_and_absence(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bin = fixture_read("config/minimal.bin", &len);
    kf_nvs_image_t img;
    assert_int_equal(kf_nvs_image_open(&img, bin, len), KF_OK);
    uint8_t ns;
    assert_int_equal(kf_nvs_image_namespace(&img, "config", &ns), KF_OK);
    assert_int_equal(kf_nvs_image_namespace(&img, "display", &ns), KF_ERR_NOT_FOUND);
    assert_int_equal(kf_nvs_image_namespace(&img, "config", &ns), KF_OK);

    char small[4];
    size_t n = sizeof(small);
    assert_int_equal(kf_nvs_image_get_bytes(&img, ns, "device_id", small, &n), KF_ERR_TOO_LONG);
    assert_int_equal(n, strlen("lab.bench-1") + 1);
    kf_kv_num_t num;
    assert_int_equal(kf_nvs_image_get_num(&img, ns, "device_id", &num), KF_ERR_TYPE);
    assert_int_equal(kf_nvs_image_get_num(&img, ns, "nope", &num), KF_ERR_NOT_FOUND);
    n = sizeof(small);
    assert_int_equal(kf_nvs_image_get_bytes(&img, ns, "nope", small, &n), KF_ERR_NOT_FOUND);
    assert_int_equal(kf_nvs_image_find(&img, ns, "nope", NULL, NULL), KF_ERR_NOT_FOUND);
    assert_int_equal(kf_nvs_image_find(&img, 0, "device_id", NULL, NULL), KF_ERR_INVALID_ARG);

    kf_nvs_image_ns_t binding;
    kf_kv_t kv;
    assert_int_equal(kf_nvs_image_kv(&img, "missing", &binding, &kv), KF_ERR_NOT_FOUND);
    assert_int_equal(kf_nvs_image_kv(&img, "config", &binding, &kv), KF_OK);
    assert_null(kv.set_str); /* read-only */
    kf_kv_type_t type;
    size_t size;
    assert_int_equal(kv.find(kv.ctx, "mqtt_uri", &type, &size), KF_OK);
    assert_int_equal(type, KF_KV_STR);
    assert_int_equal(size, strlen("mqtt://192.168.1.10") + 1);
    free(bin);
}

static void reads_format_version_1(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bin = fixture_read("config/minimal-v1.bin", &len);
    assert_int_equal(bin[8], 0xFF); /* v1 page header */
    kf_nvs_image_t img;
    assert_int_equal(kf_nvs_image_open(&img, bin, len), KF_OK);
    assert_int_equal(img.bad_entries, 0);
    uint8_t ns;
    assert_int_equal(kf_nvs_image_namespace(&img, "config", &ns), KF_OK);
    char text[64];
    size_t n = sizeof(text);
    assert_int_equal(kf_nvs_image_get_bytes(&img, ns, "mqtt_prefix", text, &n), KF_OK);
    assert_string_equal(text, "kubeflash/devices/lab.bench-1");
    free(bin);
}

static void erased_image_holds_nothing(void **state)
{
    (void)state;
    uint8_t *bin = malloc(0x6000);
    memset(bin, 0xFF, 0x6000);
    kf_nvs_image_t img;
    assert_int_equal(kf_nvs_image_open(&img, bin, 0x6000), KF_OK);
    assert_int_equal(img.page_count, 0);
    assert_int_equal(img.corrupt_pages, 0);
    uint8_t ns;
    assert_int_equal(kf_nvs_image_namespace(&img, "config", &ns), KF_ERR_NOT_FOUND);
    free(bin);
}

static void rejects_sizes_that_are_not_whole_pages(void **state)
{
    (void)state;
    static uint8_t page[4096];
    kf_nvs_image_t img;
    assert_int_equal(kf_nvs_image_open(&img, page, 0), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_nvs_image_open(&img, page, 4095), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_nvs_image_open(&img, NULL, 4096), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_nvs_image_open(&img, page, (KF_NVS_MAX_PAGES + 1) * 4096u), KF_ERR_INVALID_ARG);
}

static void counts_damaged_pages_and_entries(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bin = fixture_read("config/minimal.bin", &len);
    kf_nvs_image_t img;

    bin[5] ^= 0x01; /* sequence number: header CRC no longer matches */
    assert_int_equal(kf_nvs_image_open(&img, bin, len), KF_OK);
    assert_int_equal(img.corrupt_pages, 1);
    assert_int_equal(img.page_count, 0);
    bin[5] ^= 0x01;

    bin[0] = 0xF0; /* page state CORRUPT */
    assert_int_equal(kf_nvs_image_open(&img, bin, len), KF_OK);
    assert_int_equal(img.corrupt_pages, 1);
    bin[0] = 0xFE;

    /* entry 0 is the namespace, entry 1 the device_id header, entry 2 its payload */
    uint8_t *payload = bin + 64 + 2 * 32;
    payload[0] ^= 0x20;
    assert_int_equal(kf_nvs_image_open(&img, bin, len), KF_OK);
    assert_int_equal(img.bad_entries, 1);
    uint8_t ns;
    assert_int_equal(kf_nvs_image_namespace(&img, "config", &ns), KF_OK);
    assert_int_equal(kf_nvs_image_find(&img, ns, "device_id", NULL, NULL), KF_ERR_NOT_FOUND);
    payload[0] ^= 0x20;

    bin[64 + 1 * 32 + 10] ^= 0x01; /* a key name byte of device_id: entry header CRC */
    assert_int_equal(kf_nvs_image_open(&img, bin, len), KF_OK);
    assert_true(img.bad_entries >= 1);
    free(bin);
}

/* Decrypts every used entry of an encrypted NVS image in place (XTS-AES-256, tweak = entry address). */
static void decrypt_image(uint8_t *image, size_t len, const uint8_t keys[64])
{
    mbedtls_aes_xts_context xts;
    mbedtls_aes_xts_init(&xts);
    assert_int_equal(mbedtls_aes_xts_setkey_dec(&xts, keys, 512), 0);
    for (size_t page = 0; page < len / 4096; page++) {
        uint8_t *p = image + page * 4096;
        if (p[0] == 0xFF && p[1] == 0xFF && p[2] == 0xFF && p[3] == 0xFF) {
            continue;
        }
        for (size_t i = 0; i < 126; i++) {
            unsigned state_bits = (p[32 + (i >> 2)] >> ((i & 3) * 2)) & 3;
            if (state_bits == 3) {
                continue;
            }
            uint32_t address = (uint32_t)(page * 4096 + 64 + i * 32);
            uint8_t tweak[16] = {(uint8_t)address, (uint8_t)(address >> 8), (uint8_t)(address >> 16),
                                 (uint8_t)(address >> 24)};
            uint8_t out[32];
            assert_int_equal(mbedtls_aes_crypt_xts(&xts, MBEDTLS_AES_DECRYPT, 32, tweak, p + 64 + i * 32, out), 0);
            memcpy(p + 64 + i * 32, out, 32);
        }
    }
    mbedtls_aes_xts_free(&xts);
}

static void encrypted_image_decrypts_to_the_plain_one(void **state)
{
    (void)state;
    size_t enc_len, plain_len, keys_len;
    uint8_t *enc = fixture_read("config/display-encrypted.bin", &enc_len);
    uint8_t *plain = fixture_read("config/display.bin", &plain_len);
    uint8_t *keys = fixture_read("keys/nvs_keys.bin", &keys_len);
    assert_int_equal(keys_len, 4096);
    /* the nvs_keys partition: eky | tky | CRC32 of both */
    uint32_t crc = (uint32_t)keys[64] | (uint32_t)keys[65] << 8 | (uint32_t)keys[66] << 16 | (uint32_t)keys[67] << 24;
    assert_int_equal(kf_crc32_le(0xFFFFFFFFu, keys, 64), crc);

    kf_nvs_image_t img;
    assert_int_equal(kf_nvs_image_open(&img, enc, enc_len), KF_OK);
    assert_true(img.bad_entries > 0); /* read without the key, entries are noise */

    decrypt_image(enc, enc_len, keys);
    assert_int_equal(enc_len, plain_len);
    assert_memory_equal(enc, plain, plain_len);
    assert_int_equal(kf_nvs_image_open(&img, enc, enc_len), KF_OK);
    assert_int_equal(img.bad_entries, 0);
    uint8_t ns;
    assert_int_equal(kf_nvs_image_namespace(&img, "display", &ns), KF_OK);
    free(enc);
    free(plain);
    free(keys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc_matches_esp_rom_crc32_le),
        cmocka_unit_test(reads_every_type_of_a_real_image),
        cmocka_unit_test(reports_sizes_types_and_absence),
        cmocka_unit_test(reads_format_version_1),
        cmocka_unit_test(erased_image_holds_nothing),
        cmocka_unit_test(rejects_sizes_that_are_not_whole_pages),
        cmocka_unit_test(counts_damaged_pages_and_entries),
        cmocka_unit_test(encrypted_image_decrypts_to_the_plain_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
