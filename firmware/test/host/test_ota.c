/* The OTA state machine against a simulated device and HTTP server: every outcome the protocol names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ota_fixture.h"

static int setup(void **state)
{
    ota_fixture_t *f = malloc(sizeof(*f));
    ota_fixture_setup(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    ota_fixture_teardown(*state);
    free(*state);
    return 0;
}

static void assert_not_switched(ota_fixture_t *f)
{
    sim_boot(&f->dev);
    assert_string_equal(sim_running_version(&f->dev), OLD_VERSION);
    assert_int_equal(mem_kv_count(&f->dev.record), 0); /* no record left behind */
    ota_fixture_start(f);
}

static void update_downloads_verifies_switches_and_confirms(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    ota_fixture_send(f, cmd);
    assert_true(kf_ota_busy(&f->ota));
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    assert_int_equal(sim_run_download(&f->ota, &server, &f->now), KF_OTA_STEP_RESTART);
    assert_int_equal(server.requests, 1);
    assert_true(sim_count(&f->dev, "/ota/progress", "\"downloading\"") >= 3);
    assert_int_equal(sim_count(&f->dev, "/ota/progress", "\"verifying\""), 1);
    assert_int_equal(sim_count(&f->dev, "/ota/progress", "\"rebooting\""), 1);
    assert_int_equal(sim_count(&f->dev, "/ota/result", NULL), 0);
    assert_string_equal(mem_kv_str(&f->dev.record, KF_OTA_REC_PHASE), "activated");

    sim_boot(&f->dev); /* the restart */
    assert_string_equal(sim_running_version(&f->dev), NEW_VERSION);
    assert_int_equal(f->dev.running_state, KF_IMAGE_PENDING_VERIFY);
    ota_fixture_start(f);
    assert_false(f->ota.confirmed);
    assert_string_equal(kf_ota_image_state(&f->ota), "pending-verify");
    assert_true(kf_ota_confirm(&f->ota)); /* reached the broker, status sent */
    assert_int_equal(f->dev.running_state, KF_IMAGE_VALID);
    assert_string_equal(kf_ota_image_state(&f->ota), "valid");
    assert_int_equal(sim_count(&f->dev, "/ota/progress", "\"pending-verify\""), 1);
    assert_int_equal(sim_count(&f->dev, "/ota/result", NULL), 0); /* only after the next status */
    kf_ota_report(&f->ota);
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"success\""), 1);
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"version\":\"" NEW_VERSION "\""), 1);
    assert_int_equal(mem_kv_count(&f->dev.record), 0);
    assert_false(kf_ota_confirm(&f->ota)); /* a reconnect does not report again */
    kf_ota_report(&f->ota);
    assert_int_equal(sim_count(&f->dev, "/ota/result", NULL), 1);
    sim_boot(&f->dev); /* and it stays */
    assert_string_equal(sim_running_version(&f->dev), NEW_VERSION);
}

static void interrupted_transfers_resume_with_range(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    ota_fixture_send(f, cmd);
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    server.drop_after = 20000;
    server.chunk = 1500;
    uint64_t start = f->now;
    assert_int_equal(sim_run_download(&f->ota, &server, &f->now), KF_OTA_STEP_RESTART);
    assert_int_equal(server.requests, 4); /* 65659 bytes in 20000-byte pieces */
    assert_true(f->now - start >= 500 + 1000 + 2000); /* backoff between attempts */
    sim_boot(&f->dev);
    assert_string_equal(sim_running_version(&f->dev), NEW_VERSION);
}

static void server_without_range_support_starts_over(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    ota_fixture_send(f, cmd);
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    server.ranges = false;
    server.drop_after = 30000;
    server.drop_only_first = true;
    assert_int_equal(sim_run_download(&f->ota, &server, &f->now), KF_OTA_STEP_RESTART);
    assert_int_equal(server.requests, 3); /* cut, a 200 instead of 206 (start over), then whole */
    sim_boot(&f->dev);
    assert_string_equal(sim_running_version(&f->dev), NEW_VERSION);
}

static void run_failure(ota_fixture_t *f, const char *cmd, sim_server_t *server, const char *reason)
{
    ota_fixture_send(f, cmd);
    assert_int_equal(sim_run_download(&f->ota, server, &f->now), KF_OTA_STEP_IDLE);
    assert_false(kf_ota_busy(&f->ota));
    if (sim_count(&f->dev, "/ota/result", reason) != 1) {
        fail_msg("expected one result with %s; got %zu messages, last %s", reason, f->dev.published_count,
                 f->dev.published_count > 0 ? f->dev.published[f->dev.published_count - 1].payload : "-");
    }
    assert_int_equal(sim_count(&f->dev, "/ota/progress", "\"rebooting\""), 0);
    assert_not_switched(f);
}

static void wrong_sha256_is_refused_before_switching(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    char sha[65];
    strcpy(sha, f->sha_hex);
    sha[0] = sha[0] == '0' ? '1' : '0';
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, sha, NULL, -1);
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    run_failure(f, cmd, &server, "\"sha256-mismatch\"");
}

static void foreign_signature_is_refused_before_switching(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, f->other_sig_b64, -1);
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    run_failure(f, cmd, &server, "\"signature-invalid\"");
}

static void size_mismatches_are_refused(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    sim_server_t server;
    ota_fixture_command(f, cmd, sizeof(cmd), OTA_ID(2), NULL, NULL, -1);
    sim_server_init(&server, f->app, f->app_len);
    server.content_length = 1234;
    run_failure(f, cmd, &server, "\"size-mismatch\"");

    f->dev.published_count = 0;
    ota_fixture_command(f, cmd, sizeof(cmd), OTA_ID(3), NULL, NULL, (long)f->app_len - 100);
    sim_server_init(&server, f->app, f->app_len);
    server.content_length = -1; /* unknown: the extra bytes give it away */
    run_failure(f, cmd, &server, "\"size-mismatch\"");

    f->dev.published_count = 0;
    ota_fixture_command(f, cmd, sizeof(cmd), OTA_ID(4), NULL, NULL, (long)f->app_len + 100);
    sim_server_init(&server, f->app, f->app_len);
    server.content_length = -1; /* the server closes early each time */
    run_failure(f, cmd, &server, "\"download-failed\"");
    assert_int_equal(server.requests, 5);

    f->dev.published_count = 0;
    ota_fixture_command(f, cmd, sizeof(cmd), OTA_ID(5), NULL, NULL, -1);
    sim_server_init(&server, f->app, f->app_len);
    server.status = 416;
    run_failure(f, cmd, &server, "\"size-mismatch\"");

    f->dev.published_count = 0;
    ota_fixture_command(f, cmd, sizeof(cmd), OTA_ID(6), NULL, NULL, SLOT_CAP + 1);
    ota_fixture_send(f, cmd);
    assert_false(kf_ota_busy(&f->ota)); /* refused at once: bigger than the slot */
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"no-space\""), 1);
}

static void http_errors_fail_or_retry(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    sim_server_t server;
    ota_fixture_command(f, cmd, sizeof(cmd), OTA_ID(2), NULL, NULL, -1);
    sim_server_init(&server, f->app, f->app_len);
    server.status = 404;
    run_failure(f, cmd, &server, "HTTP 404");
    assert_int_equal(server.requests, 1); /* not retried */

    f->dev.published_count = 0;
    ota_fixture_command(f, cmd, sizeof(cmd), OTA_ID(3), NULL, NULL, -1);
    sim_server_init(&server, f->app, f->app_len);
    server.status = 503;
    run_failure(f, cmd, &server, "\"download-failed\"");
    assert_int_equal(server.requests, 5); /* max_attempts */
}

static void image_the_platform_rejects_is_not_activated(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    f->dev.reject_images = true;
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    run_failure(f, cmd, &server, "\"invalid-image\"");
}

static void second_command_while_busy(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), OTA_ID(1), NULL, NULL, -1);
    ota_fixture_send(f, cmd);
    ota_fixture_send(f, cmd); /* the same id again: the latest progress is re-sent */
    assert_int_equal(sim_count(&f->dev, "/ota/progress", "\"downloading\""), 1);
    assert_int_equal(sim_count(&f->dev, "/ota/result", NULL), 0);
    char other[512];
    ota_fixture_command(f, other, sizeof(other), OTA_ID(2), NULL, NULL, -1);
    ota_fixture_send(f, other);
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"busy\""), 1);
    assert_int_equal(sim_count(&f->dev, "/ota/result", OTA_ID(2)), 1);
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    assert_int_equal(sim_run_download(&f->ota, &server, &f->now), KF_OTA_STEP_RESTART);
    ota_fixture_send(f, other); /* still busy until the restart */
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"busy\""), 2);
    ota_fixture_send(f, cmd);
    assert_int_equal(sim_count(&f->dev, "/ota/progress", "\"rebooting\""), 2);
}

static void refusals_without_download(void **state)
{
    ota_fixture_t *f = *state;
    const char *bad = "{\"id\":\"" OTA_ID(7) "\",\"version\":\"1.5.0\",\"url\":\"ftp://insecure/app.bin\"}";
    ota_fixture_send(f, bad);
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"invalid-command\""), 1);
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"version\":\"" OLD_VERSION "\""), 1);
    assert_false(kf_ota_busy(&f->ota));
    const char *unreadable = "{\"id\":\"nope\"}";
    ota_fixture_send(f, unreadable);
    assert_int_equal(sim_count(&f->dev, "/ota/result", NULL), 1); /* nothing to report it against */

    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    f->ota.env.pubkey = NULL;
    ota_fixture_send(f, cmd);
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"no-key\""), 1);
    assert_false(kf_ota_busy(&f->ota));
    assert_int_equal(mem_kv_count(&f->dev.record), 0);
}

static void plain_http_only_when_allowed(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    char *https = strstr(cmd, "https://");
    memmove(https + 4, https + 5, strlen(https + 5) + 1); /* https -> http */
    ota_fixture_send(f, cmd);
    assert_int_equal(sim_count(&f->dev, "/ota/result", "CONFIG_KUBEFLASH_OTA_ALLOW_HTTP"), 1);
    assert_false(kf_ota_busy(&f->ota));
    f->ota.env.allow_http = true;
    ota_fixture_send(f, cmd);
    assert_true(kf_ota_busy(&f->ota));
}

static void running_version_is_reported_as_done(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    char *v = strstr(cmd, NEW_VERSION);
    memcpy(v, OLD_VERSION, strlen(OLD_VERSION));
    ota_fixture_send(f, cmd);
    assert_false(kf_ota_busy(&f->ota));
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"success\""), 1);
}

static void download_that_takes_too_long_times_out(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    f->ota.env.timeout_ms = 3000;
    f->ota.env.max_attempts = 100;
    ota_fixture_send(f, cmd);
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    server.status = 503;
    run_failure(f, cmd, &server, "\"timeout\"");
}

static void unconfirmed_image_is_rolled_back_and_reported(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    ota_fixture_send(f, cmd);
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    assert_int_equal(sim_run_download(&f->ota, &server, &f->now), KF_OTA_STEP_RESTART);
    sim_boot(&f->dev);
    ota_fixture_start(f);
    f->dev.connected = false; /* the new image never reaches the broker */
    kf_ota_tick(&f->ota, 299999);
    assert_false(f->dev.restart_requested);
    kf_ota_tick(&f->ota, 300000);
    assert_true(f->dev.restart_requested);
    sim_boot(&f->dev);
    assert_string_equal(sim_running_version(&f->dev), OLD_VERSION);
    ota_fixture_start(f);
    assert_false(kf_ota_confirm(&f->ota)); /* the old image is valid already */
    kf_ota_report(&f->ota);
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"rollback\""), 1);
    assert_int_equal(mem_kv_count(&f->dev.record), 0);
}

static void restart_while_pending_rolls_back(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    ota_fixture_send(f, cmd);
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    assert_int_equal(sim_run_download(&f->ota, &server, &f->now), KF_OTA_STEP_RESTART);
    sim_boot(&f->dev); /* new image, pending */
    sim_boot(&f->dev); /* crashed before confirming: the bootloader aborts it */
    assert_string_equal(sim_running_version(&f->dev), OLD_VERSION);
    ota_fixture_start(f);
    kf_ota_confirm(&f->ota);
    kf_ota_report(&f->ota);
    assert_int_equal(sim_count(&f->dev, "/ota/result", "\"rollback\""), 1);
}

static void restart_during_the_download_is_not_reported(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    ota_fixture_send(f, cmd);
    assert_int_equal(kf_ota_poll(&f->ota, f->now).kind, KF_OTA_STEP_FETCH);
    assert_int_equal(kf_ota_response(&f->ota, 200, (int64_t)f->app_len, -1, f->now), KF_OK);
    assert_int_equal(kf_ota_data(&f->ota, f->app, 1000, f->now), KF_OK);
    sim_boot(&f->dev); /* power loss */
    ota_fixture_start(f);
    kf_ota_confirm(&f->ota);
    kf_ota_report(&f->ota);
    assert_int_equal(sim_count(&f->dev, "/ota/result", NULL), 0); /* the operator times out and retries */
    assert_int_equal(mem_kv_count(&f->dev.record), 0);
}

static void factory_reset_cancels_a_download(void **state)
{
    ota_fixture_t *f = *state;
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    ota_fixture_send(f, cmd);
    kf_ota_step_t step = kf_ota_poll(&f->ota, f->now);
    assert_int_equal(step.kind, KF_OTA_STEP_FETCH);
    kf_ota_cancel(&f->ota, "device is being factory reset");
    assert_false(kf_ota_busy(&f->ota));
    assert_int_equal(sim_count(&f->dev, "/ota/result", "factory reset"), 1);
    assert_int_equal(kf_ota_poll(&f->ota, f->now).kind, KF_OTA_STEP_IDLE);
    assert_int_equal(kf_ota_data(&f->ota, "x", 1, f->now), KF_ERR_STATE);
    assert_int_equal(kf_ota_response(&f->ota, 200, 1, -1, f->now), KF_ERR_STATE);
    kf_ota_transfer_end(&f->ota, true, NULL, f->now);
    assert_not_switched(f);
}

static void init_checks_its_environment(void **state)
{
    ota_fixture_t *f = *state;
    kf_ota_t ota;
    kf_ota_env_t env = f->ota.env;
    env.topic_root = NULL;
    assert_int_equal(kf_ota_init(&ota, &env), KF_ERR_INVALID_ARG);
    env = f->ota.env;
    env.slots.activate = NULL;
    assert_int_equal(kf_ota_init(&ota, &env), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_ota_init(NULL, &env), KF_ERR_INVALID_ARG);
    env = f->ota.env;
    env.max_attempts = 0;
    assert_int_equal(kf_ota_init(&ota, &env), KF_OK);
    assert_int_equal(ota.env.max_attempts, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(update_downloads_verifies_switches_and_confirms, setup, teardown),
        cmocka_unit_test_setup_teardown(interrupted_transfers_resume_with_range, setup, teardown),
        cmocka_unit_test_setup_teardown(server_without_range_support_starts_over, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_sha256_is_refused_before_switching, setup, teardown),
        cmocka_unit_test_setup_teardown(foreign_signature_is_refused_before_switching, setup, teardown),
        cmocka_unit_test_setup_teardown(size_mismatches_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(http_errors_fail_or_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(image_the_platform_rejects_is_not_activated, setup, teardown),
        cmocka_unit_test_setup_teardown(second_command_while_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals_without_download, setup, teardown),
        cmocka_unit_test_setup_teardown(plain_http_only_when_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(running_version_is_reported_as_done, setup, teardown),
        cmocka_unit_test_setup_teardown(download_that_takes_too_long_times_out, setup, teardown),
        cmocka_unit_test_setup_teardown(unconfirmed_image_is_rolled_back_and_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(restart_while_pending_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(restart_during_the_download_is_not_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(factory_reset_cancels_a_download, setup, teardown),
        cmocka_unit_test_setup_teardown(init_checks_its_environment, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
