/* Local state (default nvs partition) against the operator's config: precedence and factory reset. */
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

static void load_fixture(const char *name, kf_config_t *cfg)
{
    size_t len;
    uint8_t *bin = fixture_read(name, &len);
    assert_int_equal(kf_config_load_image(bin, len, "config", cfg, NULL), KF_CONFIG_OK);
    free(bin);
}

static void operator_wifi_and_login_win_over_local_ones(void **state)
{
    (void)state;
    kf_config_t cfg;
    load_fixture("config/sensor.bin", &cfg);
    mem_kv_t m;
    mem_kv_init(&m, NULL);
    kf_kv_t kv = mem_kv(&m);
    assert_int_equal(kf_local_save_wifi(&kv, "my-phone-hotspot", "local-pass-123"), KF_OK);
    assert_int_equal(kf_local_save_web_login(&kv, "me", "local-web-pass"), KF_OK);
    kf_local_t local;
    assert_int_equal(kf_local_load(&kv, &local), KF_OK);
    assert_string_equal(local.wifi_ssid, "my-phone-hotspot");

    kf_settings_t s;
    kf_settings_resolve(&cfg, &local, &s);
    assert_string_equal(s.wifi_ssid, "garage-iot-example");
    assert_string_equal(s.wifi_pass, "example-only-not-a-real-passphrase");
    assert_int_equal(s.wifi_source, KF_SRC_OPERATOR);
    assert_string_equal(s.web_user, "admin");
    assert_int_equal(s.web_source, KF_SRC_OPERATOR);
    kf_local_free(&local);
    kf_config_free(&cfg);
    mem_kv_free(&m);
}

static void local_values_fill_only_wifi_and_login(void **state)
{
    (void)state;
    kf_config_t cfg;
    load_fixture("config/minimal.bin", &cfg); /* no Wi-Fi, no web login */
    mem_kv_t m;
    mem_kv_init(&m, NULL);
    kf_kv_t kv = mem_kv(&m);
    kv.set_str(kv.ctx, "wifi_ssid", "my-phone-hotspot");
    kv.set_str(kv.ctx, "wifi_pass", "");
    kv.set_str(kv.ctx, "web_user", "me");
    kv.set_str(kv.ctx, "web_pass", "local-web-pass");
    kv.set_str(kv.ctx, "mqtt_uri", "mqtt://evil.example"); /* local state cannot reach anything else */
    kf_local_t local;
    kf_local_load(&kv, &local);
    kf_settings_t s;
    kf_settings_resolve(&cfg, &local, &s);
    assert_string_equal(s.wifi_ssid, "my-phone-hotspot");
    assert_string_equal(s.wifi_pass, "");
    assert_int_equal(s.wifi_source, KF_SRC_LOCAL);
    assert_string_equal(s.web_user, "me");
    assert_int_equal(s.web_source, KF_SRC_LOCAL);
    assert_string_equal(cfg.mqtt_uri, "mqtt://192.168.1.10");
    kf_local_free(&local);

    /* an operator SSID never combines with a local passphrase */
    free(cfg.wifi_ssid);
    cfg.wifi_ssid = strdup("operator-net");
    kf_local_load(&kv, &local);
    kf_settings_resolve(&cfg, &local, &s);
    assert_string_equal(s.wifi_ssid, "operator-net");
    assert_string_equal(s.wifi_pass, "");
    kf_local_free(&local);
    kf_config_free(&cfg);
    mem_kv_free(&m);
}

static void provisioning_mode_uses_local_state_only(void **state)
{
    (void)state;
    mem_kv_t m;
    mem_kv_init(&m, NULL);
    kf_kv_t kv = mem_kv(&m);
    kf_local_t local;
    kf_local_load(&kv, &local);
    kf_settings_t s;
    kf_settings_resolve(NULL, &local, &s);
    assert_null(s.wifi_ssid);
    assert_int_equal(s.wifi_source, KF_SRC_NONE);
    assert_null(s.web_user);
    kf_local_free(&local);

    kf_local_save_wifi(&kv, "home", "home-pass-123");
    kf_local_load(&kv, &local);
    kf_settings_resolve(NULL, &local, &s);
    assert_string_equal(s.wifi_ssid, "home");
    assert_int_equal(s.wifi_source, KF_SRC_LOCAL);
    kf_local_free(&local);
    kf_settings_resolve(NULL, NULL, &s);
    assert_null(s.wifi_ssid);
    mem_kv_free(&m);
}

static void invalid_local_values_are_refused_or_ignored(void **state)
{
    (void)state;
    mem_kv_t m;
    mem_kv_init(&m, NULL);
    kf_kv_t kv = mem_kv(&m);
    assert_int_equal(kf_local_save_wifi(&kv, "", "whatever-pass"), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_local_save_wifi(&kv, "net", "short"), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_local_save_web_login(&kv, "a:b", "long-enough"), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_local_save_web_login(&kv, "ab", "short"), KF_ERR_INVALID_ARG);
    assert_int_equal(m.writes, 0); /* nothing half-written */

    kv.set_str(kv.ctx, "wifi_ssid", "123456789012345678901234567890123"); /* 33 bytes */
    kv.set_str(kv.ctx, "wifi_pass", "long-enough-pass");
    mem_kv_set_num(&m, "web_user", KF_KV_U8, 1);
    kv.set_str(kv.ctx, "web_pass", "long-enough-pass");
    kf_local_t local;
    assert_int_equal(kf_local_load(&kv, &local), KF_OK);
    assert_null(local.wifi_ssid);
    assert_null(local.wifi_pass);
    assert_null(local.web_user);
    assert_null(local.web_pass);
    kf_local_free(&local);

    kf_kv_t read_only = kv;
    read_only.set_str = NULL;
    assert_int_equal(kf_local_save_wifi(&read_only, "net", "long-enough"), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_local_erase(&read_only), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_local_load(NULL, &local), KF_ERR_INVALID_ARG);
    mem_kv_free(&m);
}

static void factory_reset_erases_local_state_only(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bin = fixture_read("config/sensor.bin", &len);
    uint8_t *before = malloc(len);
    memcpy(before, bin, len);
    mem_kv_t local_store, ota_store;
    mem_kv_init(&local_store, NULL);
    mem_kv_init(&ota_store, NULL);
    kf_kv_t kv = mem_kv(&local_store);
    kf_kv_t ota_kv = mem_kv(&ota_store);
    kf_local_save_wifi(&kv, "my-phone-hotspot", "local-pass-123");
    kf_local_save_web_login(&kv, "me", "local-web-pass");
    ota_kv.set_str(ota_kv.ctx, "phase", "activated");

    assert_int_equal(kf_local_erase(&kv), KF_OK);
    assert_int_equal(mem_kv_count(&local_store), 0);
    assert_int_equal(mem_kv_count(&ota_store), 1);
    assert_memory_equal(bin, before, len); /* the operator's config partition is untouched */

    kf_config_t cfg;
    assert_int_equal(kf_config_load_image(bin, len, "config", &cfg, NULL), KF_CONFIG_OK);
    kf_local_t local;
    kf_local_load(&kv, &local);
    kf_settings_t s;
    kf_settings_resolve(&cfg, &local, &s);
    assert_string_equal(s.wifi_ssid, "garage-iot-example");
    kf_local_free(&local);
    kf_config_free(&cfg);
    mem_kv_free(&local_store);
    mem_kv_free(&ota_store);
    free(bin);
    free(before);
}

static void write_failures_are_reported(void **state)
{
    (void)state;
    test_power_t power;
    test_power_init(&power, 1);
    mem_kv_t m;
    mem_kv_init(&m, &power);
    kf_kv_t kv = mem_kv(&m);
    assert_int_equal(kf_local_save_wifi(&kv, "net", "long-enough"), KF_ERR_IO);
    kf_local_t local;
    kf_local_load(&kv, &local);
    assert_null(local.wifi_ssid); /* a half pair is not used */
    kf_local_free(&local);
    assert_int_equal(kf_local_erase(&kv), KF_ERR_IO);
    mem_kv_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(operator_wifi_and_login_win_over_local_ones),
        cmocka_unit_test(local_values_fill_only_wifi_and_login),
        cmocka_unit_test(provisioning_mode_uses_local_state_only),
        cmocka_unit_test(invalid_local_values_are_refused_or_ignored),
        cmocka_unit_test(factory_reset_erases_local_state_only),
        cmocka_unit_test(write_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
