/* The device's MQTT side: status, the will's topic, commands, telemetry, log forwarding, update confirmation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kf_device.h"
#include "ota_fixture.h"

#define DEVICE "kubeflash-demo.garage-temp-1"
#define REBOOT "{\"id\":\"5f0c6a1e-8a47-4c3e-9a51-0d1f2b3c4d5e\"}"
#define RESET "{\"id\":\"9a3e1c07-77d2-4f0b-8c1e-2b9f6d4a0e53\",\"confirm\":\"" DEVICE "\"}"

typedef struct {
    ota_fixture_t f;
    kf_device_t dev;
    kf_logfwd_t logs;
    int readings_calls;
} ctx_t;

static size_t readings(void *arg, kf_reading_t *out, size_t cap)
{
    ctx_t *c = arg;
    c->readings_calls++;
    assert_true(cap >= 2);
    out[0] = (kf_reading_t){.name = "uptime_s", .number = 12};
    out[1] = (kf_reading_t){.name = "heap_free_bytes", .number = 123456};
    return 2;
}

static void start_device(ctx_t *c)
{
    kf_device_env_t env = {
        .cfg = &c->f.cfg,
        .transport = sim_transport(&c->f.dev),
        .ota = &c->f.ota,
        .logs = &c->logs,
        .fw_version = sim_running_version(&c->f.dev),
        .project = "kubeflash-firmware",
        .idf = "v5.5.5",
        .chip = "esp32c3",
        .mac = "34:85:18:6a:10:01",
        .partition = "ota_0",
        .reset_reason = "poweron",
        .heartbeat_ms = 60000,
        .read_telemetry = readings,
        .telemetry_ctx = c,
    };
    assert_int_equal(kf_device_init(&c->dev, &env), KF_OK);
}

static int setup(void **state)
{
    ctx_t *c = calloc(1, sizeof(*c));
    ota_fixture_setup(&c->f);
    kf_logfwd_init(&c->logs, KF_LOG_WARN);
    start_device(c);
    c->f.dev.connected = true;
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    ctx_t *c = *state;
    kf_device_free(&c->dev);
    ota_fixture_teardown(&c->f);
    free(c);
    return 0;
}

static void topics_live_under_the_configured_root(void **state)
{
    ctx_t *c = *state;
    assert_string_equal(kf_device_status_topic(&c->dev), OTA_ROOT "/status");
    assert_string_equal(kf_device_command_filter(&c->dev), OTA_ROOT "/cmd/#");
    kf_device_t other;
    kf_device_env_t env = c->dev.env;
    env.cfg = NULL;
    assert_int_equal(kf_device_init(&other, &env), KF_ERR_INVALID_ARG);
}

static void connect_publishes_a_retained_status(void **state)
{
    ctx_t *c = *state;
    kf_device_network(&c->dev, "192.168.40.20", true, -61, 1000);
    assert_int_equal(c->f.dev.published_count, 0); /* not connected yet */
    kf_device_connected(&c->dev, 2000);
    assert_int_equal(sim_count(&c->f.dev, "/status", "\"state\":\"online\""), 1);
    const sim_message_t *m = &c->f.dev.published[0];
    assert_true(m->retain);
    assert_non_null(strstr(m->payload, "\"fw\":\"" OLD_VERSION "\""));
    assert_non_null(strstr(m->payload, "\"chip\":\"esp32c3\""));
    assert_non_null(strstr(m->payload, "\"ip\":\"192.168.40.20\""));
    assert_non_null(strstr(m->payload, "\"rssi\":-61"));
    assert_non_null(strstr(m->payload, "\"resetReason\":\"poweron\""));
    assert_non_null(strstr(m->payload, "\"imageState\":\"valid\""));
    assert_non_null(strstr(m->payload, "\"partition\":\"ota_0\""));
    assert_non_null(strstr(m->payload, "\"ts\":1700000000"));
}

static void status_again_on_change_and_every_minute(void **state)
{
    ctx_t *c = *state;
    kf_device_network(&c->dev, "192.168.40.20", true, -61, 1000);
    kf_device_connected(&c->dev, 1000);
    kf_device_network(&c->dev, "192.168.40.20", true, -85, 2000);
    assert_int_equal(sim_count(&c->f.dev, "/status", NULL), 1); /* rssi alone is not a change */
    kf_device_network(&c->dev, "192.168.40.21", true, -72, 4000);
    assert_int_equal(sim_count(&c->f.dev, "/status", NULL), 2);
    kf_device_tick(&c->dev, 4000 + 59999);
    assert_int_equal(sim_count(&c->f.dev, "/status", NULL), 2);
    kf_device_tick(&c->dev, 4000 + 60000);
    assert_int_equal(sim_count(&c->f.dev, "/status", NULL), 3);
    kf_device_disconnected(&c->dev);
    kf_device_network(&c->dev, "", false, 0, 5000000);
    kf_device_tick(&c->dev, 6000000);
    assert_int_equal(sim_count(&c->f.dev, "/status", NULL), 3);
}

static void offline_status_before_a_deliberate_restart(void **state)
{
    ctx_t *c = *state;
    assert_int_equal(kf_device_offline(&c->dev, "reboot"), KF_OK);
    const sim_message_t *m = &c->f.dev.published[0];
    assert_string_equal(m->topic, OTA_ROOT "/status");
    assert_true(m->retain);
    assert_non_null(strstr(m->payload, "\"reason\":\"reboot\""));
    assert_int_equal(kf_device_offline(&c->dev, "sleepy"), KF_ERR_INVALID_ARG);
}

static void telemetry_at_the_configured_period(void **state)
{
    ctx_t *c = *state;
    kf_device_network(&c->dev, "192.168.40.20", true, -61, 0);
    kf_device_connected(&c->dev, 0);
    kf_device_tick(&c->dev, 0);
    assert_int_equal(sim_count(&c->f.dev, "/telemetry", "\"heap_free_bytes\":123456"), 1);
    kf_device_tick(&c->dev, 29999); /* sample_period 30 in sensor.bin */
    assert_int_equal(sim_count(&c->f.dev, "/telemetry", NULL), 1);
    kf_device_tick(&c->dev, 30000);
    assert_int_equal(sim_count(&c->f.dev, "/telemetry", NULL), 2);
}

static void logs_are_forwarded_while_connected(void **state)
{
    ctx_t *c = *state;
    kf_logfwd_push(&c->logs, "E (5) mqtt: something broke", 5);
    kf_logfwd_push(&c->logs, "I (6) mqtt: chatter", 6);
    kf_device_tick(&c->dev, 10);
    assert_int_equal(sim_count(&c->f.dev, "/logs", NULL), 0);
    kf_device_network(&c->dev, "192.168.40.20", true, -61, 20);
    kf_device_connected(&c->dev, 20);
    kf_device_tick(&c->dev, 30);
    assert_int_equal(sim_count(&c->f.dev, "/logs", NULL), 1);
    assert_int_equal(sim_count(&c->f.dev, "/logs", "\"level\":\"error\""), 1);
    assert_int_equal(sim_count(&c->f.dev, "/logs", "\"uptimeMs\":5"), 1);
    assert_int_equal(sim_count(&c->f.dev, "/logs", "something broke"), 1);
    kf_logfwd_push(&c->logs, "W (7) x: later", 7);
    c->f.dev.connected = false; /* the broker went away: the line waits */
    kf_device_tick(&c->dev, 40);
    assert_int_equal(sim_count(&c->f.dev, "/logs", NULL), 1);
    c->f.dev.connected = true;
    kf_device_tick(&c->dev, 50);
    assert_int_equal(sim_count(&c->f.dev, "/logs", "later"), 1); /* delivered, not lost */
    assert_int_equal(c->logs.count, 0);
    kf_logline_t line = {.level = KF_LOG_ERROR, .tag = "t", .text = "direct"};
    assert_int_equal(kf_device_forward_log(&c->dev, &line), KF_OK);
    kf_device_disconnected(&c->dev);
    assert_int_equal(kf_device_forward_log(&c->dev, &line), KF_ERR_IO);
}

static kf_device_action_t command(ctx_t *c, const char *channel, const char *payload)
{
    char topic[200];
    snprintf(topic, sizeof(topic), OTA_ROOT "/%s", channel);
    return kf_device_message(&c->dev, topic, strlen(topic), payload, strlen(payload), 0);
}

static void commands_are_dispatched(void **state)
{
    ctx_t *c = *state;
    kf_device_connected(&c->dev, 0);
    assert_int_equal(command(c, "cmd/factory-reset", RESET), KF_DEVICE_ACTION_FACTORY_RESET);
    assert_int_equal(command(c, "cmd/factory-reset", "{\"id\":\"9a3e1c07-77d2-4f0b-8c1e-2b9f6d4a0e53\","
                                                     "\"confirm\":\"kubeflash-demo.other\"}"),
                     KF_DEVICE_ACTION_NONE);
    assert_int_equal(command(c, "cmd/reboot", REBOOT), KF_DEVICE_ACTION_REBOOT);
    assert_int_equal(command(c, "cmd/reboot", "{}"), KF_DEVICE_ACTION_NONE);
    assert_int_equal(command(c, "cmd/dance", "{}"), KF_DEVICE_ACTION_NONE);
    const char *t = "home/devices/someone-else/cmd/reboot";
    assert_int_equal(kf_device_message(&c->dev, t, strlen(t), REBOOT, strlen(REBOOT), 0), KF_DEVICE_ACTION_NONE);
    assert_int_equal(kf_device_message(&c->dev, NULL, 0, "{}", 2, 0), KF_DEVICE_ACTION_NONE);

    char cmd[512];
    ota_fixture_command(&c->f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    assert_int_equal(command(c, "cmd/ota", cmd), KF_DEVICE_ACTION_NONE);
    assert_true(kf_ota_busy(&c->f.ota));
    assert_int_equal(command(c, "cmd/factory-reset", RESET), KF_DEVICE_ACTION_FACTORY_RESET);
    assert_false(kf_ota_busy(&c->f.ota)); /* the download was cancelled and reported */
    assert_int_equal(sim_count(&c->f.dev, "/ota/result", "\"failed\""), 1);
}

static void a_new_image_is_confirmed_only_after_the_status_went_out(void **state)
{
    ctx_t *c = *state;
    char cmd[512];
    ota_fixture_command(&c->f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    ota_fixture_send(&c->f, cmd);
    sim_server_t server;
    sim_server_init(&server, c->f.app, c->f.app_len);
    assert_int_equal(sim_run_download(&c->f.ota, &server, &c->f.now), KF_OTA_STEP_RESTART);
    sim_boot(&c->f.dev);
    ota_fixture_start(&c->f);
    kf_device_free(&c->dev);
    start_device(c);
    c->dev.env.read_telemetry = NULL; /* only the update's messages */
    kf_device_network(&c->dev, "192.168.40.20", true, -61, 900);

    c->f.dev.connected = false; /* the session is up but the status publish fails */
    kf_device_connected(&c->dev, 1000);
    assert_int_equal(c->f.dev.running_state, KF_IMAGE_PENDING_VERIFY);
    c->f.dev.connected = true;
    kf_device_tick(&c->dev, 2000); /* the status goes out on the next tick: now confirm */
    assert_int_equal(c->f.dev.running_state, KF_IMAGE_VALID);
    /* the order of the protocol's OTA flow, step 6 */
    const char *expect[] = {"/status", "/ota/progress", "/status", "/ota/result"};
    const char *content[] = {"\"imageState\":\"pending-verify\"", "\"pending-verify\"", "\"imageState\":\"valid\"",
                             "\"success\""};
    assert_int_equal(c->f.dev.published_count, 4);
    for (size_t i = 0; i < 4; i++) {
        const sim_message_t *m = &c->f.dev.published[i];
        size_t tl = strlen(m->topic), sl = strlen(expect[i]);
        if (tl < sl || strcmp(m->topic + tl - sl, expect[i]) != 0 || strstr(m->payload, content[i]) == NULL) {
            fail_msg("message %zu: %s %s", i, m->topic, m->payload);
        }
    }
    assert_non_null(strstr(c->f.dev.published[0].payload, "\"fw\":\"" NEW_VERSION "\""));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(topics_live_under_the_configured_root),
        T(connect_publishes_a_retained_status),
        T(status_again_on_change_and_every_minute),
        T(offline_status_before_a_deliberate_restart),
        T(telemetry_at_the_configured_period),
        T(logs_are_forwarded_while_connected),
        T(commands_are_dispatched),
        T(a_new_image_is_confirmed_only_after_the_status_went_out),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
