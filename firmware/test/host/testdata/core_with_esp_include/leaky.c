/* A core file that breaks the rule: check_core_includes.cmake must reject this folder. */
#include <stdint.h>
#include "esp_log.h"

int leaky(void)
{
    return 0;
}
