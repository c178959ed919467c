#include "kf_protocol.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- channels and kinds ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    size_t max_bytes;
    int qos;
    bool retained;
    kf_kind_t kind;
} CHANNELS[KF_CH_COUNT] = {
    [KF_CH_STATUS] = {"status", 1024, 1, true, KF_KIND_STATUS},
    [KF_CH_TELEMETRY] = {"telemetry", 4096, 0, false, KF_KIND_TELEMETRY},
    [KF_CH_LOGS] = {"logs", 2048, 0, false, KF_KIND_LOGS},
    [KF_CH_OTA_PROGRESS] = {"ota/progress", 512, 0, false, KF_KIND_OTA_PROGRESS},
    [KF_CH_OTA_RESULT] = {"ota/result", 1024, 1, false, KF_KIND_OTA_RESULT},
    [KF_CH_CMD_OTA] = {"cmd/ota", 2048, 1, false, KF_KIND_CMD_OTA},
    [KF_CH_CMD_REBOOT] = {"cmd/reboot", 256, 1, false, KF_KIND_CMD_REBOOT},
    [KF_CH_CMD_FACTORY_RESET] = {"cmd/factory-reset", 512, 1, false, KF_KIND_CMD_FACTORY_RESET},
};

const char *kf_channel_name(kf_channel_t channel)
{
    return channel < KF_CH_COUNT ? CHANNELS[channel].name : "?";
}

size_t kf_channel_max_bytes(kf_channel_t channel)
{
    return channel < KF_CH_COUNT ? CHANNELS[channel].max_bytes : 0;
}

int kf_channel_qos(kf_channel_t channel)
{
    return channel < KF_CH_COUNT ? CHANNELS[channel].qos : 0;
}

bool kf_channel_retained(kf_channel_t channel)
{
    return channel < KF_CH_COUNT && CHANNELS[channel].retained;
}

const char *kf_kind_name(kf_kind_t kind)
{
    static const char *const NAMES[] = {"none", "status", "lwt", "telemetry", "logs", "cmd-ota", "cmd-reboot",
                                        "cmd-factory-reset", "ota-progress", "ota-result"};
    return (size_t)kind < sizeof(NAMES) / sizeof(NAMES[0]) ? NAMES[kind] : "?";
}

/* ---- character rules ----------------------------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_lower_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f');
}

static bool is_hex(char c)
{
    return is_lower_hex(c) || (c >= 'A' && c <= 'F');
}

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_lower_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z');
}

static bool is_visible(char c)
{
    return (unsigned char)c >= 0x21 && (unsigned char)c <= 0x7e;
}

bool kf_proto_utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false; /* continuation byte, C0/C1 (overlong) or F5..FF */
        }
        if (i + n >= len) {
            return false; /* truncated sequence */
        }
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return false;
            }
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

/* Characters (code points) of a valid UTF-8 string. */
static size_t char_count(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

/* DNS-1123 label or subdomain in s[0..len). */
static bool dns_name(const char *s, size_t len, bool dots)
{
    if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1])) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.') {
            if (!dots || !is_lower_alnum(s[i - 1]) || !is_lower_alnum(s[i + 1])) {
                return false;
            }
        } else if (!is_lower_alnum(c) && c != '-') {
            return false;
        }
    }
    return true;
}

bool kf_proto_device_id_valid(const char *id, size_t len)
{
    if (id == NULL || len > 317) {
        return false;
    }
    const char *dot = memchr(id, '.', len);
    if (dot == NULL) {
        return false;
    }
    size_t ns = (size_t)(dot - id);
    size_t name = len - ns - 1;
    return ns <= 63 && name <= 253 && dns_name(id, ns, false) && dns_name(dot + 1, name, true);
}

bool kf_proto_topic_prefix_valid(const char *prefix)
{
    size_t n = prefix != NULL ? strlen(prefix) : 0;
    if (n == 0 || n > 64 || prefix[0] == '/' || prefix[n - 1] == '/') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = prefix[i];
        if (c == '/' ? prefix[i + 1] == '/' : !(is_alnum(c) || c == '_' || c == '.' || c == '-')) {
            return false;
        }
    }
    return true;
}

static bool uuid_at(const char *s)
{
    static const int GROUPS[] = {8, 4, 4, 4, 12};
    for (int g = 0; g < 5; g++) {
        for (int k = 0; k < GROUPS[g]; k++, s++) {
            if (!is_lower_hex(*s)) {
                return false;
            }
        }
        if (g < 4 && *s++ != '-') {
            return false;
        }
    }
    return true;
}

static bool uuid_valid(const char *s)
{
    return strlen(s) == 36 && uuid_at(s);
}

bool kf_proto_ota_id_valid(const char *id)
{
    if (id == NULL || strlen(id) < 38 || !uuid_at(id) || id[36] != '/') {
        return false;
    }
    const char *n = id + 37;
    size_t digits = strlen(n);
    if (digits < 1 || digits > 6 || n[0] == '0') {
        return false;
    }
    for (size_t i = 0; i < digits; i++) {
        if (!is_digit(n[i])) {
            return false;
        }
    }
    return true;
}

static bool version_pattern(const char *s)
{
    if (!is_alnum(s[0])) {
        return false;
    }
    for (s++; *s != '\0'; s++) {
        if (!is_alnum(*s) && *s != '.' && *s != '_' && *s != '+' && *s != '-') {
            return false;
        }
    }
    return true;
}

bool kf_proto_version_valid(const char *version)
{
    return version != NULL && strlen(version) <= 31 && version_pattern(version);
}

static bool visible_pattern(const char *s)
{
    if (*s == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (!is_visible(*s)) {
            return false;
        }
    }
    return true;
}

static bool chip_pattern(const char *s)
{
    if (strncmp(s, "esp32", 5) != 0 || strlen(s) > 13) {
        return false;
    }
    for (s += 5; *s != '\0'; s++) {
        if (!is_lower_alnum(*s)) {
            return false;
        }
    }
    return true;
}

static bool mac_pattern(const char *s)
{
    if (strlen(s) != 17) {
        return false;
    }
    for (int i = 0; i < 17; i++) {
        if (i % 3 == 2 ? s[i] != ':' : !is_lower_hex(s[i])) {
            return false;
        }
    }
    return true;
}

static bool ipv4_pattern(const char *s)
{
    for (int octet = 0; octet < 4; octet++) {
        int digits = 0, value = 0;
        const char *start = s;
        while (is_digit(*s) && digits < 4) {
            value = value * 10 + (*s - '0');
            s++;
            digits++;
        }
        if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && *start == '0')) {
            return false;
        }
        if (octet < 3 && *s++ != '.') {
            return false;
        }
    }
    return *s == '\0';
}

/* Counts 1..4-hex-digit groups separated by ':' in s[0..len); -1 when malformed. */
static int ipv6_groups(const char *s, size_t len)
{
    if (len == 0) {
        return 0;
    }
    int groups = 0;
    size_t i = 0;
    for (;;) {
        size_t start = i;
        while (i < len && is_hex(s[i])) {
            i++;
        }
        if (i == start || i - start > 4) {
            return -1;
        }
        groups++;
        if (i == len) {
            return groups;
        }
        if (s[i] != ':') {
            return -1;
        }
        i++;
    }
}

static bool ipv6_pattern(const char *s)
{
    size_t n = strlen(s);
    const char *dbl = strstr(s, "::");
    if (dbl == NULL) {
        return ipv6_groups(s, n) == 8;
    }
    if (strstr(dbl + 1, "::") != NULL) {
        return false;
    }
    size_t left = (size_t)(dbl - s);
    int l = ipv6_groups(s, left);
    int r = ipv6_groups(dbl + 2, n - left - 2);
    return l >= 0 && r >= 0 && l + r <= 7;
}

static bool ip_pattern(const char *s)
{
    return ipv4_pattern(s) || ipv6_pattern(s);
}

static bool partition_pattern(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 16) {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (!is_alnum(*s) && *s != '_') {
            return false;
        }
    }
    return true;
}

static bool url_pattern(const char *s)
{
    if (strncmp(s, "https://", 8) == 0) {
        s += 8;
    } else if (strncmp(s, "http://", 7) == 0) {
        s += 7;
    } else {
        return false;
    }
    const char *host = s;
    if (*s == '[') {
        s++;
        const char *inner = s;
        while (is_hex(*s) || *s == ':' || *s == '.') {
            s++;
        }
        if (s == inner || *s++ != ']') {
            return false;
        }
    } else {
        while (is_alnum(*s) || *s == '.' || *s == '-') {
            s++;
        }
        if (s == host) {
            return false;
        }
    }
    if (*s == ':') {
        s++;
        int digits = 0;
        while (is_digit(*s)) {
            s++;
            digits++;
        }
        if (digits < 1 || digits > 5) {
            return false;
        }
    }
    if (*s == '\0') {
        return true;
    }
    if (*s != '/') {
        return false;
    }
    for (s++; *s != '\0'; s++) {
        if (!is_visible(*s)) {
            return false;
        }
    }
    return true;
}

static bool sha256_pattern(const char *s)
{
    if (strlen(s) != 64) {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (!is_lower_hex(*s)) {
            return false;
        }
    }
    return true;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (is_digit(c)) {
        return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static bool base64_pattern(const char *s)
{
    size_t n = strlen(s);
    if (n % 4 != 0) {
        return false;
    }
    size_t pad = n >= 2 && s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
    for (size_t i = 0; i < n - pad; i++) {
        if (b64_value(s[i]) < 0) {
            return false;
        }
    }
    return true;
}

/* Decodes a string that passed base64_pattern; returns the byte count (or 0 when it does not fit). */
static size_t base64_decode(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    size_t pad = n >= 2 && s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
    size_t total = n / 4 * 3 - pad;
    if (total > cap) {
        return 0;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        for (int k = 0; k < 4; k++) {
            int d = i + (size_t)k < n - pad ? b64_value(s[i + (size_t)k]) : 0;
            v = v << 6 | (uint32_t)d;
        }
        uint8_t bytes[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
        for (int k = 0; k < 3 && o < total; k++) {
            out[o++] = bytes[k];
        }
    }
    return total;
}

static bool log_msg_pattern(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
            return false;
        }
    }
    return true;
}

static bool one_line_pattern(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }
    return true;
}

static bool confirm_pattern(const char *s)
{
    return kf_proto_device_id_valid(s, strlen(s));
}

static bool telemetry_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 32 || !(s[0] >= 'a' && s[0] <= 'z')) {
        return false;
    }
    for (size_t i = 1; i < n; i++) {
        if (!is_lower_alnum(s[i]) && s[i] != '_') {
            return false;
        }
    }
    return true;
}

/* Integer readings (1..33 bytes each) of a DER ECDSA-Sig-Value; mirrors @kubeflash/protocol's signature.ts. */
static const char *der_integer(const uint8_t *der, size_t len, size_t *at, const char *name)
{
    static char why[48];
    size_t p = *at;
    if (p >= len || der[p] != 0x02) {
        snprintf(why, sizeof(why), "%s is not a DER INTEGER", name);
        return why;
    }
    if (p + 1 >= len || der[p + 1] < 1 || der[p + 1] > 33) {
        snprintf(why, sizeof(why), "%s does not have 1 to 33 bytes", name);
        return why;
    }
    size_t n = der[p + 1];
    size_t start = p + 2;
    if (start + n > len) {
        snprintf(why, sizeof(why), "%s runs past the end", name);
        return why;
    }
    uint8_t first = der[start];
    if (first & 0x80) {
        snprintf(why, sizeof(why), "%s is negative", name);
        return why;
    }
    if (first == 0 && n > 1 && !(der[start + 1] & 0x80)) {
        snprintf(why, sizeof(why), "%s is not minimally encoded", name);
        return why;
    }
    if (n == 33 && first != 0) {
        snprintf(why, sizeof(why), "%s is longer than 256 bits", name);
        return why;
    }
    bool zero = true;
    for (size_t i = 0; i < n; i++) {
        zero = zero && der[start + i] == 0;
    }
    if (zero) {
        snprintf(why, sizeof(why), "%s is zero", name);
        return why;
    }
    *at = start + n;
    return NULL;
}

const char *kf_proto_der_signature_problem(const uint8_t *der, size_t len)
{
    if (der == NULL || len < 8 || len > 72) {
        return "signature is not 8 to 72 bytes";
    }
    if (der[0] != 0x30) {
        return "signature is not a DER SEQUENCE";
    }
    if (der[1] != len - 2) {
        return "SEQUENCE length does not match the signature length";
    }
    size_t at = 2;
    const char *problem = der_integer(der, len, &at, "r");
    if (problem == NULL) {
        problem = der_integer(der, len, &at, "s");
    }
    if (problem == NULL && at != len) {
        problem = "bytes follow s";
    }
    return problem;
}

/* ---- schemas ------------------------------------------------------------------------------------- */

typedef enum { T_STRING, T_INTEGER, T_ENUM } field_type_t;

typedef struct {
    const char *name;
    field_type_t type;
    bool required;
    int min_len; /* characters; 0 = none */
    int max_len; /* characters; 0 = none */
    bool (*pattern)(const char *s);
    const char *pattern_text;
    double min, max;
    const char *const *values; /* NULL-terminated enum (a const is a one-value enum) */
} field_rule_t;

static const char *const ONLINE[] = {"online", NULL};
static const char *const OFFLINE[] = {"offline", NULL};
static const char *const RESET_REASONS[] = {"unknown", "poweron", "ext", "sw", "panic", "int-wdt", "task-wdt",
                                            "wdt", "deepsleep", "brownout", "sdio", "usb", "jtag", "efuse",
                                            "pwr-glitch", "cpu-lockup", NULL};
static const char *const IMAGE_STATES[] = {"valid", "pending-verify", "undefined", NULL};
static const char *const OFFLINE_REASONS[] = {"reboot", "factory-reset", "ota", NULL};
static const char *const LEVELS[] = {"error", "warn", "info", "debug", "verbose", NULL};
static const char *const PROGRESS_STATES[] = {"downloading", "verifying", "rebooting", "pending-verify", NULL};
static const char *const RESULTS[] = {"success", "failed", NULL};
static const char *const RESULT_REASONS[] = {"invalid-command", "busy", "no-key", "no-space", "download-failed",
                                             "timeout", "size-mismatch", "sha256-mismatch", "signature-invalid",
                                             "invalid-image", "flash-error", "rollback", NULL};

#define TS_RULE {"ts", T_INTEGER, false, 0, 0, NULL, NULL, 1577836800.0, 4102444800.0, NULL}
#define OTA_ID_RULE {"id", T_STRING, true, 0, 0, kf_proto_ota_id_valid, "<uuid>/<attempt>", 0, 0, NULL}
#define UUID_RULE {"id", T_STRING, true, 0, 0, uuid_valid, "a lowercase UUID", 0, 0, NULL}
#define VERSION_RULE(name, req) {name, T_STRING, req, 0, 31, version_pattern, "a version", 0, 0, NULL}

static const field_rule_t STATUS_FIELDS[] = {
    {"state", T_ENUM, true, 0, 0, NULL, NULL, 0, 0, ONLINE},
    VERSION_RULE("fw", true),
    {"project", T_STRING, true, 0, 31, visible_pattern, "printable ASCII without spaces", 0, 0, NULL},
    VERSION_RULE("idf", false),
    {"chip", T_STRING, true, 0, 0, chip_pattern, "an ESP-IDF target", 0, 0, NULL},
    {"mac", T_STRING, true, 0, 0, mac_pattern, "a lowercase MAC address", 0, 0, NULL},
    {"ip", T_STRING, true, 0, 0, ip_pattern, "an IPv4 or IPv6 address", 0, 0, NULL},
    {"rssi", T_INTEGER, false, 0, 0, NULL, NULL, -127, 0, NULL},
    {"uptime", T_INTEGER, true, 0, 0, NULL, NULL, 0, 4294967295.0, NULL},
    {"resetReason", T_ENUM, true, 0, 0, NULL, NULL, 0, 0, RESET_REASONS},
    {"imageState", T_ENUM, true, 0, 0, NULL, NULL, 0, 0, IMAGE_STATES},
    {"partition", T_STRING, false, 0, 0, partition_pattern, "a partition label", 0, 0, NULL},
    TS_RULE,
};

static const field_rule_t LWT_FIELDS[] = {
    {"state", T_ENUM, true, 0, 0, NULL, NULL, 0, 0, OFFLINE},
    {"reason", T_ENUM, false, 0, 0, NULL, NULL, 0, 0, OFFLINE_REASONS},
    TS_RULE,
};

static const field_rule_t TELEMETRY_FIELDS[] = {
    TS_RULE,
    {"values", T_STRING /* checked by check_values */, true, 0, 0, NULL, NULL, 0, 0, NULL},
};

static const field_rule_t LOGS_FIELDS[] = {
    {"level", T_ENUM, true, 0, 0, NULL, NULL, 0, 0, LEVELS},
    {"tag", T_STRING, true, 0, 32, visible_pattern, "printable ASCII without spaces", 0, 0, NULL},
    {"msg", T_STRING, true, 0, 1024, log_msg_pattern, "text without control characters", 0, 0, NULL},
    {"uptimeMs", T_INTEGER, false, 0, 0, NULL, NULL, 0, 9007199254740991.0, NULL},
    TS_RULE,
};

static const field_rule_t CMD_OTA_FIELDS[] = {
    OTA_ID_RULE,
    VERSION_RULE("version", true),
    {"url", T_STRING, true, 0, 1024, url_pattern, "an http(s) URL", 0, 0, NULL},
    {"size", T_INTEGER, true, 0, 0, NULL, NULL, 1, 16777216, NULL},
    {"sha256", T_STRING, true, 0, 0, sha256_pattern, "64 lowercase hex digits", 0, 0, NULL},
    {"signature", T_STRING, true, 12, 96, base64_pattern, "padded base64", 0, 0, NULL},
};

static const field_rule_t CMD_REBOOT_FIELDS[] = {
    UUID_RULE,
};

static const field_rule_t CMD_FACTORY_RESET_FIELDS[] = {
    UUID_RULE,
    {"confirm", T_STRING, true, 0, 317, confirm_pattern, "a device id", 0, 0, NULL},
};

static const field_rule_t OTA_PROGRESS_FIELDS[] = {
    OTA_ID_RULE,
    {"state", T_ENUM, true, 0, 0, NULL, NULL, 0, 0, PROGRESS_STATES},
    {"bytes", T_INTEGER, false, 0, 0, NULL, NULL, 0, 16777216, NULL},
    {"total", T_INTEGER, false, 0, 0, NULL, NULL, 1, 16777216, NULL},
};

static const field_rule_t OTA_RESULT_FIELDS[] = {
    OTA_ID_RULE,
    {"result", T_ENUM, true, 0, 0, NULL, NULL, 0, 0, RESULTS},
    VERSION_RULE("version", false),
    {"reason", T_ENUM, false, 0, 0, NULL, NULL, 0, 0, RESULT_REASONS},
    {"detail", T_STRING, false, 0, 256, one_line_pattern, "one line of text", 0, 0, NULL},
};

typedef struct {
    const field_rule_t *fields;
    size_t count;
} schema_t;

#define SCHEMA(a) {a, sizeof(a) / sizeof(a[0])}

static schema_t schema_of(kf_kind_t kind)
{
    switch (kind) {
    case KF_KIND_STATUS: return (schema_t)SCHEMA(STATUS_FIELDS);
    case KF_KIND_LWT: return (schema_t)SCHEMA(LWT_FIELDS);
    case KF_KIND_TELEMETRY: return (schema_t)SCHEMA(TELEMETRY_FIELDS);
    case KF_KIND_LOGS: return (schema_t)SCHEMA(LOGS_FIELDS);
    case KF_KIND_CMD_OTA: return (schema_t)SCHEMA(CMD_OTA_FIELDS);
    case KF_KIND_CMD_REBOOT: return (schema_t)SCHEMA(CMD_REBOOT_FIELDS);
    case KF_KIND_CMD_FACTORY_RESET: return (schema_t)SCHEMA(CMD_FACTORY_RESET_FIELDS);
    case KF_KIND_OTA_PROGRESS: return (schema_t)SCHEMA(OTA_PROGRESS_FIELDS);
    case KF_KIND_OTA_RESULT: return (schema_t)SCHEMA(OTA_RESULT_FIELDS);
    default: return (schema_t){NULL, 0};
    }
}

/* ---- verdicts -------------------------------------------------------------------------------------- */

static void pointer(char *out, size_t cap, const char *parent, const char *name)
{
    size_t o = (size_t)snprintf(out, cap, "%s/", parent);
    for (const char *p = name; *p != '\0' && o + 3 < cap; p++) {
        if (*p == '~' || *p == '/') {
            out[o++] = '~';
            out[o++] = *p == '~' ? '0' : '1';
        } else {
            out[o++] = *p;
        }
    }
    out[o < cap ? o : cap - 1] = '\0';
}

static bool reject(kf_proto_verdict_t *v, const char *reason, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool reject(kf_proto_verdict_t *v, const char *reason, const char *field, const char *fmt, ...)
{
    v->valid = false;
    v->reason = reason;
    v->has_field = field != NULL;
    snprintf(v->field, sizeof(v->field), "%s", field != NULL ? field : "");
    va_list args;
    va_start(args, fmt);
    vsnprintf(v->detail, sizeof(v->detail), fmt, args);
    va_end(args);
    return false;
}

static const field_rule_t *rule_for(const schema_t *s, const char *name)
{
    for (size_t i = 0; i < s->count; i++) {
        if (strcmp(s->fields[i].name, name) == 0) {
            return &s->fields[i];
        }
    }
    return NULL;
}

static bool is_integer(const cJSON *item)
{
    return cJSON_IsNumber(item) && isfinite(item->valuedouble) && floor(item->valuedouble) == item->valuedouble;
}

static bool check_field(kf_proto_verdict_t *v, const char *kind, const field_rule_t *r, const cJSON *item)
{
    char at[80];
    pointer(at, sizeof(at), "", r->name);
    switch (r->type) {
    case T_ENUM:
        if (!cJSON_IsString(item)) {
            return reject(v, "wrong-type", at, "%s: %s must be of type string", kind, at);
        }
        for (const char *const *e = r->values; *e != NULL; e++) {
            if (strcmp(*e, item->valuestring) == 0) {
                return true;
            }
        }
        return reject(v, "invalid-value", at, "%s: %s must be one of the allowed values", kind, at);
    case T_INTEGER:
        if (!is_integer(item)) {
            return reject(v, "wrong-type", at, "%s: %s must be of type integer", kind, at);
        }
        if (item->valuedouble < r->min || item->valuedouble > r->max) {
            return reject(v, "out-of-range", at, "%s: %s must be within %.0f..%.0f", kind, at, r->min, r->max);
        }
        return true;
    case T_STRING:
    default: {
        if (!cJSON_IsString(item)) {
            return reject(v, "wrong-type", at, "%s: %s must be of type string", kind, at);
        }
        size_t n = char_count(item->valuestring);
        if ((r->min_len > 0 && n < (size_t)r->min_len) || (r->max_len > 0 && n > (size_t)r->max_len)) {
            return reject(v, "out-of-range", at, "%s: %s must have %d to %d characters", kind, at, r->min_len,
                          r->max_len);
        }
        if (r->pattern != NULL && !r->pattern(item->valuestring)) {
            return reject(v, "invalid-format", at, "%s: %s does not have the required format (%s)", kind, at,
                          r->pattern_text);
        }
        return true;
    }
    }
}

static bool check_values(kf_proto_verdict_t *v, const cJSON *values)
{
    if (!cJSON_IsObject(values)) {
        return reject(v, "wrong-type", "/values", "telemetry: /values must be of type object");
    }
    int count = cJSON_GetArraySize(values);
    if (count < 1 || count > 32) {
        return reject(v, "out-of-range", "/values", "telemetry: /values must hold 1 to 32 readings");
    }
    char at[80];
    for (const cJSON *e = values->child; e != NULL; e = e->next) {
        pointer(at, sizeof(at), "/values", e->string);
        if (!telemetry_name(e->string)) {
            return reject(v, "invalid-format", at, "telemetry: name of %s is not allowed (lowercase snake case)", at);
        }
        if (!cJSON_IsNumber(e) && !cJSON_IsBool(e)) {
            return reject(v, "wrong-type", at, "telemetry: %s must be a number or a boolean", at);
        }
    }
    return true;
}

static bool check_schema(kf_proto_verdict_t *v, kf_kind_t kind, const cJSON *obj)
{
    const char *name = kf_kind_name(kind);
    schema_t s = schema_of(kind);
    char at[80];
    for (const cJSON *e = obj->child; e != NULL; e = e->next) {
        if (rule_for(&s, e->string) == NULL) {
            pointer(at, sizeof(at), "", e->string);
            return reject(v, "unknown-field", at, "%s: field %s is not part of the message", name, at);
        }
    }
    for (size_t i = 0; i < s.count; i++) {
        if (s.fields[i].required && cJSON_GetObjectItemCaseSensitive(obj, s.fields[i].name) == NULL) {
            pointer(at, sizeof(at), "", s.fields[i].name);
            return reject(v, "missing-field", at, "%s: required field %s is missing", name, at);
        }
    }
    for (const cJSON *e = obj->child; e != NULL; e = e->next) {
        if (kind == KF_KIND_TELEMETRY && strcmp(e->string, "values") == 0) {
            if (!check_values(v, e)) {
                return false;
            }
        } else if (!check_field(v, name, rule_for(&s, e->string), e)) {
            return false;
        }
    }
    return true;
}

/* Conditional requirements (if/then in the schemas) and cross-field rules. */
static bool check_rules(kf_proto_verdict_t *v, kf_kind_t kind, const cJSON *obj, const char *device_id)
{
    const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(obj, "bytes");
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(obj, "total");
    switch (kind) {
    case KF_KIND_OTA_PROGRESS: {
        bool downloading = strcmp(cJSON_GetObjectItemCaseSensitive(obj, "state")->valuestring, "downloading") == 0;
        if (downloading && bytes == NULL) {
            return reject(v, "missing-field", "/bytes", "ota-progress: required field /bytes is missing");
        }
        if (downloading && total == NULL) {
            return reject(v, "missing-field", "/total", "ota-progress: required field /total is missing");
        }
        if (!downloading && bytes != NULL) {
            return reject(v, "unknown-field", "/bytes", "ota-progress: field /bytes is not allowed with these values");
        }
        if (!downloading && total != NULL) {
            return reject(v, "unknown-field", "/total", "ota-progress: field /total is not allowed with these values");
        }
        if (downloading && bytes->valuedouble > total->valuedouble) {
            return reject(v, "inconsistent", "/bytes", "ota-progress: /bytes exceeds /total");
        }
        return true;
    }
    case KF_KIND_OTA_RESULT: {
        bool success = strcmp(cJSON_GetObjectItemCaseSensitive(obj, "result")->valuestring, "success") == 0;
        bool has_reason = cJSON_GetObjectItemCaseSensitive(obj, "reason") != NULL;
        if (success && cJSON_GetObjectItemCaseSensitive(obj, "version") == NULL) {
            return reject(v, "missing-field", "/version", "ota-result: required field /version is missing");
        }
        if (success && has_reason) {
            return reject(v, "unknown-field", "/reason", "ota-result: field /reason is not allowed with these values");
        }
        if (!success && !has_reason) {
            return reject(v, "missing-field", "/reason", "ota-result: required field /reason is missing");
        }
        return true;
    }
    case KF_KIND_CMD_OTA: {
        uint8_t der[80];
        const char *text = cJSON_GetObjectItemCaseSensitive(obj, "signature")->valuestring;
        size_t n = base64_decode(text, der, sizeof(der));
        const char *problem = kf_proto_der_signature_problem(der, n);
        if (problem != NULL) {
            return reject(v, "invalid-format", "/signature", "cmd-ota: /signature is not a DER ECDSA P-256 signature: %s",
                          problem);
        }
        return true;
    }
    case KF_KIND_CMD_FACTORY_RESET:
        if (device_id == NULL || strcmp(cJSON_GetObjectItemCaseSensitive(obj, "confirm")->valuestring, device_id) != 0) {
            return reject(v, "inconsistent", "/confirm", "cmd-factory-reset: /confirm differs from the device id in the topic");
        }
        return true;
    default:
        return true;
    }
}

static bool only_whitespace(const char *p, const char *end)
{
    for (; p < end; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            return false;
        }
    }
    return true;
}

void kf_proto_check_payload(kf_channel_t channel, const char *device_id, const uint8_t *payload, size_t len,
                            kf_proto_verdict_t *out, cJSON **parsed)
{
    kf_proto_verdict_t scratch;
    kf_proto_verdict_t *v = out != NULL ? out : &scratch;
    memset(v, 0, sizeof(*v));
    if (parsed != NULL) {
        *parsed = NULL;
    }
    if (channel >= KF_CH_COUNT) {
        reject(v, "unknown-topic", NULL, "unknown channel");
        return;
    }
    v->has_channel = true;
    v->channel = channel;
    const char *ch = CHANNELS[channel].name;
    if (len == 0 || payload == NULL) {
        reject(v, "empty-payload", "", "%s: the payload is empty", ch);
        return;
    }
    if (len > CHANNELS[channel].max_bytes) {
        reject(v, "too-large", "", "%s: the payload has %lu bytes, more than %lu", ch, (unsigned long)len,
               (unsigned long)CHANNELS[channel].max_bytes);
        return;
    }
    if (!kf_proto_utf8_valid(payload, len)) {
        reject(v, "invalid-utf8", "", "%s: the payload is not valid UTF-8", ch);
        return;
    }
    const char *text = (const char *)payload;
    const char *end = NULL;
    cJSON *root = NULL;
    bool bom = len >= 3 && payload[0] == 0xEF && payload[1] == 0xBB && payload[2] == 0xBF;
    if (!bom) {
        root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    }
    if (root == NULL || end == NULL || !only_whitespace(end, text + len)) {
        cJSON_Delete(root);
        reject(v, "invalid-json", "", "%s: the payload is not JSON", ch);
        return;
    }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        reject(v, "not-an-object", "", "%s: the payload is not a JSON object", ch);
        return;
    }
    kf_kind_t kind = CHANNELS[channel].kind;
    if (channel == KF_CH_STATUS) {
        const cJSON *state = cJSON_GetObjectItemCaseSensitive(root, "state");
        if (cJSON_IsString(state) && strcmp(state->valuestring, "offline") == 0) {
            kind = KF_KIND_LWT;
        }
    }
    v->kind = kind;
    if (!check_schema(v, kind, root) || !check_rules(v, kind, root, device_id)) {
        cJSON_Delete(root);
        return;
    }
    v->valid = true;
    if (parsed != NULL) {
        *parsed = root;
    } else {
        cJSON_Delete(root);
    }
}

void kf_proto_check(const char *topic_prefix, const char *topic, size_t topic_len, const uint8_t *payload,
                    size_t len, kf_proto_verdict_t *out, cJSON **parsed)
{
    kf_proto_verdict_t scratch;
    kf_proto_verdict_t *v = out != NULL ? out : &scratch;
    memset(v, 0, sizeof(*v));
    if (parsed != NULL) {
        *parsed = NULL;
    }
    size_t p = topic_prefix != NULL ? strlen(topic_prefix) : 0;
    static const char DEVICES[] = "/devices/";
    size_t head = p + sizeof(DEVICES) - 1;
    if (topic == NULL || topic_len <= head || memcmp(topic, topic_prefix, p) != 0 ||
        memcmp(topic + p, DEVICES, sizeof(DEVICES) - 1) != 0) {
        reject(v, "unknown-topic", NULL, "topic is not under <prefix>/devices/");
        return;
    }
    const char *id = topic + head;
    const char *slash = memchr(id, '/', topic_len - head);
    if (slash == NULL) {
        reject(v, "unknown-topic", NULL, "topic has no channel after the device id");
        return;
    }
    size_t id_len = (size_t)(slash - id);
    size_t ch_len = topic_len - head - id_len - 1;
    kf_channel_t channel = KF_CH_COUNT;
    for (int c = 0; c < KF_CH_COUNT; c++) {
        if (strlen(CHANNELS[c].name) == ch_len && memcmp(CHANNELS[c].name, slash + 1, ch_len) == 0) {
            channel = (kf_channel_t)c;
        }
    }
    if (channel == KF_CH_COUNT) {
        reject(v, "unknown-topic", NULL, "unknown channel");
        return;
    }
    if (!kf_proto_device_id_valid(id, id_len)) {
        reject(v, "invalid-device-id", NULL, "the device id is not <namespace>.<name> with Kubernetes names");
        return;
    }
    char device_id[320];
    memcpy(device_id, id, id_len);
    device_id[id_len] = '\0';
    kf_proto_check_payload(channel, device_id, payload, len, v, parsed);
}
