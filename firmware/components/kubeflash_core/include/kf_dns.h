#pragma once
/*
 * Portable core: no ESP-IDF includes. The captive portal's DNS answer: every A query gets the SoftAP's address,
 * so phones and laptops that join the setup network open the setup page. Other query types get an empty
 * NOERROR answer. The platform owns the UDP socket on port 53.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Builds the answer to one DNS query. `ip` is IPv4 in host byte order. KF_ERR_INVALID_ARG for anything that is
 * not a well-formed standard query with one question (the platform then sends nothing).
 */
kf_err_t kf_dns_answer(const uint8_t *query, size_t len, uint32_t ip, uint8_t *out, size_t cap, size_t *out_len);

#ifdef __cplusplus
}
#endif
