/* The host platform of the core's port: a settable clock, a seeded generator, and a log that tests can read. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

static uint64_t s_uptime_ms;
static int64_t s_unix_s;
static uint64_t s_rng = 0x9E3779B97F4A7C15ull;
static char s_log[1 << 16];
static size_t s_log_len;

void test_clock_set(uint64_t uptime_ms, int64_t unix_s)
{
    s_uptime_ms = uptime_ms;
    s_unix_s = unix_s;
}

uint64_t kf_port_uptime_ms(void)
{
    return s_uptime_ms;
}

int64_t kf_port_unix_time(void)
{
    return s_unix_s;
}

void test_random_seed(uint64_t seed)
{
    s_rng = seed != 0 ? seed : 1;
}

void kf_port_random(void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        s_rng ^= s_rng << 13;
        s_rng ^= s_rng >> 7;
        s_rng ^= s_rng << 17;
        p[i] = (uint8_t)(s_rng >> 32);
    }
}

void kf_port_log(kf_log_level_t level, const char *tag, const char *fmt, va_list args)
{
    static const char LETTERS[] = "NEWIDV";
    char line[512];
    int head = snprintf(line, sizeof(line), "%c %s: ", LETTERS[level <= KF_LOG_VERBOSE ? level : 0], tag);
    vsnprintf(line + head, sizeof(line) - (size_t)head, fmt, args);
    size_t n = strlen(line);
    if (s_log_len + n + 2 < sizeof(s_log)) {
        memcpy(s_log + s_log_len, line, n);
        s_log_len += n;
        s_log[s_log_len++] = '\n';
        s_log[s_log_len] = '\0';
    }
    if (getenv("KF_TEST_VERBOSE") != NULL) {
        fprintf(stderr, "%s\n", line);
    }
}

const char *test_log_text(void)
{
    return s_log;
}

void test_log_reset(void)
{
    s_log_len = 0;
    s_log[0] = '\0';
}

bool test_log_contains(const char *needle)
{
    return strstr(s_log, needle) != NULL;
}

void test_power_init(test_power_t *p, long budget)
{
    p->budget = budget;
    p->cut = false;
    p->used = 0;
}

bool test_power_spend(test_power_t *p)
{
    if (p == NULL) {
        return true;
    }
    if (p->cut) {
        return false;
    }
    if (p->budget == 0) {
        p->cut = true;
        return false;
    }
    if (p->budget > 0) {
        p->budget--;
    }
    p->used++;
    return true;
}

uint8_t *fixture_read(const char *relative_path, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", KF_FIXTURES_DIR, relative_path);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "fixture %s is missing: run firmware/test/host/fixtures/make-fixtures.sh\n", path);
        abort();
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
        abort();
    }
    fclose(f);
    *len = (size_t)size;
    return data;
}
