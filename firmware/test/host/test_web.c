/* The web pages as request -> response: subnet rule, login, lockout, forms, factory reset, captive portal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kf_web.h"
#include "test_support.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
/* "admin:test-only-web-pass-1" */
#define GOOD_AUTH "Basic YWRtaW46dGVzdC1vbmx5LXdlYi1wYXNzLTE="
/* "admin:wrong-password" */
#define BAD_AUTH "Basic YWRtaW46d3JvbmctcGFzc3dvcmQ="

typedef struct {
    kf_web_t web;
    kf_web_view_t view;
    kf_http_request_t req;
    kf_http_response_t resp;
    char body[512];
} ctx_t;

static int setup(void **state)
{
    static ctx_t c;
    memset(&c, 0, sizeof(c));
    test_random_seed(11);
    kf_web_init(&c.web);
    c.view = (kf_web_view_t){
        .device_id = "kubeflash-demo.garage-temp-1",
        .project = "kubeflash-firmware",
        .fw_version = "1.4.0",
        .mac = "34:85:18:6a:10:01",
        .wifi_connected = true,
        .wifi_ssid = "garage <iot> & co",
        .rssi = -61,
        .sta_ip = IP(192, 168, 40, 20),
        .sta_netmask = IP(255, 255, 255, 0),
        .uptime_s = 3600,
        .web_user = "admin",
        .web_pass = "test-only-web-pass-1",
        .login_from_operator = true,
        .wifi_from_operator = true,
        .subnet_only = true,
    };
    c.req = (kf_http_request_t){.method = KF_HTTP_GET, .path = "/", .authorization = GOOD_AUTH,
                                .client_ip = IP(192, 168, 40, 77)};
    *state = &c;
    return 0;
}

static int teardown(void **state)
{
    ctx_t *c = *state;
    kf_web_response_free(&c->resp);
    return 0;
}

static int handle(ctx_t *c, uint64_t now)
{
    kf_web_response_free(&c->resp);
    kf_web_handle(&c->web, &c->view, &c->req, now, &c->resp);
    return c->resp.status;
}

static void post(ctx_t *c, const char *path, const char *fmt, const char *a, const char *b)
{
    snprintf(c->body, sizeof(c->body), fmt, c->web.token, a, b);
    c->req.method = KF_HTTP_POST;
    c->req.path = path;
    c->req.content_type = "application/x-www-form-urlencoded";
    c->req.body = c->body;
    c->req.body_len = strlen(c->body);
}

static void status_page_for_a_logged_in_neighbour(void **state)
{
    ctx_t *c = *state;
    assert_int_equal(handle(c, 0), 200);
    assert_string_equal(c->resp.content_type, "text/html; charset=utf-8");
    const char *b = c->resp.body;
    assert_non_null(strstr(b, "kubeflash-demo.garage-temp-1"));
    assert_non_null(strstr(b, "1.4.0"));
    assert_non_null(strstr(b, "-61 dBm"));
    assert_non_null(strstr(b, "192.168.40.20"));
    assert_non_null(strstr(b, "3600 s"));
    assert_non_null(strstr(b, "garage &lt;iot&gt; &amp; co")); /* escaped */
    assert_null(strstr(b, "<iot>"));
    assert_null(strstr(b, "test-only-web-pass-1"));
    assert_null(strstr(b, "action=\"/wifi\"")); /* Wi-Fi and login come from the operator */
    assert_null(strstr(b, "action=\"/login\""));
    assert_non_null(strstr(b, "action=\"/factory-reset\""));
    assert_non_null(strstr(b, c->web.token));
    assert_int_equal(c->resp.action, KF_WEB_ACTION_NONE);

    c->req.path = "/api/status";
    assert_int_equal(handle(c, 0), 200);
    assert_string_equal(c->resp.content_type, "application/json");
    assert_non_null(strstr(c->resp.body, "\"rssi\":-61"));
    assert_non_null(strstr(c->resp.body, "\"ip\":\"192.168.40.20\""));
    assert_non_null(strstr(c->resp.body, "\"provisioned\":true"));
    c->req.path = "/nope";
    assert_int_equal(handle(c, 0), 404);
    c->req.path = "/";
    c->req.method = KF_HTTP_OTHER;
    assert_int_equal(handle(c, 0), 405);
}

static void only_the_own_subnet_is_answered_unless_switched_off(void **state)
{
    ctx_t *c = *state;
    c->req.client_ip = IP(192, 168, 41, 20);
    assert_int_equal(handle(c, 0), 403);
    assert_non_null(strstr(c->resp.body, "subnet"));
    c->req.client_ip = 0; /* unknown (IPv6) */
    assert_int_equal(handle(c, 0), 403);
    c->view.subnet_only = false;
    c->req.client_ip = IP(10, 0, 0, 1);
    assert_int_equal(handle(c, 0), 200);
    c->view.subnet_only = true;
    c->view.sta_ip = 0; /* not on a network: nothing is "the own subnet" */
    c->req.client_ip = IP(192, 168, 40, 77);
    assert_int_equal(handle(c, 0), 403);
    c->req.via_ap = true; /* the setup network is local */
    assert_int_equal(handle(c, 0), 200);
}

static void login_is_required_and_checked(void **state)
{
    ctx_t *c = *state;
    c->req.authorization = NULL;
    assert_int_equal(handle(c, 0), 401);
    assert_true(c->resp.ask_for_login);
    const char *bad[] = {BAD_AUTH, "Bearer abc", "Basic !!!", "Basic YWRtaW4=" /* no colon */,
                         "Basic YWRtaW46dGVzdC1vbmx5LXdlYi1wYXNzLTEx" /* one char more */};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c->req.authorization = bad[i];
        c->web.failures = 0;
        assert_int_equal(handle(c, 0), 401);
        assert_int_equal(c->web.failures, 1);
    }
    c->req.authorization = GOOD_AUTH;
    assert_int_equal(handle(c, 0), 200);
    assert_int_equal(c->web.failures, 0);
}

static void repeated_failures_lock_the_login(void **state)
{
    ctx_t *c = *state;
    c->req.authorization = BAD_AUTH;
    for (int i = 0; i < KF_WEB_MAX_FAILURES; i++) {
        assert_int_equal(handle(c, 1000), 401);
    }
    c->req.authorization = GOOD_AUTH;
    assert_int_equal(handle(c, 1000), 429);
    assert_int_equal(c->resp.retry_after_s, 30);
    assert_int_equal(handle(c, 1000 + KF_WEB_LOCKOUT_MS - 1), 429);
    assert_int_equal(handle(c, 1000 + KF_WEB_LOCKOUT_MS), 200);
}

static void without_a_login_only_the_setup_network_gets_pages(void **state)
{
    ctx_t *c = *state;
    c->view.web_user = c->view.web_pass = NULL;
    c->view.login_from_operator = false;
    c->req.authorization = NULL;
    assert_int_equal(handle(c, 0), 403);
    c->req.via_ap = true;
    c->view.ap_ip = IP(192, 168, 4, 1);
    c->req.host = "192.168.4.1";
    assert_int_equal(handle(c, 0), 200);
    assert_non_null(strstr(c->resp.body, "action=\"/login\""));
}

static void captive_portal_redirects_other_hosts(void **state)
{
    ctx_t *c = *state;
    c->req.via_ap = true;
    c->view.ap_ip = IP(192, 168, 4, 1);
    c->req.host = "connectivitycheck.gstatic.com";
    c->req.path = "/generate_204";
    assert_int_equal(handle(c, 0), 302);
    assert_string_equal(c->resp.location, "http://192.168.4.1/");
    c->req.host = "192.168.4.1:80";
    c->req.path = "/";
    assert_int_equal(handle(c, 0), 200);
    c->req.host = NULL;
    assert_int_equal(handle(c, 0), 200);
}

static void plain_http_goes_to_https_when_a_certificate_is_configured(void **state)
{
    ctx_t *c = *state;
    c->view.https_port = 443;
    assert_int_equal(handle(c, 0), 301);
    assert_string_equal(c->resp.location, "https://192.168.40.20/");
    c->view.https_port = 8443;
    assert_int_equal(handle(c, 0), 301);
    assert_string_equal(c->resp.location, "https://192.168.40.20:8443/");
    c->req.secure = true;
    assert_int_equal(handle(c, 0), 200);
    c->req.secure = false;
    c->req.via_ap = true; /* the setup network stays plain */
    assert_int_equal(handle(c, 0), 200);
}

static void factory_reset_needs_a_post_with_the_form_token(void **state)
{
    ctx_t *c = *state;
    c->req.path = "/factory-reset";
    assert_int_equal(handle(c, 0), 405);
    post(c, "/factory-reset", "token=%s%s%s", "", "");
    assert_int_equal(handle(c, 0), 200);
    assert_int_equal(c->resp.action, KF_WEB_ACTION_FACTORY_RESET);

    snprintf(c->body, sizeof(c->body), "token=deadbeef");
    c->req.body_len = strlen(c->body);
    assert_int_equal(handle(c, 0), 403);
    assert_int_equal(c->resp.action, KF_WEB_ACTION_NONE);
    snprintf(c->body, sizeof(c->body), "other=1");
    c->req.body_len = strlen(c->body);
    assert_int_equal(handle(c, 0), 403);
    post(c, "/factory-reset", "token=%s%s%s", "", "");
    c->req.content_type = "text/plain";
    assert_int_equal(handle(c, 0), 415);
    c->req.content_type = "application/x-www-form-urlencoded";
    c->req.authorization = NULL; /* a cross-site form post without the login */
    assert_int_equal(handle(c, 0), 401);
    assert_int_equal(c->resp.action, KF_WEB_ACTION_NONE);
}

static void wifi_form_saves_local_credentials_unless_the_operator_set_them(void **state)
{
    ctx_t *c = *state;
    post(c, "/wifi", "token=%s&ssid=%s&pass=%s", "my+phone%21", "hotspot-pass");
    assert_int_equal(handle(c, 0), 409);
    c->view.wifi_from_operator = false;
    assert_int_equal(handle(c, 0), 200);
    assert_int_equal(c->resp.action, KF_WEB_ACTION_SAVE_WIFI);
    assert_string_equal(c->resp.a, "my phone!");
    assert_string_equal(c->resp.b, "hotspot-pass");
    assert_null(strstr(c->resp.body, "hotspot-pass"));

    post(c, "/wifi", "token=%s&ssid=%s%s", "open-net", "");
    assert_int_equal(handle(c, 0), 200);
    assert_string_equal(c->resp.b, ""); /* no pass field: an open network */
    post(c, "/wifi", "token=%s&ssid=%s&pass=%s", "", "whatever-pass");
    assert_int_equal(handle(c, 0), 400);
    assert_int_equal(c->resp.action, KF_WEB_ACTION_NONE);
    post(c, "/wifi", "token=%s&ssid=%s&pass=%s", "net", "short");
    assert_int_equal(handle(c, 0), 400);
    post(c, "/wifi", "token=%s&ssid=%s&pass=%s", "net", "bad%zzescape");
    assert_int_equal(handle(c, 0), 400);
    c->req.method = KF_HTTP_GET;
    assert_int_equal(handle(c, 0), 405);
}

static void login_form_saves_a_local_login_unless_the_operator_set_one(void **state)
{
    ctx_t *c = *state;
    post(c, "/login", "token=%s&user=%s&pass=%s", "me", "local-web-pass");
    assert_int_equal(handle(c, 0), 409);
    c->view.login_from_operator = false;
    assert_int_equal(handle(c, 0), 200);
    assert_int_equal(c->resp.action, KF_WEB_ACTION_SAVE_LOGIN);
    assert_string_equal(c->resp.a, "me");
    post(c, "/login", "token=%s&user=%s&pass=%s", "m:e", "local-web-pass");
    assert_int_equal(handle(c, 0), 400);
    post(c, "/login", "token=%s&user=%s&pass=%s", "me", "short");
    assert_int_equal(handle(c, 0), 400);
    c->req.method = KF_HTTP_GET;
    assert_int_equal(handle(c, 0), 405);
    c->req.path = "/api/status";
    c->req.method = KF_HTTP_POST;
    assert_int_equal(handle(c, 0), 405);
}

static void provisioning_page_says_why(void **state)
{
    ctx_t *c = *state;
    c->view.provisioning = true;
    c->view.device_id = NULL;
    c->view.config_problem = "config partition has no config namespace";
    c->view.wifi_connected = false;
    c->req.via_ap = true;
    assert_int_equal(handle(c, 0), 200);
    assert_non_null(strstr(c->resp.body, "Not provisioned"));
    assert_non_null(strstr(c->resp.body, "no config namespace"));
    assert_non_null(strstr(c->resp.body, "not connected"));
    c->req.path = "/api/status";
    assert_int_equal(handle(c, 0), 200);
    assert_non_null(strstr(c->resp.body, "\"provisioned\":false"));
    kf_web_response_free(&c->resp);
    kf_web_handle(NULL, &c->view, &c->req, 0, &c->resp);
    assert_int_equal(c->resp.status, 500);
}

static void form_fields_decode_strictly(void **state)
{
    (void)state;
    char out[8];
    const char *body = "a=1&b=x%41y&c&d=%4&e=%00&f=123456789&g=+%2B+";
    size_t n = strlen(body);
    assert_int_equal(kf_form_field(body, n, "a", out, sizeof(out)), KF_OK);
    assert_string_equal(out, "1");
    assert_int_equal(kf_form_field(body, n, "b", out, sizeof(out)), KF_OK);
    assert_string_equal(out, "xAy");
    assert_int_equal(kf_form_field(body, n, "c", out, sizeof(out)), KF_OK);
    assert_string_equal(out, "");
    assert_int_equal(kf_form_field(body, n, "d", out, sizeof(out)), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_form_field(body, n, "e", out, sizeof(out)), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_form_field(body, n, "f", out, sizeof(out)), KF_ERR_TOO_LONG);
    assert_int_equal(kf_form_field(body, n, "g", out, sizeof(out)), KF_OK);
    assert_string_equal(out, " + ");
    assert_int_equal(kf_form_field(body, n, "h", out, sizeof(out)), KF_ERR_NOT_FOUND);
    assert_int_equal(kf_form_field(body, 3, "b", out, sizeof(out)), KF_ERR_NOT_FOUND); /* length counts */
    assert_int_equal(kf_form_field(NULL, 0, "a", out, sizeof(out)), KF_ERR_INVALID_ARG);
    char ip[16];
    kf_ipv4_format(IP(10, 1, 255, 0), ip);
    assert_string_equal(ip, "10.1.255.0");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(status_page_for_a_logged_in_neighbour),
        T(only_the_own_subnet_is_answered_unless_switched_off),
        T(login_is_required_and_checked),
        T(repeated_failures_lock_the_login),
        T(without_a_login_only_the_setup_network_gets_pages),
        T(captive_portal_redirects_other_hosts),
        T(plain_http_goes_to_https_when_a_certificate_is_configured),
        T(factory_reset_needs_a_post_with_the_form_token),
        T(wifi_form_saves_local_credentials_unless_the_operator_set_them),
        T(login_form_saves_a_local_login_unless_the_operator_set_one),
        T(provisioning_page_says_why),
        T(form_fields_decode_strictly),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
