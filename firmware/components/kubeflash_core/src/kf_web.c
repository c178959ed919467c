#include "kf_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"

#include "kf_log.h"
#include "kf_strbuf.h"
#include "kf_verify.h"

static const char *TAG = "kf.web";

#define HTML "text/html; charset=utf-8"
#define TEXT "text/plain; charset=utf-8"
#define JSON "application/json"

void kf_web_init(kf_web_t *web)
{
    uint8_t raw[KF_WEB_TOKEN_HEX / 2];
    memset(web, 0, sizeof(*web));
    kf_port_random(raw, sizeof(raw));
    kf_hex_encode(raw, sizeof(raw), web->token);
}

void kf_ipv4_format(uint32_t ip, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", (unsigned)(ip >> 24) & 0xFF, (unsigned)(ip >> 16) & 0xFF,
             (unsigned)(ip >> 8) & 0xFF, (unsigned)ip & 0xFF);
}

static void wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;
    while (n-- > 0) {
        *v++ = 0;
    }
}

void kf_web_response_free(kf_http_response_t *resp)
{
    if (resp == NULL) {
        return;
    }
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
    wipe(resp->a, sizeof(resp->a));
    wipe(resp->b, sizeof(resp->b));
}

static void respond(kf_http_response_t *resp, int status, const char *type, kf_strbuf_t *sb)
{
    resp->status = status;
    resp->content_type = type;
    resp->body = kf_strbuf_take(sb, &resp->body_len);
    if (resp->body == NULL) {
        resp->status = 500;
        resp->content_type = TEXT;
    }
}

static void respond_text(kf_http_response_t *resp, int status, const char *text)
{
    kf_strbuf_t sb;
    kf_strbuf_init(&sb);
    kf_strbuf_append(&sb, text);
    kf_strbuf_append(&sb, "\n");
    respond(resp, status, TEXT, &sb);
}

/* ---- forms --------------------------------------------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

kf_err_t kf_form_field(const char *body, size_t len, const char *name, char *out, size_t cap)
{
    if (body == NULL || name == NULL || out == NULL || cap == 0) {
        return KF_ERR_INVALID_ARG;
    }
    size_t name_len = strlen(name);
    size_t pos = 0;
    while (pos <= len) {
        size_t end = pos;
        while (end < len && body[end] != '&') {
            end++;
        }
        if (end - pos > name_len && memcmp(body + pos, name, name_len) == 0 && body[pos + name_len] == '=') {
            size_t o = 0;
            for (size_t i = pos + name_len + 1; i < end; i++) {
                char c = body[i];
                if (c == '+') {
                    c = ' ';
                } else if (c == '%') {
                    if (i + 2 >= end) {
                        return KF_ERR_INVALID_ARG;
                    }
                    int hi = hex_digit(body[i + 1]);
                    int lo = hex_digit(body[i + 2]);
                    if (hi < 0 || lo < 0) {
                        return KF_ERR_INVALID_ARG;
                    }
                    c = (char)(hi << 4 | lo);
                    i += 2;
                }
                if (c == '\0') {
                    return KF_ERR_INVALID_ARG;
                }
                if (o + 1 >= cap) {
                    out[0] = '\0';
                    return KF_ERR_TOO_LONG;
                }
                out[o++] = c;
            }
            out[o] = '\0';
            return KF_OK;
        }
        if (end - pos == name_len && memcmp(body + pos, name, name_len) == 0) {
            out[0] = '\0'; /* "name" without '=' counts as empty */
            return KF_OK;
        }
        pos = end + 1;
    }
    return KF_ERR_NOT_FOUND;
}

/* ---- access ---------------------------------------------------------------------------------------- */

static bool same_subnet(const kf_web_view_t *view, uint32_t client)
{
    return view->sta_ip != 0 && client != 0 && (client & view->sta_netmask) == (view->sta_ip & view->sta_netmask);
}

static bool equal_const_time(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    unsigned diff = (unsigned)(la ^ lb);
    for (size_t i = 0; i < la; i++) {
        diff |= (unsigned)(uint8_t)a[i] ^ (unsigned)(uint8_t)(lb == 0 ? 0 : b[i % lb]);
    }
    return diff == 0;
}

/* True when the Authorization header carries the configured user and password. */
static bool credentials_match(const kf_web_view_t *view, const char *header)
{
    static const char PREFIX[] = "Basic ";
    if (header == NULL || strncmp(header, PREFIX, sizeof(PREFIX) - 1) != 0) {
        return false;
    }
    const char *b64 = header + sizeof(PREFIX) - 1;
    uint8_t decoded[KF_WEB_USER_MAX + KF_WEB_PASS_MAX + 2];
    size_t n = 0;
    if (kf_base64_decode(b64, strlen(b64), decoded, sizeof(decoded) - 1, &n) != KF_OK) {
        return false;
    }
    decoded[n] = '\0';
    char *colon = memchr(decoded, ':', n);
    bool ok = false;
    if (colon != NULL && strlen((char *)decoded) == n) {
        *colon = '\0';
        bool user_ok = equal_const_time((char *)decoded, view->web_user);
        bool pass_ok = equal_const_time(colon + 1, view->web_pass);
        ok = user_ok && pass_ok;
    }
    wipe(decoded, sizeof(decoded));
    return ok;
}

typedef enum { ACCESS_OK, ACCESS_DENIED } access_t;

static access_t check_access(kf_web_t *web, const kf_web_view_t *view, const kf_http_request_t *req, uint64_t now,
                             kf_http_response_t *resp)
{
    if (!req->via_ap && view->subnet_only && !same_subnet(view, req->client_ip)) {
        respond_text(resp, 403, "Forbidden: this device answers only clients of its own subnet.");
        return ACCESS_DENIED;
    }
    bool has_login = view->web_user != NULL && view->web_pass != NULL;
    if (!has_login) {
        if (req->via_ap) {
            return ACCESS_OK;
        }
        respond_text(resp, 403, "Forbidden: no web login is configured; use the device's setup network.");
        return ACCESS_DENIED;
    }
    if (now < web->locked_until_ms) {
        respond_text(resp, 429, "Too many failed logins; try again later.");
        uint64_t left = (web->locked_until_ms - now + 999) / 1000;
        resp->retry_after_s = left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
        return ACCESS_DENIED;
    }
    if (req->authorization == NULL) {
        respond_text(resp, 401, "Login required.");
        resp->ask_for_login = true;
        return ACCESS_DENIED;
    }
    if (!credentials_match(view, req->authorization)) {
        web->failures++;
        KF_LOGW(TAG, "failed web login (%u in a row)", (unsigned)web->failures);
        if (web->failures >= KF_WEB_MAX_FAILURES) {
            web->failures = 0;
            web->locked_until_ms = now + KF_WEB_LOCKOUT_MS;
        }
        respond_text(resp, 401, "Wrong user or password.");
        resp->ask_for_login = true;
        return ACCESS_DENIED;
    }
    web->failures = 0;
    return ACCESS_OK;
}

/* ---- pages ------------------------------------------------------------------------------------------ */

static void page_head(kf_strbuf_t *sb, const char *title)
{
    kf_strbuf_append(sb, "<!doctype html><html><head><meta charset=\"utf-8\">"
                         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
    kf_strbuf_append_html(sb, title);
    kf_strbuf_append(sb, "</title><style>body{font-family:sans-serif;max-width:40em;margin:1em auto;padding:0 1em}"
                         "th{text-align:left;padding-right:1em}form{margin:1em 0;padding:.5em;border:1px solid #ccc}"
                         "</style></head><body>");
}

static void row(kf_strbuf_t *sb, const char *name, const char *value)
{
    kf_strbuf_append(sb, "<tr><th>");
    kf_strbuf_append_html(sb, name);
    kf_strbuf_append(sb, "</th><td>");
    kf_strbuf_append_html(sb, value);
    kf_strbuf_append(sb, "</td></tr>");
}

static void token_field(kf_strbuf_t *sb, const kf_web_t *web)
{
    kf_strbuf_appendf(sb, "<input type=\"hidden\" name=\"token\" value=\"%s\">", web->token);
}

static void page_home(const kf_web_t *web, const kf_web_view_t *view, kf_http_response_t *resp)
{
    kf_strbuf_t sb;
    char text[32];
    kf_strbuf_init(&sb);
    page_head(&sb, view->device_id != NULL ? view->device_id : "kubeflash device");
    kf_strbuf_append(&sb, "<h1>");
    kf_strbuf_append_html(&sb, view->device_id != NULL ? view->device_id : "New kubeflash device");
    kf_strbuf_append(&sb, "</h1>");
    if (view->provisioning) {
        kf_strbuf_append(&sb, "<p><strong>Not provisioned:</strong> ");
        kf_strbuf_append_html(&sb, view->config_problem != NULL ? view->config_problem : "no configuration");
        kf_strbuf_append(&sb, ". Flash this device's configuration with kubeflash (\"config only\").</p>");
    }
    kf_strbuf_append(&sb, "<table>");
    row(&sb, "Firmware", view->fw_version);
    row(&sb, "Project", view->project);
    row(&sb, "MAC", view->mac);
    row(&sb, "Wi-Fi", view->wifi_connected ? "connected" : "not connected");
    if (view->wifi_ssid != NULL) {
        row(&sb, "Network", view->wifi_ssid);
    }
    if (view->wifi_connected) {
        snprintf(text, sizeof(text), "%d dBm", view->rssi);
        row(&sb, "RSSI", text);
        kf_ipv4_format(view->sta_ip, text);
        row(&sb, "IP", text);
    }
    snprintf(text, sizeof(text), "%lu s", (unsigned long)view->uptime_s);
    row(&sb, "Uptime", text);
    kf_strbuf_append(&sb, "</table>");
    if (!view->wifi_from_operator) {
        kf_strbuf_append(&sb, "<form method=\"post\" action=\"/wifi\"><h2>Wi-Fi</h2>"
                              "<label>Network <input name=\"ssid\" maxlength=\"32\" required></label><br>"
                              "<label>Passphrase <input name=\"pass\" type=\"password\" maxlength=\"64\"></label><br>");
        token_field(&sb, web);
        kf_strbuf_append(&sb, "<button>Save and connect</button></form>");
    }
    if (!view->login_from_operator) {
        kf_strbuf_append(&sb, "<form method=\"post\" action=\"/login\"><h2>Web login</h2>"
                              "<label>User <input name=\"user\" maxlength=\"32\" required></label><br>"
                              "<label>Password <input name=\"pass\" type=\"password\" minlength=\"8\" maxlength=\"64\" "
                              "required></label><br>");
        token_field(&sb, web);
        kf_strbuf_append(&sb, "<button>Save login</button></form>");
    }
    kf_strbuf_append(&sb, "<form method=\"post\" action=\"/factory-reset\" "
                          "onsubmit=\"return confirm('Erase Wi-Fi and login set on this device?')\">"
                          "<h2>Factory reset</h2><p>Erases what was set on this device (Wi-Fi, web login) and "
                          "restarts. The configuration flashed by kubeflash stays.</p>");
    token_field(&sb, web);
    kf_strbuf_append(&sb, "<button>Factory reset</button></form></body></html>");
    respond(resp, 200, HTML, &sb);
}

static void page_status_json(const kf_web_view_t *view, kf_http_response_t *resp)
{
    cJSON *o = cJSON_CreateObject();
    char ip[16];
    if (o == NULL) {
        respond_text(resp, 500, "out of memory");
        return;
    }
    if (view->device_id != NULL) {
        cJSON_AddStringToObject(o, "deviceId", view->device_id);
    }
    cJSON_AddStringToObject(o, "fw", view->fw_version != NULL ? view->fw_version : "");
    cJSON_AddStringToObject(o, "project", view->project != NULL ? view->project : "");
    cJSON_AddStringToObject(o, "mac", view->mac != NULL ? view->mac : "");
    cJSON_AddBoolToObject(o, "provisioned", !view->provisioning);
    cJSON *wifi = cJSON_AddObjectToObject(o, "wifi");
    if (wifi != NULL) {
        cJSON_AddBoolToObject(wifi, "connected", view->wifi_connected);
        if (view->wifi_connected) {
            kf_ipv4_format(view->sta_ip, ip);
            cJSON_AddStringToObject(wifi, "ip", ip);
            cJSON_AddNumberToObject(wifi, "rssi", view->rssi);
        }
    }
    cJSON_AddNumberToObject(o, "uptime", (double)view->uptime_s);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    kf_strbuf_t sb;
    kf_strbuf_init(&sb);
    kf_strbuf_append(&sb, text);
    cJSON_free(text);
    respond(resp, 200, JSON, &sb);
}

static void page_done(kf_http_response_t *resp, const char *title, const char *message)
{
    kf_strbuf_t sb;
    kf_strbuf_init(&sb);
    page_head(&sb, title);
    kf_strbuf_append(&sb, "<h1>");
    kf_strbuf_append_html(&sb, title);
    kf_strbuf_append(&sb, "</h1><p>");
    kf_strbuf_append_html(&sb, message);
    kf_strbuf_append(&sb, "</p><p><a href=\"/\">Back</a></p></body></html>");
    respond(resp, 200, HTML, &sb);
}

/* ---- POST handlers ----------------------------------------------------------------------------------- */

static bool form_ok(const kf_web_t *web, const kf_http_request_t *req, kf_http_response_t *resp)
{
    char token[KF_WEB_TOKEN_HEX + 2];
    if (req->content_type == NULL || strncmp(req->content_type, "application/x-www-form-urlencoded", 33) != 0) {
        respond_text(resp, 415, "Send the form as application/x-www-form-urlencoded.");
        return false;
    }
    if (req->body == NULL || kf_form_field(req->body, req->body_len, "token", token, sizeof(token)) != KF_OK ||
        !equal_const_time(token, web->token)) {
        respond_text(resp, 403, "Forbidden: the form token is missing or stale; reload the page.");
        return false;
    }
    return true;
}

static void post_wifi(const kf_web_t *web, const kf_web_view_t *view, const kf_http_request_t *req,
                      kf_http_response_t *resp)
{
    if (view->wifi_from_operator) {
        respond_text(resp, 409, "Wi-Fi is set by the device's kubeflash configuration.");
        return;
    }
    if (!form_ok(web, req, resp)) {
        return;
    }
    if (kf_form_field(req->body, req->body_len, "ssid", resp->a, sizeof(resp->a)) != KF_OK ||
        !kf_config_wifi_ssid_valid(resp->a)) {
        kf_web_response_free(resp);
        respond_text(resp, 400, "Network name must be 1 to 32 bytes.");
        return;
    }
    kf_err_t err = kf_form_field(req->body, req->body_len, "pass", resp->b, sizeof(resp->b));
    if (err == KF_ERR_NOT_FOUND) {
        resp->b[0] = '\0';
    } else if (err != KF_OK || !kf_config_wifi_pass_valid(resp->b)) {
        kf_web_response_free(resp);
        respond_text(resp, 400, "Passphrase must be empty (open network), 8 to 63 characters or 64 hex digits.");
        return;
    }
    resp->action = KF_WEB_ACTION_SAVE_WIFI;
    page_done(resp, "Wi-Fi saved", "The device now connects to the new network.");
}

static void post_login(const kf_web_t *web, const kf_web_view_t *view, const kf_http_request_t *req,
                       kf_http_response_t *resp)
{
    if (view->login_from_operator) {
        respond_text(resp, 409, "The web login is set by the device's kubeflash configuration.");
        return;
    }
    if (!form_ok(web, req, resp)) {
        return;
    }
    if (kf_form_field(req->body, req->body_len, "user", resp->a, sizeof(resp->a)) != KF_OK ||
        !kf_config_web_user_valid(resp->a) ||
        kf_form_field(req->body, req->body_len, "pass", resp->b, sizeof(resp->b)) != KF_OK ||
        !kf_config_web_pass_valid(resp->b)) {
        kf_web_response_free(resp);
        respond_text(resp, 400, "User must be 1 to 32 characters without ':'; password 8 to 64 characters.");
        return;
    }
    resp->action = KF_WEB_ACTION_SAVE_LOGIN;
    page_done(resp, "Login saved", "Use the new login from now on.");
}

static void post_factory_reset(const kf_web_t *web, const kf_http_request_t *req, kf_http_response_t *resp)
{
    if (!form_ok(web, req, resp)) {
        return;
    }
    resp->action = KF_WEB_ACTION_FACTORY_RESET;
    page_done(resp, "Factory reset", "Local settings are erased; the device restarts now.");
}

/* ---- routing ----------------------------------------------------------------------------------------- */

static bool is_portal_host(const kf_web_view_t *view, const char *host)
{
    char ip[16];
    if (host == NULL || view->ap_ip == 0) {
        return true;
    }
    kf_ipv4_format(view->ap_ip, ip);
    size_t n = strlen(ip);
    return strncmp(host, ip, n) == 0 && (host[n] == '\0' || host[n] == ':');
}

void kf_web_handle(kf_web_t *web, const kf_web_view_t *view, const kf_http_request_t *req, uint64_t now_ms,
                   kf_http_response_t *resp)
{
    memset(resp, 0, sizeof(*resp));
    if (web == NULL || view == NULL || req == NULL || req->path == NULL) {
        respond_text(resp, 500, "Internal error.");
        return;
    }
    if (req->via_ap && req->method == KF_HTTP_GET && !is_portal_host(view, req->host)) {
        char ip[16];
        kf_ipv4_format(view->ap_ip, ip);
        snprintf(resp->location, sizeof(resp->location), "http://%s/", ip);
        respond_text(resp, 302, "See the device's setup page.");
        return;
    }
    if (!req->via_ap && !req->secure && view->https_port != 0 && view->sta_ip != 0) {
        char ip[16];
        kf_ipv4_format(view->sta_ip, ip);
        if (view->https_port == 443) {
            snprintf(resp->location, sizeof(resp->location), "https://%s/", ip);
        } else {
            snprintf(resp->location, sizeof(resp->location), "https://%s:%u/", ip, (unsigned)view->https_port);
        }
        respond_text(resp, 301, "This device answers over HTTPS.");
        return;
    }
    if (check_access(web, view, req, now_ms, resp) != ACCESS_OK) {
        return;
    }
    const char *path = req->path;
    bool get = req->method == KF_HTTP_GET;
    bool post = req->method == KF_HTTP_POST;
    if (strcmp(path, "/") == 0) {
        get ? page_home(web, view, resp) : respond_text(resp, 405, "Method not allowed.");
    } else if (strcmp(path, "/api/status") == 0) {
        get ? page_status_json(view, resp) : respond_text(resp, 405, "Method not allowed.");
    } else if (strcmp(path, "/wifi") == 0) {
        post ? post_wifi(web, view, req, resp) : respond_text(resp, 405, "Method not allowed.");
    } else if (strcmp(path, "/login") == 0) {
        post ? post_login(web, view, req, resp) : respond_text(resp, 405, "Method not allowed.");
    } else if (strcmp(path, "/factory-reset") == 0) {
        post ? post_factory_reset(web, req, resp) : respond_text(resp, 405, "Method not allowed.");
    } else {
        respond_text(resp, 404, "Not found.");
    }
}
