/*
 * Power loss at every step of an update. For every n, the power is cut at the n-th persistent operation
 * (flash erase or write, otadata sector erase or write, NVS write) of a whole update: command, download,
 * verification, switch, restart, the bootloader's own otadata updates, confirmation, record cleanup. The
 * device then boots again with power and lives on: it must always start a complete image (sim_boot checks),
 * end up confirmed, leave no update record, and have reported the update's outcome truthfully: success when
 * it runs the new image, rollback when the bootloader went back, nothing when the cut came before the switch
 * took effect (the protocol leaves that to the operator's timeout). Results are delivered at least once (a cut
 * between publishing a result and erasing the record repeats it after the restart, with the same id), like
 * every QoS 1 message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ota_fixture.h"

typedef struct {
    size_t success;
    size_t failed;
} outcome_t;

static void collect(ota_fixture_t *f, outcome_t *o)
{
    o->success += sim_count(&f->dev, "/ota/result", "\"success\"");
    o->failed += sim_count(&f->dev, "/ota/result", "\"failed\"");
    f->dev.published_count = 0;
}

/* The device's life after a boot: start the OTA machine, reach the broker, confirm. */
static void boot_and_connect(ota_fixture_t *f, outcome_t *o)
{
    sim_boot(&f->dev);
    if (f->dev.power.cut) {
        return;
    }
    ota_fixture_start(f);
    kf_ota_confirm(&f->ota);
    kf_ota_report(&f->ota);
    collect(f, o);
}

/* One whole update with the power cut at operation `cut_at` (-1: never). Returns true if the cut happened. */
static bool run_update(ota_fixture_t *f, long cut_at, outcome_t *o)
{
    test_power_init(&f->dev.power, cut_at);
    char cmd[512];
    ota_fixture_command(f, cmd, sizeof(cmd), NULL, NULL, NULL, -1);
    ota_fixture_send(f, cmd);
    collect(f, o);
    if (f->dev.power.cut) {
        return true;
    }
    sim_server_t server;
    sim_server_init(&server, f->app, f->app_len);
    kf_ota_step_kind_t last = sim_run_download(&f->ota, &server, &f->now);
    collect(f, o);
    if (f->dev.power.cut) {
        return true;
    }
    assert_int_equal(last, KF_OTA_STEP_RESTART);
    boot_and_connect(f, o); /* first boot of the new image, pending verification */
    return f->dev.power.cut;
}

static void every_cut_boots_a_complete_image_and_reports_the_truth(void **state)
{
    (void)state;
    long cut_at = 0;
    size_t cuts = 0, ended_new = 0, ended_old = 0, rollbacks = 0;
    for (;; cut_at++) {
        ota_fixture_t *f = malloc(sizeof(*f));
        ota_fixture_setup(f);
        outcome_t o = {0};
        bool cut = run_update(f, cut_at, &o);
        if (cut) {
            cuts++;
            test_power_init(&f->dev.power, -1); /* power is back */
            boot_and_connect(f, &o);
            boot_and_connect(f, &o); /* and a later ordinary restart changes nothing */
        }
        const char *running = sim_running_version(&f->dev);
        if (f->dev.running_state != KF_IMAGE_VALID) {
            fail_msg("cut at %ld: %s still pending verification after reconnecting", cut_at, running);
        }
        if (mem_kv_count(&f->dev.record) != 0) {
            fail_msg("cut at %ld: an update record was left behind", cut_at);
        }
        if (strcmp(running, NEW_VERSION) == 0) {
            ended_new++;
            if (o.success < 1 || o.failed != 0) {
                fail_msg("cut at %ld: runs the new image but reported %zu successes, %zu failures", cut_at, o.success,
                         o.failed);
            }
        } else {
            ended_old++;
            assert_string_equal(running, OLD_VERSION);
            if (o.success != 0) {
                fail_msg("cut at %ld: runs the old image but reported success", cut_at);
            }
            bool rolled_back = false;
            for (int i = 0; i < 2; i++) {
                const sim_otadata_t *e = &f->dev.otadata[i];
                rolled_back |= e->written && (e->state == SIM_OTA_ABORTED || e->state == SIM_OTA_INVALID);
            }
            if (rolled_back != (o.failed >= 1)) {
                fail_msg("cut at %ld: %s but %zu failures were reported", cut_at,
                         rolled_back ? "the bootloader rolled back" : "no rollback happened", o.failed);
            }
            rollbacks += rolled_back;
        }
        ota_fixture_teardown(f);
        free(f);
        if (!cut) {
            break; /* the budget outlasted the whole update */
        }
    }
    print_message("%zu power cuts tried: %zu ended on the new image, %zu on the old one (%zu by rollback)\n", cuts,
                  ended_new, ended_old, rollbacks);
    assert_true(cuts > 30);
    assert_true(ended_new > 0);
    assert_true(ended_old > 0);
    assert_true(rollbacks > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_cut_boots_a_complete_image_and_reports_the_truth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
