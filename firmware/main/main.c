/* kubeflash firmware entry point: wiring only; everything lives in components/. */
#include "kf_platform.h"

void app_main(void)
{
    kf_platform_start();
}
