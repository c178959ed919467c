#pragma once
/* Host-test side of the port (kf_port.h) and helpers shared by the test programs. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_port.h"

/* ---- clock, randomness, log (port_host.c) ------------------------------------------------------- */

void test_clock_set(uint64_t uptime_ms, int64_t unix_s);
/** Random bytes come from a seeded xorshift generator, so failures reproduce. */
void test_random_seed(uint64_t seed);
/** Every log line since the last reset, joined with '\n'. */
const char *test_log_text(void);
void test_log_reset(void);
bool test_log_contains(const char *needle);

/* ---- power: a budget of persistent operations, to cut the power in the middle of anything --------- */

typedef struct {
    long budget; /**< operations left before the cut; negative: unlimited */
    bool cut;    /**< the power is off: every further persistent operation fails */
    long used;   /**< operations performed so far */
} test_power_t;

void test_power_init(test_power_t *p, long budget);
/** Spends one operation; false (and the power is cut) when none is left. */
bool test_power_spend(test_power_t *p);

/* ---- an in-memory NVS namespace (mem_kv.c) ------------------------------------------------------- */

#define MEM_KV_MAX 32

typedef struct {
    char key[16];
    kf_kv_type_t type;
    uint8_t *data;
    size_t len;
    bool used;
} mem_entry_t;

typedef struct {
    mem_entry_t entries[MEM_KV_MAX];
    test_power_t *power; /**< NULL: writes always succeed */
    unsigned writes;     /**< successful set/erase calls */
    unsigned commits;
} mem_kv_t;

void mem_kv_init(mem_kv_t *m, test_power_t *power);
void mem_kv_free(mem_kv_t *m);
/** A writable kf_kv_t over `m`. */
kf_kv_t mem_kv(mem_kv_t *m);
kf_err_t mem_kv_set_num(mem_kv_t *m, const char *key, kf_kv_type_t type, uint64_t raw);
kf_err_t mem_kv_set_blob(mem_kv_t *m, const char *key, const void *data, size_t len);
/** The stored string or NULL. */
const char *mem_kv_str(const mem_kv_t *m, const char *key);
size_t mem_kv_count(const mem_kv_t *m);

/* ---- files --------------------------------------------------------------------------------------- */

/** Reads a file under the fixtures folder; fails the test when it is missing. Free with free(). */
uint8_t *fixture_read(const char *relative_path, size_t *len);
