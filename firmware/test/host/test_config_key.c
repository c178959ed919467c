#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kf_config_key.h"

static void accepts_names_of_1_to_15_key_chars(void **state)
{
    (void)state;
    assert_true(kf_config_key_is_valid("a"));
    assert_true(kf_config_key_is_valid("wifi_ssid"));
    assert_true(kf_config_key_is_valid("ABCDEFGHIJ_1234"));
}

static void rejects_empty_null_and_16_chars(void **state)
{
    (void)state;
    assert_false(kf_config_key_is_valid(NULL));
    assert_false(kf_config_key_is_valid(""));
    assert_false(kf_config_key_is_valid("ABCDEFGHIJ_12345"));
}

static void rejects_characters_outside_the_key_alphabet(void **state)
{
    (void)state;
    assert_false(kf_config_key_is_valid("wifi-ssid"));
    assert_false(kf_config_key_is_valid("sta.ssid"));
    assert_false(kf_config_key_is_valid("k\xc3\xa9y"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_names_of_1_to_15_key_chars),
        cmocka_unit_test(rejects_empty_null_and_16_chars),
        cmocka_unit_test(rejects_characters_outside_the_key_alphabet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
