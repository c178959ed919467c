/*
 * esp-mqtt for the core's transport: the will, TLS with the config's CA (or the certificate bundle), backoff
 * between reconnects, commands to kf_device_message.
 *
 * Publishing goes through a queue and a publisher task: esp-mqtt holds its own lock while it calls our event
 * handler, and the handler takes g_kf.lock, so code holding g_kf.lock must never wait for esp-mqtt's lock.
 */
#include <stdlib.h>
#include <string.h>

#include "esp_crt_bundle.h"
#include "esp_log.h"
#include "sdkconfig.h"

#include "kf_messages.h"
#include "platform.h"

static const char *TAG = "kf.mqtt";

#define OUTBOX_DEPTH 24
#define RX_MAX 4096 /* larger than every command channel's limit, so too-large is seen as such */

typedef struct {
    char *topic;
    char *payload;
    size_t len;
    int qos;
    bool retain;
} outgoing_t;

static volatile bool s_publishing;

static kf_err_t enqueue(void *ctx, const char *topic, const char *payload, size_t len, int qos, bool retain)
{
    (void)ctx;
    if (!g_kf.mqtt_connected || g_kf.outbox == NULL) {
        return KF_ERR_IO;
    }
    outgoing_t m = {.topic = strdup(topic), .payload = malloc(len > 0 ? len : 1), .len = len, .qos = qos, .retain = retain};
    if (m.topic == NULL || m.payload == NULL) {
        free(m.topic);
        free(m.payload);
        return KF_ERR_NO_MEM;
    }
    memcpy(m.payload, payload, len);
    if (xQueueSend(g_kf.outbox, &m, 0) != pdTRUE) {
        free(m.topic);
        free(m.payload);
        return KF_ERR_BUSY;
    }
    return KF_OK;
}

kf_transport_t kf_esp_transport(void)
{
    kf_transport_t t = {.ctx = NULL, .publish = enqueue};
    return t;
}

/* Runs esp_mqtt_client_publish, which writes to the TLS connection in the caller's task: TLS-sized stack. */
static void publisher_task(void *arg)
{
    (void)arg;
    outgoing_t m;
    for (;;) {
        if (xQueueReceive(g_kf.outbox, &m, portMAX_DELAY) != pdTRUE) {
            continue;
        }
        s_publishing = true;
        int id = esp_mqtt_client_publish(g_kf.mqtt, m.topic, m.payload, (int)m.len, m.qos, m.retain);
        s_publishing = false;
        if (id < 0) {
            ESP_LOGW(TAG, "publish on %s failed (%d)", m.topic, id);
        }
        free(m.topic);
        free(m.payload);
    }
}

bool kf_esp_logs_publisher_is_current(void)
{
    return g_kf.publisher_task != NULL && xTaskGetCurrentTaskHandle() == g_kf.publisher_task;
}

bool kf_esp_mqtt_drain(uint32_t timeout_ms)
{
    for (uint32_t waited = 0; waited < timeout_ms; waited += 50) {
        if (g_kf.outbox == NULL || (uxQueueMessagesWaiting(g_kf.outbox) == 0 && !s_publishing)) {
            return true;
        }
        vTaskDelay(pdMS_TO_TICKS(50));
    }
    return false;
}

static void reconnect_later(void *arg)
{
    (void)arg;
    esp_mqtt_client_reconnect(g_kf.mqtt);
}

static void handle_data(esp_mqtt_event_handle_t event)
{
    /* a message longer than the receive buffer arrives in pieces: put it together (up to RX_MAX) */
    if (event->current_data_offset == 0) {
        free(g_kf.rx_buf);
        g_kf.rx_buf = NULL;
        g_kf.rx_len = 0;
        size_t total = (size_t)event->total_data_len;
        if (event->topic_len <= 0 || total > RX_MAX) {
            ESP_LOGW(TAG, "message of %d bytes ignored", event->total_data_len);
            return;
        }
        g_kf.rx_buf = malloc((size_t)event->topic_len + 1 + (total > 0 ? total : 1));
        if (g_kf.rx_buf == NULL) {
            return;
        }
        memcpy(g_kf.rx_buf, event->topic, (size_t)event->topic_len);
        g_kf.rx_buf[event->topic_len] = '\0';
        g_kf.rx_len = 0;
    }
    if (g_kf.rx_buf == NULL) {
        return;
    }
    size_t topic_len = strlen(g_kf.rx_buf);
    char *payload = g_kf.rx_buf + topic_len + 1;
    memcpy(payload + event->current_data_offset, event->data, (size_t)event->data_len);
    g_kf.rx_len = (size_t)event->current_data_offset + (size_t)event->data_len;
    if (g_kf.rx_len < (size_t)event->total_data_len) {
        return;
    }
    KF_LOCK();
    kf_device_action_t action =
        kf_device_message(&g_kf.device, g_kf.rx_buf, topic_len, payload, g_kf.rx_len, kf_esp_now_ms());
    bool ota_busy = kf_ota_busy(&g_kf.ota);
    KF_UNLOCK();
    free(g_kf.rx_buf);
    g_kf.rx_buf = NULL;
    if (ota_busy) {
        kf_esp_ota_wake();
    }
    if (action == KF_DEVICE_ACTION_REBOOT) {
        kf_esp_request_restart(KF_RESTART_REBOOT);
    } else if (action == KF_DEVICE_ACTION_FACTORY_RESET) {
        kf_esp_request_restart(KF_RESTART_FACTORY_RESET);
    }
}

static void on_mqtt_event(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    (void)base;
    esp_mqtt_event_handle_t event = data;
    switch ((esp_mqtt_event_id_t)id) {
    case MQTT_EVENT_CONNECTED:
        ESP_LOGI(TAG, "connected to the broker");
        g_kf.mqtt_connected = true;
        esp_mqtt_client_subscribe_single(g_kf.mqtt, kf_device_command_filter(&g_kf.device), 1);
        KF_LOCK();
        kf_backoff_reset(&g_kf.mqtt_backoff);
        kf_device_connected(&g_kf.device, kf_esp_now_ms());
        KF_UNLOCK();
        break;
    case MQTT_EVENT_DISCONNECTED: {
        g_kf.mqtt_connected = false;
        KF_LOCK();
        kf_device_disconnected(&g_kf.device);
        uint32_t delay = kf_backoff_next(&g_kf.mqtt_backoff);
        KF_UNLOCK();
        ESP_LOGW(TAG, "disconnected from the broker: reconnecting in %u ms", (unsigned)delay);
        esp_timer_stop(g_kf.mqtt_timer);
        esp_timer_start_once(g_kf.mqtt_timer, (uint64_t)delay * 1000u);
        break;
    }
    case MQTT_EVENT_DATA:
        handle_data(event);
        break;
    case MQTT_EVENT_ERROR:
        if (event->error_handle != NULL && event->error_handle->error_type == MQTT_ERROR_TYPE_CONNECTION_REFUSED) {
            ESP_LOGE(TAG, "the broker refused the connection (code %d): check mqtt_user/mqtt_pass",
                     (int)event->error_handle->connect_return_code);
        } else if (event->error_handle != NULL) {
            ESP_LOGE(TAG, "transport error: %s", esp_err_to_name(event->error_handle->esp_tls_last_esp_err));
        }
        break;
    default:
        break;
    }
}

void kf_esp_mqtt_prepare(void)
{
    g_kf.outbox = xQueueCreate(OUTBOX_DEPTH, sizeof(outgoing_t));
    kf_backoff_init(&g_kf.mqtt_backoff, 1000, CONFIG_KUBEFLASH_MQTT_RETRY_MAX_S * 1000u);
    esp_timer_create_args_t timer = {.callback = reconnect_later, .name = "kf_mqtt_retry"};
    esp_timer_create(&timer, &g_kf.mqtt_timer);
    if (g_kf.outbox == NULL ||
        xTaskCreate(publisher_task, "kf_publish", 6144, NULL, 5, &g_kf.publisher_task) != pdPASS) {
        ESP_LOGE(TAG, "cannot start the publisher: MQTT is disabled");
        return;
    }
    static char *will;
    will = kf_msg_offline(NULL, 0);
    esp_mqtt_client_config_t config = {
        .broker.address.uri = g_kf.cfg.mqtt_uri,
        .credentials.username = g_kf.cfg.mqtt_user,
        .credentials.client_id = g_kf.cfg.device_id,
        .credentials.authentication.password = g_kf.cfg.mqtt_pass,
        .session.keepalive = CONFIG_KUBEFLASH_MQTT_KEEPALIVE_S,
        .session.last_will.topic = kf_device_status_topic(&g_kf.device),
        .session.last_will.msg = will,
        .session.last_will.qos = 1,
        .session.last_will.retain = 1,
        .network.disable_auto_reconnect = true,
        .buffer.size = 2048,
        .task.stack_size = 6144,
    };
    if (g_kf.cfg.mqtts) {
        if (g_kf.cfg.mqtt_ca != NULL) {
            config.broker.verification.certificate = g_kf.cfg.mqtt_ca;
            config.broker.verification.certificate_len = g_kf.cfg.mqtt_ca_len;
        } else {
            config.broker.verification.crt_bundle_attach = esp_crt_bundle_attach;
        }
    }
    g_kf.mqtt = esp_mqtt_client_init(&config);
    if (g_kf.mqtt == NULL) {
        ESP_LOGE(TAG, "cannot create the MQTT client");
        return;
    }
    esp_mqtt_client_register_event(g_kf.mqtt, MQTT_EVENT_ANY, on_mqtt_event, NULL);
}

void kf_esp_mqtt_network_up(void)
{
    if (g_kf.mqtt == NULL) {
        return;
    }
    if (!g_kf.mqtt_started) {
        g_kf.mqtt_started = esp_mqtt_client_start(g_kf.mqtt) == ESP_OK;
    } else if (!g_kf.mqtt_connected) {
        esp_timer_stop(g_kf.mqtt_timer);
        esp_mqtt_client_reconnect(g_kf.mqtt); /* the network is back: do not wait for the backoff */
    }
}

void kf_esp_mqtt_stop(void)
{
    if (g_kf.mqtt != NULL && g_kf.mqtt_started) {
        esp_mqtt_client_disconnect(g_kf.mqtt);
        esp_mqtt_client_stop(g_kf.mqtt);
    }
}
