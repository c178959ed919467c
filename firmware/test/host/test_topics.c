/* Topic rules: the device's root, the topics it publishes, the commands it accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kf_topics.h"

static void root_belongs_to_the_device(void **state)
{
    (void)state;
    assert_true(kf_topic_root_matches_device("home/devices/ns.dev", "ns.dev"));
    assert_true(kf_topic_root_matches_device("site-a/fleet_2/devices/ns.dev", "ns.dev"));
    assert_true(kf_topic_root_matches_device("a/devices/b/devices/ns.dev", "ns.dev"));
    assert_false(kf_topic_root_matches_device("home/devices/ns.dev2", "ns.dev"));
    assert_false(kf_topic_root_matches_device("home/devices/xns.dev", "ns.dev"));
    assert_false(kf_topic_root_matches_device("/devices/ns.dev", "ns.dev"));
    assert_false(kf_topic_root_matches_device("devices/ns.dev", "ns.dev"));
    assert_false(kf_topic_root_matches_device("home//devices/ns.dev", "ns.dev"));
    assert_false(kf_topic_root_matches_device("home/+/devices/ns.dev", "ns.dev"));
    assert_false(kf_topic_root_matches_device("home/device/ns.dev", "ns.dev"));
    assert_false(kf_topic_root_matches_device("home/devices/ns.dev", ""));
    assert_false(kf_topic_root_matches_device("home/devices/Ns.dev", "Ns.dev"));
    assert_false(kf_topic_root_matches_device(
        "a23456789012345678901234567890123456789012345678901234567890123456/devices/ns.dev", "ns.dev"));
    assert_false(kf_topic_root_matches_device(NULL, "ns.dev"));
}

static void builds_topics_under_the_root(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(kf_topic_build(buf, sizeof(buf), "home/devices/ns.dev", kf_channel_name(KF_CH_STATUS)), KF_OK);
    assert_string_equal(buf, "home/devices/ns.dev/status");
    assert_int_equal(kf_topic_build(buf, sizeof(buf), "home/devices/ns.dev", kf_channel_name(KF_CH_OTA_PROGRESS)), KF_OK);
    assert_string_equal(buf, "home/devices/ns.dev/ota/progress");
    assert_int_equal(kf_topic_build(buf, sizeof(buf), "home/devices/ns.dev", kf_channel_name(KF_CH_LOGS)), KF_OK);
    assert_string_equal(buf, "home/devices/ns.dev/logs");
    assert_int_equal(kf_topic_build(buf, sizeof(buf), "home/devices/ns.dev", KF_TOPIC_COMMANDS), KF_OK);
    assert_string_equal(buf, "home/devices/ns.dev/cmd/#");
    assert_int_equal(kf_topic_build(buf, 27, "home/devices/ns.dev", "status"), KF_OK);
    assert_int_equal(kf_topic_build(buf, 26, "home/devices/ns.dev", "status"), KF_ERR_TOO_LONG);
    assert_string_equal(buf, "");
    assert_int_equal(kf_topic_build(NULL, 10, "a", "b"), KF_ERR_INVALID_ARG);
}

static void accepts_commands_only_from_its_own_subtree(void **state)
{
    (void)state;
    const char *root = "home/devices/ns.dev";
    kf_channel_t ch;
#define PARSE(t) kf_topic_parse_command(root, t, strlen(t), &ch)
    assert_int_equal(PARSE("home/devices/ns.dev/cmd/ota"), KF_OK);
    assert_int_equal(ch, KF_CH_CMD_OTA);
    assert_int_equal(PARSE("home/devices/ns.dev/cmd/factory-reset"), KF_OK);
    assert_int_equal(ch, KF_CH_CMD_FACTORY_RESET);
    assert_int_equal(PARSE("home/devices/ns.dev/cmd/reboot"), KF_OK);
    assert_int_equal(ch, KF_CH_CMD_REBOOT);
    assert_int_equal(PARSE("home/devices/ns.dev/cmd/launch"), KF_ERR_NOT_FOUND);
    assert_int_equal(PARSE("home/devices/ns.dev/cmd/ota/x"), KF_ERR_NOT_FOUND);
    assert_int_equal(PARSE("home/devices/ns.dev/cmd/"), KF_ERR_NOT_FOUND);
    assert_int_equal(PARSE("home/devices/ns.dev/status"), KF_ERR_NOT_FOUND);
    assert_int_equal(PARSE("home/devices/ns.dev2/cmd/ota"), KF_ERR_NOT_FOUND);
    assert_int_equal(PARSE("home/devices/other/cmd/ota"), KF_ERR_NOT_FOUND);
    assert_int_equal(PARSE("home/devices/ns.dev"), KF_ERR_NOT_FOUND);
    /* esp-mqtt topics are not NUL-terminated: only topic_len counts */
    assert_int_equal(kf_topic_parse_command(root, "home/devices/ns.dev/cmd/otaXYZ", 27, &ch), KF_OK);
    assert_int_equal(ch, KF_CH_CMD_OTA);
    assert_int_equal(kf_topic_parse_command(NULL, "x", 1, &ch), KF_ERR_INVALID_ARG);
#undef PARSE
}

static void channel_table(void **state)
{
    (void)state;
    assert_int_equal(kf_channel_qos(KF_CH_STATUS), 1);
    assert_true(kf_channel_retained(KF_CH_STATUS));
    assert_int_equal(kf_channel_qos(KF_CH_TELEMETRY), 0);
    assert_false(kf_channel_retained(KF_CH_OTA_RESULT));
    assert_int_equal(kf_channel_qos(KF_CH_OTA_RESULT), 1);
    assert_int_equal(kf_channel_max_bytes(KF_CH_CMD_OTA), 2048);
    assert_string_equal(kf_channel_name(KF_CH_COUNT), "?");
    assert_int_equal(kf_channel_max_bytes(KF_CH_COUNT), 0);
    assert_string_equal(kf_kind_name(KF_KIND_CMD_FACTORY_RESET), "cmd-factory-reset");
    assert_true(kf_proto_topic_prefix_valid("site-a/fleet_2"));
    assert_false(kf_proto_topic_prefix_valid("site a"));
    assert_false(kf_proto_topic_prefix_valid("a/"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(root_belongs_to_the_device),
        cmocka_unit_test(builds_topics_under_the_root),
        cmocka_unit_test(accepts_commands_only_from_its_own_subtree),
        cmocka_unit_test(channel_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
