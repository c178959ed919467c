/* The config model on real config images (made by kubeflash's NVS writer), damaged and missing ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kf_config.h"
#include "kf_config_image.h"
#include "test_support.h"

static kf_config_verdict_t load(const char *fixture, const char *ns, kf_config_t *cfg, kf_config_problem_t *problem)
{
    size_t len;
    uint8_t *bin = fixture_read(fixture, &len);
    kf_config_verdict_t v = kf_config_load_image(bin, len, ns, cfg, problem);
    free(bin);
    return v;
}

static void sensor_config_loads_every_key(void **state)
{
    (void)state;
    kf_config_t cfg;
    kf_config_problem_t problem;
    assert_int_equal(load("config/sensor.bin", "config", &cfg, &problem), KF_CONFIG_OK);
    assert_int_equal(problem.verdict, KF_CONFIG_OK);
    assert_string_equal(cfg.device_id, "kubeflash-demo.garage-temp-1");
    assert_string_equal(cfg.mqtt_uri, "mqtts://mqtt.home.example.net:8883");
    assert_true(cfg.mqtts);
    assert_string_equal(cfg.mqtt_user, "kubeflash-demo.garage-temp-1");
    assert_string_equal(cfg.mqtt_pass, "test-only-Zq3xW8pK2mN5vR7tY9bC4d");
    assert_string_equal(cfg.mqtt_prefix, "home/devices/kubeflash-demo.garage-temp-1");
    size_t pem_len;
    uint8_t *pem = fixture_read("keys/broker_ca.pem", &pem_len);
    assert_non_null(cfg.mqtt_ca);
    assert_int_equal(cfg.mqtt_ca_len, pem_len + 1); /* with the NUL mbedTLS wants */
    assert_memory_equal(cfg.mqtt_ca, pem, pem_len);
    free(pem);
    assert_int_equal(cfg.ota_pubkey_len, KF_OTA_PUBKEY_LEN);
    assert_true(kf_config_p256_spki_valid(cfg.ota_pubkey, cfg.ota_pubkey_len));
    assert_string_equal(cfg.web_user, "admin");
    assert_string_equal(cfg.web_pass, "test-only-web-pass-1");
    assert_string_equal(cfg.wifi_ssid, "garage-iot-example");
    assert_string_equal(cfg.wifi_pass, "example-only-not-a-real-passphrase");
    assert_null(cfg.web_cert);
    assert_true(cfg.web_subnet_only); /* default */
    assert_string_equal(cfg.ntp_server, "192.168.40.1");
    assert_string_equal(cfg.tz, "CET-1CEST,M3.5.0,M10.5.0/3");
    assert_int_equal(cfg.telemetry_period_s, 30);
    assert_int_equal(cfg.mqtt_log_level, KF_LOG_INFO);
    kf_config_free(&cfg);
    assert_null(cfg.device_id);
}

static void minimal_config_gets_defaults(void **state)
{
    (void)state;
    kf_config_t cfg;
    test_log_reset();
    assert_int_equal(load("config/minimal.bin", "config", &cfg, NULL), KF_CONFIG_OK);
    assert_false(cfg.mqtts);
    assert_null(cfg.mqtt_ca);
    assert_null(cfg.ota_pubkey);
    assert_true(test_log_contains("no ota_pubkey"));
    assert_null(cfg.web_user);
    assert_null(cfg.wifi_ssid);
    assert_true(cfg.web_subnet_only);
    assert_string_equal(cfg.ntp_server, "pool.ntp.org");
    assert_string_equal(cfg.tz, "UTC0");
    assert_int_equal(cfg.telemetry_period_s, 60);
    assert_int_equal(cfg.mqtt_log_level, KF_LOG_WARN);
    kf_config_free(&cfg);

    assert_int_equal(load("config/minimal-v1.bin", "config", &cfg, NULL), KF_CONFIG_OK);
    assert_string_equal(cfg.device_id, "lab.bench-1");
    kf_config_free(&cfg);
}

static void display_config_uses_its_own_namespace_and_https(void **state)
{
    (void)state;
    kf_config_t cfg;
    kf_config_problem_t problem;
    assert_int_equal(load("config/display.bin", "config", &cfg, &problem), KF_CONFIG_MISSING);
    assert_null(cfg.device_id);
    assert_int_equal(load("config/display.bin", "display", &cfg, &problem), KF_CONFIG_OK);
    assert_non_null(cfg.web_cert);
    assert_non_null(cfg.web_key);
    assert_int_equal(cfg.web_cert_len, strlen(cfg.web_cert) + 1);
    assert_non_null(strstr(cfg.web_key, "PRIVATE KEY"));
    assert_false(cfg.web_subnet_only);
    kf_config_free(&cfg);
}

static void encrypted_config_read_without_its_key_is_corrupt(void **state)
{
    (void)state;
    kf_config_t cfg;
    kf_config_problem_t problem;
    assert_int_equal(load("config/display-encrypted.bin", "display", &cfg, &problem), KF_CONFIG_CORRUPT);
    assert_non_null(strstr(problem.reason, "bad entries"));
}

typedef struct {
    const char *fixture;
    const char *key;
} invalid_case_t;

static void each_broken_rule_names_its_key(void **state)
{
    (void)state;
    static const invalid_case_t CASES[] = {
        {"config/bad-prefix.bin", "mqtt_prefix"},
        {"config/no-mqtt-pass.bin", "mqtt_pass"},
        {"config/p384-pubkey.bin", "ota_pubkey"},
        {"config/ca-without-tls.bin", "mqtt_ca"},
        {"config/bad-uri.bin", "mqtt_uri"},
        {"config/cert-without-key.bin", "web_key"},
        {"config/flag-as-string.bin", "web_subnet_only"},
    };
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        kf_config_t cfg;
        kf_config_problem_t problem;
        test_log_reset();
        const char *ns = strstr(CASES[i].fixture, "cert-without") != NULL ? "display" : "config";
        kf_config_verdict_t v = load(CASES[i].fixture, ns, &cfg, &problem);
        if (v != KF_CONFIG_INVALID || strcmp(problem.key, CASES[i].key) != 0) {
            fail_msg("%s: verdict %s key '%s' (%s), expected invalid %s", CASES[i].fixture, kf_config_verdict_name(v),
                     problem.key, problem.reason, CASES[i].key);
        }
        assert_null(cfg.device_id); /* nothing half-loaded */
        /* secrets never reach logs or the problem text */
        assert_false(test_log_contains("test-only"));
        assert_null(strstr(problem.reason, "test-only"));
    }
}

static void erased_or_damaged_partition_means_provisioning(void **state)
{
    (void)state;
    kf_config_t cfg;
    kf_config_problem_t problem;
    uint8_t *erased = malloc(0x6000);
    memset(erased, 0xFF, 0x6000);
    assert_int_equal(kf_config_load_image(erased, 0x6000, "config", &cfg, &problem), KF_CONFIG_MISSING);
    free(erased);

    size_t len;
    uint8_t *bin = fixture_read("config/sensor.bin", &len);
    bin[4096 + 64 + 32 * 5] ^= 0x55; /* inside the second page */
    assert_int_equal(kf_config_load_image(bin, len, "config", &cfg, &problem), KF_CONFIG_CORRUPT);
    assert_null(cfg.device_id);
    assert_int_equal(kf_config_load_image(bin, 1000, "config", &cfg, &problem), KF_CONFIG_CORRUPT);
    free(bin);

    assert_int_equal(kf_config_load(NULL, &cfg, &problem), KF_CONFIG_MISSING);
    assert_string_equal(kf_config_verdict_name(KF_CONFIG_MISSING), "missing");
    assert_string_equal(kf_config_verdict_name(KF_CONFIG_CORRUPT), "corrupt");
    assert_string_equal(kf_config_verdict_name(KF_CONFIG_INVALID), "invalid");
    assert_string_equal(kf_config_verdict_name(KF_CONFIG_OK), "ok");
}

static void wrong_types_and_values_in_a_store(void **state)
{
    (void)state;
    mem_kv_t m;
    mem_kv_init(&m, NULL);
    kf_kv_t kv = mem_kv(&m);
    kf_config_t cfg;
    kf_config_problem_t problem;
    kv.set_str(kv.ctx, "device_id", "ns.dev");
    kv.set_str(kv.ctx, "mqtt_uri", "mqtt://broker:1883");
    kv.set_str(kv.ctx, "mqtt_user", "ns.dev");
    kv.set_str(kv.ctx, "mqtt_pass", "pw-123456");
    kv.set_str(kv.ctx, "mqtt_prefix", "site/a/devices/ns.dev");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_OK);
    kf_config_free(&cfg);

    mem_kv_set_num(&m, "sample_period", KF_KV_U16, 2);
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    assert_string_equal(problem.key, "sample_period");
    mem_kv_set_num(&m, "sample_period", KF_KV_I32, (uint64_t)(int64_t)120);
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_OK);
    assert_int_equal(cfg.telemetry_period_s, 120);
    kf_config_free(&cfg);
    kv.set_str(kv.ctx, "sample_period", "60");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    kv.erase_key(kv.ctx, "sample_period");

    mem_kv_set_num(&m, "web_subnet_only", KF_KV_U8, 2);
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    assert_string_equal(problem.key, "web_subnet_only");
    mem_kv_set_num(&m, "web_subnet_only", KF_KV_I8, 0);
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_OK);
    assert_false(cfg.web_subnet_only);
    kf_config_free(&cfg);

    kv.set_str(kv.ctx, "log_level", "chatty");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    assert_string_equal(problem.key, "log_level");
    kv.set_str(kv.ctx, "log_level", "DEBUG");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_OK);
    assert_int_equal(cfg.mqtt_log_level, KF_LOG_DEBUG);
    kf_config_free(&cfg);

    mem_kv_set_num(&m, "mqtt_user", KF_KV_U8, 1);
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    assert_string_equal(problem.key, "mqtt_user");
    kv.set_str(kv.ctx, "mqtt_user", "");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    kv.set_str(kv.ctx, "mqtt_user", "ns.dev");

    kv.set_str(kv.ctx, "web_user", "admin");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    assert_string_equal(problem.key, "web_pass");
    kv.set_str(kv.ctx, "web_pass", "short");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    kv.erase_key(kv.ctx, "web_user");
    kv.erase_key(kv.ctx, "web_pass");

    kv.set_str(kv.ctx, "wifi_pass", "secret-pass");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    assert_string_equal(problem.key, "wifi_pass");
    kv.set_str(kv.ctx, "wifi_ssid", "home");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_OK);
    kf_config_free(&cfg);
    kv.set_str(kv.ctx, "wifi_pass", "short");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    kv.erase_key(kv.ctx, "wifi_pass");

    mem_kv_set_blob(&m, "ota_pubkey", "\x30\x59", 2);
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    assert_string_equal(problem.key, "ota_pubkey");
    kv.erase_key(kv.ctx, "ota_pubkey");

    mem_kv_set_blob(&m, "web_cert", "not pem", 7);
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    assert_string_equal(problem.key, "web_cert");
    static const char NUL_INSIDE[] = "-----BEGIN CERTIFICATE-----\nAA\0x-----END CERTIFICATE-----\n";
    mem_kv_set_blob(&m, "web_cert", NUL_INSIDE, sizeof(NUL_INSIDE) - 1);
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    kv.erase_key(kv.ctx, "web_cert");

    kv.set_str(kv.ctx, "device_id", "NoDot");
    assert_int_equal(kf_config_load(&kv, &cfg, &problem), KF_CONFIG_INVALID);
    assert_string_equal(problem.key, "device_id");
    mem_kv_free(&m);
}

static void rules_for_single_values(void **state)
{
    (void)state;
    bool tls = false;
    assert_true(kf_config_mqtt_uri_valid("mqtt://broker", &tls));
    assert_false(tls);
    assert_true(kf_config_mqtt_uri_valid("mqtts://broker.example.net:8883/", &tls));
    assert_true(tls);
    assert_true(kf_config_mqtt_uri_valid("mqtt://[fd00::1]:1883", NULL));
    assert_false(kf_config_mqtt_uri_valid("mqtt://[]:1883", NULL));
    assert_false(kf_config_mqtt_uri_valid("mqtt://[fd00::g]", NULL));
    assert_false(kf_config_mqtt_uri_valid("mqtt://", NULL));
    assert_false(kf_config_mqtt_uri_valid("mqtt://host:0", NULL));
    assert_false(kf_config_mqtt_uri_valid("mqtt://host:65536", NULL));
    assert_false(kf_config_mqtt_uri_valid("mqtt://host:", NULL));
    assert_false(kf_config_mqtt_uri_valid("mqtt://user:pw@host", NULL));
    assert_false(kf_config_mqtt_uri_valid("mqtt://host/path", NULL));
    assert_false(kf_config_mqtt_uri_valid("ws://host", NULL));
    assert_false(kf_config_mqtt_uri_valid(NULL, NULL));

    assert_true(kf_config_device_id_valid("kubeflash-demo.garage-temp-1"));
    assert_true(kf_config_device_id_valid("a.b.c"));
    assert_false(kf_config_device_id_valid("a..b"));
    assert_false(kf_config_device_id_valid(".b"));
    assert_false(kf_config_device_id_valid("a.-b"));
    assert_false(kf_config_device_id_valid("A.b"));
    assert_false(kf_config_device_id_valid("a.b+"));
    assert_false(kf_config_device_id_valid(NULL));

    assert_true(kf_config_wifi_pass_valid(""));
    assert_true(kf_config_wifi_pass_valid("12345678"));
    assert_false(kf_config_wifi_pass_valid("1234567"));
    assert_true(kf_config_wifi_pass_valid("0123456789abcdef0123456789abcdef0123456789abcdef0123456789ABCDEF"));
    assert_false(kf_config_wifi_pass_valid("0123456789abcdef0123456789abcdef0123456789abcdef0123456789ABCDEG"));
    assert_false(kf_config_wifi_pass_valid("tab\tinside"));
    assert_false(kf_config_wifi_pass_valid(NULL));
    assert_true(kf_config_wifi_ssid_valid("x"));
    assert_false(kf_config_wifi_ssid_valid(""));
    assert_false(kf_config_wifi_ssid_valid("123456789012345678901234567890123"));
    assert_true(kf_config_web_user_valid("admin"));
    assert_false(kf_config_web_user_valid("ad:min"));
    assert_false(kf_config_web_user_valid(""));
    assert_false(kf_config_web_pass_valid("1234567"));
    assert_false(kf_config_web_pass_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sensor_config_loads_every_key),
        cmocka_unit_test(minimal_config_gets_defaults),
        cmocka_unit_test(display_config_uses_its_own_namespace_and_https),
        cmocka_unit_test(encrypted_config_read_without_its_key_is_corrupt),
        cmocka_unit_test(each_broken_rule_names_its_key),
        cmocka_unit_test(erased_or_damaged_partition_means_provisioning),
        cmocka_unit_test(wrong_types_and_values_in_a_store),
        cmocka_unit_test(rules_for_single_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
