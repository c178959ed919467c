/* Exponential backoff with equal jitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kf_backoff.h"
#include "test_support.h"

static void delays_double_up_to_the_cap_with_jitter_in_the_upper_half(void **state)
{
    (void)state;
    test_random_seed(42);
    for (int run = 0; run < 200; run++) {
        kf_backoff_t b;
        kf_backoff_init(&b, 1000, 60000);
        uint32_t step = 1000;
        for (int i = 0; i < 12; i++) {
            uint32_t d = kf_backoff_next(&b);
            assert_in_range(d, step / 2, step);
            step = step * 2 > 60000 ? 60000 : step * 2;
        }
    }
}

static void jitter_spreads_a_fleet(void **state)
{
    (void)state;
    test_random_seed(7);
    uint32_t lo = UINT32_MAX, hi = 0;
    for (int device = 0; device < 500; device++) {
        kf_backoff_t b;
        kf_backoff_init(&b, 8000, 8000);
        uint32_t d = kf_backoff_next(&b);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_true(lo < 4400); /* near the bottom of [4000, 8000] */
    assert_true(hi > 7600); /* and near the top */
}

static void success_resets_and_inputs_are_sane(void **state)
{
    (void)state;
    kf_backoff_t b;
    kf_backoff_init(&b, 100, 10);
    assert_int_equal(b.cap_ms, 100);
    kf_backoff_init(&b, 0, 0);
    assert_int_equal(b.base_ms, 1);
    assert_in_range(kf_backoff_next(&b), 0, 1);
    kf_backoff_init(&b, 100, 100000);
    for (int i = 0; i < 5; i++) {
        kf_backoff_next(&b);
    }
    assert_int_equal(b.attempts, 5);
    kf_backoff_reset(&b);
    assert_int_equal(b.attempts, 0);
    assert_in_range(kf_backoff_next(&b), 50, 100);
    b.attempts = UINT32_MAX;
    assert_in_range(kf_backoff_next(&b), 50000, 100000);
    assert_int_equal(b.attempts, UINT32_MAX);
    assert_int_equal(kf_backoff_next(NULL), 0);
    kf_backoff_init(NULL, 1, 1);
    kf_backoff_reset(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(delays_double_up_to_the_cap_with_jitter_in_the_upper_half),
        cmocka_unit_test(jitter_spreads_a_fleet),
        cmocka_unit_test(success_resets_and_inputs_are_sane),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
