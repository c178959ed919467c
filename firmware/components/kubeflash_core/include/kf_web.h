#pragma once
/*
 * Portable core: no ESP-IDF includes. The device's web pages, as pure request -> response handling: the
 * platform's HTTP(S) server copies each request into a kf_http_request_t, calls kf_web_handle() and sends the
 * response, then carries out the response's action (save Wi-Fi, save a login, factory reset).
 *
 * Rules:
 *   - on the regular network, only clients of the device's own subnet are answered unless the config switch
 *     web_subnet_only is 0; requests over the ad-hoc network (SoftAP) are always local;
 *   - every page needs the web login (HTTP Basic, constant-time compare, a lockout after repeated failures);
 *     without any login configured, only the ad-hoc network gets the pages (that is how a new device is set up);
 *   - state-changing requests are POSTs with the per-boot form token (no cross-site requests);
 *   - on the ad-hoc network, requests for other hosts are redirected to the portal (captive portal);
 *   - with a certificate in the config, plain HTTP from the regular network is redirected to HTTPS.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KF_WEB_MAX_FAILURES 5
#define KF_WEB_LOCKOUT_MS 30000u
#define KF_WEB_TOKEN_HEX 32

typedef enum { KF_HTTP_GET, KF_HTTP_POST, KF_HTTP_OTHER } kf_http_method_t;

typedef struct {
    kf_http_method_t method;
    const char *path;          /**< without the query string */
    const char *host;          /**< Host header or NULL */
    const char *authorization; /**< Authorization header or NULL */
    const char *content_type;  /**< Content-Type header or NULL */
    const char *body;          /**< form body (application/x-www-form-urlencoded) or NULL */
    size_t body_len;
    uint32_t client_ip;        /**< IPv4 in host byte order, 0 when unknown (or IPv6) */
    bool via_ap;               /**< the request came in on the SoftAP interface */
    bool secure;               /**< the request came in over HTTPS */
} kf_http_request_t;

typedef enum {
    KF_WEB_ACTION_NONE = 0,
    KF_WEB_ACTION_SAVE_WIFI,     /**< store `a` (SSID) and `b` (passphrase) in local state, reconnect */
    KF_WEB_ACTION_SAVE_LOGIN,    /**< store `a` (user) and `b` (password) in local state */
    KF_WEB_ACTION_FACTORY_RESET, /**< erase local state and restart */
} kf_web_action_t;

typedef struct {
    int status;
    const char *content_type;
    char *body;
    size_t body_len;
    char location[80];        /**< Location header for 3xx, else empty */
    bool ask_for_login;       /**< send WWW-Authenticate: Basic realm="kubeflash" */
    uint32_t retry_after_s;   /**< Retry-After header when non-zero */
    kf_web_action_t action;
    char a[KF_WEB_PASS_MAX + 1]; /**< action arguments; wiped by kf_web_response_free */
    char b[KF_WEB_PASS_MAX + 1];
} kf_http_response_t;

/** What the pages show and the rules they apply, filled by the platform per request. */
typedef struct {
    const char *device_id;      /**< NULL in provisioning mode */
    const char *project;
    const char *fw_version;
    const char *mac;
    bool provisioning;          /**< no usable operator config */
    const char *config_problem; /**< why (no values), when provisioning */
    bool wifi_connected;
    const char *wifi_ssid;
    int rssi;
    uint32_t sta_ip;            /**< host byte order, 0 when not connected */
    uint32_t sta_netmask;
    uint32_t ap_ip;             /**< portal address, 0 when the SoftAP is off */
    uint64_t uptime_s;
    const char *web_user;       /**< effective login (kf_settings_t), NULL when none */
    const char *web_pass;
    bool login_from_operator;   /**< then the login form is not offered */
    bool wifi_from_operator;    /**< then the Wi-Fi form is not offered */
    bool subnet_only;
    uint16_t https_port;        /**< HTTPS is served on this port (0: HTTP only); plain requests from the network
                                     are redirected there, the setup network stays plain HTTP */
} kf_web_view_t;

typedef struct {
    char token[KF_WEB_TOKEN_HEX + 1];
    uint32_t failures;
    uint64_t locked_until_ms;
} kf_web_t;

/** Draws a new form token (per boot). */
void kf_web_init(kf_web_t *web);

void kf_web_handle(kf_web_t *web, const kf_web_view_t *view, const kf_http_request_t *req, uint64_t now_ms,
                   kf_http_response_t *resp);

/** Frees the body and wipes the action arguments. */
void kf_web_response_free(kf_http_response_t *resp);

/**
 * Extracts a field of an application/x-www-form-urlencoded body, percent- and '+'-decoded, into `out`.
 * KF_ERR_NOT_FOUND, KF_ERR_TOO_LONG, or KF_ERR_INVALID_ARG for a bad escape or an embedded NUL.
 */
kf_err_t kf_form_field(const char *body, size_t len, const char *name, char *out, size_t cap);

/** Formats an IPv4 address given in host byte order ("192.168.1.20"). */
void kf_ipv4_format(uint32_t ip, char out[16]);

#ifdef __cplusplus
}
#endif
