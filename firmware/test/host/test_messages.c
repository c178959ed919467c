/* Protocol messages: the cmd/ota verdicts and the JSON the device sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cJSON.h"

#include "kf_messages.h"

#define SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SIG "MEUCIQDuYdKpXrA0vDTkzMg7c7qVGGNqjDEzRFgNqjCHrBz5wgIgNqJ8r+J5C5i0c0B8E3GqCuGu0mYD0eZVIlvXjzMm0Fw="

static const char *VALID = "{\"id\":\"roll-1/3\",\"version\":\"1.5.0\",\"url\":\"https://art.example/app.bin?sig=x\","
                           "\"size\":912384,\"sha256\":\"" SHA "\",\"signature\":\"" SIG "\"}";

static void assert_json_equal(const char *actual, const char *expected)
{
    cJSON *a = cJSON_Parse(actual);
    cJSON *e = cJSON_Parse(expected);
    assert_non_null(a);
    assert_non_null(e);
    if (!cJSON_Compare(a, e, true)) {
        fail_msg("JSON differs:\n  actual   %s\n  expected %s", actual, expected);
    }
    cJSON_Delete(a);
    cJSON_Delete(e);
}

static void accepts_a_complete_ota_command(void **state)
{
    (void)state;
    kf_ota_request_t req;
    kf_verdict_t v = kf_msg_parse_ota(VALID, strlen(VALID), &req);
    assert_true(v.accepted);
    assert_string_equal(req.id, "roll-1/3");
    assert_string_equal(req.version, "1.5.0");
    assert_string_equal(req.url, "https://art.example/app.bin?sig=x");
    assert_int_equal(req.size, 912384);
    assert_int_equal(req.sha256[0], 0x9f);
    assert_int_equal(req.sha256[31], 0x08);
    assert_int_equal(req.signature_len, 71);
    assert_int_equal(req.signature[0], 0x30);
}

typedef struct {
    const char *payload;
    const char *field;
} bad_case_t;

static void rejects_each_bad_field_by_name(void **state)
{
    (void)state;
    static const bad_case_t CASES[] = {
        {"", ""},
        {"not json", ""},
        {"[1,2]", ""},
        {"{\"version\":\"1\",\"url\":\"https://a\",\"size\":1,\"sha256\":\"" SHA "\",\"signature\":\"" SIG "\"}", "id"},
        {"{\"id\":\"\",\"version\":\"1\"}", "id"},
        {"{\"id\":7}", "id"},
        {"{\"id\":\"a\",\"url\":\"https://a\"}", "version"},
        {"{\"id\":\"a\",\"version\":\"12345678901234567890123456789012\"}", "version"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"http://a/app.bin\"}", "url"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"https://\"}", "url"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"https://a b\"}", "url"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"https://a\",\"size\":0}", "size"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"https://a\",\"size\":1.5}", "size"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"https://a\",\"size\":\"12\"}", "size"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"https://a\",\"size\":4294967296}", "size"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"https://a\",\"size\":1,\"sha256\":\"abc\"}", "sha256"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"https://a\",\"size\":1,\"sha256\":\"" SHA "\"}", "signature"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"https://a\",\"size\":1,\"sha256\":\"" SHA "\",\"signature\":\"!!\"}",
         "signature"},
        {"{\"id\":\"a\",\"version\":\"1\",\"url\":\"https://a\",\"size\":1,\"sha256\":\"" SHA "\",\"signature\":\"AAAA\"}",
         "signature"},
    };
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        kf_ota_request_t req;
        kf_verdict_t v = kf_msg_parse_ota(CASES[i].payload, strlen(CASES[i].payload), &req);
        if (v.accepted || strcmp(v.field, CASES[i].field) != 0 || v.reason != KF_OTA_REASON_INVALID_COMMAND) {
            fail_msg("case %zu (%s): accepted=%d field '%s'", i, CASES[i].payload, v.accepted, v.field);
        }
    }
    kf_ota_request_t req;
    const char *with_id = "{\"id\":\"keep-me\",\"version\":7}";
    kf_verdict_t v = kf_msg_parse_ota(with_id, strlen(with_id), &req);
    assert_false(v.accepted);
    assert_string_equal(req.id, "keep-me"); /* so the rejection can be reported against it */
    assert_false(kf_msg_parse_ota(VALID, strlen(VALID), NULL).accepted);
}

static void ignores_unknown_fields_and_honours_the_length(void **state)
{
    (void)state;
    char payload[1024];
    snprintf(payload, sizeof(payload), "{\"extra\":{\"a\":[1]},%s", VALID + 1);
    kf_ota_request_t req;
    assert_true(kf_msg_parse_ota(payload, strlen(payload), &req).accepted);
    assert_false(kf_msg_parse_ota(VALID, strlen(VALID) - 1, &req).accepted); /* cut short: not JSON */
}

static void serializes_status_and_lwt(void **state)
{
    (void)state;
    kf_status_t s = {.online = true, .fw = "1.4.2", .project = "c3-sensor", .mac = "a4:cf:12:00:00:01",
                     .ip = "192.168.1.20", .has_rssi = true, .rssi = -61, .uptime_s = 123,
                     .reset_reason = "poweron", .ts = 1700000000};
    char *text = kf_msg_status(&s);
    assert_json_equal(text, "{\"state\":\"online\",\"fw\":\"1.4.2\",\"project\":\"c3-sensor\",\"mac\":\"a4:cf:12:00:00:01\","
                            "\"ip\":\"192.168.1.20\",\"rssi\":-61,\"uptime\":123,\"resetReason\":\"poweron\","
                            "\"ts\":1700000000}");
    kf_message_free(text);
    kf_status_t bare = {.online = true, .uptime_s = 5};
    text = kf_msg_status(&bare);
    assert_json_equal(text, "{\"state\":\"online\",\"uptime\":5}");
    kf_message_free(text);
    assert_null(kf_msg_status(NULL));
    text = kf_msg_lwt();
    assert_string_equal(text, "{\"state\":\"offline\"}");
    kf_message_free(text);
}

static void serializes_ota_progress_and_results(void **state)
{
    (void)state;
    char *t = kf_msg_ota_progress("r/1", KF_OTA_PROGRESS_DOWNLOADING, 524288, 912384);
    assert_json_equal(t, "{\"id\":\"r/1\",\"state\":\"downloading\",\"bytes\":524288,\"total\":912384}");
    kf_message_free(t);
    t = kf_msg_ota_progress("r/1", KF_OTA_PROGRESS_VERIFYING, 912384, 912384);
    assert_json_equal(t, "{\"id\":\"r/1\",\"state\":\"verifying\",\"bytes\":912384,\"total\":912384}");
    kf_message_free(t);
    t = kf_msg_ota_progress("r/1", KF_OTA_PROGRESS_REBOOTING, 912384, 912384);
    assert_json_equal(t, "{\"id\":\"r/1\",\"state\":\"rebooting\",\"bytes\":912384,\"total\":912384}");
    kf_message_free(t);
    t = kf_msg_ota_success("r/1", "1.5.0");
    assert_json_equal(t, "{\"id\":\"r/1\",\"result\":\"success\",\"version\":\"1.5.0\"}");
    kf_message_free(t);
    t = kf_msg_ota_failure("r/1", KF_OTA_REASON_SIGNATURE_INVALID, "bad");
    assert_json_equal(t, "{\"id\":\"r/1\",\"result\":\"failed\",\"reason\":\"signature-invalid\",\"detail\":\"bad\"}");
    kf_message_free(t);
    t = kf_msg_ota_failure(NULL, KF_OTA_REASON_BUSY, NULL);
    assert_json_equal(t, "{\"id\":\"\",\"result\":\"failed\",\"reason\":\"busy\"}");
    kf_message_free(t);
    const kf_ota_reason_t all[] = {KF_OTA_REASON_DOWNLOAD_FAILED, KF_OTA_REASON_SIZE_MISMATCH,
                                   KF_OTA_REASON_SHA256_MISMATCH, KF_OTA_REASON_ROLLBACK, KF_OTA_REASON_TIMEOUT};
    const char *names[] = {"download-failed", "size-mismatch", "sha256-mismatch", "rollback", "timeout"};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(kf_ota_reason_name(all[i]), names[i]);
    }
    assert_null(kf_ota_reason_name(KF_OTA_REASON_NONE));
}

static void serializes_telemetry_and_logs(void **state)
{
    (void)state;
    kf_reading_t r[] = {{"temperature", 21.5}, {"humidity", 40}, {NULL, 1}};
    char *t = kf_msg_telemetry(1700000000, r, 3);
    assert_json_equal(t, "{\"ts\":1700000000,\"values\":{\"temperature\":21.5,\"humidity\":40}}");
    kf_message_free(t);
    t = kf_msg_telemetry(0, NULL, 0);
    assert_json_equal(t, "{\"values\":{}}");
    kf_message_free(t);
    t = kf_msg_log(1700000000, "warn", "kf.ota", "quote \" and newline \n");
    assert_json_equal(t, "{\"ts\":1700000000,\"level\":\"warn\",\"tag\":\"kf.ota\",\"msg\":\"quote \\\" and newline \\n\"}");
    kf_message_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_a_complete_ota_command),
        cmocka_unit_test(rejects_each_bad_field_by_name),
        cmocka_unit_test(ignores_unknown_fields_and_honours_the_length),
        cmocka_unit_test(serializes_status_and_lwt),
        cmocka_unit_test(serializes_ota_progress_and_results),
        cmocka_unit_test(serializes_telemetry_and_logs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
