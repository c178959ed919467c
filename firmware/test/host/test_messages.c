/* Protocol messages: reading cmd/ota, and builders that never emit a message breaking the contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cJSON.h"

#include "kf_messages.h"
#include "test_support.h"

#define ID "0b7c3a52-2c1e-4f7e-9a3d-5a1f0e2b9c11/1"
#define SHA "314715839c882431fe160e820a6db689873b2b63a8db54b6ef7bf78b64f903d8"
#define SIG "MEQCICMG/+OKrgR+zHH7cNTO13cOu+Yky0b1A5G91cLFqIAaAiAjYJxs4JTcIrHzHDcFdlCBvpbrmZVcSiWjkPyebSiUuw=="

static const char *VALID = "{\"id\":\"" ID "\",\"version\":\"1.5.0\",\"url\":\"https://art.example/app.bin?sig=x\","
                           "\"size\":4096,\"sha256\":\"" SHA "\",\"signature\":\"" SIG "\"}";

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

static void reads_a_valid_ota_command(void **state)
{
    (void)state;
    kf_ota_request_t req;
    kf_verdict_t v = kf_msg_parse_ota(VALID, strlen(VALID), &req);
    assert_true(v.accepted);
    assert_true(v.id_readable);
    assert_string_equal(req.id, ID);
    assert_string_equal(req.version, "1.5.0");
    assert_string_equal(req.url, "https://art.example/app.bin?sig=x");
    assert_int_equal(req.size, 4096);
    assert_int_equal(req.sha256[0], 0x31);
    assert_int_equal(req.sha256[31], 0xd8);
    assert_int_equal(req.signature_len, 70);
    assert_int_equal(req.signature[0], 0x30);
}

static void a_rejected_command_keeps_a_readable_id(void **state)
{
    (void)state;
    kf_ota_request_t req;
    const char *bad = "{\"id\":\"" ID "\",\"version\":\"1.5.0\"}";
    kf_verdict_t v = kf_msg_parse_ota(bad, strlen(bad), &req);
    assert_false(v.accepted);
    assert_true(v.id_readable);
    assert_string_equal(req.id, ID);
    assert_string_equal(v.check.reason, "missing-field");
    assert_string_equal(v.check.field, "/url");
    const char *no_id = "{\"id\":\"x\",\"version\":\"1.5.0\"}";
    v = kf_msg_parse_ota(no_id, strlen(no_id), &req);
    assert_false(v.id_readable);
    v = kf_msg_parse_ota(NULL, 0, NULL);
    assert_false(v.accepted);
    assert_string_equal(v.check.reason, "empty-payload");
    const char *reboot = "{\"id\":\"5f0c6a1e-8a47-4c3e-9a51-0d1f2b3c4d5e\"}";
    v = kf_msg_check_command(KF_CH_CMD_REBOOT, "a.b", reboot, strlen(reboot));
    assert_true(v.accepted);
}

static void status_and_offline(void **state)
{
    (void)state;
    kf_status_t s = {.fw = "1.4.2", .project = "c3-sensor", .idf = "v5.5.5", .chip = "esp32c3",
                     .mac = "a4:cf:12:00:00:01", .ip = "192.168.1.20", .has_rssi = true, .rssi = -61, .uptime_s = 123,
                     .reset_reason = "poweron", .image_state = "valid", .partition = "ota_0", .ts = 1700000000};
    char *t = kf_msg_status(&s);
    assert_json_equal(t, "{\"state\":\"online\",\"fw\":\"1.4.2\",\"project\":\"c3-sensor\",\"idf\":\"v5.5.5\","
                         "\"chip\":\"esp32c3\",\"mac\":\"a4:cf:12:00:00:01\",\"ip\":\"192.168.1.20\",\"rssi\":-61,"
                         "\"uptime\":123,\"resetReason\":\"poweron\",\"imageState\":\"valid\",\"partition\":\"ota_0\","
                         "\"ts\":1700000000}");
    kf_message_free(t);
    s.ts = 1000; /* clock not synchronised: left out */
    t = kf_msg_status(&s);
    assert_null(strstr(t, "\"ts\""));
    kf_message_free(t);
    test_log_reset();
    s.ip = ""; /* not on a network: no valid status exists */
    assert_null(kf_msg_status(&s));
    assert_true(test_log_contains("would break the protocol"));
    s.ip = "192.168.1.20";
    s.mac = "A4:CF:12:00:00:01";
    assert_null(kf_msg_status(&s));
    assert_null(kf_msg_status(NULL));
    t = kf_msg_offline(NULL, 1700000000);
    assert_string_equal(t, "{\"state\":\"offline\"}"); /* the will has no time */
    kf_message_free(t);
    t = kf_msg_offline("ota", 1700000000);
    assert_json_equal(t, "{\"state\":\"offline\",\"reason\":\"ota\",\"ts\":1700000000}");
    kf_message_free(t);
    assert_null(kf_msg_offline("nap", 0));
}

static void progress_and_results(void **state)
{
    (void)state;
    char *t = kf_msg_ota_progress(ID, KF_OTA_PROGRESS_DOWNLOADING, 2048, 4096);
    assert_json_equal(t, "{\"id\":\"" ID "\",\"state\":\"downloading\",\"bytes\":2048,\"total\":4096}");
    kf_message_free(t);
    t = kf_msg_ota_progress(ID, KF_OTA_PROGRESS_PENDING_VERIFY, 2048, 4096);
    assert_json_equal(t, "{\"id\":\"" ID "\",\"state\":\"pending-verify\"}");
    kf_message_free(t);
    assert_null(kf_msg_ota_progress(ID, KF_OTA_PROGRESS_DOWNLOADING, 5000, 4096));
    assert_null(kf_msg_ota_progress("not-an-id", KF_OTA_PROGRESS_VERIFYING, 0, 0));
    t = kf_msg_ota_result(ID, KF_OTA_REASON_NONE, "1.5.0", NULL);
    assert_json_equal(t, "{\"id\":\"" ID "\",\"result\":\"success\",\"version\":\"1.5.0\"}");
    kf_message_free(t);
    assert_null(kf_msg_ota_result(ID, KF_OTA_REASON_NONE, NULL, NULL)); /* success needs the version */
    char detail[400];
    memset(detail, 'x', sizeof(detail) - 1);
    detail[sizeof(detail) - 1] = '\0';
    detail[3] = '\n';
    t = kf_msg_ota_result(ID, KF_OTA_REASON_SIGNATURE_INVALID, "1.4.2", detail);
    assert_non_null(t);
    cJSON *o = cJSON_Parse(t);
    assert_int_equal(strlen(cJSON_GetObjectItem(o, "detail")->valuestring), 256);
    assert_int_equal(cJSON_GetObjectItem(o, "detail")->valuestring[3], ' ');
    assert_string_equal(cJSON_GetObjectItem(o, "reason")->valuestring, "signature-invalid");
    cJSON_Delete(o);
    kf_message_free(t);
    const char *names[] = {"invalid-command", "busy", "no-key", "no-space", "download-failed", "timeout",
                           "size-mismatch", "sha256-mismatch", "signature-invalid", "invalid-image", "flash-error",
                           "rollback"};
    for (int i = 1; i <= KF_OTA_REASON_ROLLBACK; i++) {
        assert_string_equal(kf_ota_reason_name((kf_ota_reason_t)i), names[i - 1]);
    }
    assert_null(kf_ota_reason_name(KF_OTA_REASON_NONE));
}

static void telemetry_and_logs(void **state)
{
    (void)state;
    kf_reading_t r[] = {{.name = "temperature_c", .number = -3.25}, {.name = "door_open", .is_bool = true},
                        {.name = "nan_is_dropped", .number = 0.0 / 0.0}, {.name = NULL}};
    char *t = kf_msg_telemetry(1700000000, r, 4);
    assert_json_equal(t, "{\"ts\":1700000000,\"values\":{\"temperature_c\":-3.25,\"door_open\":false}}");
    kf_message_free(t);
    assert_null(kf_msg_telemetry(0, NULL, 0)); /* at least one reading */
    kf_reading_t bad = {.name = "Temperature", .number = 1};
    assert_null(kf_msg_telemetry(0, &bad, 1));

    t = kf_msg_log("warn", "kf.ota", "tab\tnew\nline \x1b[0m colour \x07 bell", 51234, 0);
    assert_json_equal(t, "{\"level\":\"warn\",\"tag\":\"kf.ota\",\"msg\":\"tab\\tnew\\nline  [0m colour   bell\","
                         "\"uptimeMs\":51234}");
    kf_message_free(t);
    t = kf_msg_log("error", "bad tag", "x", 1, 1700000000);
    assert_json_equal(t, "{\"level\":\"error\",\"tag\":\"?\",\"msg\":\"x\",\"uptimeMs\":1,\"ts\":1700000000}");
    kf_message_free(t);
    char big[1500];
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memcpy(big + 1022, "\xc3\xa9\xc3\xa9", 4); /* a two-byte character straddles the 1024-character cut */
    t = kf_msg_log("info", "t", big, 0, 0);
    cJSON *o = cJSON_Parse(t);
    const char *msg = cJSON_GetObjectItem(o, "msg")->valuestring;
    assert_int_equal(strlen(msg), 1022 + 4);
    cJSON_Delete(o);
    kf_message_free(t);
    assert_null(kf_msg_log("loud", "t", "x", 0, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_a_valid_ota_command),
        cmocka_unit_test(a_rejected_command_keeps_a_readable_id),
        cmocka_unit_test(status_and_offline),
        cmocka_unit_test(progress_and_results),
        cmocka_unit_test(telemetry_and_logs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
