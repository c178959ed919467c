#pragma once
/* What the OTA tests share: the signed test image, the config with its public key, a simulated device. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_config.h"
#include "kf_ota.h"
#include "ota_sim.h"

#define OTA_ROOT "home/devices/kubeflash-demo.garage-temp-1"
#define OLD_VERSION "1.4.0"
#define NEW_VERSION "1.5.0"
#define SLOT_CAP (128u * 1024u)
#define OTA_ID(n) "0b7c3a52-2c1e-4f7e-9a3d-5a1f0e2b9c11/" #n

typedef struct {
    uint8_t *app;
    size_t app_len;
    char sha_hex[65];
    char sig_b64[128];
    char other_sig_b64[128];
    uint8_t old_image[20000];
    kf_config_t cfg;
    sim_device_t dev;
    kf_ota_t ota;
    uint64_t now;
} ota_fixture_t;

/** Loads the fixtures and boots a device running OLD_VERSION. */
void ota_fixture_setup(ota_fixture_t *f);
void ota_fixture_teardown(ota_fixture_t *f);
/** (Re)creates the OTA machine after a boot, as app_main does. */
void ota_fixture_start(ota_fixture_t *f);
/** A cmd/ota payload for the test image; NULL arguments take the correct values. */
void ota_fixture_command(const ota_fixture_t *f, char *out, size_t cap, const char *id, const char *sha_hex,
                         const char *sig_b64, long size);
/** Sends a command as the broker would deliver it. */
void ota_fixture_send(ota_fixture_t *f, const char *payload);
