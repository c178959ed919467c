#include "kf_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kf_log.h"
#include "kf_protocol.h"
#include "kf_topics.h"

static const char *TAG = "kf.config";

/* Local state keys (namespace chosen by the platform, CONFIG_KUBEFLASH_LOCAL_NAMESPACE). */
#define LOCAL_WIFI_SSID "wifi_ssid"
#define LOCAL_WIFI_PASS "wifi_pass"
#define LOCAL_WEB_USER "web_user"
#define LOCAL_WEB_PASS "web_pass"

#define DEFAULT_TELEMETRY_PERIOD_S 60u
#define MIN_TELEMETRY_PERIOD_S 5u
#define MAX_TELEMETRY_PERIOD_S 3600u

/* DER prefix of a SubjectPublicKeyInfo for id-ecPublicKey / prime256v1 with a 65-byte uncompressed point. */
static const uint8_t P256_SPKI_PREFIX[] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
};

const char *kf_config_verdict_name(kf_config_verdict_t verdict)
{
    switch (verdict) {
    case KF_CONFIG_OK: return "ok";
    case KF_CONFIG_MISSING: return "missing";
    case KF_CONFIG_CORRUPT: return "corrupt";
    case KF_CONFIG_INVALID: return "invalid";
    }
    return "unknown";
}

void kf_config_problem_set(kf_config_problem_t *problem, kf_config_verdict_t verdict, const char *key,
                           const char *reason)
{
    if (problem == NULL) {
        return;
    }
    memset(problem, 0, sizeof(*problem));
    problem->verdict = verdict;
    if (key != NULL) {
        snprintf(problem->key, sizeof(problem->key), "%s", key);
    }
    if (reason != NULL) {
        snprintf(problem->reason, sizeof(problem->reason), "%s", reason);
    }
}

/* ---- rules ---------------------------------------------------------------------------------- */

bool kf_config_device_id_valid(const char *device_id)
{
    return device_id != NULL && kf_proto_device_id_valid(device_id, strlen(device_id));
}

bool kf_config_mqtt_uri_valid(const char *uri, bool *tls)
{
    if (uri == NULL || strlen(uri) > KF_MQTT_URI_MAX) {
        return false;
    }
    const char *host;
    bool secure;
    if (strncmp(uri, "mqtts://", 8) == 0) {
        host = uri + 8;
        secure = true;
    } else if (strncmp(uri, "mqtt://", 7) == 0) {
        host = uri + 7;
        secure = false;
    } else {
        return false;
    }
    const char *p = host;
    if (*p == '[') { /* IPv6 literal */
        const char *close = strchr(p, ']');
        if (close == NULL || close == p + 1) {
            return false;
        }
        for (const char *q = p + 1; q < close; q++) {
            if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F') || *q == ':')) {
                return false;
            }
        }
        p = close + 1;
    } else {
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
               *p == '-' || *p == '_') {
            p++;
        }
        if (p == host) {
            return false;
        }
    }
    if (*p == ':') {
        p++;
        unsigned long port = 0;
        const char *digits = p;
        while (*p >= '0' && *p <= '9' && port <= 65535) {
            port = port * 10 + (unsigned long)(*p - '0');
            p++;
        }
        if (p == digits || port == 0 || port > 65535) {
            return false;
        }
    }
    if (*p == '/' && p[1] == '\0') {
        p++;
    }
    if (*p != '\0') {
        return false;
    }
    if (tls != NULL) {
        *tls = secure;
    }
    return true;
}

static bool printable_ascii(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) {
            return false;
        }
    }
    return true;
}

bool kf_config_wifi_ssid_valid(const char *ssid)
{
    size_t n = ssid != NULL ? strlen(ssid) : 0;
    return n >= 1 && n <= KF_WIFI_SSID_MAX;
}

bool kf_config_wifi_pass_valid(const char *pass)
{
    if (pass == NULL) {
        return false;
    }
    size_t n = strlen(pass);
    if (n == 0) {
        return true;
    }
    if (n == 64) {
        for (size_t i = 0; i < n; i++) {
            char c = pass[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
    return n >= KF_WIFI_PASS_MIN && n <= KF_WIFI_PASS_MAX && printable_ascii(pass);
}

bool kf_config_web_user_valid(const char *user)
{
    if (user == NULL) {
        return false;
    }
    size_t n = strlen(user);
    return n >= 1 && n <= KF_WEB_USER_MAX && printable_ascii(user) && strchr(user, ':') == NULL;
}

bool kf_config_web_pass_valid(const char *pass)
{
    if (pass == NULL) {
        return false;
    }
    size_t n = strlen(pass);
    return n >= KF_WEB_PASS_MIN && n <= KF_WEB_PASS_MAX && printable_ascii(pass);
}

bool kf_config_p256_spki_valid(const uint8_t *der, size_t len)
{
    return der != NULL && len == KF_OTA_PUBKEY_LEN && memcmp(der, P256_SPKI_PREFIX, sizeof(P256_SPKI_PREFIX)) == 0;
}

static bool pem_valid(const char *pem, const char *label)
{
    char begin[48];
    char end[48];
    snprintf(begin, sizeof(begin), "-----BEGIN %s", label);
    snprintf(end, sizeof(end), "-----END %s", label);
    const char *b = strstr(pem, begin);
    return b != NULL && strstr(b, end) != NULL;
}

/* ---- reading ---------------------------------------------------------------------------------- */

static void wipe_free(void *p, size_t n)
{
    if (p != NULL) {
        volatile uint8_t *v = p;
        while (n-- > 0) {
            *v++ = 0;
        }
        free(p);
    }
}

static void wipe_free_str(char *s)
{
    if (s != NULL) {
        wipe_free(s, strlen(s));
    }
}

typedef struct {
    const kf_kv_t *kv;
    kf_config_problem_t *problem;
} reader_t;

static kf_err_t fail(reader_t *r, kf_config_verdict_t verdict, const char *key, const char *reason)
{
    kf_config_problem_set(r->problem, verdict, key, reason);
    return KF_ERR_INVALID_ARG;
}

/* Reads a string key into a new buffer. `*out` stays NULL when the key is absent and not required. */
static kf_err_t read_string(reader_t *r, const char *key, size_t max, bool required, char **out)
{
    kf_kv_type_t type;
    size_t size;
    *out = NULL;
    kf_err_t err = r->kv->find(r->kv->ctx, key, &type, &size);
    if (err == KF_ERR_NOT_FOUND) {
        return required ? fail(r, KF_CONFIG_INVALID, key, "required key is missing") : KF_OK;
    }
    if (err != KF_OK) {
        return fail(r, KF_CONFIG_CORRUPT, key, "value cannot be read");
    }
    if (type != KF_KV_STR) {
        return fail(r, KF_CONFIG_INVALID, key, "must be a string");
    }
    if (size == 0 || size - 1 > max) {
        return fail(r, KF_CONFIG_INVALID, key, "string is too long");
    }
    char *buf = malloc(size);
    if (buf == NULL) {
        return fail(r, KF_CONFIG_CORRUPT, key, "out of memory");
    }
    size_t len = size;
    err = r->kv->get_bytes(r->kv->ctx, key, buf, &len);
    if (err != KF_OK || len != size || buf[size - 1] != '\0' || strlen(buf) != size - 1) {
        wipe_free(buf, size);
        return fail(r, KF_CONFIG_CORRUPT, key, "string is not terminated or cannot be read");
    }
    *out = buf;
    return KF_OK;
}

/* Reads a string or blob key holding PEM text into a NUL-terminated buffer. */
static kf_err_t read_pem(reader_t *r, const char *key, const char *label, char **out, size_t *out_len)
{
    kf_kv_type_t type;
    size_t size;
    *out = NULL;
    *out_len = 0;
    kf_err_t err = r->kv->find(r->kv->ctx, key, &type, &size);
    if (err == KF_ERR_NOT_FOUND) {
        return KF_OK;
    }
    if (err != KF_OK) {
        return fail(r, KF_CONFIG_CORRUPT, key, "value cannot be read");
    }
    if (type != KF_KV_STR && type != KF_KV_BLOB) {
        return fail(r, KF_CONFIG_INVALID, key, "must be a PEM string or blob");
    }
    if (size == 0 || size > KF_PEM_MAX) {
        return fail(r, KF_CONFIG_INVALID, key, "PEM is empty or larger than 8 KiB");
    }
    char *buf = malloc(size + 1);
    if (buf == NULL) {
        return fail(r, KF_CONFIG_CORRUPT, key, "out of memory");
    }
    size_t len = size;
    err = r->kv->get_bytes(r->kv->ctx, key, buf, &len);
    if (err != KF_OK || len != size) {
        wipe_free(buf, size + 1);
        return fail(r, KF_CONFIG_CORRUPT, key, "value cannot be read");
    }
    buf[size] = '\0';
    size_t text = strlen(buf);
    for (size_t i = text; i < size; i++) { /* only NUL padding may follow the text */
        if (buf[i] != '\0') {
            wipe_free(buf, size + 1);
            return fail(r, KF_CONFIG_INVALID, key, "PEM contains a NUL byte");
        }
    }
    if (!pem_valid(buf, label)) {
        wipe_free(buf, size + 1);
        return fail(r, KF_CONFIG_INVALID, key, "not PEM text of the expected kind");
    }
    *out = buf;
    *out_len = text + 1;
    return KF_OK;
}

static kf_err_t read_flag(reader_t *r, const char *key, bool fallback, bool *out)
{
    kf_kv_num_t num;
    *out = fallback;
    kf_err_t err = r->kv->get_num(r->kv->ctx, key, &num);
    if (err == KF_ERR_NOT_FOUND) {
        return KF_OK;
    }
    if (err == KF_ERR_TYPE) {
        return fail(r, KF_CONFIG_INVALID, key, "must be a bool (u8 0 or 1)");
    }
    if (err != KF_OK) {
        return fail(r, KF_CONFIG_CORRUPT, key, "value cannot be read");
    }
    bool is_signed = (num.type & 0x10) != 0;
    if ((is_signed && (num.v.i < 0 || num.v.i > 1)) || (!is_signed && num.v.u > 1)) {
        return fail(r, KF_CONFIG_INVALID, key, "must be 0 or 1");
    }
    *out = is_signed ? num.v.i == 1 : num.v.u == 1;
    return KF_OK;
}

static kf_err_t read_period(reader_t *r, const char *key, uint32_t *out)
{
    kf_kv_num_t num;
    *out = DEFAULT_TELEMETRY_PERIOD_S;
    kf_err_t err = r->kv->get_num(r->kv->ctx, key, &num);
    if (err == KF_ERR_NOT_FOUND) {
        return KF_OK;
    }
    if (err == KF_ERR_TYPE) {
        return fail(r, KF_CONFIG_INVALID, key, "must be an integer");
    }
    if (err != KF_OK) {
        return fail(r, KF_CONFIG_CORRUPT, key, "value cannot be read");
    }
    int64_t v = (num.type & 0x10) ? num.v.i : (num.v.u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)num.v.u);
    if (v < (int64_t)MIN_TELEMETRY_PERIOD_S || v > (int64_t)MAX_TELEMETRY_PERIOD_S) {
        return fail(r, KF_CONFIG_INVALID, key, "must be 5..3600 seconds");
    }
    *out = (uint32_t)v;
    return KF_OK;
}

static kf_err_t read_pubkey(reader_t *r, kf_config_t *cfg)
{
    static const char *KEY = "ota_pubkey";
    kf_kv_type_t type;
    size_t size;
    kf_err_t err = r->kv->find(r->kv->ctx, KEY, &type, &size);
    if (err == KF_ERR_NOT_FOUND) {
        KF_LOGW(TAG, "no ota_pubkey in the config: firmware updates will be refused");
        return KF_OK;
    }
    if (err != KF_OK) {
        return fail(r, KF_CONFIG_CORRUPT, KEY, "value cannot be read");
    }
    if (type != KF_KV_BLOB || size != KF_OTA_PUBKEY_LEN) {
        return fail(r, KF_CONFIG_INVALID, KEY, "must be a 91-byte blob (DER SubjectPublicKeyInfo, P-256)");
    }
    uint8_t *der = malloc(size);
    if (der == NULL) {
        return fail(r, KF_CONFIG_CORRUPT, KEY, "out of memory");
    }
    size_t len = size;
    err = r->kv->get_bytes(r->kv->ctx, KEY, der, &len);
    if (err != KF_OK || !kf_config_p256_spki_valid(der, len)) {
        free(der);
        return fail(r, err != KF_OK ? KF_CONFIG_CORRUPT : KF_CONFIG_INVALID, KEY,
                    "not a DER SubjectPublicKeyInfo of an ECDSA P-256 key");
    }
    cfg->ota_pubkey = der;
    cfg->ota_pubkey_len = len;
    return KF_OK;
}

static kf_err_t load_all(reader_t *r, kf_config_t *cfg)
{
    if (read_string(r, "device_id", KF_DEVICE_ID_MAX, true, &cfg->device_id) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    if (!kf_config_device_id_valid(cfg->device_id)) {
        return fail(r, KF_CONFIG_INVALID, "device_id", "must be <namespace>.<name> (DNS names)");
    }
    if (read_string(r, "mqtt_uri", KF_MQTT_URI_MAX, true, &cfg->mqtt_uri) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    if (!kf_config_mqtt_uri_valid(cfg->mqtt_uri, &cfg->mqtts)) {
        return fail(r, KF_CONFIG_INVALID, "mqtt_uri", "must be mqtt://host[:port] or mqtts://host[:port]");
    }
    if (read_string(r, "mqtt_user", KF_SECRET_MAX, true, &cfg->mqtt_user) != KF_OK ||
        read_string(r, "mqtt_pass", KF_SECRET_MAX, true, &cfg->mqtt_pass) != KF_OK ||
        read_string(r, "mqtt_prefix", KF_MQTT_PREFIX_MAX, true, &cfg->mqtt_prefix) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    if (cfg->mqtt_user[0] == '\0' || cfg->mqtt_pass[0] == '\0') {
        return fail(r, KF_CONFIG_INVALID, cfg->mqtt_user[0] == '\0' ? "mqtt_user" : "mqtt_pass", "must not be empty");
    }
    if (!kf_topic_root_matches_device(cfg->mqtt_prefix, cfg->device_id)) {
        return fail(r, KF_CONFIG_INVALID, "mqtt_prefix",
                    "must be <topicPrefix>/devices/<device_id>");
    }
    if (read_pem(r, "mqtt_ca", "CERTIFICATE", &cfg->mqtt_ca, &cfg->mqtt_ca_len) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    if (cfg->mqtt_ca != NULL && !cfg->mqtts) {
        return fail(r, KF_CONFIG_INVALID, "mqtt_ca", "is set but mqtt_uri is not mqtts://");
    }
    if (read_pubkey(r, cfg) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    if (read_string(r, "web_user", KF_WEB_USER_MAX, false, &cfg->web_user) != KF_OK ||
        read_string(r, "web_pass", KF_WEB_PASS_MAX, false, &cfg->web_pass) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    if ((cfg->web_user == NULL) != (cfg->web_pass == NULL)) {
        return fail(r, KF_CONFIG_INVALID, cfg->web_user == NULL ? "web_user" : "web_pass",
                    "web_user and web_pass must be set together");
    }
    if (cfg->web_user != NULL && !kf_config_web_user_valid(cfg->web_user)) {
        return fail(r, KF_CONFIG_INVALID, "web_user", "must be 1..32 printable characters without ':'");
    }
    if (cfg->web_pass != NULL && !kf_config_web_pass_valid(cfg->web_pass)) {
        return fail(r, KF_CONFIG_INVALID, "web_pass", "must be 8..64 printable characters");
    }
    if (read_string(r, "wifi_ssid", KF_WIFI_SSID_MAX, false, &cfg->wifi_ssid) != KF_OK ||
        read_string(r, "wifi_pass", 64, false, &cfg->wifi_pass) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    if (cfg->wifi_ssid != NULL && !kf_config_wifi_ssid_valid(cfg->wifi_ssid)) {
        return fail(r, KF_CONFIG_INVALID, "wifi_ssid", "must be 1..32 bytes");
    }
    if (cfg->wifi_pass != NULL && cfg->wifi_ssid == NULL) {
        return fail(r, KF_CONFIG_INVALID, "wifi_pass", "is set but wifi_ssid is not");
    }
    if (cfg->wifi_pass != NULL && !kf_config_wifi_pass_valid(cfg->wifi_pass)) {
        return fail(r, KF_CONFIG_INVALID, "wifi_pass", "must be empty, 8..63 printable characters or 64 hex digits");
    }
    if (read_pem(r, "web_cert", "CERTIFICATE", &cfg->web_cert, &cfg->web_cert_len) != KF_OK ||
        read_pem(r, "web_key", "", &cfg->web_key, &cfg->web_key_len) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    if (cfg->web_key != NULL && strstr(cfg->web_key, "PRIVATE KEY-----") == NULL) {
        return fail(r, KF_CONFIG_INVALID, "web_key", "not a PEM private key");
    }
    if ((cfg->web_cert == NULL) != (cfg->web_key == NULL)) {
        return fail(r, KF_CONFIG_INVALID, cfg->web_cert == NULL ? "web_cert" : "web_key",
                    "web_cert and web_key must be set together");
    }
    if (read_string(r, "ntp_server", 64, false, &cfg->ntp_server) != KF_OK ||
        read_string(r, "tz", 64, false, &cfg->tz) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    if ((cfg->ntp_server == NULL && (cfg->ntp_server = strdup("pool.ntp.org")) == NULL) ||
        (cfg->tz == NULL && (cfg->tz = strdup("UTC0")) == NULL)) {
        return fail(r, KF_CONFIG_CORRUPT, NULL, "out of memory");
    }
    if (read_flag(r, "web_subnet_only", true, &cfg->web_subnet_only) != KF_OK ||
        read_period(r, "sample_period", &cfg->telemetry_period_s) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    char *level = NULL;
    cfg->mqtt_log_level = KF_LOG_WARN;
    if (read_string(r, "log_level", 16, false, &level) != KF_OK) {
        return KF_ERR_INVALID_ARG;
    }
    if (level != NULL) {
        kf_err_t err = kf_log_level_parse(level, &cfg->mqtt_log_level);
        free(level);
        if (err != KF_OK) {
            return fail(r, KF_CONFIG_INVALID, "log_level", "must be none, error, warn, info, debug or verbose");
        }
    }
    return KF_OK;
}

kf_config_verdict_t kf_config_load(const kf_kv_t *kv, kf_config_t *cfg, kf_config_problem_t *problem)
{
    kf_config_problem_t scratch;
    if (problem == NULL) {
        problem = &scratch;
    }
    kf_config_problem_set(problem, KF_CONFIG_OK, NULL, NULL);
    if (cfg == NULL) {
        kf_config_problem_set(problem, KF_CONFIG_MISSING, NULL, "no config object");
        return problem->verdict;
    }
    memset(cfg, 0, sizeof(*cfg));
    if (kv == NULL || kv->find == NULL || kv->get_bytes == NULL || kv->get_num == NULL) {
        kf_config_problem_set(problem, KF_CONFIG_MISSING, NULL, "no config partition or namespace");
        return problem->verdict;
    }
    reader_t r = {.kv = kv, .problem = problem};
    if (load_all(&r, cfg) != KF_OK) {
        kf_config_free(cfg);
        if (problem->verdict == KF_CONFIG_OK) {
            kf_config_problem_set(problem, KF_CONFIG_INVALID, NULL, "config rejected");
        }
        KF_LOGE(TAG, "config %s: %s %s", kf_config_verdict_name(problem->verdict), problem->key, problem->reason);
        return problem->verdict;
    }
    return KF_CONFIG_OK;
}

void kf_config_free(kf_config_t *cfg)
{
    if (cfg == NULL) {
        return;
    }
    free(cfg->device_id);
    free(cfg->mqtt_uri);
    wipe_free_str(cfg->mqtt_user);
    wipe_free_str(cfg->mqtt_pass);
    free(cfg->mqtt_prefix);
    free(cfg->mqtt_ca);
    free(cfg->ota_pubkey);
    wipe_free_str(cfg->web_user);
    wipe_free_str(cfg->web_pass);
    free(cfg->wifi_ssid);
    wipe_free_str(cfg->wifi_pass);
    free(cfg->web_cert);
    wipe_free(cfg->web_key, cfg->web_key_len);
    free(cfg->ntp_server);
    free(cfg->tz);
    memset(cfg, 0, sizeof(*cfg));
}

/* ---- local state -------------------------------------------------------------------------------- */

static char *read_local(const kf_kv_t *kv, const char *key, size_t max)
{
    kf_kv_type_t type;
    size_t size;
    if (kv->find(kv->ctx, key, &type, &size) != KF_OK) {
        return NULL;
    }
    if (type != KF_KV_STR || size == 0 || size - 1 > max) {
        KF_LOGW(TAG, "local %s ignored: not a string of at most %u bytes", key, (unsigned)max);
        return NULL;
    }
    char *buf = malloc(size);
    if (buf == NULL) {
        return NULL;
    }
    size_t len = size;
    if (kv->get_bytes(kv->ctx, key, buf, &len) != KF_OK || len != size || buf[size - 1] != '\0') {
        wipe_free(buf, size);
        KF_LOGW(TAG, "local %s ignored: cannot be read", key);
        return NULL;
    }
    return buf;
}

kf_err_t kf_local_load(const kf_kv_t *kv, kf_local_t *local)
{
    if (local == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    memset(local, 0, sizeof(*local));
    if (kv == NULL || kv->find == NULL || kv->get_bytes == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    local->wifi_ssid = read_local(kv, LOCAL_WIFI_SSID, KF_WIFI_SSID_MAX);
    local->wifi_pass = read_local(kv, LOCAL_WIFI_PASS, 64);
    if (local->wifi_ssid == NULL || local->wifi_pass == NULL || !kf_config_wifi_ssid_valid(local->wifi_ssid) ||
        !kf_config_wifi_pass_valid(local->wifi_pass)) {
        free(local->wifi_ssid);
        wipe_free_str(local->wifi_pass);
        local->wifi_ssid = local->wifi_pass = NULL;
    }
    local->web_user = read_local(kv, LOCAL_WEB_USER, KF_WEB_USER_MAX);
    local->web_pass = read_local(kv, LOCAL_WEB_PASS, KF_WEB_PASS_MAX);
    if (local->web_user == NULL || local->web_pass == NULL || !kf_config_web_user_valid(local->web_user) ||
        !kf_config_web_pass_valid(local->web_pass)) {
        wipe_free_str(local->web_user);
        wipe_free_str(local->web_pass);
        local->web_user = local->web_pass = NULL;
    }
    return KF_OK;
}

void kf_local_free(kf_local_t *local)
{
    if (local == NULL) {
        return;
    }
    free(local->wifi_ssid);
    wipe_free_str(local->wifi_pass);
    wipe_free_str(local->web_user);
    wipe_free_str(local->web_pass);
    memset(local, 0, sizeof(*local));
}

static bool writable(const kf_kv_t *kv)
{
    return kv != NULL && kv->set_str != NULL && kv->commit != NULL && kv->erase_all != NULL;
}

static kf_err_t save_pair(const kf_kv_t *kv, const char *k1, const char *v1, const char *k2, const char *v2)
{
    kf_err_t err = kv->set_str(kv->ctx, k1, v1);
    if (err == KF_OK) {
        err = kv->set_str(kv->ctx, k2, v2);
    }
    if (err == KF_OK) {
        err = kv->commit(kv->ctx);
    }
    return err;
}

kf_err_t kf_local_save_wifi(const kf_kv_t *kv, const char *ssid, const char *pass)
{
    if (!writable(kv) || !kf_config_wifi_ssid_valid(ssid) || !kf_config_wifi_pass_valid(pass)) {
        return KF_ERR_INVALID_ARG;
    }
    return save_pair(kv, LOCAL_WIFI_SSID, ssid, LOCAL_WIFI_PASS, pass);
}

kf_err_t kf_local_save_web_login(const kf_kv_t *kv, const char *user, const char *pass)
{
    if (!writable(kv) || !kf_config_web_user_valid(user) || !kf_config_web_pass_valid(pass)) {
        return KF_ERR_INVALID_ARG;
    }
    return save_pair(kv, LOCAL_WEB_USER, user, LOCAL_WEB_PASS, pass);
}

kf_err_t kf_local_erase(const kf_kv_t *kv)
{
    if (!writable(kv)) {
        return KF_ERR_INVALID_ARG;
    }
    kf_err_t err = kv->erase_all(kv->ctx);
    if (err == KF_OK) {
        err = kv->commit(kv->ctx);
    }
    KF_LOGW(TAG, "factory reset: local state erased (%s)", kf_err_name(err));
    return err;
}

/* ---- precedence --------------------------------------------------------------------------------- */

void kf_settings_resolve(const kf_config_t *cfg, const kf_local_t *local, kf_settings_t *out)
{
    if (out == NULL) {
        return;
    }
    memset(out, 0, sizeof(*out));
    if (cfg != NULL && cfg->wifi_ssid != NULL) {
        out->wifi_ssid = cfg->wifi_ssid;
        out->wifi_pass = cfg->wifi_pass != NULL ? cfg->wifi_pass : "";
        out->wifi_source = KF_SRC_OPERATOR;
    } else if (local != NULL && local->wifi_ssid != NULL) {
        out->wifi_ssid = local->wifi_ssid;
        out->wifi_pass = local->wifi_pass != NULL ? local->wifi_pass : "";
        out->wifi_source = KF_SRC_LOCAL;
    }
    if (cfg != NULL && cfg->web_user != NULL) {
        out->web_user = cfg->web_user;
        out->web_pass = cfg->web_pass;
        out->web_source = KF_SRC_OPERATOR;
    } else if (local != NULL && local->web_user != NULL) {
        out->web_user = local->web_user;
        out->web_pass = local->web_pass;
        out->web_source = KF_SRC_LOCAL;
    }
}
