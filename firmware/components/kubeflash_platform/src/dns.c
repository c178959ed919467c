/* The captive portal's DNS server on the setup network: every A query gets the SoftAP's address (kf_dns.h). */
#include <string.h>

#include "esp_log.h"
#include "lwip/sockets.h"

#include "kf_dns.h"
#include "platform.h"

static const char *TAG = "kf.dns";

static TaskHandle_t s_task;
static volatile int s_sock = -1;
static volatile bool s_run;
static uint32_t s_ip;

static void dns_task(void *arg)
{
    (void)arg;
    uint8_t query[512];
    uint8_t answer[512];
    while (s_run) {
        struct sockaddr_in from;
        socklen_t from_len = sizeof(from);
        int n = recvfrom(s_sock, query, sizeof(query), 0, (struct sockaddr *)&from, &from_len);
        if (n <= 0) {
            continue; /* timeout: look at s_run again */
        }
        size_t len = 0;
        if (kf_dns_answer(query, (size_t)n, s_ip, answer, sizeof(answer), &len) == KF_OK) {
            sendto(s_sock, answer, len, 0, (struct sockaddr *)&from, from_len);
        }
    }
    close(s_sock);
    s_sock = -1;
    s_task = NULL;
    vTaskDelete(NULL);
}

void kf_esp_dns_start(uint32_t ap_ip)
{
    s_ip = ap_ip;
    if (s_task != NULL) {
        s_run = true; /* stopped less than a second ago: keep the running task */
        return;
    }
    int sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (sock < 0) {
        ESP_LOGE(TAG, "no socket for the captive portal");
        return;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(53);
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    struct timeval timeout = {.tv_sec = 1, .tv_usec = 0};
    setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    if (bind(sock, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        ESP_LOGE(TAG, "cannot bind port 53");
        close(sock);
        return;
    }
    s_sock = sock;
    s_run = true;
    if (xTaskCreate(dns_task, "kf_dns", 3072, NULL, 3, &s_task) != pdPASS) {
        s_run = false;
        close(sock);
        s_sock = -1;
    }
}

void kf_esp_dns_stop(void)
{
    s_run = false; /* the task closes its socket within a second */
}
