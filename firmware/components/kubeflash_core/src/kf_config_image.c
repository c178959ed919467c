#include "kf_config_image.h"

#include <stdio.h>
#include <string.h>

#include "kf_nvs_image.h"

kf_config_verdict_t kf_config_load_image(const uint8_t *image, size_t size, const char *ns, kf_config_t *cfg,
                                         kf_config_problem_t *problem)
{
    kf_config_problem_t scratch;
    if (problem == NULL) {
        problem = &scratch;
    }
    if (cfg != NULL) {
        memset(cfg, 0, sizeof(*cfg));
    }
    kf_nvs_image_t img;
    if (image == NULL || kf_nvs_image_open(&img, image, size) != KF_OK) {
        kf_config_problem_set(problem, KF_CONFIG_CORRUPT, NULL, "config partition size is not a whole number of pages");
        return problem->verdict;
    }
    if (img.corrupt_pages > 0 || img.bad_entries > 0) {
        char reason[sizeof(problem->reason)];
        snprintf(reason, sizeof(reason), "config partition damaged: %u bad pages, %u bad entries",
                 (unsigned)img.corrupt_pages, (unsigned)img.bad_entries);
        kf_config_problem_set(problem, KF_CONFIG_CORRUPT, NULL, reason);
        return problem->verdict;
    }
    kf_nvs_image_ns_t binding;
    kf_kv_t kv;
    if (kf_nvs_image_kv(&img, ns, &binding, &kv) != KF_OK) {
        kf_config_problem_set(problem, KF_CONFIG_MISSING, NULL, "config partition has no config namespace");
        return problem->verdict;
    }
    return kf_config_load(&kv, cfg, problem);
}
