/* The Wi-Fi / provisioning state machine: retries with backoff, SoftAP fallback and provisioning mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kf_wifi.h"
#include "test_support.h"

static const kf_wifi_policy_t POLICY = {
    .fallback_failures = 5,
    .fallback_ms = 120000,
    .retry_base_ms = 1000,
    .retry_cap_ms = 60000,
    .retry_with_ap_client_ms = 60000,
    .attempt_timeout_ms = 30000,
};

static void connects_at_once_and_keeps_the_ap_down(void **state)
{
    (void)state;
    kf_wifi_t w;
    kf_wifi_init(&w, &POLICY, true, false);
    kf_wifi_actions_t a = kf_wifi_start(&w, 0);
    assert_true(a.connect);
    assert_false(a.start_ap);
    assert_int_equal(a.wake_ms, 30000); /* the attempt timeout */
    a = kf_wifi_connected(&w, 2000);
    assert_int_equal(w.state, KF_WIFI_CONNECTED);
    assert_false(a.start_ap);
    assert_false(a.stop_ap);
    assert_int_equal(a.wake_ms, 0);
}

static void failures_back_off_then_fall_back_to_the_ap_while_retrying(void **state)
{
    (void)state;
    test_random_seed(3);
    kf_wifi_t w;
    kf_wifi_init(&w, &POLICY, true, false);
    uint64_t now = 0;
    kf_wifi_actions_t a = kf_wifi_start(&w, now);
    uint32_t step = 1000;
    for (int failure = 1; failure <= 5; failure++) {
        now += 3000;
        a = kf_wifi_disconnected(&w, now);
        assert_int_equal(w.state, KF_WIFI_WAITING);
        assert_false(a.connect);
        assert_in_range(a.wake_ms, step / 2, step);
        assert_int_equal(a.start_ap, failure == 5);
        step *= 2;
        a = kf_wifi_tick(&w, now + a.wake_ms - 1);
        assert_false(a.connect); /* not yet */
        now = w.next_try_ms;
        a = kf_wifi_tick(&w, now);
        assert_true(a.connect); /* STA keeps trying with the AP up */
    }
    assert_true(w.ap_on);
    a = kf_wifi_connected(&w, now + 500);
    assert_true(a.stop_ap);
    assert_false(w.ap_on);
}

static void long_outage_falls_back_by_time_too(void **state)
{
    (void)state;
    kf_wifi_policy_t p = POLICY;
    p.fallback_failures = 1000;
    kf_wifi_t w;
    kf_wifi_init(&w, &p, true, false);
    kf_wifi_start(&w, 0);
    kf_wifi_connected(&w, 1000);
    kf_wifi_actions_t a = kf_wifi_disconnected(&w, 500000);
    assert_false(a.start_ap);
    uint64_t now = 500000;
    while (!w.ap_on && now < 500000 + 200000) {
        now += a.wake_ms;
        a = kf_wifi_tick(&w, now);
        if (a.connect) {
            a = kf_wifi_disconnected(&w, now + 100);
        }
    }
    assert_true(w.ap_on);
    assert_true(now - 500000 >= 120000);
    assert_true(now - 500000 < 125000);
}

static void no_credentials_or_no_config_means_ap_at_once(void **state)
{
    (void)state;
    kf_wifi_t w;
    kf_wifi_init(&w, &POLICY, false, false);
    kf_wifi_actions_t a = kf_wifi_start(&w, 0);
    assert_false(a.connect);
    assert_true(a.start_ap);
    assert_int_equal(w.state, KF_WIFI_IDLE);
    a = kf_wifi_disconnected(&w, 10);
    assert_int_equal(w.state, KF_WIFI_IDLE);
    a = kf_wifi_credentials(&w, true, 5000); /* saved on the setup page */
    assert_true(a.connect);
    a = kf_wifi_connected(&w, 7000);
    assert_true(a.stop_ap);

    kf_wifi_init(&w, &POLICY, true, true); /* provisioning: the AP stays even when connected */
    a = kf_wifi_start(&w, 0);
    assert_true(a.connect);
    assert_true(a.start_ap);
    a = kf_wifi_connected(&w, 100);
    assert_false(a.stop_ap);
    assert_true(w.ap_on);
    a = kf_wifi_credentials(&w, false, 200);
    assert_int_equal(w.state, KF_WIFI_IDLE);
}

static void retries_slow_down_while_someone_uses_the_ap(void **state)
{
    (void)state;
    test_random_seed(5);
    kf_wifi_t w;
    kf_wifi_init(&w, &POLICY, false, false);
    kf_wifi_start(&w, 0);
    kf_wifi_ap_clients(&w, 1, 10);
    assert_int_equal(w.ap_clients, 1);
    kf_wifi_credentials(&w, true, 1000);
    kf_wifi_actions_t a = kf_wifi_disconnected(&w, 2000);
    assert_true(a.wake_ms >= 60000);
    kf_wifi_ap_clients(&w, 0, 3000);
    a = kf_wifi_disconnected(&w, 4000); /* ignored: the attempt already failed */
    assert_int_equal(w.failures, 1);
    a = kf_wifi_tick(&w, w.next_try_ms);
    assert_true(a.connect);
    a = kf_wifi_disconnected(&w, w.next_try_ms + 10);
    assert_true(a.wake_ms <= 2000);
    uint64_t before = w.next_try_ms;
    kf_wifi_ap_clients(&w, 2, w.next_try_ms - 100); /* a client joins while we wait */
    assert_true(w.next_try_ms > before);
}

static void an_attempt_without_an_answer_times_out(void **state)
{
    (void)state;
    kf_wifi_t w;
    kf_wifi_init(&w, &POLICY, true, false);
    kf_wifi_start(&w, 0);
    kf_wifi_actions_t a = kf_wifi_tick(&w, 29999);
    assert_int_equal(w.state, KF_WIFI_CONNECTING);
    a = kf_wifi_tick(&w, 30000);
    assert_int_equal(w.state, KF_WIFI_WAITING);
    assert_int_equal(w.failures, 1);
    assert_true(a.wake_ms > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connects_at_once_and_keeps_the_ap_down),
        cmocka_unit_test(failures_back_off_then_fall_back_to_the_ap_while_retrying),
        cmocka_unit_test(long_outage_falls_back_by_time_too),
        cmocka_unit_test(no_credentials_or_no_config_means_ap_at_once),
        cmocka_unit_test(retries_slow_down_while_someone_uses_the_ap),
        cmocka_unit_test(an_attempt_without_an_answer_times_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
