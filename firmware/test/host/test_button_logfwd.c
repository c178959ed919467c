/* The factory-reset button and the log lines on their way to MQTT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kf_button.h"
#include "kf_log.h"
#include "kf_logfwd.h"

static void button_fires_once_per_long_press(void **state)
{
    (void)state;
    kf_button_t b;
    kf_button_init(&b, 5000);
    assert_false(kf_button_sample(&b, true, 1000));
    assert_false(kf_button_sample(&b, true, 5999));
    assert_true(kf_button_sample(&b, true, 6000));
    assert_false(kf_button_sample(&b, true, 9000)); /* still held: not again */
    assert_false(kf_button_sample(&b, false, 9100));
    assert_false(kf_button_sample(&b, true, 10000));
    assert_false(kf_button_sample(&b, false, 12000)); /* a short press does nothing */
    assert_false(kf_button_sample(&b, true, 13000));
    assert_true(kf_button_sample(&b, true, 18000));
}

static void keeps_lines_at_or_above_the_level(void **state)
{
    (void)state;
    kf_logfwd_t f;
    kf_logfwd_init(&f, KF_LOG_WARN);
    assert_true(kf_logfwd_push(&f, "\x1b[0;31mE (1234) mqtt: connection refused\x1b[0m\n", 1234));
    assert_true(kf_logfwd_push(&f, "W (1300) kf.ota: retry in 1000 ms\n", 0));
    assert_false(kf_logfwd_push(&f, "I (1400) wifi: got ip\n", 0));
    assert_false(kf_logfwd_push(&f, "garbage without a level", 0));
    assert_false(kf_logfwd_push(&f, "W no-parens: x", 0));
    assert_false(kf_logfwd_push(&f, "W (12) no colon", 0));
    assert_false(kf_logfwd_push(&f, NULL, 0));
    kf_logline_t line;
    assert_true(kf_logfwd_pop(&f, &line));
    assert_int_equal(line.level, KF_LOG_ERROR);
    assert_int_equal(line.uptime_ms, 1234);
    assert_string_equal(line.tag, "mqtt");
    assert_string_equal(line.text, "connection refused");
    assert_true(kf_logfwd_pop(&f, &line));
    assert_string_equal(line.tag, "kf.ota");
    assert_false(kf_logfwd_pop(&f, &line));
    kf_logfwd_init(&f, KF_LOG_VERBOSE);
    assert_true(kf_logfwd_push(&f, "V (1) t: v", 0));
    assert_true(kf_logfwd_push(&f, "D (1) t: d", 0));
}

static void a_full_buffer_drops_the_oldest(void **state)
{
    (void)state;
    kf_logfwd_t f;
    kf_logfwd_init(&f, KF_LOG_INFO);
    char line[64];
    for (int i = 0; i < KF_LOGFWD_LINES + 3; i++) {
        snprintf(line, sizeof(line), "I (%d) t: line %d", i, i);
        assert_true(kf_logfwd_push(&f, line, 0));
    }
    assert_int_equal(f.dropped, 3);
    kf_logline_t out;
    assert_true(kf_logfwd_pop(&f, &out));
    assert_string_equal(out.text, "line 3");
    char long_line[400];
    memset(long_line, 'x', sizeof(long_line));
    memcpy(long_line, "E (1) a-very-long-tag-name-that-goes-on: ", 41);
    long_line[sizeof(long_line) - 1] = '\0';
    kf_logfwd_init(&f, KF_LOG_INFO);
    assert_true(kf_logfwd_push(&f, long_line, 0));
    assert_true(kf_logfwd_pop(&f, &out));
    assert_int_equal(strlen(out.tag), KF_LOGFWD_TAG_MAX - 1);
    assert_true(strlen(out.text) < KF_LOGFWD_TEXT_MAX);
}

static void level_names(void **state)
{
    (void)state;
    kf_log_level_t l;
    assert_int_equal(kf_log_level_parse("Warn", &l), KF_OK);
    assert_int_equal(l, KF_LOG_WARN);
    assert_int_equal(kf_log_level_parse("none", &l), KF_OK);
    assert_int_equal(l, KF_LOG_NONE);
    assert_int_equal(kf_log_level_parse("warning", &l), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_log_level_parse(NULL, &l), KF_ERR_INVALID_ARG);
    assert_string_equal(kf_log_level_name(KF_LOG_VERBOSE), "verbose");
    assert_string_equal(kf_log_level_name((kf_log_level_t)9), "unknown");
    assert_string_equal(kf_err_name(KF_ERR_VERIFY), "verification-failed");
    assert_string_equal(kf_err_name((kf_err_t)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(button_fires_once_per_long_press),
        cmocka_unit_test(keeps_lines_at_or_above_the_level),
        cmocka_unit_test(a_full_buffer_drops_the_oldest),
        cmocka_unit_test(level_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
