/*
 * The web pages on esp_http_server (plain HTTP, port 80: the setup network and the captive portal) and, when
 * the config has web_cert and web_key, esp_https_server (port 443). Every request is copied into a
 * kf_http_request_t and answered by the core (kf_web.h); this file only moves bytes and carries out actions.
 */
#include <stdlib.h>
#include <string.h>

#include "esp_http_server.h"
#include "esp_log.h"
#include "lwip/sockets.h"
#include "sdkconfig.h"
#if CONFIG_ESP_HTTPS_SERVER_ENABLE
#include "esp_https_server.h"
#endif

#include "platform.h"

static const char *TAG = "kf.web";

#define BODY_MAX 2048
#define HEADER_MAX 512

static char *header(httpd_req_t *req, const char *name)
{
    size_t n = httpd_req_get_hdr_value_len(req, name);
    if (n == 0 || n > HEADER_MAX) {
        return NULL;
    }
    char *value = malloc(n + 1);
    if (value != NULL && httpd_req_get_hdr_value_str(req, name, value, n + 1) != ESP_OK) {
        free(value);
        value = NULL;
    }
    return value;
}

/* The IPv4 address of a socket's peer (`peer`) or of its own end, in host byte order; 0 when not IPv4. */
static uint32_t socket_ipv4(int fd, bool peer)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof(addr);
    int rc = peer ? getpeername(fd, (struct sockaddr *)&addr, &len) : getsockname(fd, (struct sockaddr *)&addr, &len);
    if (rc != 0) {
        return 0;
    }
    if (addr.ss_family == AF_INET) {
        return ntohl(((struct sockaddr_in *)&addr)->sin_addr.s_addr);
    }
#if CONFIG_LWIP_IPV6
    if (addr.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&addr;
        const uint8_t *b = a6->sin6_addr.s6_addr;
        static const uint8_t MAPPED[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(b, MAPPED, sizeof(MAPPED)) == 0) {
            return (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];
        }
    }
#endif
    return 0;
}

static const char *status_line(int status)
{
    switch (status) {
    case 200: return "200 OK";
    case 301: return "301 Moved Permanently";
    case 302: return "302 Found";
    case 400: return "400 Bad Request";
    case 401: return "401 Unauthorized";
    case 403: return "403 Forbidden";
    case 404: return "404 Not Found";
    case 405: return "405 Method Not Allowed";
    case 409: return "409 Conflict";
    case 413: return "413 Content Too Large";
    case 415: return "415 Unsupported Media Type";
    case 429: return "429 Too Many Requests";
    default: return "500 Internal Server Error";
    }
}

/* Carries out what a request asked for, after its answer went out. */
static void act(kf_http_response_t *resp)
{
    switch (resp->action) {
    case KF_WEB_ACTION_SAVE_WIFI:
        KF_LOCK();
        if (kf_local_save_wifi(&g_kf.local_kv, resp->a, resp->b) == KF_OK) {
            kf_esp_reload_local_state();
            kf_esp_wifi_credentials_changed();
        } else {
            ESP_LOGE(TAG, "Wi-Fi credentials not saved");
        }
        KF_UNLOCK();
        break;
    case KF_WEB_ACTION_SAVE_LOGIN:
        KF_LOCK();
        if (kf_local_save_web_login(&g_kf.local_kv, resp->a, resp->b) == KF_OK) {
            kf_esp_reload_local_state();
        } else {
            ESP_LOGE(TAG, "web login not saved");
        }
        KF_UNLOCK();
        break;
    case KF_WEB_ACTION_FACTORY_RESET:
        kf_esp_request_restart(KF_RESTART_FACTORY_RESET);
        break;
    case KF_WEB_ACTION_NONE:
    default:
        break;
    }
}

static esp_err_t handle(httpd_req_t *req, bool secure)
{
    char *host = header(req, "Host");
    char *auth = header(req, "Authorization");
    char *type = header(req, "Content-Type");
    char *body = NULL;
    size_t body_len = 0;
    char path[CONFIG_HTTPD_MAX_URI_LEN + 1];
    size_t plen = strcspn(req->uri, "?");
    plen = plen < sizeof(path) - 1 ? plen : sizeof(path) - 1;
    memcpy(path, req->uri, plen);
    path[plen] = '\0';
    bool too_large = req->content_len > BODY_MAX;
    if (req->method == HTTP_POST && !too_large && req->content_len > 0) {
        body = malloc(req->content_len + 1);
        while (body != NULL && body_len < req->content_len) {
            int n = httpd_req_recv(req, body + body_len, req->content_len - body_len);
            if (n == HTTPD_SOCK_ERR_TIMEOUT) {
                continue;
            }
            if (n <= 0) {
                break;
            }
            body_len += (size_t)n;
        }
        if (body != NULL) {
            body[body_len] = '\0';
        }
    }
    int fd = httpd_req_to_sockfd(req);
    kf_http_request_t request = {
        .method = req->method == HTTP_GET ? KF_HTTP_GET : req->method == HTTP_POST ? KF_HTTP_POST : KF_HTTP_OTHER,
        .path = path,
        .host = host,
        .authorization = auth,
        .content_type = type,
        .body = body,
        .body_len = body_len,
        .client_ip = socket_ipv4(fd, true),
        .secure = secure,
    };
    kf_http_response_t resp;
    memset(&resp, 0, sizeof(resp));
    KF_LOCK();
    uint32_t local_ip = socket_ipv4(fd, false);
    request.via_ap = g_kf.ap_ip != 0 && local_ip == g_kf.ap_ip;
    char config_problem[sizeof(g_kf.problem.key) + sizeof(g_kf.problem.reason) + 4];
    snprintf(config_problem, sizeof(config_problem), "%s%s%s", g_kf.problem.key, g_kf.problem.key[0] ? ": " : "",
             g_kf.problem.reason);
    kf_web_view_t view = {
        .device_id = g_kf.provisioned ? g_kf.cfg.device_id : NULL,
        .project = g_kf.project,
        .fw_version = g_kf.fw,
        .mac = g_kf.mac,
    };
    view.provisioning = !g_kf.provisioned;
    view.config_problem = g_kf.provisioned ? NULL : config_problem;
    view.wifi_connected = g_kf.sta_connected;
    view.wifi_ssid = g_kf.settings.wifi_ssid;
    view.rssi = g_kf.rssi;
    view.sta_ip = g_kf.sta_ip;
    view.sta_netmask = g_kf.sta_netmask;
    view.ap_ip = g_kf.ap_ip;
    view.uptime_s = kf_esp_now_ms() / 1000;
    view.web_user = g_kf.settings.web_user;
    view.web_pass = g_kf.settings.web_pass;
    view.login_from_operator = g_kf.settings.web_source == KF_SRC_OPERATOR;
    view.wifi_from_operator = g_kf.settings.wifi_source == KF_SRC_OPERATOR;
    view.subnet_only = g_kf.provisioned ? g_kf.cfg.web_subnet_only : true;
    view.https_port = g_kf.https != NULL ? 443 : 0;
    if (too_large) {
        resp.status = 413;
    } else {
        kf_web_handle(&g_kf.web, &view, &request, kf_esp_now_ms(), &resp);
    }
    KF_UNLOCK();
    free(host);
    free(type);
    if (auth != NULL) {
        memset(auth, 0, strlen(auth));
        free(auth);
    }
    if (body != NULL) {
        memset(body, 0, body_len);
        free(body);
    }
    httpd_resp_set_status(req, status_line(resp.status));
    httpd_resp_set_type(req, resp.content_type != NULL ? resp.content_type : "text/plain");
    httpd_resp_set_hdr(req, "Cache-Control", "no-store");
    httpd_resp_set_hdr(req, "X-Frame-Options", "DENY");
    if (resp.location[0] != '\0') {
        httpd_resp_set_hdr(req, "Location", resp.location);
    }
    if (resp.ask_for_login) {
        httpd_resp_set_hdr(req, "WWW-Authenticate", "Basic realm=\"kubeflash\", charset=\"UTF-8\"");
    }
    char retry[12];
    if (resp.retry_after_s != 0) {
        snprintf(retry, sizeof(retry), "%u", (unsigned)resp.retry_after_s);
        httpd_resp_set_hdr(req, "Retry-After", retry);
    }
    esp_err_t err = httpd_resp_send(req, resp.body != NULL ? resp.body : "", resp.body != NULL ? (ssize_t)resp.body_len : 0);
    act(&resp);
    kf_web_response_free(&resp);
    return err;
}

static esp_err_t handle_plain(httpd_req_t *req)
{
    return handle(req, false);
}

static esp_err_t handle_secure(httpd_req_t *req)
{
    return handle(req, true);
}

static void register_routes(httpd_handle_t server, esp_err_t (*handler)(httpd_req_t *))
{
    static const httpd_method_t METHODS[] = {HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_DELETE};
    for (size_t i = 0; i < sizeof(METHODS) / sizeof(METHODS[0]); i++) {
        httpd_uri_t route = {.uri = "/*", .method = METHODS[i], .handler = handler, .user_ctx = NULL};
        httpd_register_uri_handler(server, &route);
    }
}

void kf_esp_web_start(void)
{
    httpd_config_t config = HTTPD_DEFAULT_CONFIG();
    config.uri_match_fn = httpd_uri_match_wildcard;
    config.lru_purge_enable = true;
    config.stack_size = 6144;
    config.max_open_sockets = 4; /* with HTTPS (3), MQTT, the download and DNS within CONFIG_LWIP_MAX_SOCKETS */
    if (httpd_start(&g_kf.http, &config) == ESP_OK) {
        register_routes(g_kf.http, handle_plain);
    } else {
        ESP_LOGE(TAG, "the web server did not start");
    }
#if CONFIG_ESP_HTTPS_SERVER_ENABLE
    if (g_kf.provisioned && g_kf.cfg.web_cert != NULL && g_kf.cfg.web_key != NULL) {
        httpd_ssl_config_t tls = HTTPD_SSL_CONFIG_DEFAULT();
        tls.httpd.uri_match_fn = httpd_uri_match_wildcard;
        tls.httpd.lru_purge_enable = true;
        tls.httpd.stack_size = 10240;
        tls.httpd.max_open_sockets = 3;
        tls.servercert = (const uint8_t *)g_kf.cfg.web_cert;
        tls.servercert_len = g_kf.cfg.web_cert_len;
        tls.prvtkey_pem = (const uint8_t *)g_kf.cfg.web_key;
        tls.prvtkey_len = g_kf.cfg.web_key_len;
        if (httpd_ssl_start(&g_kf.https, &tls) == ESP_OK) {
            register_routes(g_kf.https, handle_secure);
        } else {
            g_kf.https = NULL;
            ESP_LOGE(TAG, "HTTPS did not start: check web_cert and web_key");
        }
    }
#endif
}
