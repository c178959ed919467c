#pragma once
/*
 * A simulated device for OTA tests: two app slots and the two otadata sectors with ESP-IDF's rules
 * (esp_ota_ops.c and the bootloader: highest valid ota_seq wins, NEW -> PENDING_VERIFY on the first boot,
 * PENDING_VERIFY -> ABORTED on the next one, erase-then-write of one sector per update), local NVS for the
 * OTA record, an MQTT transport that records what was published, and an HTTP server serving one image.
 * Every flash erase/write and NVS write spends one unit of a power budget, so a test can cut the power
 * between any two of them and boot again.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_ota.h"
#include "test_support.h"

#define SIM_SECTOR 4096u
#define SIM_MAX_PUBLISHED 64

typedef enum {
    SIM_OTA_NEW = 0,
    SIM_OTA_PENDING_VERIFY = 1,
    SIM_OTA_VALID = 2,
    SIM_OTA_INVALID = 3,
    SIM_OTA_ABORTED = 4,
    SIM_OTA_UNDEFINED = 0xFFFFFFFFu,
} sim_ota_state_t;

typedef struct {
    bool erased;       /**< all 0xFF: no entry */
    bool written;      /**< entry bytes present (an erase without the write leaves it erased) */
    uint32_t seq;
    uint32_t state;
} sim_otadata_t;

typedef struct {
    const uint8_t *bytes;
    size_t len;
    const char *version;
} sim_image_t;

typedef struct {
    char topic[160];
    char payload[512];
    bool retain;
} sim_message_t;

typedef struct {
    /* persistent: survives restarts and power cuts */
    uint8_t *slot[2];
    uint32_t slot_cap;
    sim_otadata_t otadata[2];
    mem_kv_t record;
    test_power_t power;
    sim_image_t known[4];
    size_t known_count;
    /* volatile: reset on every boot */
    int running;
    kf_image_state_t running_state;
    bool open;
    uint32_t write_pos;
    bool restart_requested;
    bool connected;
    sim_message_t published[SIM_MAX_PUBLISHED];
    size_t published_count;
    unsigned boots;
    bool reject_images; /**< esp_ota_end refuses every image */
} sim_device_t;

/** A device with `old` in ota_0, confirmed (otadata seq 1 VALID), and a slot capacity of `cap` bytes. */
void sim_init(sim_device_t *d, const sim_image_t *old, uint32_t cap);
void sim_free(sim_device_t *d);
/** Registers an image the bootloader may find in a slot (to tell which version runs). */
void sim_know(sim_device_t *d, const sim_image_t *img);

/**
 * Runs the bootloader: picks the slot, applies NEW/PENDING_VERIFY transitions (which spend power), and resets
 * the volatile state. Fails the test if the chosen slot does not hold exactly one of the known images.
 */
void sim_boot(sim_device_t *d);

/** The port tables over the simulated device. */
kf_ota_slots_t sim_slots(sim_device_t *d);
kf_kv_t sim_record_kv(sim_device_t *d);
kf_transport_t sim_transport(sim_device_t *d);

const char *sim_running_version(sim_device_t *d);
/** Count of published messages on a topic ending in `suffix` whose payload contains `needle` (NULL: any). */
size_t sim_count(const sim_device_t *d, const char *suffix, const char *needle);

/** What the HTTP server does. */
typedef struct {
    const uint8_t *body;
    size_t len;
    bool ranges;            /**< honours Range requests with 206 */
    long drop_after;        /**< close the connection after this many body bytes of each response (-1: never) */
    bool drop_only_first;   /**< ... of the first response only */
    int status;             /**< 0: normal; otherwise answer with this status and no body */
    long content_length;    /**< -2: the real length; -1: unknown; otherwise announce this */
    size_t chunk;           /**< bytes per read */
    unsigned requests;      /**< requests served so far */
} sim_server_t;

void sim_server_init(sim_server_t *s, const uint8_t *body, size_t len);

/**
 * Drives the download task until the machine is idle, wants a restart, or the power is cut: polls, answers
 * FETCH steps from `server`, advances `*now` over WAIT steps. Returns the last step kind.
 */
kf_ota_step_kind_t sim_run_download(kf_ota_t *ota, sim_server_t *server, uint64_t *now);
