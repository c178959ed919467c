/* The factory-reset button: held for CONFIG_KUBEFLASH_FACTORY_RESET_HOLD_S seconds (kf_button.h). */
#include "driver/gpio.h"
#include "esp_log.h"
#include "sdkconfig.h"

#include "kf_button.h"
#include "platform.h"

#if CONFIG_KUBEFLASH_FACTORY_RESET_GPIO >= 0
static const char *TAG = "kf.button";
static kf_button_t s_button;
static bool s_enabled;
#endif

void kf_esp_button_init(void)
{
#if CONFIG_KUBEFLASH_FACTORY_RESET_GPIO >= 0
    gpio_config_t io = {
        .pin_bit_mask = 1ULL << CONFIG_KUBEFLASH_FACTORY_RESET_GPIO,
        .mode = GPIO_MODE_INPUT,
        .pull_up_en = GPIO_PULLUP_ENABLE,
        .pull_down_en = GPIO_PULLDOWN_DISABLE,
        .intr_type = GPIO_INTR_DISABLE,
    };
    s_enabled = gpio_config(&io) == ESP_OK;
    kf_button_init(&s_button, CONFIG_KUBEFLASH_FACTORY_RESET_HOLD_S * 1000u);
#endif
}

/* Called every 100 ms by the app task. */
void kf_esp_button_poll(uint64_t now_ms)
{
#if CONFIG_KUBEFLASH_FACTORY_RESET_GPIO >= 0
    if (s_enabled && kf_button_sample(&s_button, gpio_get_level(CONFIG_KUBEFLASH_FACTORY_RESET_GPIO) == 0, now_ms)) {
        ESP_LOGW(TAG, "button held: factory reset");
        kf_esp_request_restart(KF_RESTART_FACTORY_RESET);
    }
#else
    (void)now_ms;
#endif
}
